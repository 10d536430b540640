import { chmod, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { DELIVERIES_KEPT, type AuditQuery, type DeliveryClaim, type Repository, type StoreReader, type StoreTransaction } from '../domain/repository.js';
import { languageKey, type AuditRecord, type CodeRecord, type Device, type DeviceStatus, type Language, type LanguageHolder, type OrgSettings, type OutboxEntry, type ProfileRecord } from '../domain/types.js';
import { AuditFileCut, AuditLog, auditMonth, auditText, isAuditFile } from './auditLog.js';
import { CodesFile } from './codesFile.js';
import { Handling, openHandling, runHandling } from './deliveryHandling.js';
import { AppendFile, FILE_MODE, UndoFailed, syncFolder } from './durableFile.js';
import { isStoreData, journalLine, readJournal, type JournalEntry, type JournalRead, type StoreData } from './journal.js';
import { SnapshotFile, withoutSecret, type FrozenRecords, type SnapshotView } from './snapshotFile.js';

export type { StoreData } from './journal.js';
export { LEGACY_AUDIT_FILE, auditFileName } from './auditLog.js';

export const SCHEMA_VERSION = 1;
export const STATE_FILE = 'webex-go.json';
/** The journal being appended to. */
export const JOURNAL_FILE = 'webex-go.journal.jsonl';
/** The Matching IDs of the codes that can still be redeemed: the one file holding codes in clear. */
export const CODES_FILE = 'webex-go.codes.jsonl';
/** Where a build before the line-per-code file kept them, as one JSON object. */
export const LEGACY_CODES_FILE = 'webex-go.codes.json';
/** Journal entries after which the snapshot is rewritten and the journal emptied. */
const COMPACT_AFTER = 20_000;
const DAY_MS = 86_400_000;

/** A journal sealed by a compaction, replayed before JOURNAL_FILE until the snapshot holds it. */
function sealedJournalName(n: number): string {
  return `webex-go.journal.${n}.jsonl`;
}
const SEALED_JOURNAL = /^webex-go\.journal\.(\d+)\.jsonl$/;

/** What a brand-new store starts with. */
export interface StoreSeed {
  settings: OrgSettings;
  admins: string[];
}

export interface StoreOptions {
  /** Days spent codes and ended eSIM profiles are kept; none: kept for ever. */
  retentionDays?: number;
  /** What "now" is for the retention period. */
  now?: () => Date;
  /** How many delivery ids are remembered (DELIVERIES_KEPT; tests of the bound lower it). */
  deliveriesKept?: number;
}

/** The store could not be opened; start-up stops with this message. */
export class StoreOpenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreOpenError';
  }
}

export interface StorePaths {
  dir: string;
  state: string;
  journal: string;
  codes: string;
  legacyCodes: string;
}

export function storePaths(dataDir: string): StorePaths {
  return {
    dir: dataDir,
    state: join(dataDir, STATE_FILE),
    journal: join(dataDir, JOURNAL_FILE),
    codes: join(dataDir, CODES_FILE),
    legacyCodes: join(dataDir, LEGACY_CODES_FILE),
  };
}

