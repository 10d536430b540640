/**
 * Which windows a pull asks for.
 *
 * - Range. Records can be asked for from 30 days ago up to 5 minutes ago. A range that reaches
 *   outside that is TRIMMED (start older than 30 days → start moved to 30 days ago plus a 1-minute
 *   margin; end later than 5 minutes ago → end moved to 6 minutes ago; the margins absorb clock
 *   differences), and `plan.trimmedStart` / `plan.trimmedEnd` say so, so the caller can tell the
 *   admin. A range with nothing left after trimming is REFUSED (`CdrFeedError` of kind `range`):
 *   wholly older than 30 days, wholly within the last 5 minutes, an end not after the start, or an
 *   invalid date.
 * - Windows. At most 12 hours per request: the range is cut into consecutive 12-hour windows (the
 *   last one shorter), asked for oldest first. Windows are adjacent (one's end is the next one's
 *   start); if the API counts a record at the boundary in both, the duplicate is left to the
 *   summary, which de-duplicates by `Report ID`.
 */
import { CdrFeedError } from './errors.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** The longest window one request may ask for. */
export const MAX_WINDOW_MS = 12 * HOUR;
/** Records are kept this long… */
export const OLDEST_AVAILABLE_MS = 30 * DAY;
/** …and become available this long after the call ended. */
export const NEWEST_AVAILABLE_MS = 5 * MINUTE;
/** Kept clear of both limits, for clock differences and the time the pull takes. */
export const RANGE_MARGIN_MS = MINUTE;

export interface CallHistoryWindow {
  /** 1-based. */
  index: number;
  start: Date;
  end: Date;
}

export interface CallHistoryPlan {
  /** What the caller asked for. */
  requested: { start: Date; end: Date };
  /** What will be asked for, after trimming to what the API keeps. */
  start: Date;
  end: Date;
  /** The start was older than 30 days and was moved. */
  trimmedStart: boolean;
  /** The end was within the last 5 minutes (or later) and was moved. */
  trimmedEnd: boolean;
  windows: CallHistoryWindow[];
}

/**
 * The range trimmed to what the API keeps (see the module comment) and cut into ≤ 12-hour
 * windows. Throws `CdrFeedError` (kind `range`) when nothing is left to ask for.
 */
export function planCallHistoryWindows(start: Date, end: Date, now: Date): CallHistoryPlan {
  for (const [name, date] of [['start', start], ['end', end], ['current time', now]] as const) {
    if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
      throw new CdrFeedError('range', `The call history ${name} is not a valid date.`);
    }
  }
  if (end.getTime() <= start.getTime()) {
    throw new CdrFeedError('range', `The call history range must end after it starts (${stamp(start)} – ${stamp(end)}).`);
  }
  const earliest = now.getTime() - OLDEST_AVAILABLE_MS + RANGE_MARGIN_MS;
  const latest = now.getTime() - NEWEST_AVAILABLE_MS - RANGE_MARGIN_MS;
  if (end.getTime() <= earliest) {
    throw new CdrFeedError(
      'range',
      `Webex keeps detailed call history for 30 days only: the range ${stamp(start)} – ${stamp(end)} ended more than 30 days ago.`,
    );
  }
  if (start.getTime() >= latest) {
    throw new CdrFeedError(
      'range',
      `Calls reach the detailed call history about 5 minutes after they end: nothing is available yet from ${stamp(start)} on.`,
    );
  }
  const from = Math.max(start.getTime(), earliest);
  const to = Math.min(end.getTime(), latest);
  const windows: CallHistoryWindow[] = [];
  for (let at = from; at < to; at += MAX_WINDOW_MS) {
    windows.push({ index: windows.length + 1, start: new Date(at), end: new Date(Math.min(at + MAX_WINDOW_MS, to)) });
  }
  return {
    requested: { start: new Date(start), end: new Date(end) },
    start: new Date(from),
    end: new Date(to),
    trimmedStart: from !== start.getTime(),
    trimmedEnd: to !== end.getTime(),
    windows,
  };
}

/** `YYYY-MM-DDTHH:MM:SS.mmmZ`, the one format the API takes. */
export function formatCdrTime(date: Date): string {
  return date.toISOString();
}

/** A window as an admin reads it: `2026-11-01 00:00 UTC – 2026-11-01 12:00 UTC`. */
export function describeWindow(window: CallHistoryWindow): string {
  return `${stamp(window.start)} – ${stamp(window.end)}`;
}

function stamp(date: Date): string {
  return Number.isNaN(date.getTime()) ? 'an invalid date' : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
