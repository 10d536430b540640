/**
 * The one way out to Webex: the outgoing-call policy of `src/net` (deadlines, Retry-After,
 * backoff, a POST never sent twice) in Webex's words. A call that fails ends in a
 * `WebexCallError` fit to show, without anything the request carried.
 */
import type { SendFailure } from '../bot/ports.js';
import { systemClock } from '../net/clock.js';
import { callWithPolicy, isIdempotent, OutgoingCallError, type CallFailure, type RetryPolicy } from '../net/outgoingCall.js';

export type { RetryPolicy } from '../net/outgoingCall.js';

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 4, maxRetryAfterMs: 60_000, backoffMs: 500, timeoutMs: 20_000 };

export class WebexCallError extends Error {
  constructor(
    message: string,
    readonly statusCode?: number,
    readonly sendFailure?: SendFailure,
  ) {
    super(message);
    this.name = 'WebexCallError';
  }
}

/** The HTTP method a call uses: it decides whether a failed try may be sent again. */
export interface CallHint {
  /** Without it the call is taken as not idempotent, and never sent twice. */
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
}

interface WebexishError {
  message?: string;
  body?: { message?: string };
}

/** Webex's own words for a failure: the status and the first line of its message. */
function describe(error: unknown, status: number | undefined): string {
  const e = error as WebexishError | undefined;
  const text = (e?.body?.message ?? e?.message ?? String(error)).split('\n')[0];
  return status ? `Webex answered ${status}: ${text}` : text;
}

function webexMessage(what: string, error: OutgoingCallError, timeoutMs: number): string {
  const said = error.timedOut ? `no answer from Webex to ${what} within ${timeoutMs / 1000} s` : describe(error.cause, error.status);
  switch (error.failure) {
    case 'wait-too-long':
      return `${said}; Webex asked to wait ${Math.round((error.waitMs ?? 0) / 1000)} s, longer than we wait`;
    case 'outcome-unknown':
      return `${said}; not sent again, since Webex may have acted on it: whether it did is unknown`;
    case 'refused':
    case 'gave-up':
      return error.tries > 1 ? `${said} (gave up after ${error.tries} tries)` : said;
  }
}

/** What a failure means for sending again: the policy retries only what Webex surely did not act on. */
const SEND_FAILURE: Record<CallFailure, SendFailure> = {
  refused: 'refused',
  'gave-up': 'safe-to-resend',
  'wait-too-long': 'safe-to-resend',
  'outcome-unknown': 'outcome-unknown',
};

export class WebexClient {
  constructor(
    private readonly policy: RetryPolicy = DEFAULT_RETRY_POLICY,
    private readonly sleep: (ms: number) => Promise<void> = systemClock.sleep,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  /** `request` gets the try's AbortSignal: pass it on where the request can take one. */
  async call<T>(what: string, request: (signal: AbortSignal) => Promise<T>, hint: CallHint = {}): Promise<T> {
    try {
      return await callWithPolicy(
        {
          what,
          idempotent: isIdempotent(hint.method),
          policy: this.policy,
          clock: { now: () => Date.now(), sleep: this.sleep },
          log: (line) => this.log(`Webex ${line}`),
        },
        request,
      );
    } catch (error) {
      if (error instanceof OutgoingCallError) {
        throw new WebexCallError(webexMessage(what, error, this.policy.timeoutMs), error.status, SEND_FAILURE[error.failure]);
      }
      throw error;
    }
  }
}
