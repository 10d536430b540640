/**
 * Client for the Webex Calling Detailed Call History API (`GET {base}/cdr_feed`).
 *
 *   const pull = pullCallHistory({ token, start, end, onProgress });
 *   pull.plan;                       // the range actually asked for, and its 12-hour windows
 *   for await (const record of pull) { … }   // each record as the API sent it
 *
 * `pullCallHistory` returns an async iterable: records arrive window after window, page after
 * page, oldest window first, as plain objects with the API's keys (`Report ID`, `Sub client type`…;
 * read them with `recordValue`, which ignores case and spaces). Stop early by leaving the loop.
 * Nothing is fetched until iteration starts; each iteration is a fresh pull (of the same plan).
 *
 * What the API allows, and what this client does about it:
 * - Range. Records can be asked for from 30 days ago up to 5 minutes ago. The client TRIMS a range
 *   that reaches outside that (start older than 30 days → start moved to 30 days ago plus a
 *   1-minute margin; end later than 5 minutes ago → end moved to 6 minutes ago; the margins absorb
 *   clock differences) and says so in `plan.trimmedStart` / `plan.trimmedEnd`, so the caller can
 *   tell the admin. It REFUSES (throws `CdrFeedError` of kind `range`, synchronously, from
 *   `pullCallHistory`) a range with nothing left after trimming: wholly older than 30 days, wholly
 *   within the last 5 minutes, an end not after the start, or an invalid date.
 * - Windows. At most 12 hours per request: the range is cut into consecutive 12-hour windows (the
 *   last one shorter), asked for oldest first. `onProgress` hears "window k of n" before each.
 *   Windows are adjacent (one's end is the next one's start); if the API counts a record at the
 *   boundary in both, the duplicate is left to the summary, which de-duplicates by `Report ID`.
 * - Paging. `max` = `pageSize` (1–500, default 500); the next page is the `Link: <…>; rel="next"`
 *   header's URL, followed until there is none. A page URL is fetched once per pull: a next link
 *   back to a page already fetched ends that window, so no page's records are yielded twice.
 * - Rate limit: 1 request + 10 page requests a minute per token. By default the client paces
 *   itself (window requests ≥ 60 s apart, ≤ 10 page requests in any 60 s), waiting through `sleep`;
 *   a 7-day pull (14 windows) therefore takes about 13 minutes. `pacing: false` turns that off
 *   (the offline fake has no limit). On 429 (or 503) it waits `Retry-After` (seconds or an HTTP
 *   date; 60 s when absent) and retries the same request, at most `maxRetries` (3) times per
 *   request, then fails with kind `rate-limit`, naming the status.
 * - Region. HTTP 451 means the organisation's data is in another region and the body names the
 *   right host. The client searches the body (the JSON `message`, `errors[].description` and any
 *   other string in it, or the raw text) for the first URL (`https://analytics-calling-eu.
 *   webexapis.com/v1/cdr_feed`, `https://analytics-calling-eu.webexapis.com`) or bare
 *   `*.webexapis.com` host, then the `Location` header, and takes from it the new base URL:
 *   origin + the path before `/cdr_feed` (or the current base's path, `/v1`, when it names none).
 *   It follows only HTTPS `*.webexapis.com` hosts (or loopback when the base is loopback, for the
 *   offline fake), at most twice a pull, then redoes the request there and keeps the new base for
 *   the rest of the pull (`onRegionChange` tells the caller, to remember it). A 451 naming nothing
 *   usable fails with kind `region`.
 * - 401/403: fails with kind `auth`, saying the token needs the `spark-admin:calling_cdr_read`
 *   scope and its admin the "Webex Calling Detailed Call History API access" role.
 * - Any other status fails with kind `http`, naming the status and the body's message.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { CallRecord } from './record.js';

export type { CallRecord } from './record.js';
export { recordText, recordValue } from './record.js';

export const DEFAULT_CDR_BASE_URL = 'https://analytics-calling.webexapis.com/v1';
export const REQUIRED_SCOPE = 'spark-admin:calling_cdr_read';
export const REQUIRED_ROLE = 'Webex Calling Detailed Call History API access';

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
export const MAX_PAGE_SIZE = 500;
export const MAX_LOCATIONS = 10;
const DEFAULT_RETRY_AFTER_MS = MINUTE;
const MAX_REGION_SWITCHES = 2;

export type CdrFeedErrorKind = 'options' | 'range' | 'auth' | 'rate-limit' | 'region' | 'http' | 'network' | 'format';

/** Every failure of a pull; `message` is fit to show an admin. */
export class CdrFeedError extends Error {
  readonly kind: CdrFeedErrorKind;
  /** The HTTP status that caused it, when one did. */
  readonly status: number | undefined;
  /** Webex's tracking id from the failing response, for a support case. */
  readonly trackingId: string | undefined;

