/**
 * The one way out to Webex: every call is timed out, 429s wait for Retry-After, 5xx and network
 * failures back off and try again, and a call that still fails ends with a clear error.
 */

export interface RetryPolicy {
  /** Tries after the first one. */
  retries: number;
  /** Longest Retry-After we are willing to wait; a longer one fails at once. */
  maxRetryAfterMs: number;
  /** First backoff for 5xx and network errors; doubles each try. */
  backoffMs: number;
  timeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 4, maxRetryAfterMs: 60_000, backoffMs: 500, timeoutMs: 20_000 };

export class WebexCallError extends Error {
  constructor(
    message: string,
    readonly statusCode?: number,
  ) {
    super(message);
    this.name = 'WebexCallError';
  }
}

interface HttpishError {
  statusCode?: number;
  status?: number;
  headers?: Record<string, string | undefined>;
  message?: string;
  body?: { message?: string };
}

function statusOf(error: unknown): number | undefined {
  const e = error as HttpishError | undefined;
  const status = e?.statusCode ?? e?.status;
  return typeof status === 'number' && status > 0 ? status : undefined;
}

function retryAfterMs(error: unknown): number | undefined {
  const header = (error as HttpishError | undefined)?.headers?.['retry-after'];
  if (header === undefined) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Webex's own words for a failure, without anything the request carried. */
function describe(error: unknown): string {
  const e = error as HttpishError | undefined;
  const status = statusOf(error);
  const text = e?.body?.message ?? e?.message ?? String(error);
  return status ? `Webex answered ${status}: ${text.split('\n')[0]}` : text.split('\n')[0];
}

export class WebexClient {
  constructor(
    private readonly policy: RetryPolicy = DEFAULT_RETRY_POLICY,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  async call<T>(what: string, request: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.withTimeout(what, request);
      } catch (error) {
        const status = statusOf(error);
        const retriable = status === undefined || status === 429 || status === 423 || status >= 500;
        if (!retriable || attempt >= this.policy.retries) {
          throw new WebexCallError(
            attempt > 0 ? `${describe(error)} (gave up after ${attempt + 1} tries)` : describe(error),
            status,
          );
        }
        const wait =
          status === 429 || status === 423 || status === 503
            ? retryAfterMs(error) ?? this.policy.backoffMs * 2 ** attempt
            : this.policy.backoffMs * 2 ** attempt;
        if (wait > this.policy.maxRetryAfterMs) {
          throw new WebexCallError(`${describe(error)}; Webex asked to wait ${Math.round(wait / 1000)} s, longer than we wait`, status);
        }
        this.log(`Webex ${what}: ${describe(error)}; trying again in ${wait} ms`);
        await this.sleep(wait);
      }
    }
  }

  private withTimeout<T>(what: string, request: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from Webex to ${what} within ${this.policy.timeoutMs / 1000} s`)), this.policy.timeoutMs);
    });
    return Promise.race([Promise.resolve().then(request), timeout]).finally(() => clearTimeout(timer));
  }
}
