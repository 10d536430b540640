/**
 * How an org admin call fails: `orgFailure` (the port's `OrgFailure`) and a message fit for an
 * admin. A message never carries a token or an activation code: Webex's own words are quoted
 * with any code in them redacted.
 */
import { redactActivationCodes } from '../../domain/activationCode.js';
import type { OrgFailure } from '../../bot/orgPorts.js';
import { HttpStatusError, type OutgoingCallError } from '../../net/outgoingCall.js';
import { messageOf } from '../callHistory/errors.js';

export class OrgAdminError extends Error {
  readonly orgFailure: OrgFailure;
  /** The HTTP status Webex answered, when it answered. */
  readonly httpStatus: number | undefined;

  constructor(orgFailure: OrgFailure, message: string, details: { httpStatus?: number; cause?: unknown } = {}) {
    super(redactActivationCodes(message), details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'OrgAdminError';
    this.orgFailure = orgFailure;
    this.httpStatus = details.httpStatus;
  }
}

/** What a call was for, in an admin's words ("list the org's Webex Go devices"), and the scope it needs. */
export interface OrgCall {
  what: string;
  scope: string;
}

/** The policy's failure of `call` as an `OrgAdminError` (see `OrgFailure` for the mapping). */
export function orgAdminFailure(call: OrgCall, error: OutgoingCallError, timeoutMs: number): OrgAdminError {
  const status = error.status;
  const answer = error.cause instanceof HttpStatusError ? error.cause : undefined;
  const said = answer ? messageOf(answer.body) : '';
  const quoted = said ? ` Webex said: "${said}"` : '';
  const details = { ...(status === undefined ? {} : { httpStatus: status }), cause: error };
  if (status === 401) {
    return new OrgAdminError('unauthorized', `Webex refused the org token (401) to ${call.what}: it has expired or was revoked.${quoted}`, details);
  }
  if (status === 403) {
    return new OrgAdminError(
      'forbidden',
      `Webex answered 403 to ${call.what}: the org token lacks the ${call.scope} scope, or its admin the role for it.${quoted}`,
      details,
    );
  }
  if (status === 429 || status === 423) {
    const wait = error.failure === 'wait-too-long' ? ` and asked to wait ${Math.round((error.waitMs ?? 0) / 1000)} s, longer than the bot waits` : ` after ${error.tries} tries`;
    return new OrgAdminError('rate-limited', `Webex kept answering ${status} (too many requests) to ${call.what}${wait}.`, details);
  }
  if (status === undefined || status >= 500) {
    const what = status !== undefined ? `Webex answered ${status}` : error.timedOut ? `no answer within ${timeoutMs / 1000} s` : 'Webex could not be reached';
    const tries = error.tries > 1 ? ` (tried ${error.tries} times)` : '';
    const unknown = error.failure === 'outcome-unknown' ? '; not sent again, since Webex may have acted on it' : '';
    return new OrgAdminError('unavailable', `Could not ${call.what}: ${what}${tries}${unknown}.${quoted}`, details);
  }
  return new OrgAdminError('refused', `Webex refused to ${call.what} (HTTP ${status}).${quoted}`, details);
}
