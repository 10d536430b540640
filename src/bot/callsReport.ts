/** The `calls` answer: one summary card, the chart and the Webex Go records as files. */
import { gzipSync } from 'node:zlib';
import { callsPerDayPng, crossCheck } from '../calls/index.js';
import type { AcceptedExport, CallSummary, CrossCheck, SummaryOptions } from '../calls/index.js';
import { renderCard } from '../render/cards/renderCard.js';
import type { OutgoingFile, OutgoingMessage } from './ports.js';
import type { CommandContext } from './types.js';
import { CALLS_TEXT, crossCheckText, fallbackText, periodFileName, periodText, problemsText, summaryFacts, userLabel } from '../render/messages/callsText.js';

/** How the summary counts days: in CALLS_TIMEZONE when set, else in each record's site's time zone. */
export function summaryOptions(ctx: CommandContext): SummaryOptions {
  return ctx.deps.callsTimeZone ? { timeZone: ctx.deps.callsTimeZone } : {};
}

/** What both the upload and the API pull produce. */
export type CallsResult = Pick<AcceptedExport, 'summary' | 'brokenSamples' | 'stoppedAt'>;

/** A Webex Go CSV larger than this goes gzip-compressed: a space is no place for tens of MB. */
export const COMPRESS_CSV_ABOVE_BYTES = 4 * 1024 * 1024;

/** The Webex Go records as the file to attach: the CSV, or it gzip-compressed when large; its name carries the period. */
export function webexGoCsvFile(csv: Buffer, summary: Pick<CallSummary, 'firstDay' | 'lastDay'>): OutgoingFile {
  const filename = `${periodFileName('webex-go-calls', summary)}.csv`;
  if (csv.length <= COMPRESS_CSV_ABOVE_BYTES) return { filename, contentType: 'text/csv', data: csv };
  return { filename: `${filename}.gz`, contentType: 'application/gzip', data: gzipSync(csv) };
}

/** The summary card, with the same figures in text for clients that show no card. */
export function callsCard(result: CallsResult, check: CrossCheck, source: string, csvFile?: OutgoingFile): OutgoingMessage {
  const { summary } = result;
  const notes = [...problemsText(result), ...crossCheckText(check, (text) => text)];
  const facts = summaryFacts(summary);
  if (csvFile) facts.push(csvFact(summary.webexGoRecords, csvFile));
  const card = renderCard('calls', {
    title: CALLS_TEXT.title(summary.webexGoCalls, summary.allCalls),
    source,
    facts,
    topUsers: summary.topUsers.map((u) => ({ user: userLabel(u), calls: String(u.calls) })),
    days: summary.byDay.map((d) => ({ day: d.day, calls: String(d.calls) })),
    notes: notes.map((text) => ({ text })),
    raw: { hasTopUsers: summary.topUsers.length > 0, hasDays: summary.byDay.length > 0 },
  });
  return { markdown: fallbackText(result, check), card };
}

function csvFact(records: number, file: OutgoingFile) {
  return { title: 'Webex Go records file', value: CALLS_TEXT.csvFile(records, file.filename, file.contentType === 'application/gzip') };
}

export async function replyWithCallsReport(ctx: CommandContext, result: CallsResult, source: string, webexGoCsv?: Buffer): Promise<void> {
  const { summary } = result;
  const devices = ctx.deps.service.devices().map((d) => ({ email: d.email, status: d.status }));
  const check = crossCheck(summary, devices);
  const csvFile = webexGoCsv && summary.webexGoRecords > 0 ? webexGoCsvFile(webexGoCsv, summary) : undefined;
  await ctx.say(callsCard(result, check, source, csvFile));
  if (summary.byDay.length > 0) {
    await ctx.say({
      markdown: CALLS_TEXT.chartCaption,
      file: {
        filename: `${periodFileName('webex-go-calls-per-day', summary)}.png`,
        contentType: 'image/png',
        data: await callsPerDayPng(summary.byDay, { period: periodText(summary) }),
      },
    });
  }
  if (csvFile) await ctx.say({ markdown: CALLS_TEXT.csvCaption(summary.webexGoRecords, csvFile.contentType === 'application/gzip'), file: csvFile });
}
