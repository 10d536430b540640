/**
 * Org sync: the bot's read of the org (`webexGoDevices()`, then `people()` for every device's
 * person) against the local admin API seeded with 1,000 / 10,000 / 50,000 Webex Go devices, one
 * person each: requests, wall time, the bot's own CPU time and peak RSS. The local Webex runs in
 * a child process, so its CPU is not the bot's. Beside it, a floor from the same run: the same
 * pages fetched raw (read as text, not parsed into the port's shapes).
 * Then the whole sync as the bot runs it (OrgSync: listing, people, activation reads, one store
 * transaction into the embedded store): the first sync (every device new), and a second after 1 %
 * of the devices changed status in the org, with the store's write time per changed device.
 * Goal (issue 11): 10,000 devices in ≤ 110 requests at a page size of 100, ≤ 10 s of bot CPU.
 * Run: npm run bench:sync (npx tsx bench/sync.ts)
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import sinon from 'sinon';
import { createApp } from '../src/app.js';
import type { Messenger } from '../src/bot/ports.js';
import { loadConfig } from '../src/config.js';
import { LowdbRepository } from '../src/store/lowdbRepository.js';
import { FakeWebex } from '../src/localwebex/fakeWebex.js';
import { nextLinkTarget } from '../src/webex/callHistory/paging.js';
import { createOrgAdmin, DEVICE_PAGE_SIZE, PEOPLE_PAGE_SIZE } from '../src/webex/org/orgAdmin.js';
import { staticOrgToken } from '../src/webex/org/orgToken.js';

const TOKEN = 'bench_org_admin_token_0123456789';
const SIZES = [1_000, 10_000, 50_000];

/** The child: a local Webex whose org has `devices` Webex Go devices; tells the parent its URL. */
async function serve(devices: number): Promise<void> {
  const fake = new FakeWebex({ botToken: 'bench_bot', botEmail: 'gobot@webex.bot', botDisplayName: 'GoBot', orgAdminToken: TOKEN, log: () => undefined });
  fake.org.setWebexGoLicenses(devices);
  const statuses = ['connected', 'disconnected', 'activating', 'connected_with_issues', 'unknown'] as const;
  for (let i = 0; i < devices; i++) {
    const person = fake.addPerson({ email: `user${i}@example.com` });
    fake.org.addDevice(person.id, person.displayName, { connectionStatus: statuses[i % statuses.length] });
  }
  const app = express();
  app.use(fake.router);
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  // Asked to, 1 % of the devices change status, as phones going on and off line would.
  process.on('message', () => {
    const all = fake.org.devices();
    let changed = 0;
    for (let i = 0; i < all.length; i += 100, changed++) {
      const device = all[i]!;
      device.connectionStatus = device.connectionStatus === 'connected' ? 'disconnected' : 'connected';
    }
    process.send?.({ changed });
  });
  process.send?.({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1` });
}

interface Run {
  requests: number;
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
}

/** Runs `work`, sampling RSS every 10 ms. */
async function measure(work: () => Promise<number>): Promise<Run> {
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
  const cpu = process.cpuUsage();
  const start = performance.now();
  const requests = await work();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss());
  return { requests, wallMs, cpuMs: (used.user + used.system) / 1000, peakRssMb: peak / 2 ** 20 };
}

/** The port's way: every device page parsed into OrgDevices, then their people. */
async function sync(url: string): Promise<number> {
  const admin = createOrgAdmin({ token: staticOrgToken(TOKEN), baseUrl: url });
  const devices = await admin.webexGoDevices();
  const people = await admin.people(devices.map((d) => d.personId).filter((id) => id !== undefined));
  if (people.length !== devices.length) throw new Error(`${devices.length} devices but ${people.length} people`);
  return admin.requestCount();
}

/** The floor: the same pages, fetched and read as text only. */
async function rawPages(url: string): Promise<number> {
  let requests = 0;
  for (const first of [`${url}/devices?type=webexgo&max=${DEVICE_PAGE_SIZE}`, `${url}/people?max=${PEOPLE_PAGE_SIZE}`]) {
    let next: string | undefined = first;
    while (next !== undefined) {
      const response = await fetch(next, { headers: { authorization: `Bearer ${TOKEN}` } });
      await response.text();
      requests += 1;
      const target = nextLinkTarget(response.headers.get('link'));
      next = target === undefined ? undefined : new URL(target, next).href;
    }
  }
  return requests;
}

const n = (value: number) => value.toLocaleString('en-US');
const line = (label: string, run: Run) =>
  `${label}: ${n(run.requests)} requests, ${(run.wallMs / 1000).toFixed(1)} s, bot CPU ${(run.cpuMs / 1000).toFixed(2)} s, peak RSS ${Math.round(run.peakRssMb)} MB`;

/** The bot's own sync (OrgSync over a real embedded store, nothing else started): the first sync, then one after 1 % changed. */
async function botSync(url: string, child: ReturnType<typeof fork>): Promise<string[]> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-sync-'));
  const repo = await LowdbRepository.open(dataDir, { settings: loadConfig({}).initialSettings, admins: [] }, () => undefined);
  const messenger = { say: sinon.stub().resolves('m'), dm: sinon.stub().resolves('m'), update: sinon.stub().resolves('m'), download: sinon.stub(), findPerson: sinon.stub().resolves(undefined) } as unknown as Messenger;
  const orgAdmin = createOrgAdmin({ token: staticOrgToken(TOKEN), baseUrl: url });
  const app = createApp({ config: loadConfig({ DATA_DIR: dataDir, WEBEX_ORG_TOKEN: TOKEN }), repo, version: 'bench', log: () => undefined, messenger, orgAdmin });
  // The store's share: the time spent applying the listing (one transaction, durable when it resolves).
  let storeMs = 0;
  const apply = app.service.applyOrgListing.bind(app.service);
  app.service.applyOrgListing = async (...args) => {
    const start = performance.now();
    try {
      return await apply(...args);
    } finally {
      storeMs += performance.now() - start;
    }
  };
  try {
    const before = orgAdmin.requestCount();
    const first = await measure(async () => {
      await app.orgSync!.runOnce();
      return orgAdmin.requestCount() - before;
    });
    const firstStoreMs = storeMs;
    child.send('change');
    const [{ changed }] = (await once(child, 'message')) as [{ changed: number }];
    storeMs = 0;
    const second = orgAdmin.requestCount();
    const again = await measure(async () => {
      await app.orgSync!.runOnce();
      return orgAdmin.requestCount() - second;
    });
    const devices = app.service.devices().length;
    return [
      `  ${line(`the bot's first sync (${n(devices)} devices stored)`, first)}; store ${Math.round(firstStoreMs)} ms`,
      `  ${line(`the next sync, ${n(changed)} devices changed`, again)}; store ${Math.round(storeMs)} ms, ${(storeMs / changed).toFixed(2)} ms per changed device`,
    ];
  } finally {
    await app.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`org sync: webexGoDevices() at ${DEVICE_PAGE_SIZE} a page + people() for every device's person; the local Webex in a child process`);
  for (const size of SIZES) {
    const child = fork(fileURLToPath(import.meta.url), ['serve', String(size)], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
    try {
      const [message] = (await once(child, 'message')) as [{ url: string }];
      // One warm-up of both paths, so neither pays for the first connection or the JIT.
      await sync(message.url);
      await rawPages(message.url);
      const floor = await measure(() => rawPages(message.url));
      const bot = await measure(() => sync(message.url));
      console.log(line(`${n(size)} devices`, bot));
      console.log(`  ${line('floor (raw pages, no parsing)', floor)}`);
      for (const text of await botSync(message.url, child)) console.log(text);
    } finally {
      child.kill();
    }
  }
}

if (process.argv[2] === 'serve') await serve(Number(process.argv[3]));
else await main();
