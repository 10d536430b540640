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
 * What the API allows, and what this client does about it, by job:
 * - Range and windows (`plan.ts`): trimmed to the last 30 days up to 5 minutes ago, cut into
 *   12-hour windows; a range with nothing left is refused synchronously (kind `range`).
 *   `onProgress` hears "window k of n" before each window.
 * - Paging (`paging.ts`): `Link: rel="next"` followed, no page fetched twice.
 * - Region (`region.ts`): a 451 is followed to the host its body names (`onRegionChange` tells the
 *   caller, to remember it); a 451 naming nothing usable fails with kind `region`.
 * - Rate limit: 1 request + 10 page requests a minute per token. By default the client paces
 *   itself (window requests ≥ 60 s apart, ≤ 10 page requests in any 60 s), waiting through `sleep`;
 *   a 7-day pull (14 windows) therefore takes about 13 minutes. `pacing: false` turns that off
 *   (the offline fake has no limit); shorter `pacing` intervals suit a test on real time.
 * - Retries (the policy of `src/net`): on 429 (or 503) it waits `Retry-After` (seconds or an HTTP
 *   date; 60 s when absent, at most 10 minutes), other 5xx answers, network errors and time-outs
 *   (`timeoutMs` per try, the try aborted) back off from 1 s; at most `maxRetries` (3) retries per
 *   request, then it fails with kind `rate-limit` (429/503), `http` or `network`, naming the status.
 * - 401/403: fails with kind `auth`, saying the token needs the `spark-admin:calling_cdr_read`
 *   scope and its admin the "Webex Calling Detailed Call History API access" role.
 * - Any other status fails with kind `http`, naming the status and the body's message.
 */
import { systemClock, type Clock } from '../../net/clock.js';
import { callWithPolicy, HttpStatusError, OutgoingCallError, type RetryPolicy } from '../../net/outgoingCall.js';
import { Pacer } from '../../net/pacer.js';
import { CdrFeedError, messageOf, trackingIdOf } from './errors.js';
import { firstPageUrl, MAX_PAGE_SIZE, readPage, type Page } from './paging.js';
import { describeWindow, planCallHistoryWindows, type CallHistoryPlan, type CallHistoryWindow } from './plan.js';
import type { CallRecord } from '../../calls/record.js';
import { CallHistoryRegion, trimSlash, trustWebexHosts } from './region.js';

export type { CallRecord } from '../../calls/record.js';
export { recordText, recordValue } from '../../calls/record.js';
export { CdrFeedError, type CdrFeedErrorKind } from './errors.js';
export { MAX_PAGE_SIZE, nextLinkTarget } from './paging.js';
export {
  MAX_WINDOW_MS,
  NEWEST_AVAILABLE_MS,
  OLDEST_AVAILABLE_MS,
  planCallHistoryWindows,
  RANGE_MARGIN_MS,
  type CallHistoryPlan,
  type CallHistoryWindow,
} from './plan.js';
export { regionBaseFromBody } from './region.js';

export const DEFAULT_CDR_BASE_URL = 'https://analytics-calling.webexapis.com/v1';
export const REQUIRED_SCOPE = 'spark-admin:calling_cdr_read';
export const REQUIRED_ROLE = 'Webex Calling Detailed Call History API access';
export const MAX_LOCATIONS = 10;

const MINUTE = 60_000;

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
  /** Most page (next-link) requests in any `pageIntervalMs`; default 10. */
  pagesPerMinute?: number;
  /** The span `pagesPerMinute` counts over; default 60,000. */
  pageIntervalMs?: number;
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
  /** Retries per request after 429/5xx/network errors; default 3. */
  maxRetries?: number;
  /** Self-pacing to the documented rate limit; on by default, `false` to turn it off. */
  pacing?: PacingOptions | false;
  /** Per try; default 120,000. */
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
      const region = new CallHistoryRegion(current, options.isTrustedHost ?? trustWebexHosts, (base) => {
        current = base;
        options.onRegionChange?.(base);
      });
      const clock: Clock = { now: () => now().getTime(), sleep: options.sleep ?? systemClock.sleep };
      return new Puller(options, settings, plan, region, clock).records()[Symbol.asyncIterator]();
    },
  };
}

interface Settings {
  base: string;
  pageSize: number;
  policy: RetryPolicy;
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
      : {
          initialIntervalMs: options.pacing?.initialIntervalMs ?? MINUTE,
          pagesPerMinute: options.pacing?.pagesPerMinute ?? 10,
          pageIntervalMs: options.pacing?.pageIntervalMs ?? MINUTE,
        };
  const policy: RetryPolicy = {
    retries: maxRetries,
    maxRetryAfterMs: 10 * MINUTE,
    backoffMs: 1000,
    timeoutMs: options.timeoutMs ?? 120_000,
    defaultRetryAfterMs: MINUTE,
  };
  return { base, pageSize, policy, pacing, locations };
}

/** A 200 or 204 answer, read whole within the try's deadline. */
interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

