/**
 * What every store behind the service must do (src/domain/repository.ts), as mocha suites. A
 * store's contract test runs them against it:
 *
 *   repositoryContract('LowdbRepository', {
 *     open: (seed) => LowdbRepository.open(dir, seed),   // the same place each time, until cleanup
 *     cleanup: () => rm(dir, { recursive: true, force: true }),
 *     persistent: true,
 *     shared: false,
 *   });
 */
import assert from 'node:assert/strict';
import { DeliveryTakenOver, instanceLease, type Repository } from '../../src/domain/repository.js';
import type { AuditAction, AuditRecord, CodeRecord, Device, OrgSettings, OutboxEntry, ProfileRecord } from '../../src/domain/types.js';
import { ADMIN, DEFAULT_SETTINGS } from '../support/domain.js';

/** What a brand-new store starts with. */
export interface ContractSeed {
  settings: OrgSettings;
  admins: string[];
}

/** The delivery-id bound the subjects open their stores with: the bound's test claims one more. */
export const CONTRACT_DELIVERIES_KEPT = 300;

export interface ContractSubject {
  /**
   * Opens the store under test: a new, empty one seeded with `seed` the first time after
   * `cleanup`, the same one again afterwards (a restart, for a persistent store), remembering
   * CONTRACT_DELIVERIES_KEPT delivery ids.
   */
  open(seed: ContractSeed): Promise<Repository>;
  /** Removes everything the store kept; runs after each test. */
  cleanup(): Promise<void>;
  /** Whether what was committed is there again after close and open. */
  persistent: boolean;
  /**
   * Whether several instances share it: leases lapse, and a delivery claimed by an instance whose
   * instance lease lapsed is taken over. (An embedded store belongs to one process, which holds
   * every lease.)
   */
  shared: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const SEED: ContractSeed = { settings: DEFAULT_SETTINGS, admins: [ADMIN] };
const AT = '2026-11-26T09:00:00.000Z';

function device(id: string, email: string, fields: Partial<Device> = {}): Device {
  return {
    id,
    email,
    status: 'pending',
    statusSince: AT,
    createdAt: AT,
    lastChange: { at: AT, cause: 'assigned', by: ADMIN },
    ...fields,
  };
}

/** An org device's line as a sync stores it: the person's Webex language read, Bulgarian. */
const ORG_LINE: NonNullable<Device['org']> = {
  personId: 'Y2lzY29zcGFyazovL3VzL1BFT1BMRS9pdmFu',
  displayName: 'Иван Петров',
  product: 'Webex Go',
  connectionStatus: 'connected',
  preferredLanguage: 'bg_BG',
  languageReadAt: AT,
};

function code(key: string, deviceId: string, fields: Partial<CodeRecord> = {}): CodeRecord {
  return { key, deviceId, smdpAddress: DEFAULT_SETTINGS.smdpAddress, issuedAt: AT, expiresAt: '2027-02-24T09:00:00.000Z', state: 'valid', ...fields };
}

function profile(iccid: string, deviceId: string, fields: Partial<ProfileRecord> = {}): ProfileRecord {
  return { iccid, deviceId, state: 'active', since: AT, ...fields };
}

function outboxEntry(id: string, queuedAt: string, fields: Partial<OutboxEntry> = {}): OutboxEntry {
  return {
    id,
    to: { email: 'alice@example.com' },
    message: { kind: 'activation', copy: 'user', issue: 'assign', email: 'alice@example.com', deviceId: 'd1', codeKey: 'k1' },
    admin: ADMIN,
    queuedAt,
    tries: 1,
    nextTryAt: queuedAt,
    ...fields,
  };
}

function record(action: AuditAction, fields: Partial<AuditRecord> = {}): AuditRecord {
  return { at: AT, actor: ADMIN, action, outcome: 'ok', ...fields };
}

export function repositoryContract(name: string, subject: ContractSubject): void {
  describe(`${name}: the Repository contract`, () => {
    let repo: Repository;
    let open = true;

    beforeEach(async () => {
      repo = await subject.open(SEED);
      open = true;
    });

    afterEach(async () => {
      if (open) await repo.close();
      await subject.cleanup();
    });

    /** Closes the store and opens it again, as a restart would. */
    async function restart(seed = SEED): Promise<Repository> {
      await repo.close();
      open = false;
      repo = await subject.open(seed);
      open = true;
      return repo;
    }

    describe('a new store', () => {
      it('starts with the seed settings and admins, and nothing else', async () => {
        repo.read((r) => {
          assert.deepEqual(r.settings(), DEFAULT_SETTINGS);
          assert.deepEqual(r.admins(), [ADMIN]);
          assert.deepEqual(r.devices(), []);
          assert.equal(r.deviceCount(), 0);
          assert.equal(r.device('d1'), undefined);
          assert.equal(r.deviceByEmail('alice@example.com'), undefined);
          assert.equal(r.code('k1'), undefined);
          assert.equal(r.profile('8901'), undefined);
        });
        assert.deepEqual(await repo.auditTrail({ limit: 10 }), []);
      });
    });

    describe('reads see committed writes', () => {
      it('devices: by id, by email, by status, and counted', async () => {
        await repo.transact((tx) => {
          tx.putDevice(device('d1', 'alice@example.com'));
          tx.putDevice(device('d2', 'bob@example.com', { status: 'online' }));
        });
        repo.read((r) => {
          assert.equal(r.device('d1')?.email, 'alice@example.com');
          assert.equal(r.deviceByEmail('bob@example.com')?.id, 'd2');
          assert.deepEqual(r.devices().map((d) => d.id).sort(), ['d1', 'd2']);
          assert.deepEqual(r.devices('online').map((d) => d.id), ['d2']);
          assert.deepEqual(r.devices('offline'), []);
          assert.equal(r.deviceCount(), 2);
        });
      });

      it('a device put again replaces the old one, its old email included', async () => {
        await repo.transact((tx) => tx.putDevice(device('d1', 'alice@example.com')));
        await repo.transact((tx) => tx.putDevice(device('d1', 'alice.new@example.com', { status: 'offline' })));
        repo.read((r) => {
          assert.equal(r.deviceByEmail('alice@example.com'), undefined);
          assert.equal(r.deviceByEmail('alice.new@example.com')?.status, 'offline');
          assert.equal(r.deviceCount(), 1);
        });
      });

      it("an org device's line, the person's Webex language and when it was read included; put again without them, they are gone", async () => {
        await repo.transact((tx) => tx.putDevice(device('go-1', 'ivan@example.com', { org: ORG_LINE })));
        repo.read((r) => assert.deepEqual(r.deviceByEmail('ivan@example.com')?.org, ORG_LINE));
        const { preferredLanguage: _read, languageReadAt: _at, ...unread } = ORG_LINE;
        await repo.transact((tx) => tx.putDevice(device('go-1', 'ivan@example.com', { org: unread })));
        repo.read((r) => assert.deepEqual(r.device('go-1')?.org, unread));
      });

      it('a removed device is gone everywhere', async () => {
        await repo.transact((tx) => {
          tx.putDevice(device('d1', 'alice@example.com'));
          tx.putDevice(device('d2', 'bob@example.com'));
        });
        await repo.transact((tx) => tx.removeDevice('d1'));
        repo.read((r) => {
          assert.equal(r.device('d1'), undefined);
          assert.equal(r.deviceByEmail('alice@example.com'), undefined);
          assert.deepEqual(r.devices().map((d) => d.id), ['d2']);
          assert.equal(r.deviceCount(), 1);
        });
      });

      it('codes and profiles, by key and by ICCID, replaced when put again', async () => {
        await repo.transact((tx) => {
          tx.putCode(code('k1', 'd1'));
          tx.putProfile(profile('8901', 'd1'));
        });
        await repo.transact((tx) => {
          tx.putCode(code('k1', 'd1', { state: 'used' }));
          tx.putProfile(profile('8901', 'd1', { state: 'revoked' }));
        });
        repo.read((r) => {
          assert.equal(r.code('k1')?.state, 'used');
          assert.equal(r.profile('8901')?.state, 'revoked');
        });
      });

      it('settings and admins are replaced whole', async () => {
        await repo.transact((tx) => {
          tx.putSettings({ ...DEFAULT_SETTINGS, licenses: 3, watchSpaceId: 'space-1' });
          tx.putAdmins([ADMIN, 'second@example.com']);
        });
        await repo.transact((tx) => tx.putAdmins(['second@example.com']));
        repo.read((r) => {
          assert.deepEqual(r.settings(), { ...DEFAULT_SETTINGS, licenses: 3, watchSpaceId: 'space-1' });
          assert.deepEqual(r.admins(), ['second@example.com']);
        });
      });
    });

    describe('transactions', () => {
      it("see their own writes before anyone else does", async () => {
        await repo.transact((tx) => tx.putDevice(device('d1', 'alice@example.com')));
        await repo.transact((tx) => {
          tx.putDevice(device('d2', 'bob@example.com'));
          tx.removeDevice('d1');
          tx.putSettings({ ...DEFAULT_SETTINGS, licenses: 4 });
          assert.equal(tx.deviceByEmail('bob@example.com')?.id, 'd2');
          assert.equal(tx.device('d1'), undefined);
          assert.deepEqual(tx.devices().map((d) => d.id), ['d2']);
          assert.equal(tx.deviceCount(), 1);
          assert.equal(tx.settings().licenses, 4);
          repo.read((r) => {
            assert.equal(r.device('d2'), undefined);
            assert.equal(r.device('d1')?.email, 'alice@example.com');
            assert.equal(r.settings().licenses, DEFAULT_SETTINGS.licenses);
          });
        });
        repo.read((r) => assert.deepEqual(r.devices().map((d) => d.id), ['d2']));
      });

      it('land together or not at all: one that throws changes nothing and audits nothing', async () => {
        await assert.rejects(
          async () =>
            repo.transact((tx) => {
              tx.putDevice(device('d1', 'alice@example.com'));
              tx.putSettings({ ...DEFAULT_SETTINGS, licenses: 0 });
              tx.audit(record('assign', { email: 'alice@example.com' }));
              throw new Error('refused halfway');
            }),
          /refused halfway/,
        );
        repo.read((r) => {
          assert.equal(r.device('d1'), undefined);
          assert.equal(r.deviceCount(), 0);
          assert.deepEqual(r.settings(), DEFAULT_SETTINGS);
        });
        assert.deepEqual(await repo.auditTrail({ limit: 10 }), []);
      });

      it('resolve with what the unit of work returned', async () => {
        assert.equal(await repo.transact((tx) => tx.admins().length), 1);
      });

      it('run one at a time, so concurrent read-modify-writes lose no update', async () => {
        const bump = () =>
          repo.transact((tx) => {
            const settings = tx.settings();
            tx.putSettings({ ...settings, licenses: settings.licenses + 1 });
          });
        await Promise.all(Array.from({ length: 50 }, bump));
        repo.read((r) => assert.equal(r.settings().licenses, DEFAULT_SETTINGS.licenses + 50));
      });
    });

    describe('deliveries', () => {
      /** `holder` is a live instance: it holds its instance lease. */
      const alive = (holder: string, ttlMs = 60_000) => repo.holdLease(instanceLease(holder), holder, ttlMs);
      const handled = (id: string, holder: string) => repo.handleDelivery(id, holder, async () => undefined);

      it('claims a delivery once: mine the first time, held while its holder handles it, done once handled', async () => {
        await alive('a');
        await alive('b');
        assert.equal(await repo.claimDelivery('msg-1', 'a'), 'mine');
        assert.equal(await repo.claimDelivery('msg-1', 'a'), 'held', 'its holder, asked again while handling it');
        assert.equal(await repo.claimDelivery('msg-1', 'b'), 'held', 'another instance, while its holder is alive');
        await handled('msg-1', 'a');
        assert.equal(await repo.claimDelivery('msg-1', 'b'), 'done');
        assert.equal(await repo.claimDelivery('msg-1', 'a'), 'done');
        assert.equal(await repo.claimDelivery('msg-2', 'b'), 'mine');
      });

      it('of concurrent claims of one id, exactly one is mine', async () => {
        const holders = ['a', 'b', 'c', 'd', 'e'];
        await Promise.all(holders.map((holder) => alive(holder)));
        const claims = await Promise.all(holders.map((holder) => repo.claimDelivery('msg-1', holder)));
        assert.deepEqual([...claims].sort(), ['held', 'held', 'held', 'held', 'mine']);
      });

      it('is done with the first change its handling commits; a unit of work refused or changing nothing marks nothing', async () => {
        await alive('a');
        await alive('b');
        assert.equal(await repo.claimDelivery('msg-1', 'a'), 'mine');
        const result = await repo.handleDelivery('msg-1', 'a', async () => {
          await assert.rejects(
            repo.transact((tx) => {
              tx.putLanguage({ space: 'space-1' }, 'bg');
              throw new Error('refused');
            }),
            /refused/,
          );
          await repo.transact((tx) => tx.settings());
          assert.equal(await repo.claimDelivery('msg-1', 'b'), 'held');
          await repo.transact((tx) => tx.putLanguage({ space: 'space-1' }, 'bg'));
          assert.equal(await repo.claimDelivery('msg-1', 'b'), 'done', 'done with its first change, before its handling ended');
          await repo.transact((tx) => tx.putLanguage({ space: 'space-2' }, 'bg'));
          return 'acted';
        });
        assert.equal(result, 'acted');
        repo.read((r) => assert.deepEqual([r.language({ space: 'space-1' }), r.language({ space: 'space-2' })], ['bg', 'bg']));
        assert.equal(await repo.claimDelivery('msg-1', 'b'), 'done');
      });

      it('is done when its handling fails too: what failed is not tried again', async () => {
        await alive('a');
        assert.equal(await repo.claimDelivery('msg-1', 'a'), 'mine');
        await assert.rejects(
          repo.handleDelivery('msg-1', 'a', async () => {
            throw new Error('no answer from Webex');
          }),
          /no answer from Webex/,
        );
        assert.equal(await repo.claimDelivery('msg-1', 'b'), 'done');
      });

      it('keeps the newest ids up to its bound (DELIVERIES_KEPT unless opened with fewer)', async () => {
        await alive('a');
        for (let i = 0; i <= CONTRACT_DELIVERIES_KEPT; i++) await repo.claimDelivery(`msg-${i}`, 'a');
        assert.equal(await repo.claimDelivery(`msg-1`, 'a'), 'held', 'a recent id was forgotten');
        assert.equal(await repo.claimDelivery(`msg-0`, 'a'), 'mine', 'the oldest id was kept past the bound');
      });

      if (subject.shared) {
        it("a claim whose holder's instance lease lapsed is taken over by one of the instances asking at once; the old holder acts under it no more", async () => {
          await Promise.all(['a', 'b', 'c', 'd'].map((holder) => alive(holder)));
          assert.equal(await repo.claimDelivery('msg-1', 'a'), 'mine');
          // a dies: its lease lapses (here at once).
          await alive('a', 0);
          const claims = await Promise.all(['b', 'c', 'd'].map((holder) => repo.claimDelivery('msg-1', holder)));
          assert.deepEqual([...claims].sort(), ['held', 'held', 'mine']);
          const winner = ['b', 'c', 'd'][claims.indexOf('mine')]!;
          const loser = ['b', 'c', 'd'].find((holder) => holder !== winner)!;

          // a was only slow (its store out of reach): its change under the claim lands nowhere.
          await assert.rejects(
            repo.handleDelivery('msg-1', 'a', () => repo.transact((tx) => tx.putLanguage({ space: 'space-1' }, 'bg'))),
            (error: unknown) => error instanceof DeliveryTakenOver && error.delivery === 'msg-1',
          );
          repo.read((r) => assert.equal(r.language({ space: 'space-1' }), undefined));
          assert.equal(await repo.claimDelivery('msg-1', loser), 'held', "the old holder's handling ending did not mark it done");

          await repo.handleDelivery('msg-1', winner, () => repo.transact((tx) => tx.putLanguage({ space: 'space-1' }, 'en')));
          repo.read((r) => assert.equal(r.language({ space: 'space-1' }), 'en'));
          assert.equal(await repo.claimDelivery('msg-1', loser), 'done');
          assert.equal(await repo.claimDelivery('msg-1', 'a'), 'done');
        });

        it('a claim done is never taken over, its holder dead or not; one whose holder never held its lease is', async () => {
          await alive('a');
          await alive('b');
          assert.equal(await repo.claimDelivery('msg-1', 'a'), 'mine');
          await handled('msg-1', 'a');
          assert.equal(await repo.claimDelivery('msg-2', 'nobody'), 'mine');
          await alive('a', 0);
          assert.equal(await repo.claimDelivery('msg-1', 'b'), 'done');
          assert.equal(await repo.claimDelivery('msg-2', 'b'), 'mine');
        });

        it('a slow holder keeps its claim past its first grant while it renews its instance lease; let go, the claim goes with it', async () => {
          await alive('b');
          await alive('a', 300);
          assert.equal(await repo.claimDelivery('msg-1', 'a'), 'mine');
          await alive('a');
          await sleep(350);
          assert.equal(await repo.claimDelivery('msg-1', 'b'), 'held', 'past the grant it claimed under, renewed since');
          await alive('a', 0);
          assert.equal(await repo.claimDelivery('msg-1', 'b'), 'mine');
        });
      } else {
        it('one process holds every lease: a claim is never taken over', async () => {
          assert.equal(await repo.claimDelivery('msg-1', 'a'), 'mine');
          await alive('a', 0);
          assert.equal(await repo.claimDelivery('msg-1', 'b'), 'held');
        });
      }
    });

    describe('the outbox', () => {
      it('keeps queued messages, oldest first; an entry put again is replaced, a removed one is gone', async () => {
        await repo.transact((tx) => {
          tx.putOutbox(outboxEntry('o2', '2026-11-26T09:02:00.000Z'));
          tx.putOutbox(outboxEntry('o1', '2026-11-26T09:01:00.000Z', { to: { roomId: 'space-1' }, message: { kind: 'text', markdown: 'Done.', what: 'outcome' } }));
          tx.putOutbox(outboxEntry('o3', '2026-11-26T09:03:00.000Z'));
        });
        await repo.transact((tx) => {
          tx.putOutbox(outboxEntry('o2', '2026-11-26T09:02:00.000Z', { tries: 2, uncertainSince: AT, lastError: 'no answer' }));
          tx.removeOutbox('o3');
          assert.deepEqual(tx.outbox().map((e) => e.id), ['o1', 'o2']);
          repo.read((r) => assert.deepEqual(r.outbox().map((e) => e.id), ['o1', 'o2', 'o3']));
        });
        repo.read((r) => {
          assert.deepEqual(r.outbox().map((e) => e.id), ['o1', 'o2']);
          assert.deepEqual(r.outbox()[1], outboxEntry('o2', '2026-11-26T09:02:00.000Z', { tries: 2, uncertainSince: AT, lastError: 'no answer' }));
        });
      });

      it('changes nothing when the transaction throws', async () => {
        await assert.rejects(async () =>
          repo.transact((tx) => {
            tx.putOutbox(outboxEntry('o1', AT));
            throw new Error('refused halfway');
          }),
        );
        repo.read((r) => assert.deepEqual(r.outbox(), []));
      });
    });

    describe('languages', () => {
      it('keeps the language a person or a space chose, apart, the newest choice winning', async () => {
        repo.read((r) => assert.equal(r.language({ person: 'alice@example.com' }), undefined));
        await repo.transact((tx) => {
          tx.putLanguage({ person: 'alice@example.com' }, 'en');
          tx.putLanguage({ space: 'alice@example.com' }, 'bg');
          tx.putLanguage({ person: 'alice@example.com' }, 'bg');
          assert.equal(tx.language({ person: 'alice@example.com' }), 'bg');
          repo.read((r) => assert.equal(r.language({ person: 'alice@example.com' }), undefined));
        });
        await repo.transact((tx) => tx.putLanguage({ space: 'alice@example.com' }, 'en'));
        repo.read((r) => {
          assert.equal(r.language({ person: 'alice@example.com' }), 'bg');
          assert.equal(r.language({ space: 'alice@example.com' }), 'en');
          assert.equal(r.language({ person: 'bob@example.com' }), undefined);
        });
      });

      it('changes nothing when the transaction throws', async () => {
        await assert.rejects(async () =>
          repo.transact((tx) => {
            tx.putLanguage({ space: 'space-1' }, 'bg');
            throw new Error('refused halfway');
          }),
        );
        repo.read((r) => assert.equal(r.language({ space: 'space-1' }), undefined));
      });
    });

    describe('the audit trail', () => {
      it('keeps what transactions audit, newest first, up to the limit', async () => {
        await repo.transact((tx) => tx.audit(record('assign', { email: 'alice@example.com', at: '2026-11-26T09:00:00.000Z' })));
        await repo.transact((tx) => {
          tx.audit(record('new-code', { email: 'alice@example.com', at: '2026-11-26T09:01:00.000Z' }));
          tx.audit(record('assign', { email: 'bob@example.com', at: '2026-11-26T09:02:00.000Z', outcome: 'refused', reason: 'no-licenses' }));
        });
        const trail = await repo.auditTrail({ limit: 10 });
        assert.deepEqual(trail.map((r) => r.at), ['2026-11-26T09:02:00.000Z', '2026-11-26T09:01:00.000Z', '2026-11-26T09:00:00.000Z']);
        assert.deepEqual(trail[0], record('assign', { email: 'bob@example.com', at: '2026-11-26T09:02:00.000Z', outcome: 'refused', reason: 'no-licenses' }));
        assert.deepEqual((await repo.auditTrail({ limit: 2 })).map((r) => r.action), ['assign', 'new-code']);
      });

      it('answers for one email', async () => {
        await repo.transact((tx) => {
          tx.audit(record('assign', { email: 'alice@example.com' }));
          tx.audit(record('assign', { email: 'bob@example.com' }));
          tx.audit(record('settings'));
          tx.audit(record('new-code', { email: 'alice@example.com' }));
        });
        const alice = await repo.auditTrail({ email: 'alice@example.com', limit: 10 });
        assert.deepEqual(alice.map((r) => r.action), ['new-code', 'assign']);
      });

      it('holds a record as soon as its transaction resolved', async () => {
        await Promise.all([
          repo.transact((tx) => tx.audit(record('assign'))),
          repo.transact((tx) => tx.audit(record('delete'))),
        ]);
        assert.deepEqual((await repo.auditTrail({ limit: 10 })).map((r) => r.action), ['delete', 'assign']);
      });
      it('reads newest first across months, for everyone and for one email', async () => {
        const months = ['2026-10-31T23:59:00.000Z', '2026-11-15T09:00:00.000Z', '2026-12-01T00:00:00.000Z'];
        for (const at of months) {
          await repo.transact((tx) => {
            tx.audit(record('assign', { email: 'alice@example.com', at }));
            tx.audit(record('settings', { at }));
          });
        }
        await repo.transact((tx) => tx.audit(record('new-code', { email: 'bob@example.com', at: '2026-12-02T08:00:00.000Z' })));
        assert.deepEqual(
          (await repo.auditTrail({ limit: 5 })).map((r) => `${r.at.slice(0, 7)} ${r.action}`),
          ['2026-12 new-code', '2026-12 settings', '2026-12 assign', '2026-11 settings', '2026-11 assign'],
        );
        assert.deepEqual((await repo.auditTrail({ email: 'alice@example.com', limit: 10 })).map((r) => r.at), [...months].reverse());
        assert.deepEqual((await repo.auditTrail({ email: 'alice@example.com', limit: 2 })).map((r) => r.at), [months[2], months[1]]);
        assert.deepEqual(await repo.auditTrail({ email: 'carol@example.com', limit: 10 }), []);
        assert.equal((await repo.auditTrail({ limit: 100 })).length, 7);
      });
    });

    describe('retention', () => {
      const CUTOFF = '2025-11-01T00:00:00.000Z';
      const OLD = '2025-06-01T00:00:00.000Z';

      async function storeWithHistory(): Promise<void> {
        await repo.transact((tx) => {
          tx.putDevice(device('d1', 'alice@example.com', { status: 'online', iccid: '8902' }));
          tx.putCode(code('used-old', 'd1', { state: 'used', issuedAt: OLD, expiresAt: '2025-09-01T00:00:00.000Z' }));
          tx.putCode(code('invalidated-old', 'gone', { state: 'invalidated', issuedAt: OLD, expiresAt: '2025-09-01T00:00:00.000Z' }));
          tx.putCode(code('used-recent', 'd1', { state: 'used', expiresAt: '2026-02-01T00:00:00.000Z' }));
          tx.putCode(code('valid-expired', 'd2', { issuedAt: OLD, expiresAt: '2025-09-01T00:00:00.000Z', matchingId: 'CCCCC-CCCCC-CCCCC-CCCCC' }));
          tx.putProfile(profile('8901', 'gone', { state: 'deleted', since: OLD }));
          tx.putProfile(profile('8903', 'gone', { state: 'revoked', since: OLD }));
          tx.putProfile(profile('8904', 'd3', { state: 'revoked', since: AT }));
          tx.putProfile(profile('8902', 'd1', { since: OLD }));
        });
      }

      it('forgets spent codes and ended eSIM profiles from before the cut-off, and nothing else', async () => {
        await storeWithHistory();
        assert.equal(await repo.prune(CUTOFF), 4);
        repo.read((r) => {
          assert.equal(r.code('used-old'), undefined);
          assert.equal(r.code('invalidated-old'), undefined);
          assert.equal(r.profile('8901'), undefined);
          assert.equal(r.profile('8903'), undefined);
          assert.equal(r.code('used-recent')?.state, 'used');
          assert.equal(r.code('valid-expired')?.matchingId, 'CCCCC-CCCCC-CCCCC-CCCCC', 'a code that can still be redeemed (or told expired) is kept');
          assert.equal(r.profile('8904')?.state, 'revoked');
          assert.equal(r.profile('8902')?.state, 'active');
          assert.equal(r.device('d1')?.email, 'alice@example.com');
        });
        assert.equal(await repo.prune(CUTOFF), 0, 'nothing left to forget');
      });

      if (subject.persistent) {
        it('what was forgotten stays forgotten after a restart', async () => {
          await storeWithHistory();
          await repo.prune(CUTOFF);
          await restart();
          repo.read((r) => {
            assert.equal(r.code('used-old'), undefined);
            assert.equal(r.profile('8901'), undefined);
            assert.equal(r.code('used-recent')?.state, 'used');
            assert.equal(r.code('valid-expired')?.matchingId, 'CCCCC-CCCCC-CCCCC-CCCCC');
          });
        });
      }
    });

    if (subject.persistent) {
      describe('a restart', () => {
        it('keeps everything committed: settings, admins, devices, codes, profiles and the audit trail', async () => {
          await repo.transact((tx) => {
            tx.putSettings({ ...DEFAULT_SETTINGS, notifyUsers: false });
            tx.putAdmins([ADMIN, 'second@example.com']);
            tx.putDevice(device('d1', 'alice@example.com', { status: 'online', iccid: '8901', currentCodeKey: 'k1' }));
            tx.putDevice(device('d2', 'bob@example.com'));
            tx.putCode(code('k1', 'd1'));
            tx.putProfile(profile('8901', 'd1'));
            tx.audit(record('assign', { email: 'alice@example.com' }));
          });
          await repo.transact((tx) => tx.removeDevice('d2'));
          await restart();
          repo.read((r) => {
            assert.equal(r.settings().notifyUsers, false);
            assert.deepEqual(r.admins(), [ADMIN, 'second@example.com']);
            assert.deepEqual(r.deviceByEmail('alice@example.com'), device('d1', 'alice@example.com', { status: 'online', iccid: '8901', currentCodeKey: 'k1' }));
            assert.equal(r.device('d2'), undefined);
            assert.equal(r.deviceCount(), 1);
            assert.deepEqual(r.code('k1'), code('k1', 'd1'));
            assert.deepEqual(r.profile('8901'), profile('8901', 'd1'));
          });
          assert.deepEqual((await repo.auditTrail({ limit: 10 })).map((r) => r.action), ['assign']);
        });

        it("keeps an org device's line with the person's Webex language", async () => {
          await repo.transact((tx) => tx.putDevice(device('go-1', 'ivan@example.com', { status: 'online', org: ORG_LINE })));
          await restart();
          repo.read((r) => assert.deepEqual(r.deviceByEmail('ivan@example.com'), device('go-1', 'ivan@example.com', { status: 'online', org: ORG_LINE })));
        });

        it('keeps the outbox', async () => {
          await repo.transact((tx) => {
            tx.putOutbox(outboxEntry('o1', '2026-11-26T09:01:00.000Z'));
            tx.putOutbox(outboxEntry('o2', '2026-11-26T09:02:00.000Z'));
          });
          await repo.transact((tx) => tx.removeOutbox('o1'));
          await restart();
          repo.read((r) => assert.deepEqual(r.outbox(), [outboxEntry('o2', '2026-11-26T09:02:00.000Z')]));
        });

        it('keeps the chosen languages', async () => {
          await repo.transact((tx) => tx.putLanguage({ person: 'alice@example.com' }, 'bg'));
          await repo.transact((tx) => tx.putLanguage({ space: 'space-1' }, 'bg'));
          await restart();
          repo.read((r) => {
            assert.equal(r.language({ person: 'alice@example.com' }), 'bg');
            assert.equal(r.language({ space: 'space-1' }), 'bg');
          });
        });

        it('keeps claimed delivery ids', async () => {
          await repo.holdLease(instanceLease('a'), 'a', 60_000);
          await repo.claimDelivery('msg-1', 'a');
          await repo.handleDelivery('msg-1', 'a', async () => undefined);
          // Claimed, and not done when its process stopped.
          await repo.claimDelivery('msg-2', 'a');
          await restart();
          assert.equal(await repo.claimDelivery('msg-1', 'b'), 'done');
          // Embedded: no other instance could have had it, so it is not acted on again (at most
          // once). Shared: its holder's lease outlives the restart (until it lapses).
          assert.equal(await repo.claimDelivery('msg-2', 'b'), subject.shared ? 'held' : 'done');
        });

        it("keeps a valid code's Matching ID (resend needs it), and none for a spent code", async () => {
          await repo.transact((tx) => {
            tx.putCode(code('k1', 'd1', { matchingId: 'AAAAA-AAAAA-AAAAA-AAAAA' }));
            tx.putCode(code('k2', 'd1', { matchingId: 'BBBBB-BBBBB-BBBBB-BBBBB' }));
          });
          await repo.transact((tx) => tx.putCode(code('k1', 'd1', { state: 'invalidated' })));
          await restart();
          repo.read((r) => {
            assert.deepEqual(r.code('k1'), code('k1', 'd1', { state: 'invalidated' }));
            assert.deepEqual(r.code('k2'), code('k2', 'd1', { matchingId: 'BBBBB-BBBBB-BBBBB-BBBBB' }));
          });
        });

        it('does not apply the seed to a store that exists', async () => {
          await repo.transact((tx) => tx.putAdmins(['second@example.com']));
          await restart({ settings: { ...DEFAULT_SETTINGS, licenses: 99 }, admins: ['other@example.com'] });
          repo.read((r) => {
            assert.deepEqual(r.admins(), ['second@example.com']);
            assert.equal(r.settings().licenses, DEFAULT_SETTINGS.licenses);
          });
        });

        it('keeps every write the store acknowledged, a burst of concurrent ones included', async () => {
          await Promise.all(
            Array.from({ length: 100 }, (_, i) => repo.transact((tx) => tx.putDevice(device(`d${i}`, `user${i}@example.com`)))),
          );
          await restart();
          repo.read((r) => assert.equal(r.deviceCount(), 100));
        });
      });
    }
  });
}
