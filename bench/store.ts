/**
 * Store latency: p50/p99 of a mutation (an assign, a status event) with 1k, 10k and 50k devices
 * and a year of audit records already in the store. Goal (issue 2): p99 ≤ 25 ms at 10k devices
 * and ≤ 100 ms at 50k. Run: npx tsx bench/store.ts
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { codeKey, WebexGoService } from '../src/domain/service.js';
import { createBuiltinEsimProvider } from '../src/esim/builtinProvider.js';
import { LowdbRepository, auditFileName, SCHEMA_VERSION, STATE_FILE, type StoreData } from '../src/store/lowdbRepository.js';
import type { AuditRecord } from '../src/domain/types.js';

const ADMIN = 'admin@example.com';
const AUDIT_PER_DAY = 1_000;
const SAMPLES = 300;

const esim = createBuiltinEsimProvider();

/** A store as it would look after a year in production: n devices, mostly online. */
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
    data.devices[id] = {
      id,
      email: `user${i}@example.com`,
      status: 'online',
      statusSince: at,
      createdAt: at,
      lastChange: { at, cause: 'downloaded', by: 'phone' },
      iccid,
    };
  }
  return data;
}

async function writeYearOfAudit(path: string): Promise<number> {
  const out = createWriteStream(path);
  let count = 0;
  for (let day = 0; day < 365; day++) {
    const at = new Date(Date.UTC(2026, 0, 1) + day * 86_400_000).toISOString();
    let chunk = '';
    for (let i = 0; i < AUDIT_PER_DAY; i++, count++) {
      const record: AuditRecord = { at, actor: 'phone', action: 'phone-enabled', email: `user${i}@example.com`, deviceId: randomUUID(), outcome: 'ok', detail: 'iccid 89000000000000000000' };
      chunk += JSON.stringify(record) + '\n';
    }
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return count;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
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

for (const devices of [1_000, 10_000, 50_000]) {
  const dir = await mkdtemp(join(tmpdir(), 'webex-go-bench-'));
  const data = storeWith(devices);
  await writeFile(join(dir, STATE_FILE), JSON.stringify(data));
  const auditRecords = await writeYearOfAudit(join(dir, auditFileName('2026-12')));
  const openStart = process.hrtime.bigint();
  const repo = await LowdbRepository.open(dir, { settings: data.settings, admins: [ADMIN] });
  const openMs = Number(process.hrtime.bigint() - openStart) / 1e6;
  const service = new WebexGoService({ repo, clock: () => new Date(), esim, newId: randomUUID });
  const iccids = Object.keys(data.profiles);

  const assigns: number[] = [];
  const events: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    assigns.push(await time(() => service.assign(ADMIN, `new${i}@example.com`)));
    events.push(await time(() => service.phoneEvent(iccids[i], i % 2 ? 'enabled' : 'disabled')));
  }
  console.log(
    `${devices} devices, ${auditRecords} audit records — ${report('assign', assigns)}; ${report('status event', events)}; ` +
      `open + snapshot rewrite ${openMs.toFixed(0)} ms (also paid once per 20,000 writes)`,
  );
  await repo.close();
  await rm(dir, { recursive: true, force: true });
}
