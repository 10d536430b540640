import pg, { type Pool, type PoolClient, type QueryResult } from 'pg';
import { DELIVERIES_KEPT, DeliveryTakenOver, instanceLease, type AuditQuery, type DeliveryClaim, type Repository, type StoreReader, type StoreTransaction } from '../../domain/repository.js';
import type { AuditRecord, CodeRecord, Device, Language, OrgSettings, OutboxEntry, ProfileRecord } from '../../domain/types.js';
import { Handling, openHandling, runHandling } from '../deliveryHandling.js';
import { StoreOpenError, type StoreSeed } from '../lowdbRepository.js';
import { migrate, SCHEMA_VERSION } from './migrations.js';
import { changedKeys, mergeKeys, Mirror, noChanges, redeemableSecret, withoutSecret, WriteBuffer, type Changes, type ChangedKeys } from './mirror.js';

/** Key of the transaction lock every writer of the store takes, in every instance. */
const WRITER_LOCK = 0x5765_6278_5772;
/** Where a commit is announced to the other instances (its change log seq as payload). */
const CHANNEL = 'webex_go_store';
/** Change log rows kept; an instance further behind reloads everything. */
const CHANGES_KEPT = 10_000;
/** Old change log rows and delivery ids are pruned after this many of this instance's writes (claims: at most the ids kept). */
const PRUNE_EVERY = 1_000;
/** Wait before listening again after the listening connection was lost. */
const RELISTEN_MS = 1_000;
/** Instance leases lapsed this long ago are forgotten at open (a claim of theirs is taken over as if they were there). */
const INSTANCE_LEASES_KEPT = '1 day';

export interface PgStoreOptions {
  /** Connections this instance opens at most for its work (one more listens for other instances' commits, one renews its leases). */
  poolSize?: number;
  log?: (line: string) => void;
  /** Days spent codes and ended eSIM profiles are kept (STORE_RETENTION_DAYS); forgotten at open. None: kept for ever. */
  retentionDays?: number;
  /** How many delivery ids are remembered (DELIVERIES_KEPT; tests of the bound lower it). */
  deliveriesKept?: number;
}

/**
 * The store on PostgreSQL, for several bot instances on one database.
 *
 * The domain reads synchronously and runs a transaction as a synchronous function, so each
 * instance keeps the committed state in memory (the mirror) and serialises writes with one
 * transaction-scoped advisory lock shared by every instance: a writer takes the lock, catches the
 * mirror up on what the others committed since it last looked (the change log: the keys each
 * transaction changed), runs the unit of work on the mirror plus a write buffer, writes only the
 * changed rows, its audit records and a change log row, and commits; only then does the mirror
 * change. The domain's checks (license pool, one device per user) thus always run on the latest
 * committed state, and no update is lost. A single writer lock rather than row locks because the
 * unit of work cannot wait for a row lock halfway (it is synchronous and may read anything), and
 * rather than serializable transactions with retry because a unit of work would then run twice;
 * the bot's writes are few and short, so one lock costs nothing that matters (bench/storePostgres.ts).
 * Other instances' commits reach the mirror at the next write and at once through LISTEN/NOTIFY.
 *
 * Matching IDs live in `code_secrets` only while their code can be redeemed; a spent code keeps
 * only its hash (the key), as in the embedded store's codes file.
 */
export class PgRepository implements Repository {
  private queue: Promise<unknown> = Promise.resolve();
  /** The newest change log row the mirror holds. */
  private lastSeen = 0;
  /** Why the last store operation failed, until one succeeds. */
  private failing: string | undefined;
  private writes = 0;
  private claims = 0;
  private refreshQueued = false;
  private listener: pg.Client | undefined;
  /**
   * Leases are renewed on a connection of their own: while another instance holds the writer lock
   * (or froze holding it), this one's writers can fill the pool waiting for it, and a heartbeat
   * queued behind them would let a live instance's lease lapse.
   */
  private readonly leasePool: Pool;
  private closing = false;
  private housekeeping: Promise<void> = Promise.resolve();

