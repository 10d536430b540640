/**
 * Several bot instances on one PostgreSQL database: each a PgRepository with its own pool (and
 * its own service), as separate processes would be. What the contract suite cannot see: writes
 * racing across instances, deliveries and leases shared between them, a start on an empty
 * database, and where the codes end up in the database.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { DeliveryTakenOver, instanceLease, type Repository } from '../../src/domain/repository.js';
import { isRefusal } from '../../src/domain/refusal.js';
import { WebexGoService } from '../../src/domain/service.js';
import { createBuiltinEsimProvider } from '../../src/esim/builtinProvider.js';
import { StoreOpenError } from '../../src/store/lowdbRepository.js';
import { MIGRATIONS } from '../../src/store/postgres/migrations.js';
import { PgRepository } from '../../src/store/postgres/pgRepository.js';
import { ADMIN, DEFAULT_SETTINGS, TestClock } from '../support/domain.js';
import { usePostgres } from '../support/postgresServer.js';

const SEED = { settings: { ...DEFAULT_SETTINGS, licenses: 5 }, admins: [ADMIN] };

interface Instance {
  repo: PgRepository;
  service: WebexGoService;
}

describe('PostgreSQL store: several instances on one database', () => {
  const database = usePostgres('instances');
  let opened: Repository[] = [];

  async function sql<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      return (await client.query<T>(text, values)).rows;
    } finally {
      await client.end();
    }
  }

  async function open(): Promise<Instance> {
    const repo = await PgRepository.open(database.url, SEED);
    opened.push(repo);
    const clock = new TestClock();
    return { repo, service: new WebexGoService({ repo, clock: clock.read, esim: createBuiltinEsimProvider(), newId: randomUUID }) };
  }

  /** Waits until `check` passes: another instance's commit reaches a mirror through NOTIFY. */
  async function eventually(check: () => void): Promise<void> {
    const deadline = Date.now() + 5_000;
    for (;;) {
      try {
        return check();
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  }

  afterEach(async () => {
    await Promise.all(opened.map((repo) => repo.close()));
    opened = [];
    await sql('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
  });

  it('instances started at once on an empty database end with one schema', async () => {
    await Promise.all([open(), open(), open()]);
    const versions = await sql<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    assert.deepEqual(
      versions.map((v) => v.version),
      MIGRATIONS.map((m) => m.version),
    );
    const settings = await sql<{ value: unknown }>("SELECT value FROM singletons WHERE name = 'settings'");
    assert.deepEqual(settings.map((s) => s.value), [SEED.settings]);
  });

  it('a store it cannot reach stops the start with one line that names it, never its password', async () => {
    await assert.rejects(
      PgRepository.open('postgres://gobot:s3cret-word@127.0.0.1:1/gobot', SEED),
      (error: Error) => error instanceof StoreOpenError && /^Cannot open the PostgreSQL store at 127\.0\.0\.1:1\/gobot: /.test(error.message) && !error.message.includes('s3cret'),
    );
  });

  it('assigns racing on two instances never go past the license pool', async () => {
    const [a, b] = [await open(), await open()];
    const emails = Array.from({ length: 12 }, (_, i) => `user${i}@example.com`);
    const outcomes = await Promise.allSettled(emails.map((email, i) => (i % 2 ? a : b).service.assign(ADMIN, email)));
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
    assert.equal(outcomes.length - refused.length, 5);
    assert.ok(refused.every((r) => isRefusal(r) && r.reason === 'no-licenses'), String(refused[0]));
    assert.deepEqual(await sql('SELECT count(*)::int AS n FROM devices'), [{ n: 5 }]);
    await eventually(() => {
      for (const { service } of [a, b]) assert.deepEqual(service.licensePool(), { total: 5, inUse: 5, available: 0 });
    });
  });

  it('the same user assigned from two instances at once gets one device, and one live code after new codes from both', async () => {
    const [a, b] = [await open(), await open()];
    const assigned = await Promise.allSettled([a.service.assign(ADMIN, 'alice@example.com'), b.service.assign(ADMIN, 'alice@example.com')]);
    assert.deepEqual(assigned.map((o) => o.status).sort(), ['fulfilled', 'rejected']);
    await Promise.all([a.service.newCode(ADMIN, 'alice@example.com'), b.service.newCode(ADMIN, 'alice@example.com')]);
    const devices = await sql<{ data: { currentCodeKey: string } }>('SELECT data FROM devices');
    assert.equal(devices.length, 1);
    const live = await sql<{ key: string }>("SELECT key FROM codes WHERE state = 'valid'");
    assert.deepEqual(live, [{ key: devices[0]!.data.currentCodeKey }]);
    assert.deepEqual(await sql('SELECT key FROM code_secrets'), live);
    const trail = await a.repo.auditTrail({ email: 'alice@example.com', limit: 10 });
    assert.deepEqual(trail.map((r) => `${r.action} ${r.outcome}`), ['new-code ok', 'new-code ok', 'assign refused', 'assign ok']);
  });

  it('read-modify-writes from two instances lose no update', async () => {
    const [a, b] = [await open(), await open()];
    const bump = (repo: Repository) =>
      repo.transact((tx) => {
        const settings = tx.settings();
        tx.putSettings({ ...settings, licenses: settings.licenses + 1 });
      });
    await Promise.all(Array.from({ length: 40 }, (_, i) => bump(i % 2 ? a.repo : b.repo)));
    await eventually(() => {
      for (const { repo } of [a, b]) assert.equal(repo.read((r) => r.settings().licenses), SEED.settings.licenses + 40);
    });
  });

  it("an instance's reads show another's commits without writing itself", async () => {
    const [a, b] = [await open(), await open()];
    await a.service.assign(ADMIN, 'alice@example.com');
    await a.repo.transact((tx) => tx.putLanguage({ space: 'space-1' }, 'bg'));
    await eventually(() => {
      assert.equal(b.service.deviceOf('alice@example.com')?.status, 'pending');
      assert.equal(b.repo.read((r) => r.language({ space: 'space-1' })), 'bg');
    });
    await a.service.deleteDevice(ADMIN, 'alice@example.com');
    await eventually(() => assert.equal(b.service.deviceOf('alice@example.com'), undefined));
  });

  it('a delivery claimed by two instances at once is claimed by exactly one', async () => {
    const [a, b] = [await open(), await open()];
    await a.repo.holdLease(instanceLease('a'), 'a', 60_000);
    await b.repo.holdLease(instanceLease('b'), 'b', 60_000);
    const ids = Array.from({ length: 200 }, (_, i) => `delivery-${i}`);
    const claims = await Promise.all(ids.flatMap((id) => [a.repo.claimDelivery(id, 'a'), b.repo.claimDelivery(id, 'b')]));
    for (let i = 0; i < ids.length; i++) assert.deepEqual([claims[2 * i], claims[2 * i + 1]].sort(), ['held', 'mine'], ids[i]);
  });

  it("deliveries of an instance that died are taken over by exactly one of two instances asking at once, and its writes under them land nowhere", async () => {
    const [dead, b, c] = [await open(), await open(), await open()];
    await dead.repo.holdLease(instanceLease('dead'), 'dead', 60_000);
    await b.repo.holdLease(instanceLease('b'), 'b', 60_000);
    await c.repo.holdLease(instanceLease('c'), 'c', 60_000);
    const ids = Array.from({ length: 100 }, (_, i) => `delivery-${i}`);
    for (const id of ids) assert.equal(await dead.repo.claimDelivery(id, 'dead'), 'mine');
    assert.deepEqual(new Set(await Promise.all(ids.map((id) => b.repo.claimDelivery(id, 'b')))), new Set(['held']));
    await dead.repo.holdLease(instanceLease('dead'), 'dead', 0);
    const claims = await Promise.all(ids.flatMap((id) => [b.repo.claimDelivery(id, 'b'), c.repo.claimDelivery(id, 'c')]));
    for (let i = 0; i < ids.length; i++) assert.deepEqual([claims[2 * i], claims[2 * i + 1]].sort(), ['held', 'mine'], ids[i]);
    // Not dead after all, only cut off: what it commits under a claim taken over is refused whole.
    await assert.rejects(dead.service.handleDelivery('delivery-0', 'dead', () => dead.service.assign(ADMIN, 'alice@example.com')), DeliveryTakenOver);
    assert.deepEqual(await sql('SELECT count(*)::int AS n FROM devices'), [{ n: 0 }]);
    assert.deepEqual(await sql('SELECT count(*)::int AS n FROM audit'), [{ n: 0 }]);
  });

  it('a lease is held by one instance, renewed by it, and taken over once it lapsed', async () => {
    const [a, b] = [await open(), await open()];
    assert.equal(await a.repo.holdLease('reminders', 'a', 300), true);
    assert.equal(await b.repo.holdLease('reminders', 'b', 300), false);
    assert.equal(await a.repo.holdLease('reminders', 'a', 300), true, 'its holder renews it');
    assert.equal(await b.repo.holdLease('outbox', 'b', 300), true, 'another job is another lease');
    await new Promise((resolve) => setTimeout(resolve, 350));
    assert.equal(await b.repo.holdLease('reminders', 'b', 300), true, 'lapsed: taken over');
    assert.equal(await a.repo.holdLease('reminders', 'a', 300), false);
  });

  it('says it is failing while its connection to PostgreSQL is lost, then hears the others again', async () => {
    const [a, b] = [await open(), await open()];
    await sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN webex_go_store'");
    await eventually(() => assert.match(a.repo.describe().failing ?? '', /PostgreSQL store at 127\.0\.0\.1:\d+\/\w+ failed/));
    await eventually(() => assert.deepEqual(a.repo.describe(), { schemaVersion: MIGRATIONS.length, devices: 0, ok: true }));
    await b.repo.transact((tx) => tx.putLanguage({ space: 'space-1' }, 'bg'));
    await eventually(() => assert.equal(a.repo.read((r) => r.language({ space: 'space-1' })), 'bg'));
  });

  it('keeps a Matching ID in the database only while its code can be redeemed', async () => {
    const [a, b] = [await open(), await open()];
    const first = await a.service.assign(ADMIN, 'alice@example.com');
    const second = await b.service.newCode(ADMIN, 'alice@example.com');
    const everything = async () => {
      const tables = await sql<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'");
      const rows = await Promise.all(tables.map(({ name }) => sql<{ row: string }>(`SELECT t::text AS row FROM ${name} t`)));
      return rows.flat().map((r) => r.row).join('\n');
    };
    let dump = await everything();
    assert.ok(!dump.includes(first.activation.matchingId), 'a replaced code is in the database in clear');
    assert.deepEqual(await sql('SELECT matching_id FROM code_secrets'), [{ matching_id: second.activation.matchingId }]);
    await a.service.download(second.activation.qrPayload);
    dump = await everything();
    assert.ok(!dump.includes(second.activation.matchingId), 'a used code is in the database in clear');
    assert.deepEqual(await sql('SELECT key FROM code_secrets'), []);
  });
});
