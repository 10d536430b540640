/** `calls last 24h` and friends: records from the Detailed Call History API, summarised like an upload. */
import { CallSummaryBuilder, recordsOf, requiredColumnsOnly, resolveColumns, toCsvLine, type PersonKey } from '../calls/index.js';
import { fieldText } from '../calls/record.js';
import { CallsProgress } from './callsProgress.js';
import { replyWithCallsReport, summaryOptions } from './callsReport.js';
import type { CallHistory } from './ports.js';
import { languageHere } from './language.js';
import type { CommandContext } from './types.js';
import { callsText } from '../render/messages/callsText.js';

/**
 * Pulls the period's records, window by window, and answers with the report; a pull of more than
 * one window (paced a minute apart, as the API allows) says "working on it" at once, and what it waits for.
 */
export async function pullCallsSummary(
  ctx: CommandContext,
  callHistory: CallHistory,
  range: { start: Date; end: Date },
  person: PersonKey | undefined,
): Promise<void> {
  const words = callsText(languageHere(ctx));
  let windowText = words.pullStarting;
  let progress: CallsProgress | undefined;
  let pull;
  try {
    pull = callHistory.pull({
      start: range.start,
      end: range.end,
      onProgress: ({ window, windows, records }) => {
        windowText = words.pullProgress(window, windows, records);
        progress ??= new CallsProgress(ctx, windowText, { now: windows > 1 });
        progress.report(windowText);
      },
      onWait: (ms) => progress?.report(words.pullWaiting(windowText, ms), true),
    });
  } catch (error) {
    return ctx.reply({ markdown: words.pullFailed((error as Error).message) });
  }
  const keep = person ? recordsOf(person) : undefined;
  let header: string[] | undefined;
  let builder: CallSummaryBuilder | undefined;
  const csv: string[] = [];
  try {
    for await (const record of pull) {
      if (!builder || !header) {
        header = Object.keys(record);
        const columns = resolveColumns(header);
        if (!columns.ok) throw new Error(words.apiMissingColumns(columns.missing));
        builder = new CallSummaryBuilder(columns.columns, summaryOptions(ctx));
        csv.push(toCsvLine(header));
      }
      const row = header.map((key) => fieldText(record[key]));
      if (keep && !keep(row, builder.columns)) continue;
      if (builder.addRow(row) === 'webex-go') csv.push(toCsvLine(row));
    }
  } catch (error) {
    const failed = { markdown: words.pullFailed((error as Error).message) };
    return progress ? progress.finish(failed) : ctx.reply(failed);
  }
  const summary = (builder ?? new CallSummaryBuilder(requiredColumnsOnly(), summaryOptions(ctx))).result();
  const source = words.fromApi(range.start, range.end, person?.email, pull.trimmed);
  await replyWithCallsReport(ctx, progress ?? new CallsProgress(ctx, windowText, { now: false }), { summary, brokenSamples: [] }, source, Buffer.from(csv.join('')), person);
}