  private constructor(
    private readonly pool: Pool,
    private readonly databaseUrl: string,
    private readonly connection: string,
    private mirror: Mirror,
    private readonly log: (line: string) => void,
    private readonly deliveriesKept: number,
  ) {
    this.leasePool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
    this.leasePool.on('error', (error) => log(`PostgreSQL connection lost (${connection}): ${error.message}`));
  }

  /**
   * Connects, brings the schema up to date, seeds a new store and loads it. `databaseUrl` is a
   * postgres:// URL; what is reported of it never holds its password.
   */
  static async open(databaseUrl: string, seed: StoreSeed, options: PgStoreOptions = {}): Promise<PgRepository> {
    const log = options.log ?? (() => undefined);
    const target = describeTarget(databaseUrl);
    const pool = new pg.Pool({ connectionString: databaseUrl, max: options.poolSize ?? 8 });
    // An idle connection that breaks is replaced at the next query: say so, never crash.
    pool.on('error', (error) => log(`PostgreSQL connection lost (${target}): ${error.message}`));
    let repo: PgRepository | undefined;
    try {
      const applied = await migrate(pool);
      if (applied.length) log(`PostgreSQL store at ${target}: schema migrated to version ${SCHEMA_VERSION}.`);
      await pool.query("INSERT INTO singletons (name, value) VALUES ('settings', $1), ('admins', $2) ON CONFLICT (name) DO NOTHING", [
        JSON.stringify(seed.settings),
        JSON.stringify(seed.admins),
      ]);
      // Every process start holds a lease of its own: those of processes long gone go.
      await pool.query(`DELETE FROM leases WHERE starts_with(name, $1) AND expires_at < clock_timestamp() - interval '${INSTANCE_LEASES_KEPT}'`, [instanceLease('')]);
      const opened = new PgRepository(pool, databaseUrl, target, new Mirror(seed.settings, seed.admins), log, options.deliveriesKept ?? DELIVERIES_KEPT);
      repo = opened;
      // Listening first, so that nothing committed after the load goes unheard.
      await opened.listen();
      await opened.readConsistently((client) => opened.reload(client));
      if (options.retentionDays) await opened.prune(new Date(Date.now() - options.retentionDays * 24 * 60 * 60 * 1000).toISOString());
      return opened;
    } catch (error) {
      // Closing the store ends its pool and its listener.
      await (repo ? repo.close() : pool.end()).catch(() => undefined);
      throw new StoreOpenError(`Cannot open the PostgreSQL store at ${target}: ${(error as Error).message}`);
    }
  }

  read<T>(fn: (reader: StoreReader) => T): T {
    return fn(this.mirror);
  }

  transact<T>(fn: (tx: StoreTransaction) => T): Promise<T> {
    return this.unitOfWork(fn);
  }

  /** Forgets spent codes and ended eSIM profiles from before `before`, in one transaction like any other. */
  prune(before: string): Promise<number> {
    return this.unitOfWork((tx) => {
      let forgotten = 0;
      for (const code of this.mirror.allCodes()) {
        if (code.state === 'valid' || code.expiresAt >= before) continue;
        tx.forgetCode(code.key);
        forgotten++;
      }
      for (const profile of this.mirror.allProfiles()) {
        if (profile.state === 'active' || profile.since >= before) continue;
        tx.forgetProfile(profile.iccid);
        forgotten++;
      }
      return forgotten;
    });
  }