/** The names of the store's files in `dataDir` (the sealed journals oldest first, JOURNAL_FILE last). */
export async function storeFiles(dataDir: string): Promise<{ all: string[]; journals: string[] }> {
  const names = await readdir(dataDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  const sealed = names
    .filter((name) => SEALED_JOURNAL.test(name))
    .sort((a, b) => sealedNumber(a) - sealedNumber(b));
  const journals = names.includes(JOURNAL_FILE) ? [...sealed, JOURNAL_FILE] : sealed;
  const all = names.filter((name) => [STATE_FILE, CODES_FILE, LEGACY_CODES_FILE].includes(name) || isAuditFile(name)).concat(journals);
  return { all, journals };
}

function sealedNumber(name: string): number {
  return Number(SEALED_JOURNAL.exec(name)?.[1] ?? 0);
}

/** What to do about damage; every damage report ends with it. */
export function recoveryAdvice(dataDir: string): string {
  return (
    'No file was changed. Restore the data directory from a backup, or keep what can still be read ' +
    `(a copy of every file is kept first): npm run store:recover -- ${dataDir}`
  );
}

/** A unit of work waiting for its batch: `claimed` holds the delivery ids the batch claimed before it. */
interface PendingUnit {
  run(tx: Transaction, claimed: Set<string>): unknown;
  /** The delivery whose handling queued it, if its commit is to mark that delivery done. */
  handling: Handling | undefined;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** The record sets as they were when a compaction froze them, for the records changed since. */
interface Frozen {
  devices: Map<string, Device | undefined>;
  codes: Map<string, CodeRecord | undefined>;
  profiles: Map<string, ProfileRecord | undefined>;
}

/**
 * The embedded store. State lives in a lowdb JSON snapshot plus a journal of the transactions
 * since, so a write costs an append (fdatasync'ed before it is acknowledged), not a rewrite of
 * every device. A journal line holds a transaction's changes and its audit records: it is the
 * commit, and a start appends to the audit files whatever a crash kept from them. Matching IDs of
 * live codes are kept in a file of their own, so that a spent code is on disk in clear nowhere.
 * Transactions run one at a time, each on top of the ones before it; those that queue while a
 * batch is being written make the next batch, written and synced once (group commit). A batch is
 * on disk before memory changes and before any of it resolves, so a failed write leaves memory
 * as it was.
 *
 * Compaction folds the journal into the snapshot without stopping the bot: the journal is sealed
 * (renamed) and a new one started, the snapshot of that moment is written a slice at a time while
 * transactions go on, then the sealed journal is removed. A crash at any point reopens to the same
 * state: journal lines re-applied over a snapshot that already holds them change nothing.
 */
export class LowdbRepository implements Repository {
  private readonly emailIndex = new Map<string, string>();
  private journal: AppendFile;
  private journalLines: number;
  /** Sealed journals the snapshot does not hold yet, oldest first. */
  private sealed: string[];
  private nextSeal: number;
  private queue: Promise<unknown> = Promise.resolve();
  /** Units of work waiting for the next batch. */
  private readonly pending: PendingUnit[] = [];
  private compacting: Promise<void> | undefined;
  /** Set while a compaction writes the snapshot: records as they were before any change since. */
  private frozen: Frozen | undefined;
  /** Why the last write failed, until a write succeeds. */
  private failing: string | undefined;
  /** Set when a failed write could not be undone: the files may hold what memory does not. */
  private broken = false;
  /** Deliveries claimed by this process and not done yet (their holder, by id): in memory only, as only this process can hold them. */
  private readonly unfinished = new Map<string, string>();

  private get deliveriesKept(): number {
    return this.options.deliveriesKept ?? DELIVERIES_KEPT;
  }

  private constructor(
    private readonly db: Low<StoreData>,
    private readonly snapshot: SnapshotFile,
    private readonly paths: StorePaths,
    private readonly codes: CodesFile,
    /** Matching IDs of the codes that can still be redeemed, by code key, as in the codes file. */
    private readonly secrets: Map<string, string>,
    /** Claimed delivery ids, oldest first. */
    private readonly deliveries: Set<string>,
    private readonly audit: AuditLog,
    private readonly options: StoreOptions,
    journal: { lines: number; sealed: string[] },
  ) {
    const devices = db.data.devices;
    for (const id in devices) this.emailIndex.set(devices[id]!.email, id);
    this.journal = new AppendFile(paths.journal);
    this.journalLines = journal.lines;
    this.sealed = journal.sealed;
    this.nextSeal = journal.sealed.length ? sealedNumber(journal.sealed.at(-1)!) + 1 : 1;
  }

  /**
   * `log` hears what the start did about a crash (a torn last journal line dropped). A start
   * writes only what needs it: a new store's snapshot, what a crash left half done, what an older
   * build kept elsewhere; a journal with entries is folded in after the start, in the background.
   */
  static async open(dataDir: string, seed: StoreSeed, log: (line: string) => void = () => undefined, options: StoreOptions = {}): Promise<LowdbRepository> {
    try {
      await mkdir(dataDir, { recursive: true });
    } catch (error) {
      throw new StoreOpenError(`Cannot create the data directory ${dataDir}: ${(error as Error).message}`);
    }
    const paths = storePaths(dataDir);
    const files = await storeFiles(dataDir);
    const snapshot = new SnapshotFile(paths.state);
    const data = await readSnapshot(snapshot, paths, files.all, seed, dataDir);
    const entries: JournalEntry[] = [];
    let active: JournalRead | undefined;
    for (const name of files.journals) {
      const path = join(dataDir, name);
      const journal = await readJournal(path).catch((error: Error) => {
        throw new StoreOpenError(`The journal ${path} cannot be read (${error.message}). It was left untouched.`);
      });
      const damaged = journal.damaged[0];
      if (damaged) {
        throw new StoreOpenError(`The journal ${path} is damaged at line ${damaged.line} (${damaged.problem}). ${recoveryAdvice(dataDir)}`);
      }
      if (journal.torn) {
        log(`The journal ${path} ended in a torn last line (line ${journal.torn.line}), cut short by a crash before it was acknowledged: it was dropped.`);
      }
      if (name === JOURNAL_FILE) active = journal;
      for (const entry of journal.entries) entries.push(entry);
    }
    const stored = await CodesFile.open(paths.codes, paths.legacyCodes).catch((error: Error) => {
      throw new StoreOpenError(`The codes file ${paths.codes} cannot be read (${error.message}). ${recoveryAdvice(dataDir)}`);
    });
    // Lines and their codes' Matching IDs are synced together: from the first line whose IDs did
    // not reach the codes file (for a code still valid: a spent one's line is erased), none was acknowledged.
    let journalEnd = active?.torn ? active.sound : undefined;
    const finalState = new Map<string, string>();
    for (const entry of entries) for (const [key, code] of Object.entries(entry.codes ?? {})) finalState.set(key, code.state);
    const lost = (key: string) => finalState.get(key) === 'valid' && !stored.secrets.has(key);
    const lastBatch = active ? lastBatchStart(active.entries) : 0;
    const unacknowledged = active?.entries.slice(lastBatch).some((entry) => entry.secrets?.some(lost)) ? lastBatch : -1;
    if (active && unacknowledged >= 0) {
      const dropped = active.entries.length - unacknowledged;
      log(
        dropped === 1
          ? `The journal ${paths.journal} ended in a change whose activation codes were not written, cut short by a crash before it was acknowledged: it was dropped.`
          : `The journal ${paths.journal} ended in ${dropped} changes whose activation codes were not all written, cut short by a crash before they were acknowledged: they were dropped.`,
      );
      entries.splice(entries.length - dropped);
      journalEnd = active.starts[unacknowledged]!;
    }
    const deliveries = new Set<string>();
    const kept = options.deliveriesKept ?? DELIVERIES_KEPT;
    for (const id of data.deliveries ?? []) remember(deliveries, id, kept);
    for (const entry of entries) applyEntry(data, deliveries, entry, kept);
    const audit = await AuditLog.open(dataDir, entries).catch((error: Error) => {
      throw error instanceof AuditFileCut ? new StoreOpenError(`${error.message} ${recoveryAdvice(dataDir)}`) : error;
    });
    // Only valid codes keep a Matching ID; one whose code a crash kept out of the journal is dropped.
    const secrets = new Map<string, string>();
    let secretsInSnapshot = false;
    for (const key in data.codes) {
      const code = data.codes[key]!;
      let matchingId = code.matchingId;
      // A store written before the codes file kept Matching IDs in the snapshot: they move there.
      // Deleted only where there is one: deleting a field from 50,000 records costs a start seconds and memory.
      if (matchingId !== undefined) {
        secretsInSnapshot = true;
        delete code.matchingId;
      }
      if (code.state !== 'valid') continue;
      matchingId ??= stored.secrets.get(key);
      if (matchingId) {
        code.matchingId = matchingId;
        secrets.set(key, matchingId);
      }
    }
    const sealed = files.journals.filter((name) => name !== JOURNAL_FILE).map((name) => join(dataDir, name));
    const repo = new LowdbRepository(new Low(snapshot, data), snapshot, paths, stored.file, secrets, deliveries, audit, options, {
      lines: entries.length,
      sealed,
    });
    await repo.settle(journalEnd, journalEnd === undefined && active?.unterminated === true, files.all);
    if (!files.all.includes(STATE_FILE)) await repo.db.write();
    if (stored.legacy || secretsInSnapshot) {
      // Codes in clear where this build keeps none: moved before the start goes on.
      await repo.codes.rewrite(secrets);
      await CodesFile.removeLegacy(paths.legacyCodes);
      await repo.compact({ always: true });
    }
    await repo.pruneExpired();
    if (repo.journalLines || repo.sealed.length) repo.compactSoon();
    return repo;
  }

  /** Finishes what a crash left half done in the files, and takes back what older builds let others read. */
  private async settle(journalEnd: number | undefined, unterminated: boolean, names: string[]): Promise<void> {
    this.journal.size = await stat(this.paths.journal).then(
      (s) => s.size,
      () => 0,
    );
    if (journalEnd !== undefined) await this.journal.truncate(journalEnd);
    if (unterminated) await this.journal.append('\n');
    await this.journal.sync();
    await this.codes.eraseAllBut(this.secrets);
    for (const name of names) {
      const path = join(this.paths.dir, name);
      if (((await stat(path)).mode & 0o777) !== FILE_MODE) await chmod(path, FILE_MODE);
    }
  }

  read<T>(fn: (reader: StoreReader) => T): T {
    return fn(this.reader);
  }

  transact<T>(fn: (tx: StoreTransaction) => T): Promise<T> {
    return this.enqueue((tx) => fn(tx), openHandling());
  }

  /**
   * The embedded store belongs to one process, which holds every lease: a claim is never taken
   * over. One claimed before a restart is done (at most once: no other instance could have had
   * the delivery); one this process still handles is `held`.
   */
  claimDelivery(id: string, holder: string): Promise<DeliveryClaim> {
    return this.enqueue((tx, claimed) => {
      if (claimed.has(id) || this.unfinished.has(id)) return 'held';
      if (this.deliveries.has(id)) return 'done';
      tx.changes.claims.push(id);
      tx.changes.holders.set(id, holder);
      claimed.add(id);
      return 'mine';
    });
  }

  handleDelivery<T>(id: string, holder: string, act: () => Promise<T>): Promise<T> {
    return runHandling(new Handling(id, holder), act, async () => {
      if (this.unfinished.get(id) === holder) this.unfinished.delete(id);
    });
  }

  /** The embedded store belongs to one process, so that process holds every lease. */
  holdLease(): Promise<boolean> {
    return Promise.resolve(true);
  }

  prune(before: string): Promise<number> {
    return this.enqueue((tx) => {
      const { codes, profiles } = tx.changes.pruned;
      for (const code of Object.values(this.db.data.codes)) if (code.state !== 'valid' && code.expiresAt < before) codes.push(code.key);
      for (const profile of Object.values(this.db.data.profiles)) if (profile.state !== 'active' && profile.since < before) profiles.push(profile.iccid);
      return codes.length + profiles.length;
    });
  }

  async auditTrail(query: AuditQuery): Promise<AuditRecord[]> {
    await this.queue;
    return this.audit.newest(query);
  }

  async close(): Promise<void> {
    await this.compacting;
    await this.queue;
    await this.journal.close();
    await this.audit.close();
    await this.codes.close();
  }

  /** How big the store is and whether it can write, for /healthz. */
  describe(): { schemaVersion: number; devices: number; ok: boolean; failing?: string } {
    const state = { schemaVersion: this.db.data.schemaVersion, devices: this.emailIndex.size, ok: !this.failing };
    return this.failing ? { ...state, failing: this.failing } : state;
  }

  /** Folds every journal written so far into the snapshot; resolves once it is done (a test's or a benchmark's wait). */
  async compactNow(): Promise<void> {
    await this.compacting;
    this.compactSoon();
    await this.compacting;
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

  /**
   * Queues a unit of work. Units that queue while a batch is written make the next batch: each
   * runs on top of the ones before it, and the batch is written and synced once (group commit).
   */
  private enqueue<T>(run: (tx: Transaction, claimed: Set<string>) => T, handling?: Handling): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ run, handling, resolve: resolve as (value: unknown) => void, reject });
      if (this.pending.length === 1) void this.serially(() => this.commitPending());
    });
  }

  /**
   * Runs the queued units of work one after the other, writes their changes, then applies them
   * to memory and resolves each; a failed write changes neither and rejects them all.
   */
  private async commitPending(): Promise<void> {
    const batch = this.pending.splice(0);
    let base: StoreReader = this.reader;
    const claimed = new Set<string>();
    const ran: { unit: PendingUnit; tx: Transaction; result: unknown }[] = [];
    for (const unit of batch) {
      const tx = new Transaction(base);
      tx.handling = unit.handling;
      try {
        ran.push({ unit, tx, result: unit.run(tx, claimed) });
        base = tx;
      } catch (error) {
        unit.reject(error);
      }
    }
    const txs = ran.map((r) => r.tx);
    try {
      await this.commit(txs);
    } catch (error) {
      for (const { unit } of ran) unit.reject(error);
      return;
    }
    for (const { unit, result } of ran) unit.resolve(result);
  }

  private async commit(txs: Transaction[]): Promise<void> {
    const auditEnds = new Map<string, number>();
    const written: { entry: JournalEntry; tx: Transaction }[] = [];
    for (const tx of txs) {
      const records = tx.changes.audit;
      const month = records.length ? auditMonth(records) : undefined;
      let at: { month: string; from: number } | undefined;
      if (month) {
        at = { month, from: auditEnds.get(month) ?? (await this.audit.sizeOf(month)) };
        auditEnds.set(month, at.from + Buffer.byteLength(auditText(records)));
      }
      const entry = tx.journalEntry(at);
      if (entry) written.push({ entry, tx });
    }
    if (!written.length) return;
    if (this.broken) throw new Error(this.failing);
    try {
      await this.write(written);
      this.failing = undefined;
    } catch (error) {
      this.broken = error instanceof UndoFailed;
      this.failing = this.broken
        ? `The store could not be written, nor the failed write taken back (${(error as Error).message}): it takes no more changes until the bot is restarted.`
        : `The store could not be written (${(error as Error).message}): the last change was not made.`;
      throw error;
    }
    for (const { tx } of written) this.apply(tx);
    // Committed: the lines of codes they spent go now.
    const changedCodes = written.flatMap(({ tx }) => [...tx.changes.codes.keys()]);
    await this.codes.erase(changedCodes, (key, matchingId) => this.secrets.get(key) === matchingId).catch((error: Error) => {
      this.failing = `A spent code could not be erased from ${this.paths.codes} (${error.message}).`;
    });
    if (this.journalLines >= COMPACT_AFTER) this.compactSoon();
  }

  /**
   * New codes' Matching IDs and the journal lines are synced together (each line names its
   * codes, so a start drops the lines from the first whose IDs did not make it); the audit records
   * follow the sync, unsynced: the journal lines hold them until the audit files are synced at
   * compaction.
   */
  private async write(written: { entry: JournalEntry; tx: Transaction }[]): Promise<void> {
    const journalAt = this.journal.size;
    const auditFrom = new Map<string, number>();
    let added = new Map<string, string>();
    try {
      const secrets = new Map<string, string>();
      for (const { entry, tx } of written) {
        const introduced = this.secretsAdded(tx, secrets);
        if (introduced.size) entry.secrets = [...introduced.keys()];
        for (const [key, id] of introduced) secrets.set(key, id);
      }
      // A start tells the last batch by this: its lines stand or fall together.
      if (written.length > 1) written[0]!.entry.batch = written.length;
      added = await this.codes.add(secrets);
      await this.journal.append(written.map(({ entry }) => journalLine(entry)).join(''));
      await Promise.all([this.codes.sync(), this.journal.sync()]);
      for (const { entry } of written) {
        if (!entry.audit) continue;
        const month = entry.audit.month!;
        // A failed append cuts itself back: only the appends before it are taken back here.
        await this.audit.append(month, auditText(entry.audit.records));
        if (!auditFrom.has(month)) auditFrom.set(month, entry.audit.from);
      }
    } catch (error) {
      if (this.journal.size > journalAt) await this.journal.truncate(journalAt, error);
      for (const [month, from] of auditFrom) await this.audit.truncate(month, from, error);
      await this.codes.undo(added, error);
      throw error;
    }
    this.journalLines += written.length;
  }

  /** The Matching IDs of the codes the transaction makes valid that neither the store nor the batch before it holds. */
  private secretsAdded(tx: Transaction, batch: Map<string, string>): Map<string, string> {
    const added = new Map<string, string>();
    for (const [key, code] of tx.changes.codes) {
      if (code.state === 'valid' && code.matchingId && this.secrets.get(key) !== code.matchingId && batch.get(key) !== code.matchingId) added.set(key, code.matchingId);
    }
    return added;
  }

  /** Keeps a record as the running compaction's snapshot must see it, before its first change. */
  private freezeRecord<K extends keyof Frozen>(set: K, key: string): void {
    const frozen = this.frozen?.[set] as Map<string, unknown> | undefined;
    if (frozen && !frozen.has(key)) frozen.set(key, this.db.data[set][key]);
  }

  private apply(tx: Transaction): void {
    const data = this.db.data;
    const changes = tx.changes;
    if (changes.settings) data.settings = changes.settings;
    if (changes.admins) data.admins = changes.admins;
    for (const [id, device] of changes.devices) {
      this.freezeRecord('devices', id);
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
      this.freezeRecord('codes', key);
      data.codes[key] = code;
      if (code.state === 'valid' && code.matchingId) this.secrets.set(key, code.matchingId);
      else this.secrets.delete(key);
    }
    for (const [iccid, profile] of changes.profiles) {
      this.freezeRecord('profiles', iccid);
      data.profiles[iccid] = profile;
    }
    for (const key of changes.pruned.codes) {
      this.freezeRecord('codes', key);
      delete data.codes[key];
    }
    for (const iccid of changes.pruned.profiles) {
      this.freezeRecord('profiles', iccid);
      delete data.profiles[iccid];
    }
    for (const id of changes.claims) remember(this.deliveries, id, this.deliveriesKept);
    for (const [id, holder] of changes.holders) {
      this.unfinished.set(id, holder);
      // A claim never handled (its caller gave up) must not stay for ever.
      if (this.unfinished.size > this.deliveriesKept) this.unfinished.delete(this.unfinished.keys().next().value!);
    }
    // The first change its handling commits: the delivery is done with it.
    if (tx.handling && !tx.handling.done && this.unfinished.get(tx.handling.id) === tx.handling.holder) {
      tx.handling.done = true;
      this.unfinished.delete(tx.handling.id);
    }
    if (changes.outbox.size) data.outbox = applyOutbox(data.outbox, changes.outbox);
    if (changes.languages.size) data.languages = { ...data.languages, ...Object.fromEntries(changes.languages) };
  }

  /** Forgets what the retention period is over for (a journal line like any change). */
  private async pruneExpired(): Promise<void> {
    const days = this.options.retentionDays;
    if (!days) return;
    const now = (this.options.now ?? (() => new Date()))();
    await this.prune(new Date(now.getTime() - days * DAY_MS).toISOString());
  }

  /** Starts a compaction unless one runs; a failed one is said by describe() and tried again at the next write. */
  private compactSoon(): void {
    this.compacting ??= this.compact()
      .catch((error: Error) => {
        this.failing = `The store could not be compacted (${error.message}).`;
      })
      .finally(() => {
        this.compacting = undefined;
      });
  }

  /**
   * Folds the journal into the snapshot while transactions go on: seals the journal and freezes
   * the records (in the queue: between two transactions), writes the frozen snapshot a slice at a
   * time, then syncs the audit files that the sealed journal's lines also hold, rewrites the codes
   * file with the live codes alone and removes the sealed journals.
   */
  private async compact({ always = false } = {}): Promise<void> {
    await this.pruneExpired();
    const sealed = await this.serially(() => this.seal(always));
    if (!sealed) return;
    try {
      await this.snapshot.writeView(sealed.view);
    } finally {
      this.frozen = undefined;
    }
    await this.serially(async () => {
      await this.audit.sync();
      await this.codes.rewrite(this.secrets);
    });
    for (const path of sealed.journals) await rm(path, { force: true });
    this.sealed = this.sealed.filter((path) => !sealed.journals.includes(path));
  }

  /** Seals the journal and freezes the records; nothing when no journal has entries, unless `always`. */
  private async seal(always: boolean): Promise<{ view: SnapshotView; journals: string[] } | undefined> {
    if (this.journal.size > 0) {
      await this.journal.close();
      const path = join(this.paths.dir, sealedJournalName(this.nextSeal++));
      await rename(this.paths.journal, path);
      await syncFolder(this.paths.dir);
      this.sealed.push(path);
      this.journal = new AppendFile(this.paths.journal);
      this.journalLines = 0;
    }
    if (!this.sealed.length && !always) return undefined;
    const { devices, codes, profiles, ...head } = this.db.data;
    this.frozen = { devices: new Map(), codes: new Map(), profiles: new Map() };
    const view: SnapshotView = {
      head: { ...head, deliveries: [...this.deliveries] },
      devices: frozenView(devices, this.frozen.devices),
      codes: frozenView(codes, this.frozen.codes),
      profiles: frozenView(profiles, this.frozen.profiles),
    };
    return { view, journals: [...this.sealed] };
  }
}

