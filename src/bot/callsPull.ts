/** `calls last 24h` and friends: records from the Detailed Call History API, summarised like an upload. */
import { CallSummaryBuilder, resolveColumns, toCsvLine } from '../calls/index.js';
import { pullCallHistory, type CallHistoryPull } from '../calls/feed/cdrFeedClient.js';
import { recordText, type CallRecord } from '../calls/feed/record.js';
import type { CallsResult } from './callsReport.js';
import type { CommandContext } from './types.js';
import { CALLS_TEXT } from '../render/messages/callsText.js';

/** Where the API is and who may read it; absent without WEBEX_ADMIN_TOKEN. */
export interface CallHistoryAccess {
  token: string;
  /** The API's base URL (the offline mode serves its own); default Webex's. */
  baseUrl: () => string | undefined;
  /** Keep to the documented rate limit between windows (off against the local fake). */
  pacing: boolean;
}

/** Progress goes to the space only for a pull that takes a while, and not too often. */
const PROGRESS_AFTER_MS = 3_000;
const PROGRESS_EVERY_MS = 20_000;

export async function pullCallsSummary(
  ctx: CommandContext,
  access: CallHistoryAccess,
  range: { start: Date; end: Date },
  email: string | undefined,
): Promise<{ result: CallsResult; csv: Buffer; trimmed: boolean }> {
  const started = Date.now();
  let lastProgress = started;
  const baseUrl = access.baseUrl();
  const pull: CallHistoryPull = pullCallHistory({
    token: access.token,
    ...(baseUrl ? { baseUrl } : {}),
    start: range.start,
    end: range.end,
    ...(access.pacing ? {} : { pacing: false as const }),
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
      builder = new CallSummaryBuilder(columns.columns);
      csv.push(toCsvLine(header));
    }
    const row = header.map((key) => fieldText(record[key]));
    if (builder.addRow(row) === 'webex-go') csv.push(toCsvLine(row));
  }
  const summary = (builder ?? new CallSummaryBuilder(emptyColumns())).result();
  return {
    result: { summary, brokenSamples: [] },
    csv: Buffer.from(csv.join('\r\n') + (csv.length ? '\r\n' : '')),
    trimmed: Boolean(pull.plan.trimmedStart || pull.plan.trimmedEnd),
  };
}

function fieldText(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}

function matchesUser(record: CallRecord, email: string): boolean {
  return [recordText(record, 'User'), recordText(record, 'User email'), recordText(record, 'Email')].some((v) => v.toLowerCase() === email);
}

/** Columns for a pull that found nothing: the summary of no records. */
function emptyColumns() {
  const resolved = resolveColumns(['Report ID', 'Start time', 'Sub client type', 'Correlation ID', 'Direction', 'Answered', 'Duration', 'User']);
  if (!resolved.ok) throw new Error(`required columns changed: ${resolved.missing.join(', ')}`);
  return resolved.columns;
}