  private unitOfWork<T>(fn: (tx: WriteBuffer) => T): Promise<T> {
    // Taken now, in the caller's context: the delivery its commit is to mark done, if any.
    const handling = openHandling();
    return this.serially(() =>
      this.reported(async () => {
        const client = await this.pool.connect();
        let broken: Error | undefined;
        try {
          // One round trip: begin, wait for the writer lock, then read what others committed meanwhile.
          const begun = (await client.query(`BEGIN; SELECT pg_advisory_xact_lock(${WRITER_LOCK}); ${this.changesSinceLastSeen()}`)) as unknown as QueryResult<LoggedChange>[];
          await this.catchUp(client, begun[2]!.rows);
          const tx = new WriteBuffer(this.mirror);
          let result: T;
          try {
            result = fn(tx);
          } catch (refused) {
            await client.query('ROLLBACK');
            throw new UnitOfWorkError(refused);
          }
          const { seq, finished } = await this.write(client, tx.changes, handling);
          await client.query('COMMIT');
          this.mirror.apply(tx.changes);
          if (seq !== undefined) this.lastSeen = seq;
          if (finished) handling!.done = true;
          return result;
        } catch (error) {
          if (!(error instanceof UnitOfWorkError)) {
            // Whether a failed COMMIT landed is unknown: the next catch-up reads what did.
            await client.query('ROLLBACK').catch((lost: Error) => (broken = lost));
          }
          throw error;
        } finally {
          client.release(broken);
        }
      }),
    ).catch((error: unknown) => {
      throw error instanceof UnitOfWorkError ? error.refused : error;
    });
  }

  /**
   * One statement: inserts the claim, or takes it over (a row lock, so of instances asking at
   * once one does) when it is not done and its holder's instance lease lapsed on the database's
   * clock. An id older than the newest DELIVERIES_KEPT counts as new again (as the embedded
   * store forgets it); old ids are pruned now and then, so that check is only reached for a rare
   * late retry. What is not taken is `done` if the row this statement saw says so, else `held`
   * (also when the row was inserted by another too late for this statement to see it).
   */
  async claimDelivery(id: string, holder: string): Promise<DeliveryClaim> {
    const { rows } = await this.reported(() =>
      this.pool.query<{ mine: boolean; done: boolean | null }>({
        // Prepared once per connection: every delivery pays this statement.
        name: 'claim-delivery',
        text: `WITH claim AS (
                 INSERT INTO deliveries AS claimed (id, holder, done) VALUES ($1, $2, false)
                 ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, done = false, seq = nextval(pg_get_serial_sequence('deliveries', 'seq'))
                 WHERE (NOT claimed.done AND claimed.holder IS DISTINCT FROM excluded.holder AND NOT EXISTS (
                          SELECT FROM leases alive WHERE alive.name = $4 || claimed.holder AND alive.holder = claimed.holder AND alive.expires_at > clock_timestamp()))
                    OR (SELECT count(*) FROM deliveries newer WHERE newer.seq > claimed.seq) >= $3
                 RETURNING 1)
               SELECT EXISTS (SELECT FROM claim) AS mine, (SELECT done FROM deliveries WHERE id = $1) AS done`,
        values: [id, holder, this.deliveriesKept, instanceLease('')],
      }),
    );
    if (++this.claims % Math.min(PRUNE_EVERY, this.deliveriesKept) === 0) this.tidy('DELETE FROM deliveries WHERE seq <= (SELECT seq FROM deliveries ORDER BY seq DESC OFFSET $1 LIMIT 1)', [this.deliveriesKept]);
    const { mine, done } = rows[0]!;
    return mine ? 'mine' : done ? 'done' : 'held';
  }

  /** Marked done by the first transaction that commits a change (see write), else by one statement when `act` settles. */
  handleDelivery<T>(id: string, holder: string, act: () => Promise<T>): Promise<T> {
    return runHandling(new Handling(id, holder), act, () => this.finishDelivery(id, holder));
  }

  /** Done, if `holder` still holds it; a failure is logged (the claim stays this instance's until it dies). */
  private async finishDelivery(id: string, holder: string): Promise<void> {
    await this.reported(() =>
      this.pool.query({ name: 'finish-delivery', text: 'UPDATE deliveries SET done = true WHERE id = $1 AND holder = $2 AND NOT done', values: [id, holder] }),
    ).catch((error: Error) => this.log(`PostgreSQL store at ${this.connection}: delivery ${id} could not be marked done (${error.message}).`));
  }

