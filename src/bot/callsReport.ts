/** The `calls` answer: one summary card, the chart and the Webex Go records as files. */
import { callsPerDayPng, crossCheck } from '../calls/index.js';
import type { AcceptedExport, CrossCheck } from '../calls/index.js';
import { renderCard } from '../render/cards/renderCard.js';
import type { OutgoingMessage } from './ports.js';
import type { CommandContext } from './types.js';
import { CALLS_TEXT, crossCheckText, fallbackText, problemsText, summaryFacts, userLabel } from '../render/messages/callsText.js';

/** What both the upload and the API pull produce. */
export type CallsResult = Pick<AcceptedExport, 'summary' | 'brokenSamples' | 'stoppedAt'>;

/** The summary card, with the same figures in text for clients that show no card. */
export function callsCard(result: CallsResult, check: CrossCheck, source: string): OutgoingMessage {
  const { summary } = result;
  const notes = [...problemsText(result), ...crossCheckText(check, (text) => text)];
  const card = renderCard('calls', {
    title: CALLS_TEXT.title(summary.webexGoCalls, summary.allCalls),
    source,
    facts: summaryFacts(summary),
    topUsers: summary.topUsers.map((u) => ({ user: userLabel(u), calls: String(u.calls) })),
    days: summary.byDay.map((d) => ({ day: d.day, calls: String(d.calls) })),
    notes: notes.map((text) => ({ text })),
    raw: { hasTopUsers: summary.topUsers.length > 0, hasDays: summary.byDay.length > 0 },
  });
  return { markdown: fallbackText(result, check), card };
}

export async function replyWithCallsReport(ctx: CommandContext, result: CallsResult, source: string, webexGoCsv?: Buffer): Promise<void> {
  const { summary } = result;
  const devices = ctx.deps.service.devices().map((d) => ({ email: d.email, status: d.status }));
  const check = crossCheck(summary, devices);
  await ctx.say(callsCard(result, check, source));
  if (summary.byDay.length > 0) {
    await ctx.say({
      markdown: CALLS_TEXT.chartCaption,
      file: { filename: 'webex-go-calls-per-day.png', contentType: 'image/png', data: await callsPerDayPng(summary.byDay) },
    });
  }
  if (webexGoCsv && summary.webexGoRecords > 0) {
    await ctx.say({
      markdown: CALLS_TEXT.csvCaption(summary.webexGoRecords),
      file: { filename: 'webex-go-calls.csv', contentType: 'text/csv', data: webexGoCsv },
    });
  }
}
