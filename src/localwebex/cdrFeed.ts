/**
 * An offline Detailed Call History API: `GET /cdr_feed` as analytics-calling.webexapis.com/v1
 * serves it, with generated records.
 *
 * Mount the router under `/v1` on the local Webex's express app and point the client's `baseUrl`
 * at `<that server>/v1`:
 *
 *   const cdr = new FakeCdrFeed({ token: adminToken, users: ['alice@example.com', 'bob@example.com'] });
 *   app.use('/v1', cdr.router);
 *   pullCallHistory({ token: adminToken, baseUrl: `${url}/v1`, pacing: false, … });
 *
 * Records. Calls are generated per UTC hour, from a hash of the seed and that hour, so the same
 * hour always holds the same calls however the range is cut into windows (a 7-day pull and a
 * 1-day pull agree; the generator is "seeded by the window start" in that sense). A window returns
 * the records whose `Report time` (the time the call ended) lies in [startTime, endTime), sorted
 * by report time: adjacent windows never share a record. Per call: one leg for a call to or from
 * an outside number, two legs sharing a `Correlation ID` (ORIGINATING + TERMINATING) for a call
 * between two of the users. About a third of the users' legs are Webex Go legs (`Client type`
 * `SIP`, `Sub client type` `MOBILE_NETWORK`, model `Webex Go`); the others come from the Webex
 * app, a desk phone or Teams (`Sub client type` blank: `""` or `"NA"`). Business hours (07–19
 * UTC) are busier. `User` holds the user's display name and `User UUID` their person UUID when
 * `people` says who they are (as real records do), else the email as given.
 *
 * The API's rules it enforces: the bearer token (401 otherwise), `startTime`/`endTime` present and
 * formatted `YYYY-MM-DDTHH:MM:SS.mmmZ`, end after start, at most 12 hours apart, from 30 days to
 * 5 minutes ago by `now` (`enforceAge`, on by default), `max` 1–500 (default 500), at most 10
 * `locations` (records filtered by `Location`); 400 with a Webex-style body
 * (`{message, errors:[{description}], trackingId}`) otherwise. Paging: when more records remain,
 * a `Link: <…/v1/cdr_feed?…&cursor=…>; rel="next"` header, the cursor opaque.
 *
 * Faults, for tests: `rateLimitFirst: n` answers 429 with `Retry-After` to the first n requests;
 * `redirectTo: url` answers 451 to every request, as a server of the wrong region would, with the
 * body `{"message": "… Request should go to URL: <url> …", "errors": [{"description": …}],
 * "trackingId": …}` — `url` verbatim (a bare host, an origin, a base URL or a full cdr_feed URL);
 * `failNext()` queues any other answer.
 */
import { createHash, randomUUID } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';

export interface CdrFeedLocation {
  name: string;
  /** `Site timezone`: the site's offset from UTC in minutes, as the records write it. */
  timezoneOffsetMinutes: number;
}

export interface FakeCdrFeedOptions {
  /** The one bearer token accepted: an admin's. */
  token: string;
  /** The users calls are generated for (emails, e.g. the demo people). */
  users: string[];
  /**
   * Who those emails are, as real records name them: `User` holds the display name and `User UUID`
   * the UUID of their Webex person id. A user not listed here has their email in `User` and a
   * UUID made up from it.
   */
  people?: { email: string; displayName: string; uuid: string }[];
  /** Users who have a Webex Go line; all of them when omitted. */
  webexGoUsers?: string[];
  /** Locations, assigned to users round-robin; default Headquarters (UTC−8) and Branch Office (UTC+1). */
  locations?: CdrFeedLocation[];
  /** Varies the generated calls; default 'webex-go-bot'. */
  seed?: string;
  /** Refuse windows older than 30 days or newer than 5 minutes, like the API; default true. */
  enforceAge?: boolean;
  now?: () => Date;
  /** Answer 429 to the first n requests. */
  rateLimitFirst?: number;
  /** `Retry-After` of those 429s, in seconds; default 60. */
  retryAfterSeconds?: number;
  /** Answer 451 to every request, naming this host/URL (verbatim) as the right region. */
  redirectTo?: string;
}

/** An answer to force on the next request(s), before any other check but the token's. */
export interface CdrFeedFault {
  status: number;
  /** Sent as the `Retry-After` header. */
  retryAfterSeconds?: number;
  /** The body's message; a default per status otherwise. */
  message?: string;
  /** The whole body instead (sent as is when a string, as JSON otherwise). */
  body?: unknown;
  /** How many requests get it; default 1. */
  times?: number;
}

