/**
 * The Webex Go call summary of a Detailed Call History, built one record at a time.
 *
 * Memory: per distinct Report ID and per distinct call, one 8-byte hash slot (tables 50–75% full,
 * see hash.ts) — the de-duplication set is the one part that grows with the number of records
 * rather than calls; per Webex Go call ~40 bytes in typed arrays (no object per call: thousands of
 * long-lived small objects made V8 grow its heap); per user and per day a map entry. Records
 * themselves are never kept.
 *
 * Definitions:
 * - a record is read (`recordsRead`) once csv-parse yields it after the header; it is then either
 *   broken (wrong field count, unreadable Start time, or a CSV syntax error), a duplicate (a Report
 *   ID seen before; records without a Report ID are never duplicates), or used;
 * - a call is the set of records sharing a Correlation ID; a record without one is a call of its
 *   own; `allCalls` counts them over all used records, `webexGoCalls` over calls with at least one
 *   Webex Go record (see records.ts);
 * - a Webex Go call is answered when any of its legs — Webex Go or not — says Answered;
 * - its direction is outbound when a Webex Go leg is ORIGINATING (the Webex Go user placed it),
 *   else inbound when a Webex Go leg is TERMINATING, else unknown; a call between two Webex Go
 *   users counts as outbound once;
 * - minutes are the Durations of the Webex Go records, summed, in minutes to one decimal;
 * - a record's day is the day of its Start time in one time zone: `timeZone` when given (the
 *   CALLS_TIMEZONE setting), else the site's, from the record's `Site timezone` (offset minutes),
 *   else UTC (see timeZone.ts); a Webex Go call's day is its earliest Webex Go leg's; the period is
 *   the first to the last day of all used records, and `byDay` covers every day of it, days
 *   without Webex Go calls included (only the days with calls if it exceeds 400 days);
 * - a Webex Go call's users are the people of its Webex Go records; a person is known by their
 *   UUID (`User UUID`, else `Device owner UUID`; see people.ts), else by the email in a user email
 *   column or in `User`, else by `User` or `User number` as they are. Emails and UUIDs are
 *   lower-cased. Each user counts a call once.
 */
import { Hash64Index, Hash64Set, hashString, type Hash64 } from './hash.js';
import { personEmailOf, personUuidOf } from './people.js';
import { dayLabel, dayNumber, parseSiteTimezone, ZoneOffsets } from './timeZone.js';
import {
  cleanValue,
  isAnswered,
  isWebexGoSubClientType,
  parseDirection,
  parseDurationSeconds,
  parseTimestamp,
  type CallColumns,
} from './records.js';

export interface UserCalls {
  /** The name in `User` when there is one, else the email, number or UUID the user is known by. */
  user: string;
  /** Lower-cased, when the export gives one, or the bot knows the person by `uuid`. */
  email?: string;
  /** The person's UUID (`User UUID`, else `Device owner UUID`), lower-cased, when the record gives one. */
  uuid?: string;
  calls: number;
}

export interface DayCalls {
  /** YYYY-MM-DD */
  day: string;
  calls: number;
}

export type BrokenReason = 'field-count' | 'start-time' | 'csv-syntax';

/** Which time zone the days were counted in. */
export interface DayReckoning {
  /** The time zone set for all records (CALLS_TIMEZONE), when there is one. */
  timeZone?: string;
  /** Otherwise the distinct `Site timezone` offsets (minutes) the records carried, ascending. */
  siteOffsets: number[];
  /** Records without a readable `Site timezone`, counted in UTC (0 with `timeZone`). */
  utcRecords: number;
}

export interface CallSummary {
  /** Earliest and latest Start time among used records (ISO, UTC); null without records. */
  periodStart: string | null;
  periodEnd: string | null;
  /** The first and last day of the period (YYYY-MM-DD, in the records' time zone); null without records. */
  firstDay: string | null;
  lastDay: string | null;
  days: DayReckoning;
  recordsRead: number;
  duplicates: number;
  brokenRows: number;
  brokenByReason: Record<BrokenReason, number>;
  webexGoRecords: number;
  /** Distinct Correlation IDs among Webex Go records. */
  webexGoCalls: number;
  /** Distinct Correlation IDs among all used records (a record without one is its own call). */
  allCalls: number;
  answered: number;
  notAnswered: number;
  totalSeconds: number;
  /** Webex Go minutes, to one decimal. */
  totalMinutes: number;
  outbound: number;
  inbound: number;
  unknownDirection: number;
  /** The users with the most Webex Go calls (5 unless set otherwise), most first. */
  topUsers: UserCalls[];
  /** Every user with a Webex Go call, most first: the cross-check's input. */
  users: UserCalls[];
  byDay: DayCalls[];
}

