/** The `calls` answer: one summary card, the chart and the Webex Go records as files. */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { crossCheck } from '../calls/index.js';
import type { AcceptedExport, CallSummary, CrossCheck, DeviceLike, PersonKey, SummaryOptions, UserCalls } from '../calls/index.js';
import type { CallsProgress } from './callsProgress.js';
import { languageHere } from './language.js';
import { personUuids } from './people.js';
import { renderCard } from '../render/cards/renderCard.js';
import type { OutgoingFile, OutgoingMessage } from './ports.js';
import type { CommandContext } from './types.js';
import type { Language } from '../domain/types.js';
import { callsText, periodFileName, userLabel } from '../render/messages/callsText.js';

/** How the summary counts days: in CALLS_TIMEZONE when set, else in each record's site's time zone. */
export function summaryOptions(ctx: CommandContext): SummaryOptions {
  return ctx.deps.callsTimeZone ? { timeZone: ctx.deps.callsTimeZone } : {};
}

/** What both the upload and the API pull produce. */
export type CallsResult = Pick<AcceptedExport, 'summary' | 'brokenSamples' | 'stoppedAt'>;

/** A Webex Go CSV larger than this goes gzip-compressed: a space is no place for tens of MB. */
export const COMPRESS_CSV_ABOVE_BYTES = 4 * 1024 * 1024;

/** The Webex Go records as the file to attach: the CSV, or it gzip-compressed when large; its name carries the period. */
export async function webexGoCsvFile(csv: Buffer, summary: Pick<CallSummary, 'firstDay' | 'lastDay'>): Promise<OutgoingFile> {
  const filename = `${periodFileName('webex-go-calls', summary)}.csv`;
  if (csv.length <= COMPRESS_CSV_ABOVE_BYTES) return { filename, contentType: 'text/csv', data: csv };
  // Off the event loop's thread: tens of MB take a moment to compress.
  return { filename: `${filename}.gz`, contentType: 'application/gzip', data: await gzipAsync(csv) };
}

const gzipAsync = promisify(gzip);

/** The summary card, with the same figures in text for clients that show no card. */
export function callsCard(result: CallsResult, check: CrossCheck, source: string, lang: Language, csvFile?: OutgoingFile): OutgoingMessage {
  const { summary } = result;
  const words = callsText(lang);
  const notes = [...words.problemsText(result), ...words.crossCheckText(check, (text) => text)];
  const facts = words.summaryFacts(summary);
  if (csvFile) facts.push(words.csvFact(summary.webexGoRecords, csvFile.filename, isGzip(csvFile)));
  const card = renderCard('calls', {
    title: words.title(summary.webexGoCalls, summary.allCalls),
    source,
    facts,
    topUsers: summary.topUsers.map((u) => ({ user: userLabel(u), calls: String(u.calls) })),
    days: summary.byDay.map((d) => ({ day: words.day(d.day), calls: String(d.calls) })),
    notes: notes.map((text) => ({ text })),
    raw: { hasTopUsers: summary.topUsers.length > 0, hasDays: summary.byDay.length > 0 },
  }, lang);
  return { markdown: words.fallbackText(result, check), card };
}

const isGzip = (file: OutgoingFile) => file.contentType === 'application/gzip';

/**
 * The devices here with the Webex person each belongs to, for matching call records by person.
 * `also` adds a person the command named (`calls <email>`), known even without a device.
 */
async function knownPeople(ctx: CommandContext, also?: PersonKey): Promise<{ devices: DeviceLike[]; emailByUuid: Map<string, string> }> {
  const stored = ctx.deps.service.devices();
  const uuids = await personUuids(ctx.deps.messenger, stored.map((d) => d.email));
  const devices = stored.map((d): DeviceLike => {
    const personUuid = uuids.get(d.email.trim().toLowerCase());
    return { email: d.email, status: d.status, ...(personUuid ? { personUuid } : {}) };
  });
  const emailByUuid = new Map<string, string>();
  for (const d of devices) if (d.personUuid) emailByUuid.set(d.personUuid, d.email.trim().toLowerCase());
  if (also?.uuid && also.email) emailByUuid.set(also.uuid, also.email);
  return { devices, emailByUuid };
}

/** The summary with the email of each person the bot knows by their UUID. */
function withKnownEmails(summary: CallSummary, emailByUuid: ReadonlyMap<string, string>): CallSummary {
  const known = (user: UserCalls): UserCalls => {
    const email = user.email === undefined && user.uuid !== undefined ? emailByUuid.get(user.uuid) : undefined;
    return email === undefined ? user : { ...user, email };
  };
  return { ...summary, users: summary.users.map(known), topUsers: summary.topUsers.map(known) };
}

/** Posts the card (replacing the progress message), the chart and the Webex Go records. */
export async function replyWithCallsReport(
  ctx: CommandContext,
  progress: CallsProgress,
  analysed: CallsResult,
  source: string,
  webexGoCsv: Buffer | undefined,
  person?: PersonKey,
): Promise<void> {
  const { devices, emailByUuid } = await knownPeople(ctx, person);
  const result = { ...analysed, summary: withKnownEmails(analysed.summary, emailByUuid) };
  const { summary } = result;
  const check = crossCheck(summary, devices);
  const csvFile = webexGoCsv && summary.webexGoRecords > 0 ? await webexGoCsvFile(webexGoCsv, summary) : undefined;
  const lang = languageHere(ctx);
  const words = callsText(lang);
  await progress.finish(callsCard(result, check, source, lang, csvFile));
  if (summary.byDay.length > 0) {
    await ctx.say({
      markdown: words.chartCaption,
      file: {
        filename: `${periodFileName('webex-go-calls-per-day', summary)}.png`,
        contentType: 'image/png',
        data: await ctx.deps.chartPng(summary.byDay, words.chartWords(summary), lang),
      },
    });
  }
  if (csvFile) await ctx.say({ markdown: words.csvCaption(summary.webexGoRecords, isGzip(csvFile)), file: csvFile });
}