  constructor(kind: CdrFeedErrorKind, message: string, details: { status?: number; trackingId?: string; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'CdrFeedError';
    this.kind = kind;
    this.status = details.status;
    this.trackingId = details.trackingId;
  }
}

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

export interface PullProgress {
  /** 1-based: "window `window` of `windows`". */
  window: number;
  windows: number;
  start: Date;
  end: Date;
  /** Records yielded so far, before this window. */
  records: number;
}

export interface PacingOptions {
  /** Least time between two window (first-page) requests; default 60,000. */
  initialIntervalMs?: number;
  /** Most page (next-link) requests in any 60 s; default 10. */
  pagesPerMinute?: number;
}

export interface PullCallHistoryOptions {
  /** An admin token with `spark-admin:calling_cdr_read`. */
  token: string;
  /** Default https://analytics-calling.webexapis.com/v1; `/cdr_feed` is appended. */
  baseUrl?: string;
  start: Date;
  end: Date;
  /** Location names as shown in Control Hub; at most 10. */
  locations?: string[];
  /** The `max` parameter: records per page, 1–500 (default 500). */
  pageSize?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
  onProgress?: (progress: PullProgress) => void;
  /** The pull moved to another region's base URL after a 451: worth remembering. */
  onRegionChange?: (baseUrl: string) => void;
  /** Retries per request after 429/503; default 3. */
  maxRetries?: number;
  /** Self-pacing to the documented rate limit; on by default, `false` to turn it off. */
  pacing?: PacingOptions | false;
  /** Per request; default 120,000. */
  timeoutMs?: number;
  /**
   * Whether a host named by a 451 body or a next link may receive the token. Default: HTTPS hosts
   * under webexapis.com, and loopback hosts when the base URL is loopback.
   */
  isTrustedHost?: (candidate: URL, base: URL) => boolean;
}

/** The records of a pull, oldest window first; see the module comment. */
export interface CallHistoryPull extends AsyncIterable<CallRecord> {
  readonly plan: CallHistoryPlan;
  /** The base URL in use: the configured one, or the region a 451 named. */
  readonly baseUrl: string;
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

/**
 * Pulls the records of `start`–`end`. Throws `CdrFeedError` synchronously for bad options or a
 * range with nothing available; everything else surfaces from the iteration.
 */
export function pullCallHistory(options: PullCallHistoryOptions): CallHistoryPull {
  const now = options.now ?? (() => new Date());
  const settings = checkOptions(options);
  const plan = planCallHistoryWindows(options.start, options.end, now());
  let current = settings.base;
  return {
    plan,
    get baseUrl() {
      return current;
    },
    [Symbol.asyncIterator]() {
      // A later iteration starts where an earlier one's 451 led.
      const puller = new Puller(options, { ...settings, base: current }, plan, now, (base) => {
        current = base;
        options.onRegionChange?.(base);
      });
      return puller.records()[Symbol.asyncIterator]();
    },
  };
}

interface Settings {
  base: string;
  pageSize: number;
  maxRetries: number;
  timeoutMs: number;
  pacing: Required<PacingOptions> | undefined;
  locations: string[];
}

function checkOptions(options: PullCallHistoryOptions): Settings {
  if (typeof options.token !== 'string' || options.token.trim() === '') {
    throw new CdrFeedError('options', 'No admin token was given for the Detailed Call History API.');
  }
  const base = trimSlash(options.baseUrl ?? DEFAULT_CDR_BASE_URL);
  if (!URL.canParse(base)) throw new CdrFeedError('options', `The Detailed Call History base URL "${base}" is not a URL.`);
  const pageSize = options.pageSize ?? MAX_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new CdrFeedError('options', `The page size must be a whole number from 1 to ${MAX_PAGE_SIZE}, not ${pageSize}.`);
  }
  const locations = (options.locations ?? []).map((l) => l.trim()).filter((l) => l !== '');
  if (locations.length > MAX_LOCATIONS) {
    throw new CdrFeedError('options', `The Detailed Call History API takes at most ${MAX_LOCATIONS} locations at once; ${locations.length} were given.`);
  }
  const maxRetries = options.maxRetries ?? 3;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) throw new CdrFeedError('options', `maxRetries must be a whole number ≥ 0.`);
  const pacing =
    options.pacing === false
      ? undefined
      : { initialIntervalMs: options.pacing?.initialIntervalMs ?? MINUTE, pagesPerMinute: options.pacing?.pagesPerMinute ?? 10 };
  return { base, pageSize, maxRetries, timeoutMs: options.timeoutMs ?? 120_000, pacing, locations };
}