export type RowOutcome = 'webex-go' | 'other' | 'duplicate' | 'broken-field-count' | 'broken-start-time';

export interface SummaryOptions {
  /** How many users `topUsers` lists; 5 by default. */
  topUsers?: number;
  /** An IANA time zone (`Europe/Paris`) to count every record's day in, instead of its site's. */
  timeZone?: string;
}

const MAX_FILLED_DAYS = 400;

// Direction bits of a Webex Go call.
const ORIGINATING = 1;
const TERMINATING = 2;

// Seeds keep the hash name spaces apart.
const SEED_REPORT = 1;
const SEED_CORRELATION = 2;
const SEED_LONE_RECORD = 3;

/** Webex Go calls, by their number in `CallSummaryBuilder.webexGoCallIndex`. */
class WebexGoCalls {
  /** The call's hash, to find its answered flag among all calls. */
  hash = new Int32Array(2048);
  /** ORIGINATING | TERMINATING, from its Webex Go legs. */
  direction = new Uint8Array(1024);
  /** Earliest Start time of its Webex Go legs. */
  firstMs = new Float64Array(1024);
  /** The day of that leg, in its time zone. */
  day = new Int32Array(1024);
  /** Its first user's number. */
  user = new Int32Array(1024);
  /** Further users of the few calls with more than one. */
  moreUsers = new Map<number, number[]>();

  add(call: number, hi: number, lo: number, direction: number, startMs: number, day: number, user: number): void {
    if (call === this.user.length) this.grow();
    this.hash[call * 2] = hi;
    this.hash[call * 2 + 1] = lo;
    this.direction[call] = direction;
    this.firstMs[call] = startMs;
    this.day[call] = day;
    this.user[call] = user;
  }

  addLeg(call: number, direction: number, startMs: number, day: number, user: number): void {
    this.direction[call] |= direction;
    if (startMs < this.firstMs[call]) {
      this.firstMs[call] = startMs;
      this.day[call] = day;
    }
    if (user === this.user[call]) return;
    const more = this.moreUsers.get(call);
    if (more === undefined) this.moreUsers.set(call, [user]);
    else if (!more.includes(user)) more.push(user);
  }

  private grow(): void {
    const size = this.user.length * 2;
    const grown = <T extends Int32Array | Uint8Array | Float64Array>(old: T, make: (n: number) => T, n: number): T => {
      const next = make(n);
      next.set(old);
      return next;
    };
    this.hash = grown(this.hash, (n) => new Int32Array(n), size * 2);
    this.direction = grown(this.direction, (n) => new Uint8Array(n), size);
    this.firstMs = grown(this.firstMs, (n) => new Float64Array(n), size);
    this.day = grown(this.day, (n) => new Int32Array(n), size);
    this.user = grown(this.user, (n) => new Int32Array(n), size);
  }
}

export class CallSummaryBuilder {
  private readonly hash: Hash64 = { hi: 0, lo: 0 };
  private readonly reportIds = new Hash64Set();
  /** All calls; the flag says a leg was answered. */
  private readonly calls = new Hash64Set();
  private readonly webexGoCallIndex = new Hash64Index();
  private readonly webexGoCalls = new WebexGoCalls();
  private readonly userIds = new Map<string, number>();
  private readonly userNames: string[] = [];
  private readonly userEmails: (string | undefined)[] = [];
  private readonly userUuids: (string | undefined)[] = [];
  private loneCalls = 0;
  private recordsRead = 0;
  private duplicates = 0;
  private readonly broken: Record<BrokenReason, number> = { 'field-count': 0, 'start-time': 0, 'csv-syntax': 0 };
  private webexGoRecords = 0;
  private totalSeconds = 0;
  private minMs = Infinity;
  private maxMs = -Infinity;
  private minDay = Infinity;
  private maxDay = -Infinity;
  private readonly topCount: number;
  private readonly zone: ZoneOffsets | undefined;
  /** Records per `Site timezone` offset; the last value read, parsed, as most records repeat it. */
  private readonly siteOffsets = new Map<number, number>();
  private utcRecords = 0;
  private lastSiteValue = '';
  private lastSiteOffset: number | undefined;

