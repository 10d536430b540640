/**
 * What the store's files hold and how their damage is told apart from a crash: every journal line
 * carries a checksum of its own text, and every record read back is checked for its shape.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { DEVICE_STATUSES, LANGUAGES, type AuditRecord, type CodeRecord, type Device, type DeviceStatus, type Language, type OrgSettings, type OutboxEntry, type ProfileRecord } from '../domain/types.js';

/** The snapshot: all state as of the last compaction. Codes are kept without their Matching ID. */
export interface StoreData {
  schemaVersion: number;
  settings: OrgSettings;
  admins: string[];
  devices: Record<string, Device>;
  codes: Record<string, CodeRecord>;
  profiles: Record<string, ProfileRecord>;
  /** Claimed delivery ids, oldest first. */
  deliveries?: string[];
  /** Messages waiting to be delivered, by id (none in a store written before the outbox). */
  outbox?: Record<string, OutboxEntry>;
  /** Chosen languages, by `languageKey` (none in a store written before languages). */
  languages?: Record<string, Language>;
}

/** One committed transaction, as a journal line; re-applying it is harmless. */
export interface JournalEntry {
  settings?: OrgSettings;
  admins?: string[];
  devices?: Record<string, Device | null>;
  codes?: Record<string, CodeRecord>;
  profiles?: Record<string, ProfileRecord>;
  deliveries?: string[];
  /** Outbox entries queued or changed (an entry), and delivered or given up (null). */
  outbox?: Record<string, OutboxEntry | null>;
  /** Languages chosen, by `languageKey`. */
  languages?: Record<string, Language>;
  /**
   * The transaction's audit records, the month file they went to (`YYYY-MM`; none: the single
   * audit file of a store written before months) and its size before they were appended.
   */
  audit?: { month?: string; from: number; records: AuditRecord[] };
  /** On the first line of lines written and synced together: how many they are. */
  batch?: number;
  /** The codes whose Matching IDs went to the codes file with this line (keys only). */
  secrets?: string[];
  /** Spent codes and ended eSIM profiles forgotten after the retention period (by key and ICCID). */
  pruned?: { codes: string[]; profiles: string[] };
}

/** The journal line for an entry: `<checksum> <json>\n`. */
export function journalLine(entry: JournalEntry): string {
  const text = JSON.stringify(entry);
  return `${checksum(text)} ${text}\n`;
}

function checksum(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** A journal line, or why it cannot be trusted. */
export function parseJournalLine(line: string): JournalEntry | string {
  let text = line;
  // Lines written before checksums were added are bare JSON.
  if (!line.startsWith('{')) {
    const space = line.indexOf(' ');
    text = line.slice(space + 1);
    if (space < 0 || checksum(text) !== line.slice(0, space)) return 'its checksum does not match';
  }
  let entry: unknown;
  try {
    entry = JSON.parse(text);
  } catch {
    return 'it is not JSON';
  }
  return isJournalEntry(entry) ? entry : 'it is not a journal entry of this store';
}

export interface JournalRead {
  entries: JournalEntry[];
  /** Bytes up to the end of the last complete line: what a torn line is cut back to. */
  sound: number;
  /** The last entry is whole but its newline was not written: the next append starts with one. */
  unterminated?: boolean;
  /** Where each entry's line starts. */
  starts: number[];
  /** Complete lines that cannot be trusted (1-based line numbers). */
  damaged: { line: number; problem: string }[];
  /** A last line cut short by a crash mid-append: it was never acknowledged. */
  torn?: { line: number };
}

/** Reads the whole journal; a missing file is an empty journal. */
export async function readJournal(path: string): Promise<JournalRead> {
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], damaged: [], sound: 0, starts: [] };
    throw error;
  }
  const lines = content.split('\n');
  // After the last newline: empty, or what a crash left of a line being appended.
  const last = lines.pop()!;
  const read: JournalRead = { entries: [], damaged: [], sound: 0, starts: [] };
  lines.forEach((line, i) => {
    const entry = parseJournalLine(line);
    if (typeof entry === 'string') read.damaged.push({ line: i + 1, problem: entry });
    else {
      read.entries.push(entry);
      read.starts.push(read.sound);
    }
    read.sound += Buffer.byteLength(line) + 1;
  });
  if (last) {
    const entry = parseJournalLine(last);
    if (typeof entry === 'string') read.torn = { line: lines.length + 1 };
    else {
      read.entries.push(entry);
      read.unterminated = true;
      read.starts.push(read.sound);
    }
  }
  return read;
}

// ---- shapes --------------------------------------------------------------------------------

type Check = (value: unknown) => boolean;

const isString: Check = (v) => typeof v === 'string';
const optional = (check: Check): Check => (v) => v === undefined || check(v);
const oneOf = (...values: readonly string[]): Check => (v) => typeof v === 'string' && values.includes(v);
const isStrings: Check = (v) => Array.isArray(v) && v.every(isString);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An object whose fields pass their checks; other fields are let be (a later build may add some). */
function fields(checks: Record<string, Check>): Check {
  // Run once per record of a 50,000-device snapshot at every start: plain loops, nothing allocated.
  const keys = Object.keys(checks);
  const tests = Object.values(checks);
  return (v) => {
    if (!isObject(v)) return false;
    for (let i = 0; i < keys.length; i++) if (!tests[i]!(v[keys[i]!])) return false;
    return true;
  };
}

