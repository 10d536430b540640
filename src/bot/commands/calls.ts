import { Writable } from 'node:stream';
import { analyseExport } from '../../calls/index.js';
import { isEmail, normalizeEmail } from '../../domain/email.js';
import { usageError } from '../args.js';
import { pullCallsSummary } from '../callsPull.js';
import { replyWithCallsReport, summaryOptions } from '../callsReport.js';
import type { Command, CommandContext } from '../types.js';
import { CALLS_TEXT, refusalText } from '../../render/messages/callsText.js';

const HOUR_MS = 60 * 60 * 1000;

/** "last 24h", "last 7d", "last 3 days", "2026-11-01..2026-11-07": a time range, or what is wrong. */
export function parseRange(text: string, now: Date): { start: Date; end: Date } | string {
  const last = /^last\s+(\d{1,3})\s*(h|hours?|d|days?)$/i.exec(text);
  if (last) {
    const hours = Number(last[1]) * (last[2].toLowerCase().startsWith('h') ? 1 : 24);
    if (hours < 1) return CALLS_TEXT.emptyRange;
    return { start: new Date(now.getTime() - hours * HOUR_MS), end: now };
  }
  const span = /^(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})$/.exec(text);
  if (span) {
    const start = new Date(`${span[1]}T00:00:00.000Z`);
    const end = new Date(Date.parse(`${span[2]}T00:00:00.000Z`) + 24 * HOUR_MS);
    if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) return CALLS_TEXT.badDate;
    if (end <= start) return CALLS_TEXT.emptyRange;
    return { start, end: end > now ? now : end };
  }
  return CALLS_TEXT.notAPeriod(text);
}

async function analyseUpload(ctx: CommandContext, url: string): Promise<void> {
  const { messenger, maxUploadBytes } = ctx.deps;
  let file;
  try {
    file = await messenger.download(url);
  } catch (error) {
    return ctx.reply({ markdown: CALLS_TEXT.downloadFailed((error as Error).message) });
  }
  if (file.size !== undefined && file.size > maxUploadBytes) {
    file.stream.destroy();
    return ctx.reply({ markdown: refusalText({ ok: false, reason: 'too-large', maxBytes: maxUploadBytes, bytesRead: 0 })! });
  }
  const chunks: Buffer[] = [];
  const csv = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  let result;
  try {
    result = await analyseExport(file.stream, {
      maxBytes: maxUploadBytes,
      webexGoCsv: csv,
      summary: summaryOptions(ctx),
      ...(file.size !== undefined ? { expectedBytes: file.size } : {}),
    });
  } catch (error) {
    // Only the download can fail here (its deadline passed, the connection broke): `csv` is memory.
    return ctx.reply({ markdown: CALLS_TEXT.downloadFailed((error as Error).message) });
  }
  if (!result.ok) return ctx.reply({ markdown: refusalText(result)! });
  await replyWithCallsReport(ctx, result, CALLS_TEXT.fromUpload(file.filename), Buffer.concat(chunks));
}

export const callsCommand: Command = {
  name: 'calls',
  phrases: ['calls', 'call history', 'cdr', 'webex go calls'],
  access: 'admin',
  audit: 'calls',
  usage: 'calls [email] last 24h|last 7d|YYYY-MM-DD..YYYY-MM-DD',
  example: 'calls last 7d',
  summary: 'Webex Go calls from the Detailed Call History: attach the Control Hub export, or pull a period',
  async run(ctx) {
    if (ctx.files.length > 0) return analyseUpload(ctx, ctx.files[0]);
    if (!ctx.args) return usageError(ctx, this, CALLS_TEXT.nothingToRead);
    const [first, ...rest] = ctx.args.split(' ');
    const email = isEmail(first) ? normalizeEmail(first) : undefined;
    const range = parseRange(email ? rest.join(' ') : ctx.args, new Date());
    if (typeof range === 'string') return usageError(ctx, this, range);
    const { callHistory } = ctx.deps;
    if (!callHistory) return ctx.reply({ markdown: CALLS_TEXT.noAdminToken });
    try {
      const { result, csv, trimmed } = await pullCallsSummary(ctx, callHistory, range, email);
      const source = CALLS_TEXT.fromApi(range.start, range.end, email, trimmed);
      await replyWithCallsReport(ctx, result, source, csv);
    } catch (error) {
      await ctx.reply({ markdown: CALLS_TEXT.pullFailed((error as Error).message) });
    }
  },
};
