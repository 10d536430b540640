import { createReadStream } from 'node:fs';
import { appendFile, chmod, mkdir, open, readFile, rename, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Low, type Adapter } from 'lowdb';
import { DELIVERIES_KEPT, type AuditQuery, type Repository, type StoreReader, type StoreTransaction } from '../domain/repository.js';
import { languageKey, type AuditRecord, type CodeRecord, type Device, type DeviceStatus, type Language, type LanguageHolder, type OrgSettings, type OutboxEntry, type ProfileRecord } from '../domain/types.js';
import { isStoreData, journalLine, parseAuditLine, readJournal, type JournalEntry, type StoreData } from './journal.js';

export type { StoreData } from './journal.js';

export const SCHEMA_VERSION = 1;
export const STATE_FILE = 'webex-go.json';
export const JOURNAL_FILE = 'webex-go.journal.jsonl';
export const AUDIT_FILE = 'audit.jsonl';
/** The Matching IDs of the codes that can still be redeemed: the one file holding codes in clear. */
export const CODES_FILE = 'webex-go.codes.json';
/** Journal entries after which the snapshot is rewritten and the journal emptied. */
const COMPACT_AFTER = 20_000;
/** The store's files hold personal data and live codes: for the bot's own user only. */
const FILE_MODE = 0o600;

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

/** A failed write whose partial effect on a file could not be taken back. */
class UndoFailed extends Error {
  constructor(path: string, cause: unknown, undo: unknown) {
    super(`${(cause as Error).message}; undoing it in ${path} failed too: ${(undo as Error).message}`);
  }
}

export interface StorePaths {
  state: string;
  journal: string;
  audit: string;
  codes: string;
}

export function storePaths(dataDir: string): StorePaths {
  return {
    state: join(dataDir, STATE_FILE),
    journal: join(dataDir, JOURNAL_FILE),
    audit: join(dataDir, AUDIT_FILE),
    codes: join(dataDir, CODES_FILE),
  };
}

/** What to do about damage; every damage report ends with it. */
export function recoveryAdvice(dataDir: string): string {
  return (
    'No file was changed. Restore the data directory from a backup, or keep what can still be read ' +
    `(a copy of every file is kept first): npm run store:recover -- ${dataDir}`
  );
}

/**
 * The embedded store. State lives in a lowdb JSON snapshot (written atomically: temp file, then
 * rename) plus a journal of the transactions since, so a write costs an append, not a rewrite of
 * every device; the journal is folded into the snapshot on start and when it grows long. A
 * journal line holds a transaction's changes and its audit records: it is the commit, and a
 * start appends to the audit file whatever a crash kept from it. The audit trail is its own
 * append-only file, so its growth never slows other writes. Matching IDs of live codes are kept
 * in a small file of their own, rewritten whole, so that a spent code is on disk in clear nowhere.
 * Transactions run one at a time: each is on disk before memory changes, so a failed write
 * leaves memory as it was.
 */
export class LowdbRepository implements Repository {
  private readonly emailIndex = new Map<string, string>();
  private journalSize = 0;
  private journalLines = 0;
  private queue: Promise<unknown> = Promise.resolve();
  /** Why the last write failed, until a write succeeds. */
  private failing: string | undefined;
  /** Set when a failed write could not be undone: the files may hold what memory does not. */
  private broken = false;

  private constructor(
    private readonly db: Low<StoreData>,
    private readonly paths: StorePaths,
    /** Matching IDs of the codes that can still be redeemed, by code key, as in the codes file. */
    private readonly secrets: Map<string, string>,
    /** Claimed delivery ids, oldest first. */
    private readonly deliveries: Set<string>,
    private auditSize: number,
  ) {
    for (const device of Object.values(db.data.devices)) this.emailIndex.set(device.email, device.id);
  }

