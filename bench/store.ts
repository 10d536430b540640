/**
 * The store against its floors, at 50,000 devices (or the sizes given) with a year of audit
 * records, every write durable (fdatasync) as in production:
 * - `assign` p50/p99 beside a raw append + fdatasync of a journal-sized line on the same disk,
 *   interleaved sample by sample (goal, issue 13: assign p99 ≤ 3× raw);
 * - the event loop's longest stall (perf_hooks.monitorEventLoopDelay) across a compaction while
 *   assigns go on (goal ≤ 50 ms);
 * - `audit` newest 20 with a year of audit (goal ≤ 10 ms), and one email's newest 20;
 * - open beside reading + parsing the store's own data, each in a fresh process (goal ≤ 1.3×),
 *   and the RSS after open (goal ≤ 200 MB).
 * Figures only: nothing here is asserted in `npm test`.
 *
 * Another store is measured by the same `measure(factory)`: add its StoreFactory to FACTORIES.
 * Run: npm run bench:store [-- 1000 10000 50000]
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Repository } from '../src/domain/repository.js';
import { codeKey, WebexGoService } from '../src/domain/service.js';
import type { AuditRecord } from '../src/domain/types.js';
import { createBuiltinEsimProvider } from '../src/esim/builtinProvider.js';
import { LowdbRepository, SCHEMA_VERSION, STATE_FILE, auditFileName, type StoreData } from '../src/store/lowdbRepository.js';
import { SnapshotFile } from '../src/store/snapshotFile.js';

const ADMIN = 'admin@example.com';
const AUDIT_PER_DAY = 1_000;
const SAMPLES = 300;
const OPEN_RUNS = 3;
const SEED = { licenses: 1_000_000, notifyUsers: true, codeTtlDays: 90, smdpAddress: 'SMDP.EXAMPLE.COM' };

const esim = createBuiltinEsimProvider();

/** A store to measure, in a place of its own. */
export interface StoreFactory {
  /** Its key in FACTORIES: a fresh process makes it again from that and `place`. */
  name: string;
  /** Where it keeps its data (a folder, a database URL). */
  place: string;
  /** Fills a new store with `devices` devices (mostly online, codes used) and a year of audit. */
  fill(devices: number): Promise<{ auditRecords: number }>;
  open(): Promise<Repository>;
  /** Runs the store's heaviest background work (a compaction) now; resolves when it is done. */
  background(repo: Repository): Promise<void>;
  /** Reads and parses what the store reads at open, without the store: the floor of open; resolves with what it parsed. */
  openFloor(): Promise<unknown>;
  /** A file on the store's disk, for the raw append + fdatasync loop. */
  scratchFile: string;
  remove(): Promise<void>;
}

