import { hostname } from 'node:os';
import { isSmdpAddress } from './domain/activationCode.js';
import { isEmail, normalizeEmail } from './domain/email.js';
import { parseOrgStatusMap, type OrgStatusMap } from './domain/org.js';
import { LANGUAGES, isLanguage, type Language, type OrgSettings } from './domain/types.js';

/** Every setting, read once from the environment; `.env.example` documents each. */
export interface Config {
  port: number;
  dataDir: string;
  /** postgres:// URL of the shared store for several instances; unset = the embedded store in dataDir. */
  databaseUrl?: string;
  /**
   * Days the store keeps spent codes and ended eSIM profiles (STORE_RETENTION_DAYS): 400, longer
   * than a code can live (365 days), so a code is forgotten only long after it expired.
   */
  storeRetentionDays: number;
  /** Seeds a new store's admin list. */
  adminEmails: string[];
  /** Seeds a new store's org settings; admins change them at run time afterwards. */
  initialSettings: OrgSettings;
  /** Bearer token the eSIM provider presents; unset = the endpoints refuse everyone. */
  esimProviderToken?: string;
  webexBotToken?: string;
  webhookUrl?: string;
  webhookSecret?: string;
  /** Days before expiry a pending user is reminded. */
  remindDays: number;
  reminderIntervalMs: number;
  /** Status changes in the watch space are grouped into one message per this window. */
  watchWindowMs: number;
  /** How activation details reach a user: the Webex 1:1, email, or both. */
  delivery: Delivery;
  smtpUrl?: string;
  mailFrom: string;
  /** Token for the Detailed Call History API (`calls last 7d`). */
  webexAdminToken?: string;
  /** Where that API lives, when not Webex's (tests, the offline mode). */
  cdrBaseUrl?: string;
  /** Least time between two Detailed Call History window requests: the documented limit, 1 a minute; tests set less. */
  cdrPaceMs: number;
  /** An IANA time zone to count call days in, instead of each record's `Site timezone`. */
  callsTimeZone?: string;
  maxUploadBytes: number;
  /** How long a message that matters is tried again before admins are told it was not delivered. */
  outboxGiveUpMs: number;
  /** The whole download of an attached file, body included; cut off (connection closed) after it. */
  downloadTimeoutMs: number;
  /** The org's language: what a person or a space reads until they choose one with `language`. */
  defaultLanguage: Language;
  /** An admin's or a Service App's access token for the org's Webex admin APIs (org mode). */
  webexOrgToken?: string;
  /** A Service App's refresh set: the org token is renewed before it expires. */
  webexOrgRefresh?: { clientId: string; clientSecret: string; refreshToken: string };
  /**
   * Where lines come from: `org` (the org's own Webex data) or `registry` (the bot's own, for a
   * trial without an org). Unset: org when an org admin API is given to the app, else registry.
   */
  lineSource?: LineSource;
  /** How often the org's devices are read (org mode). */
  orgSyncMs: number;
  /** connectionStatus / activationState → status, the default map with ORG_STATUS_MAP over it. */
  orgStatusMap: OrgStatusMap;
  /** The most activation-state reads per sync, for devices whose status is unknown. */
  orgActivationReadsPerSync: number;
  /** The most reads of people's Webex language (SCIM `preferredLanguage`) per sync. */
  orgLanguageReadsPerSync: number;
  /** How Webex's identity service (SCIM) is given the org and the person: the UUID in a Hydra id, or the id as it is (unconfirmed which). */
  orgScimIds: 'uuid' | 'hydra';
  /** Webex's identity service base; unset: `/identity/scim` on the admin API's host. */
  orgScimBaseUrl?: string;
  /** How the org's Webex Go license is found: by id, by subscription id, else by name (contains, any case). */
  webexGoLicense: { id?: string; subscriptionId?: string; name: string };
  /** `code` in org mode asks Webex for an activation code (undocumented for Webex Go); off by default. */
  orgTryActivationCodeApi: boolean;
  /** Names this instance in logs and in the leases of background work (default: the host name). */
  instanceId: string;
  /** How long an instance holds a background job (reminders, outbox) without renewing it: a dead one's is taken over within this and a third. */
  leaseTtlMs: number;
}

export type LineSource = 'org' | 'registry';
const LINE_SOURCES: readonly LineSource[] = ['org', 'registry'];