/** Where the journal's last batch (lines written and synced together) starts. */
function lastBatchStart(entries: JournalEntry[]): number {
  const last = Math.max(0, entries.length - 1);
  for (let i = entries.length - 1; i >= 0; i--) {
    const size = entries[i]!.batch;
    // The nearest batch marker: its lines reach the end, or the last line is a batch of its own.
    if (size) return i + size >= entries.length ? i : last;
  }
  return last;
}

/**
 * A record set as of now, while `before` collects each record's value ahead of its first change
 * (undefined: the record was added since). Its keys are listed later, from the set and `before`.
 */
function frozenView<T>(records: Record<string, T>, before: Map<string, T | undefined>): FrozenRecords<T> {
  return {
    keys: () => {
      const keys = Object.keys(records).filter((key) => !before.has(key) || before.get(key) !== undefined);
      for (const [key, value] of before) if (value !== undefined && !(key in records)) keys.push(key);
      return keys;
    },
    get: (key) => (before.has(key) ? before.get(key)! : records[key]!),
  };
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
    /** Who claimed each delivery in `claims` (not written: a claim outlives no restart unfinished). */
    holders: new Map<string, string>(),
    pruned: { codes: [] as string[], profiles: [] as string[] },
    outbox: new Map<string, OutboxEntry | null>(),
    languages: new Map<string, Language>(),
  };

  /** The delivery whose handling this is, when its commit marks that delivery done. */
  handling: Handling | undefined;

  constructor(private readonly base: StoreReader) {}

  /** The journal line's content (codes without their Matching ID), or nothing if nothing changed. */
  journalEntry(auditAt?: { month: string; from: number }): JournalEntry | undefined {
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
    if (auditAt && c.audit.length) entry.audit = { ...auditAt, records: c.audit };
    if (c.pruned.codes.length || c.pruned.profiles.length) entry.pruned = c.pruned;
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

/** Adds to a set that keeps only the newest `kept` ids. */
function remember(deliveries: Set<string>, id: string, kept: number): void {
  deliveries.add(id);
  if (deliveries.size > kept) deliveries.delete(deliveries.values().next().value!);
}

/** The snapshot, or the seed for a new store; never a store made up when files of one are there. */
async function readSnapshot(file: SnapshotFile, paths: StorePaths, names: string[], seed: StoreSeed, dataDir: string): Promise<StoreData> {
  if (!names.includes(STATE_FILE)) {
    const left = names.map((name) => join(dataDir, name));
    if (left.length) {
      throw new StoreOpenError(
        `The store file ${paths.state} is missing, but ${left.join(' and ')} ${left.length > 1 ? 'are' : 'is'} there: it was moved or deleted. ${recoveryAdvice(dataDir)}`,
      );
    }
    return { schemaVersion: SCHEMA_VERSION, settings: seed.settings, admins: seed.admins, devices: {}, codes: {}, profiles: {} };
  }
  let data: unknown;
  let intact = false;
  try {
    ({ data, intact } = await file.readChecked());
  } catch (error) {
    throw new StoreOpenError(
      `The store file ${paths.state} cannot be read (${(error as Error).message}). It was left untouched. ${recoveryAdvice(dataDir)}`,
    );
  }
  const version = (data as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === 'number' && version !== SCHEMA_VERSION) {
    throw new StoreOpenError(`The store file ${paths.state} has schema version ${version}; this build reads version ${SCHEMA_VERSION}.`);
  }
  if (!intact && !isStoreData(data)) {
    throw new StoreOpenError(`The store file ${paths.state} is not a webex-go-bot store. It was left untouched. ${recoveryAdvice(dataDir)}`);
  }
  return data as StoreData;
}

/** Replays one journal entry onto the data; `deliveries` keeps the newest `deliveriesKept` ids. */
function applyEntry(data: StoreData, deliveries: Set<string>, entry: JournalEntry, deliveriesKept: number): void {
  if (entry.settings) data.settings = entry.settings;
  if (entry.admins) data.admins = entry.admins;
  for (const [id, device] of Object.entries(entry.devices ?? {})) {
    if (device) data.devices[id] = device;
    else delete data.devices[id];
  }
  Object.assign(data.codes, entry.codes);
  Object.assign(data.profiles, entry.profiles);
  for (const key of entry.pruned?.codes ?? []) delete data.codes[key];
  for (const iccid of entry.pruned?.profiles ?? []) delete data.profiles[iccid];
  for (const id of entry.deliveries ?? []) remember(deliveries, id, deliveriesKept);
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