/** The embedded store in a temp folder. */
function lowdbFactory(dir: string): StoreFactory {
  return {
    name: 'lowdb',
    place: dir,
    scratchFile: join(dir, 'raw-append.bench'),
    async fill(devices) {
      // Written as the store writes its snapshot (with its checksum).
      await new SnapshotFile(join(dir, STATE_FILE)).write(storeWith(devices));
      return { auditRecords: await writeYearOfAudit((month) => join(dir, auditFileName(month))) };
    },
    open: () => LowdbRepository.open(dir, { settings: SEED, admins: [ADMIN] }),
    background: (repo) => (repo as LowdbRepository).compactNow(),
    openFloor: async () => JSON.parse(await readFile(join(dir, STATE_FILE), 'utf8')) as unknown,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

const FACTORIES: Record<string, (place: string) => StoreFactory> = { lowdb: lowdbFactory };

/** A store as it would look after a year in production: n devices, mostly online. */
function storeWith(devices: number): StoreData {
  const data: StoreData = { schemaVersion: SCHEMA_VERSION, settings: SEED, admins: [ADMIN], devices: {}, codes: {}, profiles: {} };
  const at = new Date('2026-01-01T00:00:00Z').toISOString();
  for (let i = 0; i < devices; i++) {
    const id = randomUUID();
    const iccid = esim.newIccid();
    const key = codeKey(esim.newMatchingId());
    data.codes[key] = { key, deviceId: id, smdpAddress: SEED.smdpAddress, issuedAt: at, expiresAt: at, state: 'used' };
    data.profiles[iccid] = { iccid, deviceId: id, state: 'active', since: at };
    data.devices[id] = { id, email: `user${i}@example.com`, status: 'online', statusSince: at, createdAt: at, lastChange: { at, cause: 'downloaded', by: 'phone' }, iccid };
  }
  return data;
}

/** 2026 in audit records, 1,000 a day, each month in the file `fileOf` names. */
async function writeYearOfAudit(fileOf: (month: string) => string): Promise<number> {
  let count = 0;
  for (let month = 0; month < 12; month++) {
    const out = createWriteStream(fileOf(`2026-${String(month + 1).padStart(2, '0')}`), { mode: 0o600 });
    for (let day = new Date(Date.UTC(2026, month, 1)); day.getUTCMonth() === month; day = new Date(day.getTime() + 86_400_000)) {
      let chunk = '';
      for (let i = 0; i < AUDIT_PER_DAY; i++, count++) {
        const record: AuditRecord = { at: day.toISOString(), actor: 'phone', action: 'phone-enabled', email: `user${i}@example.com`, deviceId: randomUUID(), outcome: 'ok', detail: 'iccid 89000000000000000000' };
        chunk += JSON.stringify(record) + '\n';
      }
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
  }
  return count;
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function median(samples: number[]): number {
  return percentile(samples, 50);
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

const ms = (n: number) => `${n.toFixed(2)} ms`;

/** Opens (or reads the floor of) the store in a fresh process: seconds and RSS in MB, medians of OPEN_RUNS. */
async function inFreshProcess(what: 'open' | 'floor', factory: StoreFactory): Promise<{ seconds: number; rssMb: number; baseMb: number }> {
  const runs: { seconds: number; rssMb: number; baseMb: number }[] = [];
  for (let i = 0; i < OPEN_RUNS; i++) {
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--child', what, factory.name, factory.place], { maxBuffer: 1 << 20 });
    runs.push(JSON.parse(stdout.trim().split('\n').at(-1)!) as { seconds: number; rssMb: number; baseMb: number });
  }
  return { seconds: median(runs.map((r) => r.seconds)), rssMb: median(runs.map((r) => r.rssMb)), baseMb: median(runs.map((r) => r.baseMb)) };
}

/** Every figure for one store at one size; prints them as it goes. */
export async function measure(factory: StoreFactory, devices: number): Promise<void> {
  const { auditRecords } = await factory.fill(devices);
  console.log(`\n${factory.name}, ${devices.toLocaleString('en')} devices, ${auditRecords.toLocaleString('en')} audit records (a year):`);

  const floor = await inFreshProcess('floor', factory);
  const opened = await inFreshProcess('open', factory);
  console.log(`  open: ${opened.seconds.toFixed(2)} s vs read+parse floor ${floor.seconds.toFixed(2)} s (${(opened.seconds / floor.seconds).toFixed(2)}x)`);
  console.log(
    `  RSS after open: ${opened.rssMb.toFixed(0)} MB (the floor's process: ${floor.rssMb.toFixed(0)} MB; each held ${opened.baseMb.toFixed(0)} MB before, the benchmark's code loaded through tsx)`,
  );

  const repo = await factory.open();
  // A start may fold in what it found; measure from a quiet store.
  await factory.background(repo);
  const service = new WebexGoService({ repo, clock: () => new Date(), esim, newId: randomUUID });
  let assigned = 0;
  const assign = () => service.assign(ADMIN, `new${assigned++}@example.com`);

  const raw = await open(factory.scratchFile, 'a', 0o600);
  const line = 'x'.repeat(1_200) + '\n';
  const rawSamples: number[] = [];
  const assignSamples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    rawSamples.push(
      await time(async () => {
        await raw.write(line);
        await raw.datasync();
      }),
    );
    assignSamples.push(await time(assign));
  }
  await raw.close();
  await rm(factory.scratchFile, { force: true });
  const ratio = percentile(assignSamples, 99) / percentile(rawSamples, 99);
  console.log(
    `  assign p50/p99: ${ms(median(assignSamples))} / ${ms(percentile(assignSamples, 99))} vs raw durable append p50/p99: ` +
      `${ms(median(rawSamples))} / ${ms(percentile(rawSamples, 99))} (p99 ${ratio.toFixed(2)}x, p50 ${(median(assignSamples) / median(rawSamples)).toFixed(2)}x)`,
  );

  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  let done = false;
  const started = performance.now();
  const compaction = factory.background(repo).finally(() => (done = true));
  let during = 0;
  while (!done) {
    await assign();
    during++;
  }
  await compaction;
  delay.disable();
  console.log(
    `  max stall while serving: ${(delay.max / 1e6).toFixed(1)} ms (a compaction of ${(performance.now() - started).toFixed(0)} ms, ${during} assigns meanwhile; event-loop delay p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms)`,
  );

  const newest: number[] = [];
  for (let i = 0; i < 20; i++) newest.push(await time(() => repo.auditTrail({ limit: 20 })));
  const email = 'user500@example.com';
  const first = await time(() => repo.auditTrail({ email, limit: 20 }));
  const again: number[] = [];
  for (let i = 0; i < 20; i++) again.push(await time(() => repo.auditTrail({ email, limit: 20 })));
  console.log(`  audit newest-20: ${ms(median(newest))} (max ${ms(Math.max(...newest))}); one email's newest 20: first ${ms(first)}, then ${ms(median(again))}`);

  await repo.close();
  await factory.remove();
}

if (process.argv[2] === '--child') {
  const [, , , what, name, place] = process.argv;
  const factory = FACTORIES[name!]!(place!);
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const baseMb = process.memoryUsage.rss() / 2 ** 20;
  const start = performance.now();
  // Kept referenced until RSS is read: what stays after the start, not the garbage it made on the way.
  const kept = what === 'open' ? await factory.open() : await factory.openFloor();
  const seconds = (performance.now() - start) / 1000;
  gc?.();
  console.log(JSON.stringify({ seconds, rssMb: process.memoryUsage.rss() / 2 ** 20, baseMb, opened: kept !== undefined }));
  process.exit(0);
} else {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  for (const devices of sizes.length ? sizes : [50_000]) {
    for (const [name, makeFactory] of Object.entries(FACTORIES)) {
      await measure(makeFactory(await mkdtemp(join(tmpdir(), `webex-go-bench-${name}-`))), devices);
    }
  }
}
