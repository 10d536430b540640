/** The Webex Go device lifecycle as Cisco's admin help describes it: plain data, no I/O. */

/** `unknown`: the org's Webex data does not say (org mode only); shown as such, never guessed. */
export type DeviceStatus = 'pending' | 'online' | 'offline' | 'unknown';

/** Control Hub's colour for each status ("Webex Go device status" in Cisco's help); none for a status Webex did not give. */
export const STATUS_INDICATOR: Record<DeviceStatus, StatusIndicator> = {
  pending: 'grey',
  online: 'green',
  offline: 'red',
  unknown: 'none',
};
export type StatusIndicator = 'grey' | 'green' | 'red' | 'none';

export const DEVICE_STATUSES: readonly DeviceStatus[] = ['pending', 'online', 'offline', 'unknown'];

/** What last moved a device's status; shown to admins so a change can be explained. */
export type ChangeCause =
  | 'assigned'
  | 'new-code'
  | 'lost-stolen'
  | 'downloaded'
  | 'disabled'
  | 'enabled'
  | 'deleted-on-phone'
  /** Org mode: the device appeared in the org's Webex data (added in Control Hub). */
  | 'org-added'
  /** Org mode: the device was in the org's Webex data when the bot first read it. */
  | 'org-read'
  /** Org mode: the org's Webex data reported a new status. */
  | 'org-status';

/**
 * Where a device came from in org mode: the org's own Webex data, kept as Webex gave it (the raw
 * connectionStatus / activationState beside the status mapped from them).
 */
export interface OrgLine {
  /** The person the device belongs to (Webex person id). */
  personId: string;
  displayName?: string;
  product?: string;
  connectionStatus?: string;
  activationState?: string;
  firstSeen?: string;
  lastSeen?: string;
  /**
   * The person's `preferredLanguage` as Webex's identity service (SCIM) gave it (`en_US`, `bg_BG`,
   * …), when it gave one; `languageFromWebex` reads it. Absent with `languageReadAt`: read, none set.
   */
  preferredLanguage?: string;
  /** When the person's Webex language was last read; absent: never read. */
  languageReadAt?: string;
}

export interface Device {
  id: string;
  /** Lower-cased; a user has at most one device. */
  email: string;
  status: DeviceStatus;
  statusSince: string;
  createdAt: string;
  lastChange: { at: string; cause: ChangeCause; by: string };
  /** ICCID of the eSIM profile on the phone, while one is installed. */
  iccid?: string;
  /** Key of the one activation code that can still be redeemed, if any. */
  currentCodeKey?: string;
  /** Org mode: the device is the org's (its `id` is the Webex device id). */
  org?: OrgLine;
}

export type CodeState = 'valid' | 'used' | 'invalidated';

export interface CodeRecord {
  /** SHA-256 of the Matching ID: old codes stay recognisable without keeping the secret. */
  key: string;
  deviceId: string;
  smdpAddress: string;
  /** Kept only while the code can still be redeemed (the user may ask for it again). */
  matchingId?: string;
  issuedAt: string;
  expiresAt: string;
  state: CodeState;
  /** When the user was reminded that this code expires soon / told that it expired (once each). */
  remindedAt?: string;
  expiryNoticeAt?: string;
}

export type ProfileState = 'active' | 'revoked' | 'deleted';

export interface ProfileRecord {
  iccid: string;
  deviceId: string;
  state: ProfileState;
  since: string;
}

export interface OrgSettings {
  /** Size of the org's Webex Go license pool. */
  licenses: number;
  /** Off = the org suppresses notifications: the admin hands the code over instead. */
  notifyUsers: boolean;
  codeTtlDays: number;
  smdpAddress: string;
  /** Where status changes and reminders are announced (an opaque space id), if anywhere. */
  watchSpaceId?: string;
}

/** The languages a person or a space can read the bot in. */
export const LANGUAGES = ['en', 'bg'] as const;
export type Language = (typeof LANGUAGES)[number];

export function isLanguage(value: string): value is Language {
  return (LANGUAGES as readonly string[]).includes(value);
}

/**
 * A Webex `preferredLanguage` (`bg_BG`, `bg-BG`, `BG`, `en_US`…) as a language the bot writes in:
 * its primary subtag, any case; anything else (or nothing) is no preference.
 */
export function languageFromWebex(value: string | undefined): Language | undefined {
  const primary = value?.trim().split(/[-_]/)[0]?.toLowerCase() ?? '';
  return isLanguage(primary) ? primary : undefined;
}

/** Where a reader's language came from: their own choice, their Webex language (org mode), or DEFAULT_LANGUAGE. */
export type LanguageSource = 'chosen' | 'webex' | 'default';

/** Who chose a language: a person (by email) or a space (by its id). */
export type LanguageHolder = { person: string } | { space: string };

/** The store's key for a holder: `person:<email>` or `space:<id>`. */
export function languageKey(holder: LanguageHolder): string {
  return 'person' in holder ? `person:${holder.person}` : `space:${holder.space}`;
}

