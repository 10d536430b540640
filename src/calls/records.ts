/**
 * Reading Detailed Call History records (Control Hub CSV export or cdr_feed JSON keys): which
 * column holds which field, blank values, and what makes a record a Webex Go record.
 *
 * Header names are matched case-insensitively and ignoring spaces, underscores, hyphens and dots:
 * `Sub client type`, `Sub Client Type`, `sub_client_type` and `SubClientType` are one column.
 * Records are read as arrays of strings, positioned by the resolved columns: no per-record objects.
 */

/** Fields the analysis reads. */
export interface CallColumns {
  /** Number of fields in the header: a record with another count is broken. */
  width: number;
  reportId: number;
  startTime: number;
  subClientType: number;
  correlationId: number;
  direction: number;
  answered: number;
  duration: number;
  /** The optional ones are -1 when the export lacks them; at least one identifies the user. */
  user: number;
  userEmail: number;
  userNumber: number;
  userUuid: number;
  /** The Webex person who owns the device: the person of a record whose `User UUID` is blank. */
  deviceOwnerUuid: number;
  clientType: number;
  /** `Site timezone`: the site's offset from UTC in minutes. */
  siteTimezone: number;
}

export type ColumnResolution = { ok: true; columns: CallColumns } | { ok: false; missing: string[] };

type FieldKey = Exclude<keyof CallColumns, 'width'>;

/** Accepted header names per field, already normalised (see `normaliseHeaderName`). */
const FIELD_NAMES: Record<FieldKey, readonly string[]> = {
  reportId: ['reportid'],
  startTime: ['starttime'],
  subClientType: ['subclienttype'],
  correlationId: ['correlationid'],
  direction: ['direction'],
  answered: ['answered'],
  duration: ['duration'],
  user: ['user', 'username'],
  userEmail: ['useremail', 'useremailaddress'],
  userNumber: ['usernumber'],
  userUuid: ['useruuid', 'userid'],
  deviceOwnerUuid: ['deviceowneruuid'],
  clientType: ['clienttype'],
  siteTimezone: ['sitetimezone'],
};

/** Required fields, with the name an admin sees in the export (for "the file lacks …"). */
const REQUIRED: readonly [FieldKey, string][] = [
  ['reportId', 'Report ID'],
  ['startTime', 'Start time'],
  ['subClientType', 'Sub client type'],
  ['correlationId', 'Correlation ID'],
  ['direction', 'Direction'],
  ['answered', 'Answered'],
  ['duration', 'Duration'],
];

/** Any one of these identifies the user; when none is there the answer names `User`. */
const USER_FIELDS: readonly FieldKey[] = ['user', 'userEmail', 'userNumber', 'userUuid'];

