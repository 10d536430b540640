import { createReadStream } from 'node:fs';
import { appendFile, mkdir, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Low } from 'lowdb';
import { DataFile } from 'lowdb/node';
import type { AuditQuery, Repository, StoreReader, StoreTransaction } from '../domain/repository.js';
import type { AuditRecord, CodeRecord, Device, DeviceStatus, OrgSettings, ProfileRecord } from '../domain/types.js';

export const SCHEMA_VERSION = 1;
export const STATE_FILE = 'webex-go.json';
export const JOURNAL_FILE = 'webex-go.journal.jsonl';
export const AUDIT_FILE = 'audit.jsonl';
/** Journal entries after which the snapshot is rewritten and the journal emptied. */
const COMPACT_AFTER = 20_000;

export interface StoreData {
  schemaVersion: number;
  settings: OrgSettings;
  admins: string[];
  devices: Record<string, Device>;
  codes: Record<string, CodeRecord>;
  profiles: Record<string, ProfileRecord>;
}

/** What a brand-new store starts with. */
export interface StoreSeed {
  settings: OrgSettings;
  admins: string[];
}

/** The store could not be opened; start-up stops with this message. */
export class StoreOpenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreOpenError';
  }
}

/** One committed transaction's changes, as a journal line; re-applying it is harmless. */
interface JournalEntry {
  settings?: OrgSettings;
  admins?: string[];
  devices?: Record<string, Device | null>;
  codes?: Record<string, CodeRecord>;
  profiles?: Record<string, ProfileRecord>;
}

/**
 * The embedded store. State lives in a lowdb JSON snapshot (written atomically: temp file, then
 * rename) plus a journal of the transactions since, so a write costs an append, not a rewrite of
 * every device; the journal is folded into the snapshot on start and when it grows long. The
 * audit trail is its own append-only file, so its growth never slows other writes. Transactions
 * are applied in memory one at a time; concurrent commits share one append.
 */
export class LowdbRepository implements Repository {
  private readonly emailIndex = new Map<string, string>();
  private pendingAudit: string[] = [];
  private pendingJournal: string[] = [];
  private journalLength = 0;
  private queuedFlush: Promise<void> | undefined;
  private lastFlush: Promise<void> = Promise.resolve();

  private constructor(
    private readonly db: Low<StoreData>,
    private readonly journalPath: string,
    private readonly auditPath: string,
  ) {
    for (const device of Object.values(db.data.devices)) this.emailIndex.set(device.email, device.id);
  }

  static async open(dataDir: string, seed: StoreSeed): Promise<LowdbRepository> {
    const statePath = join(dataDir, STATE_FILE);
    try {
      await mkdir(dataDir, { recursive: true });
    } catch (error) {
      throw new StoreOpenError(`Cannot create the data directory ${dataDir}: ${(error as Error).message}`);
    }
    const db = new Low<StoreData>(new DataFile<StoreData>(statePath, { parse: JSON.parse, stringify: JSON.stringify }), {
      schemaVersion: SCHEMA_VERSION,
      settings: seed.settings,
      admins: seed.admins,
      devices: {},
      codes: {},
      profiles: {},
    });
    try {
      await db.read();
    } catch (error) {
      throw new StoreOpenError(
        `The store file ${statePath} cannot be read (${(error as Error).message}). ` +
          'It was left untouched: restore it from a backup, or move it away to start empty.',
      );
    }
    assertShape(db.data, statePath);
    const journalPath = join(dataDir, JOURNAL_FILE);
    await replayJournal(db.data, journalPath);
    const repo = new LowdbRepository(db, journalPath, join(dataDir, AUDIT_FILE));
    // Start from a snapshot that holds everything (a new store's seed included) and an empty journal.
    await repo.compact();
    return repo;
  }

  read<T>(fn: (reader: StoreReader) => T): T {
    return fn(this.reader);
  }

  transact<T>(fn: (tx: StoreTransaction) => T): Promise<T> {
    const tx = new Transaction(this.reader);
    const result = fn(tx);
    this.apply(tx);
    return this.flush().then(() => result);
  }