interface Page {
  items: CallRecord[];
  next: string | undefined;
}

/** One iteration of a pull: its base URL, fetched pages and pacing state. */
class Puller {
  private base: string;
  private readonly fetchFn: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly trusted: (candidate: URL, base: URL) => boolean;
  /** Page URLs fetched successfully in this pull. */
  private readonly fetched = new Set<string>();
  private lastWindowRequestAt: number | undefined;
  private readonly pageRequestTimes: number[] = [];
  private regionSwitches = 0;

  constructor(
    private readonly options: PullCallHistoryOptions,
    private readonly settings: Settings,
    private readonly plan: CallHistoryPlan,
    private readonly now: () => Date,
    private readonly onBaseChange: (base: string) => void,
  ) {
    this.base = settings.base;
    this.fetchFn = options.fetch ?? fetch;
    this.sleep = options.sleep ?? ((ms) => delay(ms).then(() => undefined));
    this.trusted = options.isTrustedHost ?? defaultTrust;
  }

  async *records(): AsyncGenerator<CallRecord, void, undefined> {
    let yielded = 0;
    const windows = this.plan.windows.length;
    for (const window of this.plan.windows) {
      this.options.onProgress?.({ window: window.index, windows, start: window.start, end: window.end, records: yielded });
      let url: string | undefined = this.firstPageUrl(window);
      let first = true;
      while (url !== undefined) {
        const page = await this.fetchPage(url, first, window);
        first = false;
        for (const item of page.items) {
          yield item;
          yielded += 1;
        }
        url = page.next !== undefined && !this.fetched.has(page.next) ? page.next : undefined;
      }
    }
  }

  private firstPageUrl(window: CallHistoryWindow): string {
    const query = new URLSearchParams({ startTime: formatCdrTime(window.start), endTime: formatCdrTime(window.end) });
    if (this.settings.locations.length > 0) query.set('locations', this.settings.locations.join(','));
    query.set('max', String(this.settings.pageSize));
    return `${this.base}/cdr_feed?${query}`;
  }

