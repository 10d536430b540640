/**
 * The PostgreSQL store's latency: p50/p99 of a mutation (an assign, a status event) with 1k, 10k
 * and 50k devices and a year of audit records, and of an assign as a Webex delivery brings it
 * (the delivery claimed, then the assign, which marks it done as it commits), on a PostgreSQL server on loopback started for the
 * run (Debian's binaries; fsync off, as in the tests: this measures the store, not the disk).
 * Goal (issue 15): p99 ≤ 15 ms at 50k devices. Run: npx tsx bench/storePostgres.ts
 * Meant to join bench/store.ts's table: there, pgRepositoryFactory().open(data, audit) opens the
 * same store in PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import { instanceLease } from '../src/domain/repository.js';
import { codeKey, WebexGoService } from '../src/domain/service.js';
import type { AuditRecord } from '../src/domain/types.js';
import { createBuiltinEsimProvider } from '../src/esim/builtinProvider.js';
import { SCHEMA_VERSION, type StoreData } from '../src/store/lowdbRepository.js';
import type { PgRepository } from '../src/store/postgres/pgRepository.js';
import { pgRepositoryFactory } from '../test/support/postgresStore.js';

const ADMIN = 'admin@example.com';
const AUDIT_PER_DAY = 1_000;
const SAMPLES = 300;

const esim = createBuiltinEsimProvider();

/** A store after a year in production: n devices, mostly online. */
function storeWith(devices: number): StoreData {
  const data: StoreData = {
    schemaVersion: SCHEMA_VERSION,
    settings: { licenses: devices * 2, notifyUsers: true, codeTtlDays: 90, smdpAddress: 'SMDP.EXAMPLE.COM' },
    admins: [ADMIN],
    devices: {},
    codes: {},
    profiles: {},
  };
  const at = new Date('2026-01-01T00:00:00Z').toISOString();
  for (let i = 0; i < devices; i++) {
    const id = randomUUID();
    const iccid = esim.newIccid();
    const key = codeKey(esim.newMatchingId());
    data.codes[key] = { key, deviceId: id, smdpAddress: 'SMDP.EXAMPLE.COM', issuedAt: at, expiresAt: at, state: 'used' };
    data.profiles[iccid] = { iccid, deviceId: id, state: 'active', since: at };
    data.devices[id] = { id, email: `user${i}@example.com`, status: 'online', statusSince: at, createdAt: at, lastChange: { at, cause: 'downloaded', by: 'phone' }, iccid };
  }
  return data;
}

function* yearOfAudit(): Generator<AuditRecord> {
  for (let day = 0; day < 365; day++) {
    const at = new Date(Date.UTC(2026, 0, 1) + day * 86_400_000).toISOString();
    for (let i = 0; i < AUDIT_PER_DAY; i++) {
      yield { at, actor: 'phone', action: 'phone-enabled', email: `user${i}@example.com`, deviceId: randomUUID(), outcome: 'ok', detail: 'iccid 89000000000000000000' };
    }
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function report(label: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  return `${label}: p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms`;
}

const factory = await pgRepositoryFactory();

/** A store of n devices in PostgreSQL; the data it was filled from is garbage before the samples. */
async function filled(devices: number): Promise<{ repo: PgRepository; iccids: string[] }> {
  const data = storeWith(devices);
  return { repo: await factory.open(data, yearOfAudit()), iccids: Object.keys(data.profiles) };
}
try {
  for (const devices of [1_000, 10_000, 50_000]) {
    const openStart = process.hrtime.bigint();
    const { repo, iccids } = await filled(devices);
    const fillAndOpenMs = Number(process.hrtime.bigint() - openStart) / 1e6;
    const service = new WebexGoService({ repo, clock: () => new Date(), esim, newId: randomUUID });
    const assigns: number[] = [];
    const events: number[] = [];
    const delivered: number[] = [];
    const holder = `bench-${devices}`;
    await repo.holdLease(instanceLease(holder), holder, 10 * 60_000);
    for (let i = 0; i < SAMPLES; i++) {
      assigns.push(await time(() => service.assign(ADMIN, `new${i}@example.com`)));
      events.push(await time(() => service.phoneEvent(iccids[i]!, i % 2 ? 'enabled' : 'disabled')));
      const delivery = `delivery-${devices}-${i}`;
      delivered.push(
        await time(async () => {
          if ((await service.claimDelivery(delivery, holder)) !== 'mine') throw new Error(`${delivery} was not this instance's`);
          await service.handleDelivery(delivery, holder, () => service.assign(ADMIN, `delivered${i}@example.com`));
        }),
      );
    }
    console.log(
      `PostgreSQL, ${devices} devices, ${365 * AUDIT_PER_DAY} audit records — ${report('assign', assigns)}; ${report('status event', events)}; ` +
        `${report('delivered assign (claim + assign)', delivered)}; fill + open ${fillAndOpenMs.toFixed(0)} ms`,
    );
  }
} finally {
  await factory.stop();
}