/** One iteration of a pull: its region, fetched pages and pacing. */
class Puller {
  private readonly fetchFn: typeof fetch;
  /** Page URLs fetched successfully in this pull. */
  private readonly fetched = new Set<string>();
  private readonly windowPacer: Pacer | undefined;
  private readonly pagePacer: Pacer | undefined;

  constructor(
    private readonly options: PullCallHistoryOptions,
    private readonly settings: Settings,
    private readonly plan: CallHistoryPlan,
    private readonly region: CallHistoryRegion,
    private readonly clock: Clock,
  ) {
    this.fetchFn = options.fetch ?? fetch;
    const pacing = settings.pacing;
    this.windowPacer = pacing && new Pacer(1, pacing.initialIntervalMs, clock);
    this.pagePacer = pacing && new Pacer(pacing.pagesPerMinute, pacing.pageIntervalMs, clock);
  }

  async *records(): AsyncGenerator<CallRecord, void, undefined> {
    let yielded = 0;
    const windows = this.plan.windows.length;
    for (const window of this.plan.windows) {
      this.options.onProgress?.({ window: window.index, windows, start: window.start, end: window.end, records: yielded });
      let url: string | undefined = firstPageUrl(this.region.base, window, this.settings.locations, this.settings.pageSize);
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

  private async fetchPage(url: string, firstOfWindow: boolean, window: CallHistoryWindow): Promise<Page> {
    // The request a 451 moved to another region goes at once: it was paced already.
    let waitForPace = true;
    for (;;) {
      try {
        const answer = await callWithPolicy(
          {
            what: `fetch call history for ${describeWindow(window)}`,
            idempotent: true,
            policy: this.settings.policy,
            clock: this.clock,
            pacer: firstOfWindow ? this.windowPacer : this.pagePacer,
            waitForPace,
          },
          (signal) => this.send(url, signal),
        );
        const page = readPage(answer, url, window, this.region.base, this.region.trusts);
        this.fetched.add(url);
        return page;
      } catch (error) {
        if (!(error instanceof OutgoingCallError)) throw error;
        if (error.status === 451 && error.cause instanceof HttpStatusError) {
          url = this.region.follow(url, error.cause);
          waitForPace = false;
          continue;
        }
        throw this.failure(error, url, window);
      }
    }
  }

  /** One try: the page read whole, or an `HttpStatusError` for any answer but 200/204. */
  private async send(url: string, signal: AbortSignal): Promise<Answer> {
    const response = await this.fetchFn(url, {
      method: 'GET',
      headers: { Authorization: `Bearer ${this.options.token}`, Accept: 'application/json' },
      redirect: 'error',
      signal,
    });
    if (response.status === 200 || response.status === 204) return { status: response.status, headers: response.headers, text: await response.text() };
    throw new HttpStatusError(response.status, response.headers, await response.text().catch(() => ''));
  }

  /** The policy's failure in an admin's words. */
  private failure(error: OutgoingCallError, url: string, window: CallHistoryWindow): CdrFeedError {
    const status = error.status;
    const answer = error.cause instanceof HttpStatusError ? error.cause : undefined;
    if (status === undefined || answer === undefined) {
      const reason = error.timedOut ? `no answer within ${this.settings.policy.timeoutMs / 1000} s` : String(error.cause);
      const tries = error.tries > 1 ? ` (tried ${error.tries} times)` : '';
      return new CdrFeedError('network', `Could not reach the Detailed Call History API (${new URL(url).host}) for ${describeWindow(window)}: ${reason}${tries}.`, {
        cause: error.cause,
      });
    }
    const trackingId = trackingIdOf(answer.headers, answer.body);
    if (status === 429 || status === 503) {
      const meaning = status === 429 ? 'too many requests' : 'service unavailable';
      const message =
        error.failure === 'wait-too-long'
          ? `The Detailed Call History API answered HTTP ${status} (${meaning}) and asked to wait ${Math.ceil((error.waitMs ?? 0) / MINUTE)} minutes; try again then.`
          : `The Detailed Call History API still answered HTTP ${status} (${meaning}) after ${error.tries - 1} retries; try again in a few minutes.`;
      return new CdrFeedError('rate-limit', message, { status, trackingId });
    }
    if (status === 401 || status === 403) {
      return new CdrFeedError(
        'auth',
        `The Detailed Call History API refused the token (HTTP ${status}${status === 401 ? ', unauthorized' : ', forbidden'}): ` +
          `it needs an admin token with the ${REQUIRED_SCOPE} scope, and that admin needs the "${REQUIRED_ROLE}" role in Control Hub` +
          (status === 401 ? '; the token may also have expired.' : '.'),
        { status, trackingId },
      );
    }
    const said = messageOf(answer.body);
    const tries = error.tries > 1 ? ` (tried ${error.tries} times)` : '';
    return new CdrFeedError('http', `The Detailed Call History API answered HTTP ${status} for ${describeWindow(window)}${tries}${said ? `: ${said}` : '.'}`, {
      status,
      trackingId,
    });
  }
}