export interface CdrFeedRequestRecord {
  /** Path and query as received, e.g. `/v1/cdr_feed?startTime=…`. */
  url: string;
  query: Record<string, string>;
  /** When it arrived, by the fake's `now`. */
  at: Date;
  status?: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const MAX_WINDOW_MS = 12 * HOUR;
const MAX_PAGE = 500;
/** Generated hours kept: 31 days' worth. */
const HOURS_CACHED = 31 * 24;
const TIME_FORMAT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const DEFAULT_LOCATIONS: CdrFeedLocation[] = [
  { name: 'Headquarters', timezoneOffsetMinutes: -480 },
  { name: 'Branch Office', timezoneOffsetMinutes: 60 },
];

type Leg = Record<string, string | number>;

/** The fake API; `router` serves `GET /cdr_feed` (mount it under `/v1`). */
export class FakeCdrFeed {
  readonly router: Router;
  /** Every request the router saw, oldest first. */
  readonly requests: CdrFeedRequestRecord[] = [];
  private readonly faults: CdrFeedFault[] = [];
  private readonly token: string;
  private readonly users: string[];
  private readonly webexGoUsers: Set<string>;
  private readonly locations: CdrFeedLocation[];
  private readonly seed: string;
  private readonly enforceAge: boolean;
  private readonly now: () => Date;
  private rateLimitLeft: number;
  private readonly hours = new Map<number, Leg[]>();
  private readonly numbers = new Map<string, string>();
  private readonly people = new Map<string, { displayName: string; uuid: string }>();
  private readonly retryAfterSeconds: number;
  private readonly redirectTo: string | undefined;

  constructor(options: FakeCdrFeedOptions) {
    if (options.users.length === 0) throw new Error('FakeCdrFeed needs at least one user');
    this.token = options.token;
    this.users = [...options.users];
    for (const person of options.people ?? []) this.people.set(person.email.toLowerCase(), person);
    this.webexGoUsers = new Set((options.webexGoUsers ?? options.users).map((u) => u.toLowerCase()));
    this.locations = options.locations?.length ? [...options.locations] : DEFAULT_LOCATIONS;
    this.seed = options.seed ?? 'webex-go-bot';
    this.enforceAge = options.enforceAge ?? true;
    this.now = options.now ?? (() => new Date());
    this.rateLimitLeft = options.rateLimitFirst ?? 0;
    this.retryAfterSeconds = options.retryAfterSeconds ?? 60;
    this.redirectTo = options.redirectTo;
    this.router = express.Router();
    this.router.get('/cdr_feed', (req, res) => this.serve(req, res));
  }

  /** Answer the next request(s) with this fault. */
  failNext(fault: CdrFeedFault): void {
    this.faults.push({ times: 1, ...fault });
  }

  /**
   * The records whose report time lies in [start, end), sorted by report time, optionally only
   * those of some locations: what the API serves for that window (tests compare against it).
   */
  recordsBetween(start: Date, end: Date, locations?: string[]): Leg[] {
    const from = start.getTime();
    const to = end.getTime();
    const wanted = locations && locations.length > 0 ? new Set(locations.map((l) => l.toLowerCase())) : undefined;
    const legs: Leg[] = [];
    // A call lasts under an hour, so one that ends in the window started at most an hour before.
    for (let hour = Math.floor(from / HOUR) * HOUR - HOUR; hour < to; hour += HOUR) {
      for (const leg of this.hourLegs(hour)) {
        const reportAt = Date.parse(String(leg['Report time']));
        if (reportAt < from || reportAt >= to) continue;
        if (wanted && !wanted.has(String(leg.Location).toLowerCase())) continue;
        legs.push(leg);
      }
    }
    legs.sort((a, b) => String(a['Report time']).localeCompare(String(b['Report time'])) || String(a['Report ID']).localeCompare(String(b['Report ID'])));
    return legs;
  }

  private serve(req: Request, res: Response): void {
    const entry: CdrFeedRequestRecord = { url: req.originalUrl, query: flatQuery(req), at: this.now() };
    this.requests.push(entry);
    res.on('finish', () => {
      entry.status = res.statusCode;
    });
    res.set('trackingid', `CDR_${randomUUID()}`);

    const auth = req.get('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (!match || match[1] !== this.token) {
      fail(res, 401, 'The request requires a valid access token set in the Authorization request header.');
      return;
    }
    const fault = this.faults[0];
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      if (fault.times <= 0) this.faults.shift();
      this.sendFault(res, fault);
      return;
    }
    if (this.rateLimitLeft > 0) {
      this.rateLimitLeft -= 1;
      fail(res, 429, 'Too many requests: 1 request and 10 page requests a minute are allowed.', { 'Retry-After': String(this.retryAfterSeconds) });
      return;
    }
    if (this.redirectTo !== undefined) {
      fail(res, 451, regionMessage(this.redirectTo));
      return;
    }