  async auditTrail(query: AuditQuery): Promise<AuditRecord[]> {
    await this.flush();
    const newest: AuditRecord[] = [];
    try {
      await stat(this.auditPath);
    } catch {
      return newest;
    }
    const lines = createInterface({ input: createReadStream(this.auditPath, 'utf8'), crlfDelay: Infinity });
    for await (const line of lines) {
      const record = parseLine<AuditRecord>(line);
      if (!record || (query.email && record.email !== query.email)) continue;
      newest.push(record);
      if (newest.length > query.limit) newest.shift();
    }
    return newest.reverse();
  }

  async close(): Promise<void> {
    await this.flush();
  }

  /** Where the store lives and how big it is, for /healthz. */
  describe(): { schemaVersion: number; devices: number; ok: boolean } {
    return { schemaVersion: this.db.data.schemaVersion, devices: this.emailIndex.size, ok: true };
  }

  private get reader(): StoreReader {
    const data = this.db.data;
    const index = this.emailIndex;
    return {
      settings: () => data.settings,
      admins: () => data.admins,
      device: (id) => data.devices[id],
      deviceByEmail: (email) => {
        const id = index.get(email);
        return id === undefined ? undefined : data.devices[id];
      },
      devices: (status) => Object.values(data.devices).filter((d) => !status || d.status === status),
      deviceCount: () => index.size,
      code: (key) => data.codes[key],
      profile: (iccid) => data.profiles[iccid],
    };
  }

  private apply(tx: Transaction): void {
    const data = this.db.data;
    const changes = tx.changes;
    if (changes.settings) data.settings = changes.settings;
    if (changes.admins) data.admins = changes.admins;
    for (const [id, device] of changes.devices) {
      const before = data.devices[id];
      if (before) this.emailIndex.delete(before.email);
      if (device) {
        data.devices[id] = device;
        this.emailIndex.set(device.email, id);
      } else {
        delete data.devices[id];
      }
    }
    for (const [key, code] of changes.codes) data.codes[key] = code;
    for (const [iccid, profile] of changes.profiles) data.profiles[iccid] = profile;
    const entry = tx.journalEntry();
    if (entry) this.pendingJournal.push(JSON.stringify(entry));
    for (const record of changes.audit) this.pendingAudit.push(JSON.stringify(record));
  }

  /**
   * Resolves once everything applied so far is on disk. A flush that has not started yet takes
   * every change made before it starts, so a burst of commits costs one write.
   */
  private flush(): Promise<void> {
    if (!this.queuedFlush) {
      const flush = this.lastFlush
        .catch(() => undefined)
        .then(async () => {
          this.queuedFlush = undefined;
          const journal = this.pendingJournal;
          const audit = this.pendingAudit;
          this.pendingJournal = [];
          this.pendingAudit = [];
          if (journal.length > 0) await appendFile(this.journalPath, journal.join('\n') + '\n', 'utf8');
          if (audit.length > 0) await appendFile(this.auditPath, audit.join('\n') + '\n', 'utf8');
          this.journalLength += journal.length;
          if (this.journalLength >= COMPACT_AFTER) await this.compact();
        });
      this.queuedFlush = flush;
      this.lastFlush = flush;
    }
    return this.queuedFlush;
  }

  /**
   * Folds the journal into the snapshot. A crash between the two steps is harmless: the
   * journal is replayed over a snapshot that already holds it.
   */
  private async compact(): Promise<void> {
    await this.db.write();
    await truncate(this.journalPath, 0).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    this.journalLength = 0;
  }
}

/** Buffers one unit of work's writes; its reads see them before anyone else does. */
class Transaction implements StoreTransaction {
  readonly changes = {
    settings: undefined as OrgSettings | undefined,
    admins: undefined as string[] | undefined,
    devices: new Map<string, Device | null>(),
    codes: new Map<string, CodeRecord>(),
    profiles: new Map<string, ProfileRecord>(),
    audit: [] as AuditRecord[],
  };

  constructor(private readonly base: StoreReader) {}