  constructor(
    readonly columns: CallColumns,
    options: SummaryOptions = {},
  ) {
    this.topCount = options.topUsers ?? 5;
    this.zone = options.timeZone === undefined ? undefined : new ZoneOffsets(options.timeZone);
  }

  /** The day of a used record's Start time, in the time zone it is counted in. */
  private dayOf(row: readonly string[], startMs: number): number {
    if (this.zone) return dayNumber(startMs, this.zone.at(startMs));
    const column = this.columns.siteTimezone;
    const value = column < 0 ? '' : (row[column] ?? '');
    if (value !== this.lastSiteValue) {
      this.lastSiteValue = value;
      this.lastSiteOffset = parseSiteTimezone(value);
    }
    const offset = this.lastSiteOffset;
    if (offset === undefined) {
      this.utcRecords++;
      return dayNumber(startMs, 0);
    }
    this.siteOffsets.set(offset, (this.siteOffsets.get(offset) ?? 0) + 1);
    return dayNumber(startMs, offset);
  }

  /**
   * Sizes the tables for about `records` records (and 0.6 calls a record) at once, instead of
   * growing them step by step: analyseExport calls it when it knows the file's size.
   */
  reserve(records: number): void {
    this.reportIds.reserve(records);
    this.calls.reserve(Math.ceil(records * 0.6));
  }

  /** Counts a record that could not be read at all (a CSV syntax error) as read and broken. */
  addBroken(reason: BrokenReason = 'csv-syntax'): void {
    this.recordsRead++;
    this.broken[reason]++;
  }

  /** Adds one record (the fields of a data row, in header order) and says what it was. */
  addRow(row: readonly string[]): RowOutcome {
    const c = this.columns;
    this.recordsRead++;
    if (row.length !== c.width) {
      this.broken['field-count']++;
      return 'broken-field-count';
    }
    const startMs = parseTimestamp(row[c.startTime]);
    if (Number.isNaN(startMs)) {
      this.broken['start-time']++;
      return 'broken-start-time';
    }
    const hash = this.hash;
    const reportId = cleanValue(row[c.reportId]);
    if (reportId.length > 0) {
      hashString(reportId, SEED_REPORT, hash);
      if (!this.reportIds.add(hash.hi, hash.lo)) {
        this.duplicates++;
        return 'duplicate';
      }
    }
    if (startMs < this.minMs) this.minMs = startMs;
    if (startMs > this.maxMs) this.maxMs = startMs;
    const day = this.dayOf(row, startMs);
    if (day < this.minDay) this.minDay = day;
    if (day > this.maxDay) this.maxDay = day;

    const correlationId = cleanValue(row[c.correlationId]);
    if (correlationId.length > 0) hashString(correlationId, SEED_CORRELATION, hash);
    else if (reportId.length > 0) hashString(reportId, SEED_LONE_RECORD, hash);
    else hashString(`#${this.loneCalls++}`, SEED_LONE_RECORD + 1, hash);
    this.calls.add(hash.hi, hash.lo, isAnswered(row[c.answered]));

    if (!isWebexGoSubClientType(row[c.subClientType])) return 'other';

    this.webexGoRecords++;
    this.totalSeconds += parseDurationSeconds(row[c.duration]);
    const direction = parseDirection(row[c.direction]);
    const bits = direction === 'originating' ? ORIGINATING : direction === 'terminating' ? TERMINATING : 0;
    const user = this.userOf(row);
    const known = this.webexGoCallIndex.size;
    const call = this.webexGoCallIndex.insert(hash.hi, hash.lo);
    if (call === known) this.webexGoCalls.add(call, hash.hi, hash.lo, bits, startMs, day, user);
    else this.webexGoCalls.addLeg(call, bits, startMs, day, user);
    return 'webex-go';
  }