    const q = entry.query;
    const problem = this.checkQuery(q);
    if (problem) {
      fail(res, 400, problem);
      return;
    }
    const start = new Date(q.startTime ?? '');
    const end = new Date(q.endTime ?? '');
    const max = q.max === undefined ? MAX_PAGE : Number(q.max);
    const locations = q.locations ? q.locations.split(',').map((l) => l.trim()).filter((l) => l !== '') : undefined;
    let offset = 0;
    if (q.cursor !== undefined) {
      const decoded = decodeCursor(q.cursor);
      if (decoded === undefined) {
        fail(res, 400, 'Invalid cursor.');
        return;
      }
      offset = decoded;
    }
    const all = this.recordsBetween(start, end, locations);
    const items = all.slice(offset, offset + max);
    if (offset + max < all.length) {
      const next = new URLSearchParams();
      for (const name of ['startTime', 'endTime', 'locations', 'max'] as const) {
        const value = q[name];
        if (value !== undefined) next.set(name, value);
      }
      next.set('cursor', encodeCursor(offset + max));
      res.set('Link', `<${req.protocol}://${req.get('host')}${req.baseUrl}${req.path}?${next}>; rel="next"`);
    }
    res.status(200).json({ items });
  }

  private checkQuery(q: Record<string, string>): string | undefined {
    const { startTime, endTime } = q;
    if (!startTime || !endTime) return 'startTime and endTime are required.';
    for (const [name, value] of [['startTime', startTime], ['endTime', endTime]] as const) {
      if (!TIME_FORMAT.test(value) || Number.isNaN(Date.parse(value))) return `${name} must be formatted as YYYY-MM-DDTHH:MM:SS.mmmZ.`;
    }
    const start = Date.parse(startTime);
    const end = Date.parse(endTime);
    if (end <= start) return 'endTime must be later than startTime.';
    if (end - start > MAX_WINDOW_MS) return 'The time between startTime and endTime must not exceed 12 hours.';
    if (this.enforceAge) {
      const now = this.now().getTime();
      if (start < now - 30 * DAY) return 'startTime must be within the last 30 days.';
      if (end > now - 5 * MINUTE) return 'endTime must be at least 5 minutes ago.';
    }
    if (q.max !== undefined && !(/^\d+$/.test(q.max) && Number(q.max) >= 1 && Number(q.max) <= MAX_PAGE)) return 'max must be from 1 to 500.';
    if (q.locations !== undefined && q.locations.split(',').length > 10) return 'At most 10 locations can be given.';
    return undefined;
  }

  private sendFault(res: Response, fault: CdrFeedFault): void {
    const headers: Record<string, string> = {};
    if (fault.retryAfterSeconds !== undefined) headers['Retry-After'] = String(fault.retryAfterSeconds);
    if (fault.body !== undefined) {
      res.set(headers).status(fault.status);
      if (typeof fault.body === 'string') res.type('text/plain').send(fault.body);
      else res.json(fault.body);
      return;
    }
    const defaults: Record<number, string> = {
      401: 'The request requires a valid access token set in the Authorization request header.',
      403: 'The authenticated user does not have the required role or scope.',
      429: 'Too many requests.',
      451: this.redirectTo ? regionMessage(this.redirectTo) : 'The organization is not hosted in this region.',
      500: 'Internal server error.',
      503: 'Service unavailable.',
    };
    fail(res, fault.status, fault.message ?? defaults[fault.status] ?? `Error ${fault.status}.`, headers);
  }

  /** The legs of the calls that start in the hour beginning at `hour` (ms); recent hours cached. */
  private hourLegs(hour: number): Leg[] {
    const cached = this.hours.get(hour);
    if (cached) return cached;
    const legs = this.generateHour(hour);
    this.hours.set(hour, legs);
    if (this.hours.size > HOURS_CACHED) {
      const oldest = this.hours.keys().next().value;
      if (oldest !== undefined) this.hours.delete(oldest);
    }
    return legs;
  }

  private generateHour(hour: number): Leg[] {
    const rng = generator(`${this.seed}|${new Date(hour).toISOString()}`);
    const utcHour = new Date(hour).getUTCHours();
    const busy = utcHour >= 7 && utcHour < 19;
    const calls = Math.floor(rng() * (busy ? 4 : 1.5) * Math.max(1, this.users.length / 2));
    const legs: Leg[] = [];
    for (let index = 0; index < calls; index += 1) legs.push(...this.call(hour, index, rng));
    return legs;
  }