  /** `log` hears what the start did about a crash (a torn last journal line dropped). */
  static async open(dataDir: string, seed: StoreSeed, log: (line: string) => void = () => undefined): Promise<LowdbRepository> {
    try {
      await mkdir(dataDir, { recursive: true });
    } catch (error) {
      throw new StoreOpenError(`Cannot create the data directory ${dataDir}: ${(error as Error).message}`);
    }
    const paths = storePaths(dataDir);
    const snapshot = new PrivateJsonFile(paths.state);
    const data = await readSnapshot(snapshot, paths, seed, dataDir);
    const journal = await readJournal(paths.journal).catch((error: Error) => {
      throw new StoreOpenError(`The journal ${paths.journal} cannot be read (${error.message}). It was left untouched.`);
    });
    const damaged = journal.damaged[0];
    if (damaged) {
      throw new StoreOpenError(
        `The journal ${paths.journal} is damaged at line ${damaged.line} (${damaged.problem}). ${recoveryAdvice(dataDir)}`,
      );
    }
    if (journal.torn) {
      log(`The journal ${paths.journal} ended in a torn last line (line ${journal.torn.line}), cut short by a crash before it was acknowledged: it was dropped.`);
    }
    const deliveries = new Set<string>();
    for (const id of data.deliveries ?? []) remember(deliveries, id);
    for (const entry of journal.entries) applyEntry(data, deliveries, entry);
    const stored = await readSecrets(paths.codes, dataDir);
    const auditSize = await completeAudit(paths.audit, journal.entries, dataDir);
    // Only valid codes keep a Matching ID; one whose code a crash kept out of the journal is dropped.
    const secrets = new Map<string, string>();
    for (const code of Object.values(data.codes)) {
      // A store written before the codes file kept Matching IDs in the snapshot: they move there.
      const matchingId = code.matchingId ?? stored.get(code.key);
      delete code.matchingId;
      if (code.state === 'valid' && matchingId) {
        code.matchingId = matchingId;
        secrets.set(code.key, matchingId);
      }
    }
    const repo = new LowdbRepository(new Low(snapshot, data), paths, secrets, deliveries, auditSize);
    // Start from a snapshot that holds everything (a new store's seed included) and an empty journal.
    await repo.compact();
    return repo;
  }

  read<T>(fn: (reader: StoreReader) => T): T {
    return fn(this.reader);
  }

  transact<T>(fn: (tx: StoreTransaction) => T): Promise<T> {
    return this.serially(async () => {
      const tx = new Transaction(this.reader);
      const result = fn(tx);
      await this.commit(tx);
      return result;
    });
  }

  claimDelivery(id: string): Promise<boolean> {
    return this.serially(async () => {
      if (this.deliveries.has(id)) return false;
      const tx = new Transaction(this.reader);
      tx.changes.claims.push(id);
      await this.commit(tx);
      return true;
    });
  }

  /** The embedded store belongs to one process, so that process holds every lease. */
  holdLease(): Promise<boolean> {
    return Promise.resolve(true);
  }

  async auditTrail(query: AuditQuery): Promise<AuditRecord[]> {
    await this.queue;
    const newest: AuditRecord[] = [];
    try {
      await stat(this.paths.audit);
    } catch {
      return newest;
    }
    const lines = createInterface({ input: createReadStream(this.paths.audit, 'utf8'), crlfDelay: Infinity });
    for await (const line of lines) {
      const record = parseAuditLine(line);
      if (!record || (query.email && record.email !== query.email)) continue;
      newest.push(record);
      if (newest.length > query.limit) newest.shift();
    }
    return newest.reverse();
  }

  async close(): Promise<void> {
    await this.queue;
  }

