/**
 * The one policy for every call this bot makes over HTTP (Webex messages and files, the call
 * history API, the org APIs to come). It knows HTTP, nothing of Webex:
 *
 * - Deadline. Each try gets its own AbortSignal, aborted when `timeoutMs` passes; the try is
 *   abandoned then, before anything is retried.
 * - Told to wait. 429 and 423 (and 503 with a Retry-After) wait as long as `Retry-After` says, or
 *   `defaultRetryAfterMs`, or the backoff; a wait over `maxRetryAfterMs` fails at once.
 * - Backoff. Other 5xx answers, network errors and time-outs wait `backoffMs`, doubling each try.
 * - Bounded. At most `retries` tries after the first, then an `OutgoingCallError` saying so.
 * - Never twice. A request that is not idempotent (a POST) is sent again only when the failure
 *   proves the server did not act on it: 429, 423, 503 with a Retry-After, or a connection that
 *   never opened. After a time-out, a dropped connection or another 5xx the server may have acted,
 *   and sending again could post the same message twice: it fails instead, saying the outcome is
 *   unknown.
 * - Pacing. With a `pacer`, the first try waits its turn; a retry is counted but not held back,
 *   the server having timed it already. Each try counts until its answer came (see Pacer).
 *
 * Messages name what was asked and the status, never the request's body or credentials.
 */
import type { Clock } from './clock.js';
import type { Pacer } from './pacer.js';
import { parseRetryAfter } from './retryAfter.js';

export interface RetryPolicy {
  /** Tries after the first one. */
  retries: number;
  /** Longest wait we accept, whoever asks for it; a longer one fails at once. */
  maxRetryAfterMs: number;
  /** First backoff for 5xx, network errors and time-outs; doubles each try. */
  backoffMs: number;
  /** Per try. */
  timeoutMs: number;
  /** Wait for a 429/423/503 that names no Retry-After; default the backoff. */
  defaultRetryAfterMs?: number;
}

export interface OutgoingCall {
  /** What is being asked, for log lines and errors: "post a message". */
  what: string;
  /** GET, PUT, DELETE are; POST is not. See the module comment. */
  idempotent: boolean;
  policy: RetryPolicy;
  clock: Clock;
  /** Waited on before the first try, unless `waitForPace` is false (the try is still counted). */
  pacer?: Pacer | undefined;
  waitForPace?: boolean;
  log?: (line: string) => void;
}

/** Methods that may be sent again without changing the outcome (RFC 9110 §9.2.2). */
export function isIdempotent(method: string | undefined): boolean {
  return method !== undefined && ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'].includes(method.toUpperCase());
}

/** A non-2xx answer from a fetch-style request, thrown so the policy can act on its status. */
export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly headers: Headers,
    /** The answer's body, for the caller to read Webex's explanation in; never in `message`. */
    readonly body: string,
  ) {
    super(`HTTP ${status}`);
    this.name = 'HttpStatusError';
  }
}