export type Delivery = 'webex' | 'email' | 'both';
const DELIVERIES: readonly Delivery[] = ['webex', 'email', 'both'];

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}; it is "${raw}".`);
  }
  return value;
}

function timeZone(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: raw });
  } catch {
    throw new ConfigError(`${name} must be a time zone name such as Europe/Paris or UTC; it is "${raw}".`);
  }
  return raw;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be on or off (true/false); it is "${env[name]}".`);
}

function optional(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw ? raw : undefined;
}

export function loadConfig(env: Env = process.env): Config {
  const adminEmails = (env.ADMIN_EMAILS ?? '')
    .split(/[,\s]+/)
    .filter(Boolean)
    .map(normalizeEmail);
  const badAdmin = adminEmails.find((e) => !isEmail(e));
  if (badAdmin) throw new ConfigError(`ADMIN_EMAILS holds "${badAdmin}", which is not an email address.`);
  const smdpAddress = optional(env, 'ESIM_SMDP_ADDRESS') ?? 'smdp.webexgo.example.com';
  if (!isSmdpAddress(smdpAddress)) {
    throw new ConfigError(`ESIM_SMDP_ADDRESS must be a host name like smdp.example.com; it is "${smdpAddress}".`);
  }
  const databaseUrl = optional(env, 'DATABASE_URL');
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a postgres:// URL, such as postgres://gobot:secret@db.example.com:5432/gobot.');
  }
  const webhookUrl = optional(env, 'WEBHOOK_URL');
  if (webhookUrl && !/^https?:\/\//.test(webhookUrl)) {
    throw new ConfigError(`WEBHOOK_URL must be an http(s) URL; it is "${webhookUrl}".`);
  }
  const webhookSecret = optional(env, 'WEBHOOK_SECRET');
  if (webhookUrl && !webhookSecret) {
    throw new ConfigError('WEBHOOK_SECRET must be set with WEBHOOK_URL: unsigned webhooks are refused.');
  }
  const delivery = (optional(env, 'DELIVERY') ?? 'webex').toLowerCase() as Delivery;
  if (!DELIVERIES.includes(delivery)) throw new ConfigError(`DELIVERY must be webex, email or both; it is "${env.DELIVERY}".`);
  const smtpUrl = optional(env, 'SMTP_URL');
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl)) throw new ConfigError('SMTP_URL must look like smtp://user:pass@mail.example.com:587.');
  if (delivery !== 'webex' && !smtpUrl) throw new ConfigError(`DELIVERY=${delivery} needs SMTP_URL to send email.`);
  const defaultLanguage = (optional(env, 'DEFAULT_LANGUAGE') ?? 'en').toLowerCase();
  if (!isLanguage(defaultLanguage)) throw new ConfigError(`DEFAULT_LANGUAGE must be ${LANGUAGES.join(' or ')}; it is "${env.DEFAULT_LANGUAGE}".`);
  const mailFrom = optional(env, 'MAIL_FROM') ?? 'Webex Go <webex-go@localhost.localdomain>';
  if (!mailFrom.includes('@')) throw new ConfigError(`MAIL_FROM must hold an email address; it is "${mailFrom}".`);
  const lineSource = optional(env, 'LINE_SOURCE')?.toLowerCase();
  if (lineSource !== undefined && !(LINE_SOURCES as readonly string[]).includes(lineSource)) {
    throw new ConfigError(`LINE_SOURCE must be org or registry; it is "${env.LINE_SOURCE}".`);
  }
  const orgStatusMap = parseOrgStatusMap(env.ORG_STATUS_MAP);
  if (typeof orgStatusMap === 'string') throw new ConfigError(`ORG_STATUS_MAP: ${orgStatusMap}.`);
  const refresh = { clientId: optional(env, 'WEBEX_ORG_CLIENT_ID'), clientSecret: optional(env, 'WEBEX_ORG_CLIENT_SECRET'), refreshToken: optional(env, 'WEBEX_ORG_REFRESH_TOKEN') };
  const refreshSet = Object.values(refresh).filter(Boolean).length;
  if (refreshSet > 0 && refreshSet < 3) {
    throw new ConfigError('WEBEX_ORG_CLIENT_ID, WEBEX_ORG_CLIENT_SECRET and WEBEX_ORG_REFRESH_TOKEN go together: set all three to renew the org token, or none.');
  }
  const orgScimIds = (optional(env, 'ORG_SCIM_IDS') ?? 'uuid').toLowerCase();
  if (orgScimIds !== 'uuid' && orgScimIds !== 'hydra') throw new ConfigError(`ORG_SCIM_IDS must be uuid or hydra; it is "${env.ORG_SCIM_IDS}".`);
  const orgScimBaseUrl = optional(env, 'ORG_SCIM_BASE_URL');
  if (orgScimBaseUrl && !/^https?:\/\//.test(orgScimBaseUrl)) throw new ConfigError(`ORG_SCIM_BASE_URL must be an http(s) URL; it is "${orgScimBaseUrl}".`);
  const licenseId = optional(env, 'WEBEX_GO_LICENSE_ID');
  const subscriptionId = optional(env, 'WEBEX_GO_SUBSCRIPTION_ID');
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    dataDir: optional(env, 'DATA_DIR') ?? './data',
    ...(databaseUrl ? { databaseUrl } : {}),
    storeRetentionDays: integer(env, 'STORE_RETENTION_DAYS', 400, 1, 36_500),
    adminEmails: [...new Set(adminEmails)],
    initialSettings: {
      licenses: integer(env, 'WEBEX_GO_LICENSES', 25, 0, 1_000_000),
      notifyUsers: boolean(env, 'NOTIFY_USERS', true),
      codeTtlDays: integer(env, 'CODE_TTL_DAYS', 90, 1, 365),
      smdpAddress,
    },
    esimProviderToken: optional(env, 'ESIM_PROVIDER_TOKEN'),
    webexBotToken: optional(env, 'WEBEX_BOT_TOKEN'),
    webhookUrl,
    webhookSecret,
    remindDays: integer(env, 'REMIND_DAYS', 7, 0, 365),
    reminderIntervalMs: integer(env, 'REMINDER_CHECK_MINUTES', 60, 1, 24 * 60) * 60_000,
    watchWindowMs: integer(env, 'WATCH_WINDOW_SECONDS', 60, 0, 3600) * 1000,
    delivery,
    ...(smtpUrl ? { smtpUrl } : {}),
    mailFrom,
    webexAdminToken: optional(env, 'WEBEX_ADMIN_TOKEN'),
    cdrBaseUrl: optional(env, 'CDR_BASE_URL'),
    cdrPaceMs: integer(env, 'CDR_PACE_MS', 60_000, 10, 600_000),
    callsTimeZone: timeZone(env, 'CALLS_TIMEZONE'),
    maxUploadBytes: integer(env, 'CALLS_MAX_UPLOAD_MB', 200, 1, 2048) * 1024 * 1024,
    downloadTimeoutMs: integer(env, 'DOWNLOAD_TIMEOUT_SECONDS', 120, 1, 3600) * 1000,
    outboxGiveUpMs: integer(env, 'OUTBOX_GIVE_UP_MINUTES', 60, 1, 7 * 24 * 60) * 60_000,
    defaultLanguage,
    webexOrgToken: optional(env, 'WEBEX_ORG_TOKEN'),
    ...(refresh.clientId && refresh.clientSecret && refresh.refreshToken ? { webexOrgRefresh: { clientId: refresh.clientId, clientSecret: refresh.clientSecret, refreshToken: refresh.refreshToken } } : {}),
    ...(lineSource ? { lineSource: lineSource as LineSource } : {}),
    orgSyncMs: integer(env, 'ORG_SYNC_SECONDS', 60, 10, 24 * 3600) * 1000,
    orgStatusMap,
    orgActivationReadsPerSync: integer(env, 'ORG_SYNC_ACTIVATION_READS', 20, 0, 1000),
    orgLanguageReadsPerSync: integer(env, 'ORG_SYNC_LANGUAGE_READS', 20, 0, 1000),
    orgScimIds,
    ...(orgScimBaseUrl ? { orgScimBaseUrl } : {}),
    webexGoLicense: {
      ...(licenseId ? { id: licenseId } : {}),
      ...(subscriptionId ? { subscriptionId } : {}),
      name: optional(env, 'WEBEX_GO_LICENSE_NAME') ?? 'Webex Go',
    },
    orgTryActivationCodeApi: boolean(env, 'ORG_TRY_ACTIVATION_CODE_API', false),
    instanceId: optional(env, 'INSTANCE_ID') ?? hostname(),
    leaseTtlMs: integer(env, 'LEASE_TTL_SECONDS', 30, 1, 300) * 1000,
  };
}
