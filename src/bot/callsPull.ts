/** `calls last 24h` and friends: records from the Detailed Call History API, summarised like an upload. */
import { CallSummaryBuilder, requiredColumnsOnly, resolveColumns, toCsvLine } from '../calls/index.js';
import { fieldText, recordText, type CallRecord } from '../calls/record.js';
import { summaryOptions, type CallsResult } from './callsReport.js';
import type { CallHistory } from './ports.js';
import type { CommandContext } from './types.js';
import { CALLS_TEXT } from '../render/messages/callsText.js';

/** Progress goes to the space only for a pull that takes a while, and not too often. */
const PROGRESS_AFTER_MS = 3_000;
const PROGRESS_EVERY_MS = 20_000;

export async function pullCallsSummary(
  ctx: CommandContext,
  callHistory: CallHistory,
  range: { start: Date; end: Date },
  email: string | undefined,
): Promise<{ result: CallsResult; csv: Buffer; trimmed: boolean }> {
  const started = Date.now();
  let lastProgress = started;
  const pull = callHistory.pull({
    start: range.start,
    end: range.end,
    onProgress: ({ window, windows }) => {
      const now = Date.now();
      if (now - started < PROGRESS_AFTER_MS || now - lastProgress < PROGRESS_EVERY_MS) return;
      lastProgress = now;
      void ctx.say({ markdown: CALLS_TEXT.progress(window, windows) }).catch(() => undefined);
    },
  });
  let header: string[] | undefined;
  let builder: CallSummaryBuilder | undefined;
  const csv: string[] = [];
  for await (const record of pull) {
    if (email && !matchesUser(record, email)) continue;
    if (!builder || !header) {
      header = Object.keys(record);
      const columns = resolveColumns(header);
      if (!columns.ok) throw new Error(CALLS_TEXT.apiMissingColumns(columns.missing));
      builder = new CallSummaryBuilder(columns.columns, summaryOptions(ctx));
      csv.push(toCsvLine(header));
    }
    const row = header.map((key) => fieldText(record[key]));
    if (builder.addRow(row) === 'webex-go') csv.push(toCsvLine(row));
  }
  const summary = (builder ?? new CallSummaryBuilder(requiredColumnsOnly(), summaryOptions(ctx))).result();
  return {
    result: { summary, brokenSamples: [] },
    csv: Buffer.from(csv.join('')),
    trimmed: pull.trimmed,
  };
}

function matchesUser(record: CallRecord, email: string): boolean {
  return [recordText(record, 'User'), recordText(record, 'User email'), recordText(record, 'Email')].some((v) => v.toLowerCase() === email);
}