/** A record keyed by each value's own `key` field. */
function keyedBy(key: string, check: Check, orNull = false): Check {
  return (v) => {
    if (!isObject(v)) return false;
    for (const id in v) {
      const item = v[id];
      if (!((orNull && item === null) || (check(item) && (item as Record<string, unknown>)[key] === id))) return false;
    }
    return true;
  };
}

const isSettings = fields({
  licenses: (v) => typeof v === 'number',
  notifyUsers: (v) => typeof v === 'boolean',
  codeTtlDays: (v) => typeof v === 'number',
  smdpAddress: isString,
  watchSpaceId: optional(isString),
});

// Devices, codes and profiles are checked once each at every start (150,000 records at 50,000
// devices): written out field by field, which is several times faster than the generic checks.
const optionalString = (v: unknown) => v === undefined || typeof v === 'string';

const isDevice: Check = (v) => {
  if (!isObject(v)) return false;
  const change = v.lastChange;
  return (
    typeof v.id === 'string' &&
    typeof v.email === 'string' &&
    DEVICE_STATUSES.includes(v.status as DeviceStatus) &&
    typeof v.statusSince === 'string' &&
    typeof v.createdAt === 'string' &&
    isObject(change) &&
    typeof change.at === 'string' &&
    typeof change.cause === 'string' &&
    typeof change.by === 'string' &&
    optionalString(v.iccid) &&
    optionalString(v.currentCodeKey)
  );
};

const isCode: Check = (v) =>
  isObject(v) &&
  typeof v.key === 'string' &&
  typeof v.deviceId === 'string' &&
  typeof v.smdpAddress === 'string' &&
  optionalString(v.matchingId) &&
  typeof v.issuedAt === 'string' &&
  typeof v.expiresAt === 'string' &&
  (v.state === 'valid' || v.state === 'used' || v.state === 'invalidated') &&
  optionalString(v.remindedAt) &&
  optionalString(v.expiryNoticeAt);

const isProfile: Check = (v) =>
  isObject(v) &&
  typeof v.iccid === 'string' &&
  typeof v.deviceId === 'string' &&
  (v.state === 'active' || v.state === 'revoked' || v.state === 'deleted') &&
  typeof v.since === 'string';

const ISSUE_KINDS = ['assign', 'new-code', 'lost-stolen'] as const;

const isOutboxMessage: Check = (v) =>
  fields({ kind: oneOf('text'), markdown: isString, what: oneOf('line-deleted', 'outcome', 'admin-notice') })(v) ||
  fields({
    kind: oneOf('activation'),
    copy: oneOf('user', 'admin'),
    issue: oneOf(...ISSUE_KINDS),
    email: isString,
    deviceId: isString,
    codeKey: isString,
    userGot: optional(oneOf('reached', 'queued', 'unreachable', 'not-notified')),
    via: optional((v) => Array.isArray(v) && v.every(oneOf('webex', 'email'))),
  })(v);

const isOutboxEntry = fields({
  id: isString,
  to: (v) => fields({ email: isString })(v) || fields({ roomId: isString })(v),
  message: isOutboxMessage,
  admin: optional(isString),
  queuedAt: isString,
  tries: (v) => Number.isInteger(v) && (v as number) >= 0,
  nextTryAt: isString,
  uncertainSince: optional(isString),
  lastError: optional(isString),
});

const isLanguages: Check = (v) =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every(oneOf(...LANGUAGES));

const isAuditRecord = fields({
  at: isString,
  actor: isString,
  action: isString,
  email: optional(isString),
  deviceId: optional(isString),
  outcome: oneOf('ok', 'refused'),
  reason: optional(isString),
  detail: optional(isString),
});

const isJournalEntry = fields({
  settings: optional(isSettings),
  admins: optional(isStrings),
  devices: optional(keyedBy('id', isDevice, true)),
  codes: optional(keyedBy('key', isCode)),
  profiles: optional(keyedBy('iccid', isProfile)),
  deliveries: optional(isStrings),
  outbox: optional(keyedBy('id', isOutboxEntry, true)),
  languages: optional(isLanguages),
  audit: optional(
    fields({
      month: optional((v) => typeof v === 'string' && /^\d{4}-\d{2}$/.test(v)),
      from: (v) => Number.isInteger(v) && (v as number) >= 0,
      records: (v) => Array.isArray(v) && v.every(isAuditRecord),
    }),
  ),
  batch: optional((v) => Number.isInteger(v) && (v as number) > 1),
  secrets: optional(isStrings),
  pruned: optional(fields({ codes: isStrings, profiles: isStrings })),
}) as (value: unknown) => value is JournalEntry;

export const isStoreData = fields({
  schemaVersion: (v) => typeof v === 'number',
  settings: isSettings,
  admins: isStrings,
  devices: keyedBy('id', isDevice),
  codes: keyedBy('key', isCode),
  profiles: keyedBy('iccid', isProfile),
  deliveries: optional(isStrings),
  outbox: optional(keyedBy('id', isOutboxEntry)),
  languages: optional(isLanguages),
}) as (value: unknown) => value is StoreData;

/** A line of the audit file. */
export function parseAuditLine(line: string): AuditRecord | undefined {
  try {
    const record: unknown = JSON.parse(line);
    return isAuditRecord(record) ? (record as AuditRecord) : undefined;
  } catch {
    return undefined;
  }
}