  /** The state this transaction changes, or nothing when it only audits. */
  journalEntry(): JournalEntry | undefined {
    const c = this.changes;
    const entry: JournalEntry = {};
    if (c.settings) entry.settings = c.settings;
    if (c.admins) entry.admins = c.admins;
    if (c.devices.size) entry.devices = Object.fromEntries(c.devices);
    if (c.codes.size) entry.codes = Object.fromEntries(c.codes);
    if (c.profiles.size) entry.profiles = Object.fromEntries(c.profiles);
    return Object.keys(entry).length ? entry : undefined;
  }

  settings(): OrgSettings {
    return this.changes.settings ?? this.base.settings();
  }
  admins(): string[] {
    return this.changes.admins ?? this.base.admins();
  }
  device(id: string): Device | undefined {
    const changed = this.changes.devices.get(id);
    return changed === null ? undefined : changed ?? this.base.device(id);
  }
  deviceByEmail(email: string): Device | undefined {
    for (const device of this.changes.devices.values()) if (device?.email === email) return device;
    const stored = this.base.deviceByEmail(email);
    return stored && this.device(stored.id)?.email === email ? this.device(stored.id) : undefined;
  }
  devices(status?: DeviceStatus): Device[] {
    const merged = new Map(this.base.devices().map((d) => [d.id, d]));
    for (const [id, device] of this.changes.devices) {
      if (device) merged.set(id, device);
      else merged.delete(id);
    }
    return [...merged.values()].filter((d) => !status || d.status === status);
  }
  deviceCount(): number {
    let count = this.base.deviceCount();
    for (const [id, device] of this.changes.devices) {
      const stored = this.base.device(id) !== undefined;
      if (device && !stored) count++;
      if (!device && stored) count--;
    }
    return count;
  }
  code(key: string): CodeRecord | undefined {
    return this.changes.codes.get(key) ?? this.base.code(key);
  }
  profile(iccid: string): ProfileRecord | undefined {
    return this.changes.profiles.get(iccid) ?? this.base.profile(iccid);
  }

  putSettings(settings: OrgSettings): void {
    this.changes.settings = settings;
  }
  putAdmins(emails: string[]): void {
    this.changes.admins = emails;
  }
  putDevice(device: Device): void {
    this.changes.devices.set(device.id, device);
  }
  removeDevice(id: string): void {
    this.changes.devices.set(id, null);
  }
  putCode(code: CodeRecord): void {
    this.changes.codes.set(code.key, code);
  }
  putProfile(profile: ProfileRecord): void {
    this.changes.profiles.set(profile.iccid, profile);
  }
  audit(record: AuditRecord): void {
    this.changes.audit.push(record);
  }
}

function assertShape(data: unknown, path: string): asserts data is StoreData {
  const d = data as Partial<StoreData> | null;
  const ok =
    d !== null &&
    typeof d === 'object' &&
    typeof d.schemaVersion === 'number' &&
    typeof d.settings === 'object' &&
    Array.isArray(d.admins) &&
    typeof d.devices === 'object' &&
    typeof d.codes === 'object' &&
    typeof d.profiles === 'object';
  if (!ok) {
    throw new StoreOpenError(
      `The store file ${path} is not a webex-go-bot store. It was left untouched: move it away or fix it.`,
    );
  }
  if (d.schemaVersion !== SCHEMA_VERSION) {
    throw new StoreOpenError(
      `The store file ${path} has schema version ${d.schemaVersion}; this build reads version ${SCHEMA_VERSION}.`,
    );
  }
}

async function replayJournal(data: StoreData, path: string): Promise<void> {
  try {
    await stat(path);
  } catch {
    return;
  }
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    const entry = parseLine<JournalEntry>(line);
    if (!entry) continue;
    if (entry.settings) data.settings = entry.settings;
    if (entry.admins) data.admins = entry.admins;
    for (const [id, device] of Object.entries(entry.devices ?? {})) {
      if (device) data.devices[id] = device;
      else delete data.devices[id];
    }
    Object.assign(data.codes, entry.codes);
    Object.assign(data.profiles, entry.profiles);
  }
}

/** A line cut short by a crash mid-append is skipped, not fatal. */
function parseLine<T>(line: string): T | undefined {
  if (!line) return undefined;
  try {
    return JSON.parse(line) as T;
  } catch {
    return undefined;
  }
}
