/**
 * A rule said no. Carries a reason code and the facts a message needs; the wording lives in the
 * message catalogue, and nothing secret ever goes into the params.
 */
export type RefusalReason =
  | 'invalid-email'
  | 'not-admin'
  | 'no-licenses'
  | 'already-assigned'
  | 'no-device'
  | 'not-pending'
  | 'code-malformed'
  | 'code-unknown'
  | 'code-used'
  | 'code-invalidated'
  | 'code-expired'
  /** Org mode: a code delivered before, to another device or already spent. */
  | 'code-reused'
  | 'iccid-malformed'
  | 'iccid-unknown'
  | 'profile-revoked'
  | 'unknown-event'
  | 'pool-below-in-use'
  | 'invalid-setting'
  | 'already-admin'
  | 'not-an-admin'
  | 'last-admin'
  | 'break-glass-admin';

export type RefusalParams = Record<string, string | number | undefined>;

export class Refusal extends Error {
  constructor(
    readonly reason: RefusalReason,
    readonly params: RefusalParams = {},
  ) {
    super(`refused: ${reason}`);
    this.name = 'Refusal';
  }
}

export function isRefusal(error: unknown): error is Refusal {
  return error instanceof Refusal;
}