  /** How big the store is and whether it can write, for /healthz. */
  describe(): { schemaVersion: number; devices: number; ok: boolean; failing?: string } {
    const state = { schemaVersion: this.db.data.schemaVersion, devices: this.emailIndex.size, ok: !this.failing };
    return this.failing ? { ...state, failing: this.failing } : state;
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
      outbox: () => byAge(Object.values(data.outbox ?? {})),
      language: (holder) => data.languages?.[languageKey(holder)],
    };
  }

  /** Runs one unit of work after every earlier one has settled. */
  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Writes the transaction, then applies it to memory; a failed write changes neither. */
  private async commit(tx: Transaction): Promise<void> {
    const entry = tx.journalEntry(this.auditSize);
    if (!entry) return;
    if (this.broken) throw new Error(this.failing);
    try {
      await this.write(entry, tx);
      this.failing = undefined;
    } catch (error) {
      this.broken = error instanceof UndoFailed;
      this.failing = this.broken
        ? `The store could not be written, nor the failed write taken back (${(error as Error).message}): it takes no more changes until the bot is restarted.`
        : `The store could not be written (${(error as Error).message}): the last change was not made.`;
      throw error;
    }
    this.apply(tx);
    if (this.journalLines >= COMPACT_AFTER) {
      // The change is committed in the journal whatever happens here; a failed compaction is retried at the next write.
      await this.compact().catch((error: Error) => {
        this.failing = `The store could not be compacted (${error.message}).`;
      });
    }
  }

  private async write(entry: JournalEntry, tx: Transaction): Promise<void> {
    const secrets = this.secretsAfter(tx);
    if (secrets) await writePrivately(this.paths.codes, secretsText(secrets));
    const line = journalLine(entry);
    const audit = entry.audit ? auditText(entry.audit.records) : '';
    try {
      await appendUndoably(this.paths.journal, this.journalSize, line, async () => {
        if (audit) await appendUndoably(this.paths.audit, this.auditSize, audit, async () => undefined);
      });
    } catch (error) {
      if (secrets) {
        await writePrivately(this.paths.codes, secretsText(this.secrets)).catch((undo: unknown) => {
          throw new UndoFailed(this.paths.codes, error, undo);
        });
      }
      throw error;
    }
    this.journalSize += Buffer.byteLength(line);
    this.auditSize += Buffer.byteLength(audit);
    this.journalLines++;
  }

  /** The live codes' Matching IDs once the transaction is in, or nothing if it changes none. */
  private secretsAfter(tx: Transaction): Map<string, string> | undefined {
    let next: Map<string, string> | undefined;
    for (const [key, code] of tx.changes.codes) {
      const secret = code.state === 'valid' ? code.matchingId : undefined;
      if (this.secrets.get(key) === secret) continue;
      next ??= new Map(this.secrets);
      if (secret) next.set(key, secret);
      else next.delete(key);
    }
    return next;
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
    for (const [key, code] of changes.codes) {
      data.codes[key] = code;
      if (code.state === 'valid' && code.matchingId) this.secrets.set(key, code.matchingId);
      else this.secrets.delete(key);
    }
    for (const [iccid, profile] of changes.profiles) data.profiles[iccid] = profile;
    for (const id of changes.claims) remember(this.deliveries, id);
    if (changes.outbox.size) data.outbox = applyOutbox(data.outbox, changes.outbox);
    if (changes.languages.size) data.languages = { ...data.languages, ...Object.fromEntries(changes.languages) };
  }

  /**
   * Folds the journal into the snapshot. A crash between the steps is harmless: the journal is
   * replayed over a snapshot that already holds it.
   */
  private async compact(): Promise<void> {
    await writePrivately(this.paths.codes, secretsText(this.secrets));
    this.db.data.deliveries = [...this.deliveries];
    await this.db.write();
    await truncate(this.paths.journal, 0).catch(ignoreMissing);
    this.journalSize = 0;
    this.journalLines = 0;
    // Files written by an older build may be readable by others.
    for (const path of [this.paths.journal, this.paths.audit]) await chmod(path, FILE_MODE).catch(ignoreMissing);
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
    claims: [] as string[],
    outbox: new Map<string, OutboxEntry | null>(),
    languages: new Map<string, Language>(),
  };

  constructor(private readonly base: StoreReader) {}

  /** The journal line's content (codes without their Matching ID), or nothing if nothing changed. */
  journalEntry(auditFrom: number): JournalEntry | undefined {
    const c = this.changes;
    const entry: JournalEntry = {};
    if (c.settings) entry.settings = c.settings;
    if (c.admins) entry.admins = c.admins;
    if (c.devices.size) entry.devices = Object.fromEntries(c.devices);
    if (c.codes.size) entry.codes = Object.fromEntries([...c.codes].map(([key, code]) => [key, withoutSecret(code)]));
    if (c.profiles.size) entry.profiles = Object.fromEntries(c.profiles);
    if (c.claims.length) entry.deliveries = c.claims;
    if (c.outbox.size) entry.outbox = Object.fromEntries(c.outbox);
    if (c.languages.size) entry.languages = Object.fromEntries(c.languages);
    if (c.audit.length) entry.audit = { from: auditFrom, records: c.audit };
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
  language(holder: LanguageHolder): Language | undefined {
    return this.changes.languages.get(languageKey(holder)) ?? this.base.language(holder);
  }
  outbox(): OutboxEntry[] {
    const merged = new Map(this.base.outbox().map((e) => [e.id, e]));
    for (const [id, entry] of this.changes.outbox) {
      if (entry) merged.set(id, entry);
      else merged.delete(id);
    }
    return byAge([...merged.values()]);
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
  putOutbox(entry: OutboxEntry): void {
    this.changes.outbox.set(entry.id, entry);
  }
  putLanguage(holder: LanguageHolder, language: Language): void {
    this.changes.languages.set(languageKey(holder), language);
  }
  removeOutbox(id: string): void {
    this.changes.outbox.set(id, null);
  }
  audit(record: AuditRecord): void {
    this.changes.audit.push(record);
  }
}

/** A JSON file replaced whole (temp file, then rename) and readable by the bot's user alone; codes go without their Matching ID. */
class PrivateJsonFile implements Adapter<StoreData> {
  constructor(private readonly path: string) {}

  /** The parsed file; null when it is missing (or holds null). */
  async read(): Promise<StoreData | null> {
    try {
      return JSON.parse(await readFile(this.path, 'utf8')) as StoreData | null;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  write(data: StoreData): Promise<void> {
    const codes = Object.fromEntries(Object.entries(data.codes).map(([key, code]) => [key, withoutSecret(code)]));
    return writePrivately(this.path, JSON.stringify({ ...data, codes }));
  }
}

export async function writePrivately(path: string, text: string): Promise<void> {
  const temp = `${path}.tmp`;
  // A temp file left by a crash keeps its mode when written again: start from none.
  await rm(temp, { force: true });
  await writeFile(temp, text, { mode: FILE_MODE });
  await rename(temp, path);
}

/** Appends `text` to a file of `size` bytes, then runs `next`; if either fails, the file is cut back to `size`. */
async function appendUndoably(path: string, size: number, text: string, next: () => Promise<void>): Promise<void> {
  // Failing to open writes nothing: there is nothing to take back.
  const file = await open(path, 'a', FILE_MODE);
  try {
    await file.appendFile(text);
    await next();
  } catch (error) {
    await file.truncate(size).catch((undo: unknown) => {
      throw new UndoFailed(path, error, undo);
    });
    throw error;
  } finally {
    await file.close();
  }
}

function withoutSecret(code: CodeRecord): CodeRecord {
  const { matchingId: _secret, ...rest } = code;
  return rest;
}

export function secretsText(secrets: Map<string, string>): string {
  return JSON.stringify(Object.fromEntries(secrets));
}

export function auditText(records: AuditRecord[]): string {
  return records.map((r) => JSON.stringify(r)).join('\n') + '\n';
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    },
  );
}

/** Adds to a set that keeps only the newest DELIVERIES_KEPT ids. */
function remember(deliveries: Set<string>, id: string): void {
  deliveries.add(id);
  if (deliveries.size > DELIVERIES_KEPT) deliveries.delete(deliveries.values().next().value!);
}

/** The snapshot, or the seed for a new store; never a store made up when files of one are there. */
async function readSnapshot(file: PrivateJsonFile, paths: StorePaths, seed: StoreSeed, dataDir: string): Promise<StoreData> {
  if (!(await exists(paths.state))) {
    const left = [];
    for (const path of [paths.journal, paths.audit, paths.codes]) if (await exists(path)) left.push(path);
    if (left.length) {
      throw new StoreOpenError(
        `The store file ${paths.state} is missing, but ${left.join(' and ')} ${left.length > 1 ? 'are' : 'is'} there: it was moved or deleted. ${recoveryAdvice(dataDir)}`,
      );
    }
    return { schemaVersion: SCHEMA_VERSION, settings: seed.settings, admins: seed.admins, devices: {}, codes: {}, profiles: {} };
  }
  let data: unknown;
  try {
    data = await file.read();
  } catch (error) {
    throw new StoreOpenError(
      `The store file ${paths.state} cannot be read (${(error as Error).message}). It was left untouched. ${recoveryAdvice(dataDir)}`,
    );
  }
  const version = (data as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === 'number' && version !== SCHEMA_VERSION) {
    throw new StoreOpenError(`The store file ${paths.state} has schema version ${version}; this build reads version ${SCHEMA_VERSION}.`);
  }
  if (!isStoreData(data)) {
    throw new StoreOpenError(`The store file ${paths.state} is not a webex-go-bot store. It was left untouched. ${recoveryAdvice(dataDir)}`);
  }
  return data;
}

async function readSecrets(path: string, dataDir: string): Promise<Map<string, string>> {
  let secrets: unknown;
  try {
    secrets = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw new StoreOpenError(`The codes file ${path} cannot be read (${(error as Error).message}). ${recoveryAdvice(dataDir)}`);
  }
  const entries = typeof secrets === 'object' && secrets !== null && !Array.isArray(secrets) ? Object.entries(secrets) : undefined;
  if (!entries?.every(([, id]) => typeof id === 'string')) {
    throw new StoreOpenError(`The codes file ${path} is not a webex-go-bot codes file. ${recoveryAdvice(dataDir)}`);
  }
  return new Map(entries as [string, string][]);
}

export function applyEntry(data: StoreData, deliveries: Set<string>, entry: JournalEntry): void {
  if (entry.settings) data.settings = entry.settings;
  if (entry.admins) data.admins = entry.admins;
  for (const [id, device] of Object.entries(entry.devices ?? {})) {
    if (device) data.devices[id] = device;
    else delete data.devices[id];
  }
  Object.assign(data.codes, entry.codes);
  Object.assign(data.profiles, entry.profiles);
  for (const id of entry.deliveries ?? []) remember(deliveries, id);
  if (entry.outbox) data.outbox = applyOutbox(data.outbox, new Map(Object.entries(entry.outbox)));
  if (entry.languages) data.languages = { ...data.languages, ...entry.languages };
}

/** The outbox with entries put (an entry) and removed (null). */
function applyOutbox(outbox: Record<string, OutboxEntry> = {}, changes: Map<string, OutboxEntry | null>): Record<string, OutboxEntry> {
  const next = { ...outbox };
  for (const [id, entry] of changes) {
    if (entry) next[id] = entry;
    else delete next[id];
  }
  return next;
}

/** Oldest first. */
function byAge(entries: OutboxEntry[]): OutboxEntry[] {
  return entries.sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
}

/**
 * Appends the audit records that a crash kept out of the audit file (their journal lines hold
 * them); returns the file's size. An audit file shorter than the journal knew it is damage.
 */
async function completeAudit(path: string, entries: JournalEntry[], dataDir: string): Promise<number> {
  let size = (await exists(path)) ? (await stat(path)).size : 0;
  const missing = entries.flatMap((e) => (e.audit ? [{ from: e.audit.from, text: auditText(e.audit.records) }] : [])).filter((a) => a.from + Buffer.byteLength(a.text) > size);
  const first = missing[0];
  if (!first) return size;
  if (first.from > size) {
    throw new StoreOpenError(
      `The audit file ${path} holds ${size} bytes, but the journal knew it with ${first.from}: it was cut or replaced. ${recoveryAdvice(dataDir)}`,
    );
  }
  // A crash mid-append may have left part of the first missing records.
  if (size > first.from) await truncate(path, first.from);
  await appendFile(path, missing.map((a) => a.text).join(''), { mode: FILE_MODE });
  size = first.from + missing.reduce((bytes, a) => bytes + Buffer.byteLength(a.text), 0);
  return size;
}
