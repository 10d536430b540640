import type { AuditRecord, CodeRecord, Device, DeviceStatus, Language, LanguageHolder, OrgSettings, OutboxEntry, ProfileRecord } from './types.js';

/** What the domain reads; a committed, consistent view. */
export interface StoreReader {
  settings(): OrgSettings;
  admins(): string[];
  device(id: string): Device | undefined;
  deviceByEmail(email: string): Device | undefined;
  devices(status?: DeviceStatus): Device[];
  deviceCount(): number;
  code(key: string): CodeRecord | undefined;
  profile(iccid: string): ProfileRecord | undefined;
  /** Messages waiting to be delivered, oldest first. */
  outbox(): OutboxEntry[];
  /** The language a person or a space chose, if they chose one. */
  language(holder: LanguageHolder): Language | undefined;
}

/** A unit of work: reads see its own writes; all of it lands, or none of it. */
export interface StoreTransaction extends StoreReader {
  putSettings(settings: OrgSettings): void;
  putAdmins(emails: string[]): void;
  putDevice(device: Device): void;
  removeDevice(id: string): void;
  putCode(code: CodeRecord): void;
  putProfile(profile: ProfileRecord): void;
  /** Queues a message, or replaces the entry with its id. */
  putOutbox(entry: OutboxEntry): void;
  /** Delivered or given up: it leaves the outbox. */
  removeOutbox(id: string): void;
  putLanguage(holder: LanguageHolder, language: Language): void;
  audit(record: AuditRecord): void;
}

export interface AuditQuery {
  email?: string;
  limit: number;
}

/**
 * How many delivery ids a store remembers (the newest): Webex retries a delivery within minutes,
 * so 10,000 covers far more than a day of a busy bot.
 */
export const DELIVERIES_KEPT = 10_000;

/** What an instance asking for a delivery found (Repository.claimDelivery). */
export type DeliveryClaim = 'mine' | 'held' | 'done';

/**
 * The lease that says an instance is alive: a delivery claimed by `holder` is taken over only
 * once this lease, held by `holder`, has lapsed (or never was held).
 */
export function instanceLease(holder: string): string {
  return `instance:${holder}`;
}

/** A transaction under a delivery whose claim another instance took over: it changed nothing. */
export class DeliveryTakenOver extends Error {
  constructor(readonly delivery: string) {
    super(`delivery ${delivery} was taken over by another instance: this one no longer acts on it`);
    this.name = 'DeliveryTakenOver';
  }
}

/**
 * The store behind the service. Transactions run one at a time, so no update is ever lost;
 * the promise settles once the change is durable.
 */
export interface Repository {
  read<T>(fn: (reader: StoreReader) => T): T;
  transact<T>(fn: (tx: StoreTransaction) => T): Promise<T>;
  /** Newest first. */
  auditTrail(query: AuditQuery): Promise<AuditRecord[]>;
  /**
   * Claims a Webex delivery (a message or button press id) for `holder` (an instance's id):
   * `mine` the first time (act on it, through handleDelivery), and also when the instance that
   * claimed it died before it was done (its instance lease, instanceLease(holder), lapsed): the
   * claim is taken over, by one asker only. `held` while its holder is alive and not done with
   * it (ask again later). `done` once its handling committed a change or ended, ever after,
   * restarts included, for the newest DELIVERIES_KEPT ids.
   */
  claimDelivery(id: string, holder: string): Promise<DeliveryClaim>;
  /**
   * Runs the handling of a delivery `holder` claimed. The first transaction `act` commits that
   * changes anything marks the delivery done with its changes, on the condition that `holder`
   * still holds the claim: if it was taken over meanwhile, that transaction changes nothing and
   * rejects with DeliveryTakenOver. If `act` commits no change, the delivery is marked done
   * when it settles (if `holder` still holds it).
   */
  handleDelivery<T>(id: string, holder: string, act: () => Promise<T>): Promise<T>;
  /**
   * Holds the named background job (reminders, org sync, outbox) for `holder` until `ttlMs` from
   * now: true while `holder` holds it (taking it over when the last holder let it lapse), false
   * while another holder does. One instance per store holds each job.
   */
  holdLease(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /**
   * Forgets what only history still names, once the retention period is over: spent codes (used
   * or invalidated) that expired before `before`, and eSIM profiles revoked or deleted before it.
   * Resolves with how many records it forgot.
   */
  prune(before: string): Promise<number>;
  close(): Promise<void>;
}