export const PHONE_ACTOR = 'phone';
/** Who changes a device when the org's Webex data says so (a sync or a live read). */
export const ORG_ACTOR = 'webex';

/** What admins change. The same name is audited whether it was done or refused. */
export type AdminAction = 'assign' | 'new-code' | 'lost-stolen' | 'delete' | 'settings' | 'admin-add' | 'admin-remove' | 'language' | 'deliver';
/** What phones report through the eSIM provider. */
export type PhoneAction = 'download' | 'phone-disabled' | 'phone-enabled' | 'phone-deleted' | 'phone-unknown-event';
/** What the bot does by itself. */
export type ReminderAction = 'reminder-expiring' | 'notice-expired';
/** What the org's Webex data changed (org mode). */
export type OrgAction = 'org-added' | 'org-status' | 'org-removed';
/** Admin views: audited only when someone without the right asks for them. */
export type ViewAction = 'status' | 'devices' | 'licenses' | 'admins' | 'audit' | 'watch' | 'calls' | 'cancel';
/** The one vocabulary of the audit trail and of announced changes. */
export type AuditAction = AdminAction | PhoneAction | ReminderAction | ViewAction | OrgAction;

/** Actions that issue an activation code. */
export type IssueKind = Extract<AdminAction, 'assign' | 'new-code' | 'lost-stolen'>;

export interface AuditRecord {
  at: string;
  /** An admin's email, a user's email for self-service, or "phone". */
  actor: string;
  action: AuditAction;
  email?: string;
  deviceId?: string;
  outcome: 'ok' | 'refused';
  reason?: string;
  detail?: string;
}

/** Everything a person needs to install the eSIM: a credential, shown only in private. */
export interface ActivationDetails {
  email: string;
  smdpAddress: string;
  /** Apple's "Activation Code" field: the Matching ID. */
  matchingId: string;
  /** What the QR code encodes: `LPA:1$<smdp>$<matchingId>`. */
  qrPayload: string;
  /** Android's network provider code: the whole activation code as the QR carries it. */
  networkProviderCode: string;
  expiresAt: string;
}

export interface DeviceView {
  id: string;
  email: string;
  status: DeviceStatus;
  indicator: StatusIndicator;
  statusSince: string;
  createdAt: string;
  lastChange: Device['lastChange'];
  iccid?: string;
  /** The pending code's lifetime, never its value. */
  code?: { issuedAt: string; expiresAt: string; expired: boolean };
  canGenerateCode: boolean;
  /** Org mode: what the org's Webex data says of the device. */
  org?: OrgLine;
}

export interface LicensePool {
  total: number;
  inUse: number;
  available: number;
}

/** A change the service made, announced after it is stored (never carries a code). */
export interface DeviceChange {
  at: string;
  actor: string;
  action: AuditAction;
  email: string;
  /** The device's status afterwards; absent when the device was deleted. */
  status?: DeviceStatus;
  cause?: ChangeCause;
}

export type ReminderKind = 'expiring' | 'expired';

/** A pending device whose code needs a reminder (expiring soon) or a notice (expired). */
export interface ReminderDue {
  kind: ReminderKind;
  email: string;
  deviceId: string;
  codeKey: string;
  expiresAt: string;
}

/** What became of the user's activation message, as the issuing admin's copy says. */
export type UserReach = 'reached' | 'queued' | 'unreachable' | 'not-notified';

/**
 * A message that matters and could not be delivered yet, kept until it is. It never holds a
 * code: an activation message is a reference to a device's code, drawn again when it is sent
 * (and dropped if that code is no longer the one to use).
 */
export type OutboxMessage =
  | {
      kind: 'activation';
      /** The user's own message, or the acting admin's copy. */
      copy: 'user' | 'admin';
      issue: IssueKind;
      email: string;
      deviceId: string;
      codeKey: string;
      /** The admin's copy: what became of the user's message when it was written. */
      userGot?: UserReach;
      /** The admin's copy: how the user was reached, when they were. */
      via?: ('webex' | 'email')[];
    }
  /**
   * Text that holds no code: the notice to a user that their line was deleted, the outcome of an
   * action in the space it was taken in, or a notice to admins of what was not delivered (which,
   * if it too fails for good, is only logged).
   */
  | { kind: 'text'; markdown: string; what: 'line-deleted' | 'outcome' | 'admin-notice' };

export interface OutboxEntry {
  id: string;
  /** A person's 1:1 (by email) or a space. */
  to: { email: string } | { roomId: string };
  message: OutboxMessage;
  /** The admin whose action it came from: told if it is never delivered. */
  admin?: string;
  queuedAt: string;
  tries: number;
  nextTryAt: string;
  /** Set when a try may have reached Webex (no answer, a 5xx): it is not sent again without checking. */
  uncertainSince?: string;
  lastError?: string;
}