  /** Taken when free or lapsed, renewed by its holder, in one statement on the database's clock. */
  async holdLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const { rowCount } = await this.reported(() =>
      this.leasePool.query(
        `INSERT INTO leases AS held (name, holder, expires_at) VALUES ($1, $2, clock_timestamp() + $3::float8 * interval '1 millisecond')
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
         WHERE held.holder = excluded.holder OR held.expires_at <= clock_timestamp()`,
        [name, holder, ttlMs],
      ),
    );
    return rowCount === 1;
  }

  async auditTrail(query: AuditQuery): Promise<AuditRecord[]> {
    await this.queue;
    const { rows } = await this.reported(() =>
      query.email
        ? this.pool.query<{ record: AuditRecord }>('SELECT record FROM audit WHERE email = $1 ORDER BY id DESC LIMIT $2', [query.email, query.limit])
        : this.pool.query<{ record: AuditRecord }>('SELECT record FROM audit ORDER BY id DESC LIMIT $1', [query.limit]),
    );
    return rows.map((row) => row.record);
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.queue;
    await this.housekeeping;
    await this.listener?.end().catch(() => undefined);
    await Promise.all([this.pool.end(), this.leasePool.end()]);
  }

  /** How big the store is and whether it answers, for /healthz. */
  describe(): { schemaVersion: number; devices: number; ok: boolean; failing?: string } {
    const state = { schemaVersion: SCHEMA_VERSION, devices: this.mirror.deviceCount(), ok: !this.failing };
    return this.failing ? { ...state, failing: this.failing } : state;
  }

  /** Runs one unit of work after every earlier one has settled. */
  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Runs a store operation, keeping why the store failed (for /healthz) until one succeeds. */
  private async reported<T>(work: () => Promise<T>): Promise<T> {
    try {
      const result = await work();
      this.failing = undefined;
      return result;
    } catch (error) {
      if (!(error instanceof UnitOfWorkError) && !(error instanceof DeliveryTakenOver)) {
        this.failing = `The PostgreSQL store at ${this.connection} failed: ${(error as Error).message}`;
      } else {
        this.failing = undefined;
      }
      throw error;
    }
  }

  /**
   * Writes the changed rows, the audit records and (if a mirrored row changed) a change log row,
   * whose seq it returns: one statement (data-modifying CTEs), so the writer lock is held for
   * three round trips in all (BEGIN with the lock and the catch-up, this, COMMIT). Under an open
   * `handling`, the same statement marks its delivery done, if its holder still holds it: if not
   * (taken over), it throws DeliveryTakenOver and the caller rolls everything back.
   */
  private async write(client: PoolClient, changes: Changes, handling: Handling | undefined): Promise<{ seq?: number; finished: boolean }> {
    const statement = new Statement();
    const singletons: Record<string, unknown> = {};
    if (changes.settings) singletons.settings = changes.settings;
    if (changes.admins) singletons.admins = changes.admins;
    if (Object.keys(singletons).length) {
      statement.add('INSERT INTO singletons (name, value) SELECT key, value FROM jsonb_each($1::jsonb) ON CONFLICT (name) DO UPDATE SET value = excluded.value', [
        JSON.stringify(singletons),
      ]);
    }
    const { put: devices, removed: goneDevices } = split(changes.devices);
    if (devices.length) {
      statement.add(
        `INSERT INTO devices (id, email, status, data) SELECT d->>'id', d->>'email', d->>'status', d FROM jsonb_array_elements($1::jsonb) d
         ON CONFLICT (id) DO UPDATE SET email = excluded.email, status = excluded.status, data = excluded.data`,
        [JSON.stringify(devices)],
      );
    }
    if (goneDevices.length) statement.add('DELETE FROM devices WHERE id = ANY($1::text[])', [goneDevices]);
    const { put: codes, removed: forgottenCodes } = split(changes.codes);
    if (forgottenCodes.length) {
      statement.add('DELETE FROM code_secrets WHERE key = ANY($1::text[])', [forgottenCodes]);
      statement.add('DELETE FROM codes WHERE key = ANY($1::text[])', [forgottenCodes]);
    }
    if (codes.length) {
      statement.add(
        `INSERT INTO codes (key, device_id, state, data) SELECT c->>'key', c->>'deviceId', c->>'state', c FROM jsonb_array_elements($1::jsonb) c
         ON CONFLICT (key) DO UPDATE SET device_id = excluded.device_id, state = excluded.state, data = excluded.data`,
        [JSON.stringify(codes.map(withoutSecret))],
      );
      const live = codes.filter((code) => redeemableSecret(code));
      const spent = codes.filter((code) => !redeemableSecret(code)).map((code) => code.key);
      if (live.length) {
        statement.add(
          `INSERT INTO code_secrets (key, matching_id) SELECT * FROM unnest($1::text[], $2::text[])
           ON CONFLICT (key) DO UPDATE SET matching_id = excluded.matching_id`,
          [live.map((code) => code.key), live.map((code) => code.matchingId)],
        );
      }
      if (spent.length) statement.add('DELETE FROM code_secrets WHERE key = ANY($1::text[])', [spent]);
    }
    const { put: profiles, removed: forgottenProfiles } = split(changes.profiles);
    if (forgottenProfiles.length) statement.add('DELETE FROM profiles WHERE iccid = ANY($1::text[])', [forgottenProfiles]);
    if (profiles.length) {
      statement.add(
        `INSERT INTO profiles (iccid, data) SELECT p->>'iccid', p FROM jsonb_array_elements($1::jsonb) p
         ON CONFLICT (iccid) DO UPDATE SET data = excluded.data`,
        [JSON.stringify(profiles)],
      );
    }
    const { put: queued, removed: sent } = split(changes.outbox);
    if (queued.length) {
      statement.add(
        `INSERT INTO outbox (id, data) SELECT e->>'id', e FROM jsonb_array_elements($1::jsonb) e
         ON CONFLICT (id) DO UPDATE SET data = excluded.data`,
        [JSON.stringify(queued)],
      );
    }
    if (sent.length) statement.add('DELETE FROM outbox WHERE id = ANY($1::text[])', [sent]);
    if (changes.languages.size) {
      statement.add(
        'INSERT INTO languages (holder, language) SELECT key, value FROM jsonb_each_text($1::jsonb) ON CONFLICT (holder) DO UPDATE SET language = excluded.language',
        [JSON.stringify(Object.fromEntries(changes.languages))],
      );
    }
    if (changes.audit.length) {
      statement.add('INSERT INTO audit (email, record) SELECT r->>\'email\', r FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS a(r, n) ORDER BY n', [
        JSON.stringify(changes.audit),
      ]);
    }
    const keys = changedKeys(changes);
    if (keys) statement.add('INSERT INTO change_log (changes) VALUES ($1) RETURNING seq', [JSON.stringify(keys)], 'logged');
    if (statement.empty) return { finished: false };
    const marking = handling && !handling.done;
    if (marking) statement.add('UPDATE deliveries SET done = true WHERE id = $1 AND holder = $2 AND NOT done RETURNING 1', [handling.id, handling.holder], 'finished');
    const finishedColumn = marking ? ', EXISTS (SELECT FROM finished) AS finished' : '';
    const { rows } = await client.query<{ seq: string | null; finished?: boolean }>(
      statement.text(keys ? `SELECT seq, pg_notify('${CHANNEL}', seq::text)${finishedColumn} FROM logged` : `SELECT NULL AS seq${finishedColumn}`),
      statement.values,
    );
    if (marking && !rows[0]!.finished) throw new DeliveryTakenOver(handling.id);
    if (!keys) return { finished: Boolean(marking) };
    const seq = Number(rows[0]!.seq);
    // Under the writer lock, so no other instance is reading the rows it deletes.
    if (++this.writes % PRUNE_EVERY === 0) await client.query('DELETE FROM change_log WHERE seq <= $1', [seq - CHANGES_KEPT]);
    return { seq, finished: Boolean(marking) };
  }

  /**
   * Brings the mirror up to what was committed after `lastSeen`: re-reads the rows the change
   * log names, or everything when rows it needs were pruned (or a writer rolled back after
   * taking a seq, which looks the same and is as safe to reload over).
   */
  private async catchUp(client: PoolClient, rows: LoggedChange[]): Promise<void> {
    if (!rows.length) return;
    const newest = Number(rows[rows.length - 1]!.seq);
    if (Number(rows[0]!.seq) !== this.lastSeen + 1) {
      await this.reload(client);
      return;
    }
    const keys = rows.reduce<ChangedKeys>((all, row) => mergeKeys(all, row.changes), {});
    this.mirror.apply(await readRows(client, keys));
    this.lastSeen = newest;
  }

  /** The change log rows after `lastSeen` (an integer of ours, so written into the query: it joins a multi-statement round trip). */
  private changesSinceLastSeen(): string {
    return `SELECT seq, changes FROM change_log WHERE seq > ${this.lastSeen} ORDER BY seq`;
  }

  /** Reads the whole store into a new mirror. */
  private async reload(client: PoolClient): Promise<void> {
    const { rows } = await client.query<{ seq: string | null }>('SELECT max(seq) AS seq FROM change_log');
    const { settings, admins, ...rest } = await readRows(client, undefined);
    const mirror = new Mirror(settings ?? this.mirror.settings(), admins ?? this.mirror.admins());
    mirror.apply({ ...rest, audit: [] });
    this.mirror = mirror;
    this.lastSeen = Number(rows[0]!.seq ?? 0);
  }

  /** Runs `work` in a read-only snapshot, so what it reads is one committed state. */
  private async readConsistently(work: (client: PoolClient) => Promise<void>): Promise<void> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await work(client);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch((lost: Error) => (broken = lost));
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /** Hears other instances' commits, and catches up on them in the background. */
  private async listen(): Promise<void> {
    const listener = new pg.Client({ connectionString: this.databaseUrl });
    listener.on('notification', (message) => {
      if (Number(message.payload) > this.lastSeen) this.refresh();
    });
    listener.on('error', (error) => {
      if (this.closing) return;
      // Seen even while the instance is idle: /healthz says so until a catch-up succeeds again.
      this.failing = `The PostgreSQL store at ${this.connection} failed: ${error.message}`;
      this.log(`PostgreSQL store at ${this.connection}: stopped hearing other instances' changes (${error.message}); listening again.`);
      listener.end().catch(() => undefined);
      setTimeout(() => this.relisten(), RELISTEN_MS).unref();
    });
    await listener.connect();
    await listener.query(`LISTEN ${CHANNEL}`);
    // Closed while this connected again: close would not know it.
    if (this.closing) await listener.end();
    else this.listener = listener;
  }

  private relisten(): void {
    if (this.closing) return;
    this.listen().then(
      // Whatever was committed while nobody listened.
      () => this.refresh(),
      () => setTimeout(() => this.relisten(), RELISTEN_MS).unref(),
    );
  }

  /** Queues one catch-up behind the writes already queued (one is enough for any number of notices). */
  private refresh(): void {
    if (this.refreshQueued || this.closing) return;
    this.refreshQueued = true;
    this.serially(() => {
      this.refreshQueued = false;
      return this.reported(() => this.readConsistently(async (client) => this.catchUp(client, (await client.query<LoggedChange>(this.changesSinceLastSeen())).rows)));
    }).catch((error: Error) => this.log(`PostgreSQL store at ${this.connection}: catching up failed (${error.message}); the next write tries again.`));
  }

  /** Housekeeping that no caller waits for; close waits for it. */
  private tidy(sql: string, values: unknown[]): void {
    this.housekeeping = this.housekeeping
      .then(() => this.pool.query(sql, values))
      .then(
        () => undefined,
        (error: Error) => this.log(`PostgreSQL store at ${this.connection}: pruning failed (${error.message}).`),
      );
  }
}