  private call(hour: number, index: number, rng: () => number): Leg[] {
    const key = `${this.seed}|${new Date(hour).toISOString()}|${index}`;
    const startAt = hour + Math.floor(rng() * HOUR);
    const caller = pick(this.users, rng);
    const others = this.users.filter((u) => u !== caller);
    const roll = rng();
    const kind = others.length > 0 && roll < 0.45 ? 'internal' : roll < 0.72 ? 'outbound' : 'inbound';
    const answered = rng() < 0.8;
    const ringSeconds = 2 + Math.floor(rng() * 22);
    const talkSeconds = answered ? 5 + Math.floor(-Math.log(1 - rng() * 0.99) * 180) : 0; // under 14 minutes
    const answerAt = startAt + ringSeconds * 1000;
    const releaseAt = answerAt + talkSeconds * 1000;
    const outcome: [string, string] = answered
      ? ['Success', 'Normal']
      : rng() < 0.3
        ? ['Refusal', 'UserBusy']
        : ['Failure', 'NoAnswer'];
    const externalNumber = `+1650555${String(Math.floor(rng() * 10_000)).padStart(4, '0')}`;
    const correlationId = uuidFrom(`${key}|correlation`);
    const base = {
      startAt,
      answerAt: answered ? answerAt : undefined,
      releaseAt,
      duration: talkSeconds,
      ring: ringSeconds,
      answered,
      outcome,
      correlationId,
      key,
    };
    if (kind === 'internal') {
      const callee = pick(others, rng);
      const from = this.number(caller);
      const to = this.number(callee);
      const originating = this.leg({ ...base, user: caller, direction: 'ORIGINATING', calling: from, called: to, callType: 'SIP_ENTERPRISE', leg: 'o' }, rng);
      const terminating = this.leg({ ...base, user: callee, direction: 'TERMINATING', calling: from, called: to, callType: 'SIP_ENTERPRISE', leg: 't' }, rng);
      originating['Remote call ID'] = terminating['Local call ID'] ?? '';
      terminating['Remote call ID'] = originating['Local call ID'] ?? '';
      return [originating, terminating];
    }
    if (kind === 'outbound') {
      return [
        this.leg(
          { ...base, user: caller, direction: 'ORIGINATING', calling: this.number(caller), called: externalNumber, callType: rng() < 0.5 ? 'SIP_NATIONAL' : 'SIP_MOBILE', leg: 'o' },
          rng,
        ),
      ];
    }
    return [this.leg({ ...base, user: caller, direction: 'TERMINATING', calling: externalNumber, called: this.number(caller), callType: 'SIP_INBOUND', leg: 't' }, rng)];
  }

  private leg(
    call: {
      startAt: number;
      answerAt: number | undefined;
      releaseAt: number;
      duration: number;
      ring: number;
      answered: boolean;
      outcome: [string, string];
      correlationId: string;
      key: string;
      user: string;
      direction: 'ORIGINATING' | 'TERMINATING';
      calling: string;
      called: string;
      callType: string;
      leg: string;
    },
    rng: () => number,
  ): Leg {
    const userIndex = Math.max(0, this.users.indexOf(call.user));
    const location = this.locations[userIndex % this.locations.length] ?? DEFAULT_LOCATIONS[0]!;
    const legKey = `${call.key}|${call.leg}`;
    const device = this.device(call.user, rng);
    const blank = rng() < 0.5 ? '' : 'NA';
    return {
      'Report ID': uuidFrom(`${legKey}|report`),
      'Report time': stamp(call.releaseAt),
      'Start time': stamp(call.startAt),
      'Answer time': call.answerAt === undefined ? '' : stamp(call.answerAt),
      'Release time': stamp(call.releaseAt),
      Duration: call.duration,
      'Ring duration': call.ring,
      Answered: call.answered ? 'true' : 'false',
      Direction: call.direction,
      'Call type': call.callType,
      'Client type': device.clientType,
      'Client version': device.clientVersion,
      'Sub client type': device.subClientType ?? blank,
      'OS type': device.osType,
      'Device MAC': device.mac ?? blank,
      Model: device.model,
      'Calling number': call.calling,
      'Called number': call.called,
      'Calling line ID': call.calling,
      'Called line ID': call.called,
      'Dialed digits': call.direction === 'ORIGINATING' ? call.called : '',
      User: this.people.get(call.user.toLowerCase())?.displayName ?? call.user,
      'User number': this.number(call.user),
      'User type': 'User',
      'User UUID': this.people.get(call.user.toLowerCase())?.uuid ?? stableId(`user|${call.user.toLowerCase()}`),
      Location: location.name,
      'Site UUID': stableId(`site|${location.name}`),
      'Site timezone': String(location.timezoneOffsetMinutes),
      'Org UUID': stableId(`org|${this.seed}`),
      'Call outcome': call.outcome[0],
      'Call outcome reason': call.outcome[1],
      'Correlation ID': call.correlationId,
      'Local call ID': `${uuidFrom(`${legKey}|local`).replaceAll('-', '').slice(0, 20)}`,
      'Remote call ID': '',
      'Network call ID': uuidFrom(`${call.key}|network`),
      'Call ID': `SSE${uuidFrom(`${legKey}|sip`).replaceAll('-', '').slice(0, 24)}@10.0.0.1`,
      'Releasing party': rng() < 0.5 ? 'Local' : 'Remote',
      'Department ID': blank,
      'Inbound trunk': call.callType === 'SIP_INBOUND' ? 'PSTN-Trunk' : blank,
      'Outbound trunk': call.callType === 'SIP_NATIONAL' || call.callType === 'SIP_MOBILE' ? 'PSTN-Trunk' : blank,
      'Route group': blank,
      'Original reason': blank,
      'Redirect reason': blank,
      'Related reason': blank,
      'International country': blank,
      'Authorization code': blank,
    };
  }