  private userOf(row: readonly string[]): number {
    const c = this.columns;
    const name = c.user < 0 ? '' : cleanValue(row[c.user]);
    const uuid = personUuidOf(row, c);
    const email = personEmailOf(row, c);
    // A UUID and an email are different name spaces: prefixes keep "x" the UUID apart from "x" the name.
    let key = uuid.length > 0 ? `uuid:${uuid}` : email.length > 0 ? `email:${email}` : name;
    if (key.length === 0 && c.userNumber >= 0) key = cleanValue(row[c.userNumber]);
    if (key.length === 0) key = '(unknown user)';
    let id = this.userIds.get(key);
    if (id === undefined) {
      id = this.userNames.length;
      this.userIds.set(key, id);
      this.userNames.push(name.length > 0 ? name : email || uuid || key);
      this.userEmails.push(email.length > 0 ? email : undefined);
      this.userUuids.push(uuid.length > 0 ? uuid : undefined);
    }
    return id;
  }

  result(): CallSummary {
    let answered = 0;
    let outbound = 0;
    let inbound = 0;
    const perUser = new Array<number>(this.userNames.length).fill(0);
    const perDay = new Map<number, number>();
    const calls = this.webexGoCalls;
    const webexGoCalls = this.webexGoCallIndex.size;
    for (let call = 0; call < webexGoCalls; call++) {
      if (this.calls.flagged(calls.hash[call * 2], calls.hash[call * 2 + 1])) answered++;
      if (calls.direction[call] & ORIGINATING) outbound++;
      else if (calls.direction[call] & TERMINATING) inbound++;
      perUser[calls.user[call]]++;
      for (const user of calls.moreUsers.get(call) ?? []) perUser[user]++;
      const day = calls.day[call];
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
    }
    const users: UserCalls[] = perUser
      .map((calls, id) => {
        const entry: UserCalls = { user: this.userNames[id], calls };
        const email = this.userEmails[id];
        if (email !== undefined) entry.email = email;
        const uuid = this.userUuids[id];
        if (uuid !== undefined) entry.uuid = uuid;
        return entry;
      })
      .sort((a, b) => b.calls - a.calls || a.user.localeCompare(b.user));
    const hasPeriod = this.minMs <= this.maxMs;
    return {
      periodStart: hasPeriod ? new Date(this.minMs).toISOString() : null,
      periodEnd: hasPeriod ? new Date(this.maxMs).toISOString() : null,
      firstDay: hasPeriod ? dayLabel(this.minDay) : null,
      lastDay: hasPeriod ? dayLabel(this.maxDay) : null,
      days: this.zone
        ? { timeZone: this.zone.name, siteOffsets: [], utcRecords: 0 }
        : { siteOffsets: [...this.siteOffsets.keys()].sort((a, b) => a - b), utcRecords: this.utcRecords },
      recordsRead: this.recordsRead,
      duplicates: this.duplicates,
      brokenRows: this.broken['field-count'] + this.broken['start-time'] + this.broken['csv-syntax'],
      brokenByReason: { ...this.broken },
      webexGoRecords: this.webexGoRecords,
      webexGoCalls,
      allCalls: this.calls.size,
      answered,
      notAnswered: webexGoCalls - answered,
      totalSeconds: this.totalSeconds,
      totalMinutes: Math.round(this.totalSeconds / 6) / 10,
      outbound,
      inbound,
      unknownDirection: webexGoCalls - outbound - inbound,
      topUsers: users.slice(0, this.topCount),
      users,
      byDay: this.days(perDay, hasPeriod),
    };
  }

  private days(perDay: Map<number, number>, hasPeriod: boolean): DayCalls[] {
    if (hasPeriod && this.maxDay - this.minDay < MAX_FILLED_DAYS) {
      const days: DayCalls[] = [];
      for (let day = this.minDay; day <= this.maxDay; day++) days.push({ day: dayLabel(day), calls: perDay.get(day) ?? 0 });
      return days;
    }
    return [...perDay.keys()].sort((a, b) => a - b).map((day) => ({ day: dayLabel(day), calls: perDay.get(day) ?? 0 }));
  }
}