/** A change log row: its seq (bigint, so a string) and the keys it changed. */
interface LoggedChange {
  seq: string;
  changes: ChangedKeys;
}

/** Carries what a unit of work threw through the store's failure handling, unchanged. */
class UnitOfWorkError extends Error {
  constructor(readonly refused: unknown) {
    super('the unit of work threw');
  }
}

/** The rows `keys` names (every row when undefined), as changes: a named device or outbox entry that is gone is removed. */
async function readRows(client: PoolClient, keys: ChangedKeys | undefined): Promise<Changes> {
  const changes = noChanges();
  const where = (column: string, wanted: string[] | undefined) => (keys ? { sql: ` WHERE ${column} = ANY($1::text[])`, values: [wanted] } : { sql: '', values: [] });
  const wants = (table: keyof ChangedKeys) => !keys || keys[table] !== undefined;

  if (wants('settings') || wants('admins')) {
    const { rows } = await client.query<{ name: string; value: unknown }>("SELECT name, value FROM singletons WHERE name IN ('settings', 'admins')");
    for (const row of rows) {
      if (row.name === 'settings' && wants('settings')) changes.settings = row.value as OrgSettings;
      if (row.name === 'admins' && wants('admins')) changes.admins = row.value as string[];
    }
  }
  if (wants('devices')) {
    for (const id of keys?.devices ?? []) changes.devices.set(id, null);
    const { sql, values } = where('id', keys?.devices);
    const { rows } = await client.query<{ data: Device }>(`SELECT data FROM devices${sql}`, values);
    for (const row of rows) changes.devices.set(row.data.id, row.data);
  }
  if (wants('codes')) {
    for (const key of keys?.codes ?? []) changes.codes.set(key, null);
    const { sql, values } = where('c.key', keys?.codes);
    const { rows } = await client.query<{ data: CodeRecord; matching_id: string | null }>(
      `SELECT c.data, s.matching_id FROM codes c LEFT JOIN code_secrets s ON s.key = c.key${sql}`,
      values,
    );
    for (const { data, matching_id } of rows) changes.codes.set(data.key, matching_id ? { ...data, matchingId: matching_id } : data);
  }
  if (wants('profiles')) {
    for (const iccid of keys?.profiles ?? []) changes.profiles.set(iccid, null);
    const { sql, values } = where('iccid', keys?.profiles);
    const { rows } = await client.query<{ data: ProfileRecord }>(`SELECT data FROM profiles${sql}`, values);
    for (const row of rows) changes.profiles.set(row.data.iccid, row.data);
  }
  if (wants('outbox')) {
    for (const id of keys?.outbox ?? []) changes.outbox.set(id, null);
    const { sql, values } = where('id', keys?.outbox);
    const { rows } = await client.query<{ data: OutboxEntry }>(`SELECT data FROM outbox${sql}`, values);
    for (const row of rows) changes.outbox.set(row.data.id, row.data);
  }
  if (wants('languages')) {
    const { sql, values } = where('holder', keys?.languages);
    const { rows } = await client.query<{ holder: string; language: Language }>(`SELECT holder, language FROM languages${sql}`, values);
    for (const row of rows) changes.languages.set(row.holder, row.language);
  }
  return changes;
}

/** Data-modifying statements joined into one (each a CTE), their parameters renumbered. */
class Statement {
  readonly values: unknown[] = [];
  private readonly parts: string[] = [];

  get empty(): boolean {
    return this.parts.length === 0;
  }

  /** `sql` numbers its own parameters from $1. */
  add(sql: string, values: unknown[], name = `w${this.parts.length}`): void {
    const offset = this.values.length;
    this.parts.push(`${name} AS (${sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`)})`);
    this.values.push(...values);
  }

  text(select: string): string {
    return `WITH ${this.parts.join(', ')} ${select}`;
  }
}

/** Rows put and ids removed (null). */
function split<T>(rows: Map<string, T | null>): { put: T[]; removed: string[] } {
  const put: T[] = [];
  const removed: string[] = [];
  for (const [id, row] of rows) {
    if (row) put.push(row);
    else removed.push(id);
  }
  return { put, removed };
}

/** `host:port/database` of a postgres:// URL: enough to find it, never its password. */
function describeTarget(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    return `${url.hostname || 'localhost'}${url.port ? `:${url.port}` : ''}${url.pathname}`;
  } catch {
    return 'the DATABASE_URL given (not a URL)';
  }
}
