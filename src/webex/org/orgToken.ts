/**
 * Where the org admin token comes from: a plain access token (`WEBEX_ORG_TOKEN`), or a Service
 * App's refresh set (client id, secret, refresh token), renewed before it expires with
 * `POST {base}/access_token` (form-encoded `grant_type=refresh_token`, `client_id`,
 * `client_secret`, `refresh_token`; Webex answers `access_token`, `expires_in` and a
 * `refresh_token`, which may be a new one). Every request asks for the token again, so a renewed
 * one is used from the next request on.
 */
import { systemClock, type Clock } from '../../net/clock.js';
import { callWithPolicy, HttpStatusError, OutgoingCallError, type RetryPolicy } from '../../net/outgoingCall.js';
import { OrgAdminError } from './orgErrors.js';

export interface OrgTokenSource {
  /** The access token to send now; renews it first when it is about to expire. */
  accessToken(): Promise<string>;
}

/** A token someone else keeps fresh (an admin's personal token, or one renewed outside the bot). */
export function staticOrgToken(token: string): OrgTokenSource {
  return { accessToken: async () => token };
}

export interface ServiceAppCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

export interface ServiceAppTokenOptions extends ServiceAppCredentials {
  /** The Webex API base, e.g. https://webexapis.com/v1; `/access_token` is appended. */
  baseUrl: string;
  /** Renew this long before the access token expires; default 5 minutes. */
  renewBeforeMs?: number;
  fetch?: typeof fetch;
  clock?: Clock;
  policy?: RetryPolicy;
  /** Told the refresh token Webex handed back, when it differs: worth keeping for the next start. */
  onRefreshTokenChanged?: (refreshToken: string) => void;
}

const DEFAULT_RENEW_BEFORE_MS = 5 * 60_000;
const RENEWAL_POLICY: RetryPolicy = { retries: 3, maxRetryAfterMs: 60_000, backoffMs: 1000, timeoutMs: 20_000 };

/** A Service App's token, renewed from its refresh token before it expires (see the module comment). */
export function serviceAppToken(options: ServiceAppTokenOptions): OrgTokenSource {
  const clock = options.clock ?? systemClock;
  const fetchFn = options.fetch ?? fetch;
  const renewBeforeMs = options.renewBeforeMs ?? DEFAULT_RENEW_BEFORE_MS;
  const url = `${options.baseUrl.replace(/\/+$/, '')}/access_token`;
  let refreshToken = options.refreshToken;
  let current: { token: string; expiresAt: number } | undefined;
  // Callers that arrive during a renewal wait for that one rather than starting their own.
  let renewing: Promise<string> | undefined;

  const renew = async (): Promise<string> => {
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: options.clientId,
      client_secret: options.clientSecret,
      refresh_token: refreshToken,
    });
    let answer: Record<string, unknown>;
    try {
      answer = await callWithPolicy(
        // Sent again after a time-out too: a second renewal only issues another token, the first stays valid.
        { what: 'renew the org token', idempotent: true, policy: options.policy ?? RENEWAL_POLICY, clock },
        async (signal) => {
          const response = await fetchFn(url, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
            body: form.toString(),
            redirect: 'error',
            signal,
          });
          const text = await response.text();
          if (!response.ok) throw new HttpStatusError(response.status, response.headers, text);
          return JSON.parse(text) as Record<string, unknown>;
        },
      );
    } catch (error) {
      throw renewalFailure(error);
    }
    const token = answer.access_token;
    const expiresIn = answer.expires_in;
    if (typeof token !== 'string' || token === '' || typeof expiresIn !== 'number') {
      throw new OrgAdminError('unavailable', 'Webex answered the token renewal without an access token and its lifetime.');
    }
    if (typeof answer.refresh_token === 'string' && answer.refresh_token !== '' && answer.refresh_token !== refreshToken) {
      refreshToken = answer.refresh_token;
      options.onRefreshTokenChanged?.(refreshToken);
    }
    current = { token, expiresAt: clock.now() + expiresIn * 1000 };
    return token;
  };

  return {
    async accessToken() {
      if (current && clock.now() < current.expiresAt - renewBeforeMs) return current.token;
      renewing ??= renew().finally(() => {
        renewing = undefined;
      });
      return renewing;
    },
  };
}

/** A renewal that failed, in an admin's words; never the secret or either token. */
function renewalFailure(error: unknown): OrgAdminError {
  if (!(error instanceof OutgoingCallError)) {
    return new OrgAdminError('unavailable', 'Webex answered the token renewal with something other than JSON.');
  }
  const status = error.status;
  if (status === 400 || status === 401) {
    return new OrgAdminError(
      'unauthorized',
      `Webex refused to renew the org token (HTTP ${status}): the Service App's client id, secret or refresh token is wrong, expired or revoked. Authorize the app again in Control Hub.`,
      { httpStatus: status },
    );
  }
  if (status === 429) return new OrgAdminError('rate-limited', 'Webex kept answering 429 (too many requests) to the token renewal.', { httpStatus: status });
  if (status !== undefined && status < 500) {
    return new OrgAdminError('refused', `Webex refused to renew the org token (HTTP ${status}).`, { httpStatus: status });
  }
  return new OrgAdminError('unavailable', `Could not renew the org token: ${error.timedOut ? 'Webex did not answer in time' : status ? `Webex answered ${status}` : 'Webex could not be reached'}.`, {
    ...(status ? { httpStatus: status } : {}),
  });
}