  private async fetchPage(url: string, firstOfWindow: boolean, window: CallHistoryWindow): Promise<Page> {
    let retries = 0;
    let paced = false;
    for (;;) {
      if (!paced) await this.pace(firstOfWindow);
      paced = true;
      this.noteRequest(firstOfWindow);
      const response = await this.send(url, window);
      const status = response.status;
      if (status === 200 || status === 204) {
        const page = await this.readPage(response, url, window);
        this.fetched.add(url);
        return page;
      }
      const text = await response.text().catch(() => '');
      const trackingId = response.headers.get('trackingid') ?? trackingIdOf(text);
      if (status === 429 || status === 503) {
        retries += 1;
        if (retries > this.settings.maxRetries) {
          throw new CdrFeedError(
            'rate-limit',
            `The Detailed Call History API still answered HTTP ${status} (${status === 429 ? 'too many requests' : 'service unavailable'}) after ${this.settings.maxRetries} retries; try again in a few minutes.`,
            { status, trackingId },
          );
        }
        await this.sleep(this.retryAfterMs(response.headers.get('retry-after')));
        continue;
      }
      if (status === 451) {
        url = this.switchRegion(url, text, response.headers.get('location'), trackingId);
        continue;
      }
      if (status === 401 || status === 403) {
        throw new CdrFeedError(
          'auth',
          `The Detailed Call History API refused the token (HTTP ${status}${status === 401 ? ', unauthorized' : ', forbidden'}): ` +
            `it needs an admin token with the ${REQUIRED_SCOPE} scope, and that admin needs the "${REQUIRED_ROLE}" role in Control Hub` +
            (status === 401 ? '; the token may also have expired.' : '.'),
          { status, trackingId },
        );
      }
      const said = messageOf(text);
      throw new CdrFeedError(
        'http',
        `The Detailed Call History API answered HTTP ${status} for ${describe(window)}${said ? `: ${said}` : '.'}`,
        { status, trackingId },
      );
    }
  }

