/**
 * Org sync: the bot's read of the org (`webexGoDevices()`, then `people()` for every device's
 * person) against the local admin API seeded with 1,000 / 10,000 / 50,000 Webex Go devices, one
 * person each: requests, wall time, the bot's own CPU time and peak RSS. The local Webex runs in
 * a child process, so its CPU is not the bot's. Beside it, a floor from the same run: the same
 * pages fetched raw (read as text, not parsed into the port's shapes).
 * Goal (issue 11): 10,000 devices in ≤ 110 requests at a page size of 100, ≤ 10 s of bot CPU.
 * Run: npm run bench:sync (npx tsx bench/sync.ts)
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import express from 'express';
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
    } finally {
      child.kill();
    }
  }
}

if (process.argv[2] === 'serve') await serve(Number(process.argv[3]));
else await main();