/** A try that outlived its deadline; its signal was aborted with this. */
class DeadlineExceededError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs / 1000} s`);
    this.name = 'DeadlineExceededError';
  }
}

export type CallFailure =
  /** An answer that no retry would change (4xx). */
  | 'refused'
  /** Still failing when the retries ran out. */
  | 'gave-up'
  /** The server asked for a longer wait than `maxRetryAfterMs`. */
  | 'wait-too-long'
  /** Not idempotent, and the server may have acted on it: not sent again. */
  | 'outcome-unknown';

export class OutgoingCallError extends Error {
  readonly failure: CallFailure;
  /** The last answer's HTTP status; undefined for a network error or time-out. */
  readonly status: number | undefined;
  readonly tries: number;
  readonly timedOut: boolean;
  /** For `wait-too-long`: the wait asked for. */
  readonly waitMs: number | undefined;

  constructor(
    what: string,
    details: { failure: CallFailure; status: number | undefined; tries: number; timedOut: boolean; waitMs?: number; cause: unknown },
  ) {
    super(`${what} failed: ${summary(details)}`, { cause: details.cause });
    this.name = 'OutgoingCallError';
    this.failure = details.failure;
    this.status = details.status;
    this.tries = details.tries;
    this.timedOut = details.timedOut;
    this.waitMs = details.waitMs;
  }
}

type FailureDetails = ConstructorParameters<typeof OutgoingCallError>[1];

function summary(details: FailureDetails): string {
  const what = describeFailure(details.status, details.cause);
  switch (details.failure) {
    case 'refused':
      return what;
    case 'gave-up':
      return `${what} (gave up after ${details.tries} tries)`;
    case 'wait-too-long':
      return `${what}; asked to wait ${Math.round((details.waitMs ?? 0) / 1000)} s, longer than we wait`;
    case 'outcome-unknown':
      return `${what}; not sent again, since the server may have acted on it: the outcome is unknown`;
  }
}

/** The status, or the time-out, or only "network error": a thrown error's text may quote the request. */
function describeFailure(status: number | undefined, error: unknown): string {
  if (status !== undefined) return `HTTP ${status}`;
  return error instanceof DeadlineExceededError ? error.message : 'network error';
}

/** Connection errors that prove the request never reached a server. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

interface FailureFacts {
  status: number | undefined;
  retryAfter: string | undefined;
  timedOut: boolean;
  notSent: boolean;
}

/** Reads a failure thrown by a fetch-style request or an SDK (`statusCode`/`status`, `headers`). */
function factsOf(error: unknown): FailureFacts {
  const e = error as { statusCode?: unknown; status?: unknown; headers?: unknown; code?: unknown; cause?: { code?: unknown } } | undefined;
  const rawStatus = e?.statusCode ?? e?.status;
  const status = typeof rawStatus === 'number' && rawStatus > 0 ? rawStatus : undefined;
  const headers = e?.headers;
  const retryAfter =
    headers instanceof Headers
      ? headers.get('retry-after') ?? undefined
      : typeof headers === 'object' && headers !== null
        ? (headers as Record<string, unknown>)['retry-after']
        : undefined;
  const code = e?.code ?? e?.cause?.code;
  return {
    status,
    retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined,
    timedOut: error instanceof DeadlineExceededError,
    notSent: status === undefined && typeof code === 'string' && NOT_SENT_CODES.has(code),
  };
}

const TOLD_TO_WAIT = new Set([429, 423, 503]);

type Decision = { retry: false; failure: CallFailure; waitMs?: number } | { retry: true; waitMs: number };

function decide(facts: FailureFacts, call: OutgoingCall, tryIndex: number, now: number): Decision {
  const { policy } = call;
  const backoff = policy.backoffMs * 2 ** tryIndex;
  const askedWait = parseRetryAfter(facts.retryAfter, now);
  let waitMs: number;
  if (facts.status !== undefined && TOLD_TO_WAIT.has(facts.status) && (call.idempotent || facts.status !== 503 || askedWait !== undefined)) {
    waitMs = askedWait ?? policy.defaultRetryAfterMs ?? backoff;
  } else if (facts.status === undefined || facts.status >= 500) {
    if (!call.idempotent && !facts.notSent) return { retry: false, failure: 'outcome-unknown' };
    waitMs = backoff;
  } else {
    return { retry: false, failure: 'refused' };
  }
  if (tryIndex >= policy.retries) return { retry: false, failure: 'gave-up' };
  if (waitMs > policy.maxRetryAfterMs) return { retry: false, failure: 'wait-too-long', waitMs };
  return { retry: true, waitMs };
}

/**
 * Runs `request` under the policy (see the module comment). `request` gets the try's AbortSignal
 * and throws on failure: an `HttpStatusError`, an SDK error with a status, or a network error.
 */
export async function callWithPolicy<T>(call: OutgoingCall, request: (signal: AbortSignal) => Promise<T>): Promise<T> {
  let slot = call.pacer && (call.waitForPace === false ? call.pacer.count() : await call.pacer.take());
  for (let tryIndex = 0; ; tryIndex++) {
    try {
      return await withDeadline(request, call.policy.timeoutMs).finally(() => slot?.finished());
    } catch (error) {
      const facts = factsOf(error);
      const decision = decide(facts, call, tryIndex, call.clock.now());
      if (!decision.retry) {
        throw new OutgoingCallError(call.what, {
          failure: decision.failure,
          status: facts.status,
          tries: tryIndex + 1,
          timedOut: facts.timedOut,
          ...(decision.waitMs !== undefined ? { waitMs: decision.waitMs } : {}),
          cause: error,
        });
      }
      call.log?.(`${call.what}: ${describeFailure(facts.status, error)}; trying again in ${decision.waitMs} ms`);
      await call.clock.sleep(decision.waitMs);
      slot = call.pacer?.count();
    }
  }
}

/** One try, its signal aborted (and the try abandoned) when `timeoutMs` passes. */
async function withDeadline<T>(request: (signal: AbortSignal) => Promise<T>, timeoutMs: number): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new DeadlineExceededError(timeoutMs);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve().then(() => request(controller.signal)), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