  private async send(url: string, window: CallHistoryWindow): Promise<Response> {
    try {
      return await this.fetchFn(url, {
        method: 'GET',
        headers: { Authorization: `Bearer ${this.options.token}`, Accept: 'application/json' },
        redirect: 'error',
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
    } catch (error) {
      const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${this.settings.timeoutMs / 1000} s` : String(error);
      throw new CdrFeedError('network', `Could not reach the Detailed Call History API (${new URL(url).host}) for ${describe(window)}: ${reason}.`, {
        cause: error,
      });
    }
  }

  private async readPage(response: Response, url: string, window: CallHistoryWindow): Promise<Page> {
    const next = this.nextLink(response.headers.get('link'), url);
    const text = await response.text();
    if (response.status === 204 || text.trim() === '') return { items: [], next };
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw new CdrFeedError('format', `The Detailed Call History API sent something other than JSON for ${describe(window)}.`, { cause: error });
    }
    const items = isObject(body) ? body.items : undefined;
    if (items === undefined) return { items: [], next };
    if (!Array.isArray(items)) {
      throw new CdrFeedError('format', `The Detailed Call History API's answer for ${describe(window)} has "items" that is not a list.`);
    }
    return { items: items.filter(isObject), next };
  }

  /** The rel="next" URL, resolved against the page's URL; refused if it leaves trusted hosts. */
  private nextLink(header: string | null, pageUrl: string): string | undefined {
    const target = nextLinkTarget(header);
    if (target === undefined) return undefined;
    let next: URL;
    try {
      next = new URL(target, pageUrl);
    } catch {
      throw new CdrFeedError('format', `The Detailed Call History API's next-page link "${target}" is not a URL.`);
    }
    const page = new URL(pageUrl);
    if (next.origin !== page.origin && !this.trusted(next, new URL(this.base))) {
      throw new CdrFeedError('format', `The Detailed Call History API's next-page link points at ${next.host}, not a Webex host: not following it.`);
    }
    return next.href;
  }

  private switchRegion(url: string, body: string, location: string | null, trackingId: string | undefined): string {
    const current = new URL(this.base);
    const named = regionBaseFromBody(body, current) ?? (location ? regionBaseFromText(location, current) : undefined);
    const notice = 'HTTP 451: the organization\'s call history is kept in another region';
    if (named === undefined) {
      const said = messageOf(body);
      throw new CdrFeedError('region', `The Detailed Call History API answered ${notice}, but its answer names no host to use${said ? ` ("${said}")` : ''}.`, {
        status: 451,
        trackingId,
      });
    }
    if (!this.trusted(named, current)) {
      throw new CdrFeedError('region', `The Detailed Call History API answered ${notice} and named ${named.href}, which is not a Webex host: not sending the token there.`, {
        status: 451,
        trackingId,
      });
    }
    const base = trimSlash(named.href);
    if (base === this.base) {
      throw new CdrFeedError('region', `The Detailed Call History API answered ${notice}, but named the host already in use (${base}).`, { status: 451, trackingId });
    }
    this.regionSwitches += 1;
    if (this.regionSwitches > MAX_REGION_SWITCHES) {
      throw new CdrFeedError('region', `The Detailed Call History API sent the request to another region ${MAX_REGION_SWITCHES} times; giving up at ${this.base}.`, {
        status: 451,
        trackingId,
      });
    }
    const moved = rebase(url, this.base, base);
    this.base = base;
    this.onBaseChange(base);
    return moved;
  }

  /** Waits as the documented rate limit asks (see the module comment). */
  private async pace(firstOfWindow: boolean): Promise<void> {
    const pacing = this.settings.pacing;
    if (!pacing) return;
    const now = this.now().getTime();
    let wait = 0;
    if (firstOfWindow) {
      if (this.lastWindowRequestAt !== undefined) wait = this.lastWindowRequestAt + pacing.initialIntervalMs - now;
    } else {
      this.dropOldPageTimes(now);
      if (this.pageRequestTimes.length >= pacing.pagesPerMinute) {
        const oldest = this.pageRequestTimes[this.pageRequestTimes.length - pacing.pagesPerMinute];
        if (oldest !== undefined) wait = oldest + MINUTE - now;
      }
    }
    if (wait > 0) await this.sleep(wait);
  }

  private noteRequest(firstOfWindow: boolean): void {
    const now = this.now().getTime();
    if (firstOfWindow) {
      this.lastWindowRequestAt = now;
    } else {
      this.pageRequestTimes.push(now);
      this.dropOldPageTimes(now);
    }
  }

  private dropOldPageTimes(now: number): void {
    while (this.pageRequestTimes.length > 0 && (this.pageRequestTimes[0] ?? now) <= now - MINUTE) this.pageRequestTimes.shift();
  }

  private retryAfterMs(header: string | null): number {
    if (header !== null) {
      const value = header.trim();
      if (/^\d+(\.\d+)?$/.test(value)) return Math.max(1000, Math.ceil(Number(value) * 1000));
      const date = Date.parse(value);
      if (!Number.isNaN(date)) return Math.max(1000, date - this.now().getTime());
    }
    return DEFAULT_RETRY_AFTER_MS;
  }
}

/** HTTPS under webexapis.com, or loopback when the base is loopback (the offline fake). */
function defaultTrust(candidate: URL, base: URL): boolean {
  const host = candidate.hostname.toLowerCase();
  if (candidate.protocol === 'https:' && (host === 'webexapis.com' || host.endsWith('.webexapis.com'))) return true;
  return isLoopback(candidate.hostname) && isLoopback(base.hostname);
}

function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The URL of the `rel="next"` entry of a Link header. */
export function nextLinkTarget(header: string | null | undefined): string | undefined {
  if (!header) return undefined;
  for (const match of header.matchAll(/<([^>]*)>((?:\s*;\s*[^;,<]*)*)/g)) {
    const params = match[2] ?? '';
    for (const param of params.matchAll(/;\s*rel\s*=\s*("([^"]*)"|[^\s;,]+)/gi)) {
      const rels = (param[2] ?? param[1] ?? '').toLowerCase().split(/\s+/);
      if (rels.includes('next')) return match[1];
    }
  }
  return undefined;
}

/**
 * The base URL a 451 answer names, or `undefined`. Reads every string in a JSON body (message,
 * errors[].description, any other field) or the raw text, and takes the first http(s) URL, or
 * failing that the first bare `….webexapis.com` host; see `regionBaseFromText`.
 */
export function regionBaseFromBody(body: string, current: URL): URL | undefined {
  let texts: string[];
  try {
    texts = stringsIn(JSON.parse(body) as unknown);
  } catch {
    texts = [body];
  }
  for (const text of texts) {
    const url = firstUrl(text);
    if (url) return baseOf(url, current);
  }
  for (const text of texts) {
    const host = firstWebexHost(text);
    if (host) return baseOf(host, current);
  }
  return undefined;
}

/** The base URL a piece of text (a header, a message) names, as `regionBaseFromBody` reads it. */
export function regionBaseFromText(text: string, current: URL): URL | undefined {
  const url = firstUrl(text) ?? firstWebexHost(text);
  return url ? baseOf(url, current) : undefined;
}

function firstUrl(text: string): URL | undefined {
  for (const match of text.matchAll(/https?:\/\/[^\s"'<>(){}\[\],;]+/gi)) {
    const candidate = match[0].replace(/[.:!?]+$/, '');
    if (URL.canParse(candidate)) return new URL(candidate);
  }
  return undefined;
}

function firstWebexHost(text: string): URL | undefined {
  const match = /\b((?:[a-z0-9-]+\.)+webexapis\.com)\b/i.exec(text);
  return match?.[1] ? new URL(`https://${match[1].toLowerCase()}`) : undefined;
}

/** Origin + the path before `/cdr_feed` (or the current base's path when the URL has none). */
function baseOf(url: URL, current: URL): URL {
  const path = url.pathname;
  const at = path.search(/\/cdr_(feed|stream)(\/|$)/i);
  let basePath = at >= 0 ? path.slice(0, at) : path;
  basePath = basePath.replace(/\/+$/, '');
  if (basePath === '') basePath = current.pathname.replace(/\/+$/, '');
  return new URL(`${url.origin}${basePath}`);
}

/** The same request on another base URL: the part after the old base (or from `/cdr_feed` on) kept. */
function rebase(url: string, oldBase: string, newBase: string): string {
  if (url.startsWith(`${oldBase}/`)) return newBase + url.slice(oldBase.length);
  const parsed = new URL(url);
  const at = parsed.pathname.search(/\/cdr_feed(\/|$)/i);
  const rest = at >= 0 ? parsed.pathname.slice(at) : '/cdr_feed';
  return `${newBase}${rest}${parsed.search}`;
}

function stringsIn(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const item of value) stringsIn(item, into);
  else if (isObject(value)) {
    // The message first: it is where Webex writes the explanation.
    if (typeof value.message === 'string') into.push(value.message);
    for (const [key, item] of Object.entries(value)) if (key !== 'message') stringsIn(item, into);
  }
  return into;
}

/** The Webex error body's message (or its first error description), shortened; '' if none. */
function messageOf(text: string): string {
  let message = '';
  try {
    const body = JSON.parse(text) as unknown;
    if (isObject(body)) {
      if (typeof body.message === 'string') message = body.message;
      else if (Array.isArray(body.errors) && isObject(body.errors[0]) && typeof body.errors[0].description === 'string') {
        message = body.errors[0].description;
      }
    }
  } catch {
    message = text.trim().startsWith('<') ? '' : text;
  }
  message = message.replace(/\s+/g, ' ').trim();
  return message.length > 300 ? `${message.slice(0, 299)}…` : message;
}

function trackingIdOf(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as unknown;
    return isObject(body) && typeof body.trackingId === 'string' ? body.trackingId : undefined;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function trimSlash(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

function stamp(date: Date): string {
  return Number.isNaN(date.getTime()) ? 'an invalid date' : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function describe(window: CallHistoryWindow): string {
  return `${stamp(window.start)} – ${stamp(window.end)}`;
}