  /** Which device a leg of this user was on: Webex Go about a third of the time, if they have it. */
  private device(user: string, rng: () => number): { clientType: string; subClientType?: string; clientVersion: string; osType: string; model: string; mac?: string } {
    const roll = rng();
    if (this.webexGoUsers.has(user.toLowerCase()) && roll < 0.35) {
      return { clientType: 'SIP', subClientType: 'MOBILE_NETWORK', clientVersion: '', osType: '', model: 'Webex Go' };
    }
    if (roll < 0.6) return { clientType: 'WXC_CLIENT', clientVersion: '44.10.0.30906', osType: rng() < 0.5 ? 'windows' : 'mac', model: 'Webex' };
    if (roll < 0.85) {
      const mac = createHash('sha1').update(`mac|${user}`).digest('hex').slice(0, 12).toUpperCase();
      return { clientType: 'WXC_DEVICE', clientVersion: 'sip88xx.14-2-1', osType: '', model: 'Cisco 8845', mac };
    }
    return { clientType: 'TEAMS_WXC_CLIENT', clientVersion: '1.0', osType: 'windows', model: 'Teams' };
  }

  /** The user's (made-up, stable) business number. */
  private number(user: string): string {
    const known = this.numbers.get(user);
    if (known) return known;
    const digits = parseInt(createHash('sha1').update(`number|${user.toLowerCase()}`).digest('hex').slice(0, 6), 16) % 10_000;
    const number = `+1408555${String(digits).padStart(4, '0')}`;
    this.numbers.set(user, number);
    return number;
  }
}

function regionMessage(target: string): string {
  return `The organization's data is hosted in another region. Request should go to URL: ${target}`;
}

function fail(res: Response, status: number, message: string, headers: Record<string, string> = {}): void {
  res.set(headers);
  res.status(status).json({ message, errors: [{ description: message }], trackingId: res.get('trackingid') });
}

function flatQuery(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.query as Record<string, unknown>)) {
    if (typeof value === 'string') out[name] = value;
    else if (Array.isArray(value) && typeof value[0] === 'string') out[name] = value[0];
  }
  return out;
}

function encodeCursor(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64url');
}

function decodeCursor(cursor: string): number | undefined {
  const match = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

function stamp(ms: number): string {
  return new Date(ms).toISOString();
}

/** Ids of users, sites and orgs, asked for on every leg. */
const stableIds = new Map<string, string>();

function stableId(text: string): string {
  let id = stableIds.get(text);
  if (!id) {
    id = uuidFrom(text);
    if (stableIds.size < 10_000) stableIds.set(text, id);
  }
  return id;
}

/** A UUID-shaped id derived from the text: the same text, the same id. */
function uuidFrom(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16] ?? '0', 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A deterministic generator of numbers in [0, 1) seeded from the text (mulberry32). */
function generator(text: string): () => number {
  let state = createHash('sha256').update(text).digest().readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(items: readonly T[], rng: () => number): T {
  const item = items[Math.floor(rng() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}
