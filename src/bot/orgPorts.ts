/**
 * What org mode needs from the organization's own Webex data (the public admin APIs), implemented
 * by the Webex side (webex/org/). Shapes follow the public API; every field the API may leave out
 * is optional, and nothing here is ever filled in by guessing.
 */

/** A Webex Go device as `GET /v1/devices?type=webexgo` lists it. */
export interface OrgDevice {
  id: string;
  personId?: string;
  displayName?: string;
  product?: string;
  type: string;
  /** connected, disconnected, connected_with_issues, offline_expired, activating, unknown, offline_deep_sleep — or missing. */
  connectionStatus?: string;
  created?: string;
  firstSeen?: string;
  lastSeen?: string;
  errorCodes?: string[];
}

/** One of a person's calling devices (`GET /v1/telephony/config/people/{personId}/devices`); `modelType` ESIM is Webex Go. */
export interface OrgCallingDevice {
  id: string;
  model?: string;
  modelType?: string;
  /** activating, activated, deactivated — or missing. */
  activationState?: string;
}

/** A license as `GET /v1/licenses` lists it. */
export interface OrgLicense {
  id: string;
  name: string;
  totalUnits: number;
  consumedUnits: number;
  subscriptionId?: string;
}

/** A person as `GET /v1/people` shows them. */
export interface OrgPerson {
  id: string;
  emails: string[];
  displayName?: string;
}

/**
 * What the bot can do in the org, each checked on its own: a 403 on one switches only that one
 * off. `language`: reading each person's Webex `preferredLanguage` (Webex's identity service).
 */
export type OrgCapability = 'status' | 'delete' | 'licenses' | 'callHistory' | 'language';
export const ORG_CAPABILITIES: readonly OrgCapability[] = ['status', 'delete', 'licenses', 'callHistory', 'language'];

export type CapabilityState =
  /** `note`: what an admin should know though it is available (e.g. "not checked until the first delete"). */
  | { available: true; note?: string }
  /** `reason` is a sentence for an admin (e.g. "Webex answered 403: the token lacks spark-admin:devices_write"). */
  | { available: false; reason: string; httpStatus?: number };

/**
 * How an org call failed, as the error's `orgFailure` property tells it (see `orgFailureOf`):
 * the token is expired or revoked (401), the token lacks a scope or role (403), Webex kept
 * saying wait (429 after retries), Webex or the network failed (5xx, timeout), or Webex
 * refused the request itself (another 4xx; the error message quotes Webex's answer).
 */
export type OrgFailure = 'unauthorized' | 'forbidden' | 'rate-limited' | 'unavailable' | 'refused';

export function orgFailureOf(error: unknown): OrgFailure | undefined {
  const failure = (error as { orgFailure?: unknown } | null)?.orgFailure;
  return typeof failure === 'string' ? (failure as OrgFailure) : undefined;
}

/** The organization's Webex admin APIs. Every method rejects with an error carrying `orgFailure`. */
export interface OrgAdmin {
  /** All pages of `GET /v1/devices?type=webexgo` at the largest page size; rejects if any page fails (never a partial list). */
  webexGoDevices(): Promise<OrgDevice[]>;
  /** One person's Webex Go devices, read live (`GET /v1/devices?type=webexgo&personId=`). */
  webexGoDevicesOf(personId: string): Promise<OrgDevice[]>;
  /** One person's calling devices, for `activationState`. */
  callingDevicesOf(personId: string): Promise<OrgCallingDevice[]>;
  /** `DELETE /v1/devices/{deviceId}`. */
  deleteDevice(deviceId: string): Promise<void>;
  /** The org's Webex Go license(s): by configured id / subscription id, else by name. */
  webexGoLicenses(): Promise<OrgLicense[]>;
  personByEmail(email: string): Promise<OrgPerson | undefined>;
  /** Many people at once, in as few requests as the API allows; ids Webex does not know are left out. */
  people(ids: readonly string[]): Promise<OrgPerson[]>;
  /**
   * A person's `preferredLanguage` as Webex's identity service (SCIM 2 Users) has it, by their
   * person id: the value as Webex gives it (`en_US`), undefined when none is set or Webex does not
   * know the person (404). One request a person.
   */
  preferredLanguage(personId: string): Promise<string | undefined>;
  /**
   * `POST /v1/devices/activationCode {personId, model}` with the ESIM model from
   * `GET /v1/telephony/config/supportedDevices?type=ESIM`; undocumented for Webex Go, so only
   * tried behind a setting. Rejects with Webex's own answer, quoted, when Webex refuses.
   */
  requestActivationCode(personId: string): Promise<{ code: string; expiryTime?: string }>;
  /** Checks the token and each capability once (cheap reads; never changes anything). */
  capabilities(): Promise<Record<OrgCapability, CapabilityState>>;
  /** Requests made since start, for the sync's budget and its benchmark. */
  requestCount(): number;
}
