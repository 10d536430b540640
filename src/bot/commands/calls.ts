import { Writable } from 'node:stream';
import { analyseExport, personUuidOfId, recordsOf, type PersonKey } from '../../calls/index.js';
import { isEmail, normalizeEmail } from '../../domain/email.js';
import { usageError } from '../args.js';
import { CallsProgress } from '../callsProgress.js';
import { pullCallsSummary } from '../callsPull.js';
import { replyWithCallsReport, summaryOptions } from '../callsReport.js';
import { languageHere } from '../language.js';
import type { Command, CommandContext } from '../types.js';
import { callsText } from '../../render/messages/callsText.js';

type CallsWords = ReturnType<typeof callsText>;

const HOUR_MS = 60 * 60 * 1000;
/** An upload this large is long work from the start: its "working on it" message goes at once. */
const LARGE_UPLOAD_BYTES = 5 * 1024 * 1024;

/** "last 24h", "last 7d", "last 3 days", "2026-11-01..2026-11-07": a time range, or what is wrong. */
export function parseRange(text: string, now: Date, words: CallsWords): { start: Date; end: Date } | string {
  const last = /^last\s+(\d{1,3})\s*(h|hours?|d|days?)$/i.exec(text);
  if (last) {
    const hours = Number(last[1]) * (last[2].toLowerCase().startsWith('h') ? 1 : 24);
    if (hours < 1) return words.emptyRange;
    return { start: new Date(now.getTime() - hours * HOUR_MS), end: now };
  }
  const span = /^(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})$/.exec(text);
  if (span) {
    const start = new Date(`${span[1]}T00:00:00.000Z`);
    const end = new Date(Date.parse(`${span[2]}T00:00:00.000Z`) + 24 * HOUR_MS);
    if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) return words.badDate;
    if (end <= start) return words.emptyRange;
    return { start, end: end > now ? now : end };
  }
  return words.notAPeriod(text);
}

/**
 * The person `calls <email>` names: their Webex person UUID (what records carry as `User UUID`)
 * and email. Undefined, after telling the admin, when Webex knows no one by that email.
 */
async function personNamed(ctx: CommandContext, email: string, words: CallsWords): Promise<PersonKey | undefined> {
  let found;
  try {
    found = await ctx.deps.messenger.findPerson(email);
  } catch (error) {
    await ctx.reply({ markdown: words.personLookupFailed(email, (error as Error).message) });
    return undefined;
  }
  const uuid = found && personUuidOfId(found.id);
  if (!uuid) {
    await ctx.reply({ markdown: words.unknownPerson(email) });
    return undefined;
  }
  return { uuid, email };
}

async function analyseUpload(ctx: CommandContext, url: string, person: PersonKey | undefined, words: CallsWords): Promise<void> {
  const { messenger, maxUploadBytes } = ctx.deps;
  let file;
  try {
    file = await messenger.download(url);
  } catch (error) {
    return ctx.reply({ markdown: words.downloadFailed((error as Error).message) });
  }
  if (file.size !== undefined && file.size > maxUploadBytes) {
    file.stream.destroy();
    return ctx.reply({ markdown: words.refusalText({ ok: false, reason: 'too-large', maxBytes: maxUploadBytes, bytesRead: 0 })! });
  }
  const size = file.size;
  const progress = new CallsProgress(ctx, words.readingUpload(0, size), { now: size !== undefined && size > LARGE_UPLOAD_BYTES });
  const chunks: Buffer[] = [];
  const csv = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  let result;
  try {
    const analysis = analyseExport(file.stream, {
      maxBytes: maxUploadBytes,
      webexGoCsv: csv,
      summary: summaryOptions(ctx),
      ...(person ? { keepRecord: recordsOf(person) } : {}),
      ...(size !== undefined ? { expectedBytes: size } : {}),
    });
    // Counted beside the analysis, which has put the stream in flowing mode already.
    let bytes = 0;
    file.stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      progress.report(words.readingUpload(bytes, size));
    });
    result = await analysis;
  } catch (error) {
    // Only the download can fail here (its deadline passed, the connection broke): `csv` is memory.
    return progress.finish({ markdown: words.downloadFailed((error as Error).message) });
  }
  if (!result.ok) return progress.finish({ markdown: words.refusalText(result)! });
  await replyWithCallsReport(ctx, progress, result, words.fromUpload(file.filename, person?.email), Buffer.concat(chunks), person);
}

export const callsCommand: Command = {
  name: 'calls',
  phrases: ['calls', 'call history', 'cdr', 'webex go calls', 'обаждания'],
  access: 'admin',
  audit: 'calls',
  usage: 'calls [email] last 24h|last 7d|YYYY-MM-DD..YYYY-MM-DD',
  example: 'calls last 7d',
  async run(ctx) {
    const words = callsText(languageHere(ctx));
    const [first, ...rest] = ctx.args.split(' ');
    const email = isEmail(first) ? normalizeEmail(first) : undefined;
    const person = email ? await personNamed(ctx, email, words) : undefined;
    if (email && !person) return;
    if (ctx.files.length > 0) return analyseUpload(ctx, ctx.files[0], person, words);
    if (!ctx.args) return usageError(ctx, this, words.nothingToRead);
    const range = parseRange(email ? rest.join(' ') : ctx.args, new Date(), words);
    if (typeof range === 'string') return usageError(ctx, this, range);
    const { callHistory } = ctx.deps;
    if (!callHistory) return ctx.reply({ markdown: words.noAdminToken });
    await pullCallsSummary(ctx, callHistory, range, person);
  },
};