/** `Sub Client Type ` → `subclienttype`: lower case, without BOM, quotes, spaces, `_`, `-`, `.`. */
export function normaliseHeaderName(name: string): string {
  return name.replace(/^\uFEFF/, '').toLowerCase().replace(/[\s_\-."']+/g, '');
}

/**
 * Finds the columns in a header row. Required: Report ID (de-duplication), Start time (period,
 * days), Sub client type (what is Webex Go), Correlation ID (joins legs into calls), Direction,
 * Answered, Duration, and a user column: User, or failing that a user email column, User number or
 * User UUID. Other columns are ignored. If a name appears twice the first one counts.
 */
export function resolveColumns(header: readonly string[]): ColumnResolution {
  const byName = new Map<string, number>();
  header.forEach((name, index) => {
    const key = normaliseHeaderName(name);
    if (key && !byName.has(key)) byName.set(key, index);
  });
  const find = (field: FieldKey): number => {
    for (const name of FIELD_NAMES[field]) {
      const index = byName.get(name);
      if (index !== undefined) return index;
    }
    return -1;
  };
  const columns: CallColumns = {
    width: header.length,
    reportId: find('reportId'),
    startTime: find('startTime'),
    subClientType: find('subClientType'),
    correlationId: find('correlationId'),
    direction: find('direction'),
    answered: find('answered'),
    duration: find('duration'),
    user: find('user'),
    userEmail: find('userEmail'),
    userNumber: find('userNumber'),
    userUuid: find('userUuid'),
    deviceOwnerUuid: find('deviceOwnerUuid'),
    clientType: find('clientType'),
    siteTimezone: find('siteTimezone'),
  };
  const missing = REQUIRED.filter(([field]) => columns[field] < 0).map(([, label]) => label);
  if (USER_FIELDS.every((field) => columns[field] < 0)) missing.push('User');
  return missing.length ? { ok: false, missing } : { ok: true, columns };
}

/** The columns of a header with only the required fields: what a source without records is summarised with. */
export function requiredColumnsOnly(): CallColumns {
  const resolved = resolveColumns([...REQUIRED.map(([, label]) => label), 'User']);
  if (!resolved.ok) throw new Error(`required columns changed: ${resolved.missing.join(', ')}`);
  return resolved.columns;
}

/** A value with blanks ("", "NA" in any case, only spaces) as "" and surrounding spaces removed. */
export function cleanValue(value: string | undefined): string {
  if (value === undefined) return '';
  const length = value.length;
  if (length === 0) return '';
  // Fast path: most values neither start nor end with a space.
  if (value.charCodeAt(0) > 32 && value.charCodeAt(length - 1) > 32) {
    return length === 2 && (value.charCodeAt(0) | 32) === 110 && (value.charCodeAt(1) | 32) === 97 ? '' : value;
  }
  const trimmed = value.trim();
  return trimmed.length === 2 && trimmed.toLowerCase() === 'na' ? '' : trimmed;
}

const MOBILE_NETWORK = 'mobile_network';

/**
 * A Webex Go record: `Sub client type` is MOBILE_NETWORK, compared case-insensitively and with a
 * space or hyphen accepted for the underscore (the help text writes `Mobile_Network`).
 */
export function isWebexGoSubClientType(value: string): boolean {
  let start = 0;
  let end = value.length;
  while (start < end && value.charCodeAt(start) <= 32) start++;
  while (end > start && value.charCodeAt(end - 1) <= 32) end--;
  if (end - start !== MOBILE_NETWORK.length) return false;
  for (let i = 0; i < MOBILE_NETWORK.length; i++) {
    let c = value.charCodeAt(start + i);
    if (c >= 65 && c <= 90) c += 32; // A-Z → a-z
    else if (c === 32 || c === 45) c = 95; // space, hyphen → underscore
    if (c !== MOBILE_NETWORK.charCodeAt(i)) return false;
  }
  return true;
}

/** Whether the record's `Sub client type` makes it a Webex Go record. */
export function isWebexGoRecord(row: readonly string[], columns: CallColumns): boolean {
  const value = row[columns.subClientType];
  return value !== undefined && isWebexGoSubClientType(value);
}

/** `Answered`: true, yes, y, 1 (any case) are answered; anything else, blanks included, is not. */
export function isAnswered(value: string): boolean {
  const v = cleanValue(value);
  switch (v.length) {
    case 1:
      return v === '1' || v === 'y' || v === 'Y';
    case 3:
      return v.toLowerCase() === 'yes';
    case 4:
      return (v.charCodeAt(0) | 32) === 116 && v.toLowerCase() === 'true';
    default:
      return false;
  }
}

export type Direction = 'originating' | 'terminating' | undefined;

/** `Direction`: ORIGINATING (the user placed the call) or TERMINATING (the user took it). */
export function parseDirection(value: string): Direction {
  const v = cleanValue(value);
  if (v.length === 0) return undefined;
  const first = v.charCodeAt(0) | 32;
  if (first === 111 /* o */ && v.toUpperCase() === 'ORIGINATING') return 'originating';
  if (first === 116 /* t */ && v.toUpperCase() === 'TERMINATING') return 'terminating';
  return undefined;
}

/** `Duration` in seconds; blank or unreadable → 0. */
export function parseDurationSeconds(value: string): number {
  const v = cleanValue(value);
  if (v.length === 0) return 0;
  const seconds = Number(v);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function digits(text: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * A timestamp as epoch milliseconds, NaN when unreadable. Reads the export's ISO forms quickly —
 * `2026-03-02T09:15:22.123Z`, `2026-03-02 09:15:22`, with or without seconds, fraction, `Z` or an
 * offset (`+01:00`, `+0100`); no zone means UTC — and hands anything else to `Date.parse`.
 */
export function parseTimestamp(raw: string): number {
  const text = cleanValue(raw);
  const length = text.length;
  if (length === 0) return NaN;
  const fast = length >= 16 && text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45;
  if (!fast) return Date.parse(text);
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const sep = text.charCodeAt(10);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || (sep !== 84 && sep !== 32 && sep !== 116)) {
    return Date.parse(text);
  }
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || text.charCodeAt(13) !== 58) return Date.parse(text);
  let pos = 16;
  let second = 0;
  let millis = 0;
  if (pos < length && text.charCodeAt(pos) === 58) {
    second = digits(text, pos + 1, 2);
    if (second < 0 || second > 60) return NaN;
    pos += 3;
    if (pos < length && (text.charCodeAt(pos) === 46 || text.charCodeAt(pos) === 44)) {
      pos++;
      let scale = 100;
      while (pos < length) {
        const d = text.charCodeAt(pos) - 48;
        if (d < 0 || d > 9) break;
        millis += d * scale;
        scale /= 10;
        pos++;
      }
      millis = Math.floor(millis);
    }
  }
  let offsetMinutes = 0;
  if (pos < length) {
    const zone = text.charCodeAt(pos);
    if ((zone === 90 || zone === 122) && pos + 1 === length) {
      // Z
    } else if (zone === 43 || zone === 45) {
      const hours = digits(text, pos + 1, 2);
      const colon = text.charCodeAt(pos + 3) === 58 ? 1 : 0;
      const mins = pos + 3 === length ? 0 : digits(text, pos + 3 + colon, 2);
      if (hours < 0 || mins < 0 || hours > 23 || mins > 59) return Date.parse(text);
      offsetMinutes = (zone === 45 ? -1 : 1) * (hours * 60 + mins);
    } else {
      return Date.parse(text);
    }
  }
  // Date.UTC would roll 31 February over into March: such a date is not a date.
  if (day > 28 && day > daysInMonth(year, month)) return NaN;
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
}
