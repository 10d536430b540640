/**
 * Start-up: from spawning `npm start` (offline, a fresh data folder) to the first 200 from
 * `GET /healthz` (Webex connected: the local one), and the resident memory then — of the app's
 * process and of the whole tree `npm start` makes. Beside it, in the same run:
 * - the floor: plain `node` on a hello-world HTTP file, to its first 200;
 * - the Webex SDK's own load time (`require('webex-node-bot-framework')` in a fresh node);
 * - `node dist/index.js` alone (what `npm start` runs, without npm), and `tsx src/index.ts`
 *   (the sources, as npm start ran them before #13).
 * Goal (issue 13): npm start ≤ 2× the node floor + the SDK's load time; RSS ≤ 200 MB.
 * Linux only (reads /proc). Builds dist/ first, as `npm install` does.
 *
 * Run: npx tsx bench/startup.ts
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const RUNS = 3;
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'bench-startup-'));

const HELLO = join(scratch, 'hello.mjs');
writeFileSync(HELLO, "import { createServer } from 'node:http';\ncreateServer((_req, res) => res.end('hello')).listen(Number(process.env.PORT), '127.0.0.1');\n");

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resident memory (MB) of a process and of it with all its descendants, from /proc. */
function rss(rootPid: number): { process: number; tree: number } {
  const children = new Map<number, number[]>();
  const kb = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
      kb.set(Number(entry), Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1] ?? 0));
    } catch {
      // The process ended while being read.
    }
  }
  const descendants = (pid: number): number[] => [pid, ...(children.get(pid) ?? []).flatMap(descendants)];
  const tree = descendants(rootPid).map((pid) => kb.get(pid) ?? 0);
  // The app is the largest process of the tree (npm → sh → node; tsx adds its own and esbuild's).
  return { process: Math.max(...tree) / 1024, tree: tree.reduce((sum, rss) => sum + rss, 0) / 1024 };
}

interface Start {
  ms: number;
  rss: { process: number; tree: number };
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Spawns `command`, polls `http://127.0.0.1:<port><path>` until it answers 200, then stops the process group. */
async function timeToFirst200(command: string, args: string[], path: string): Promise<Start> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(scratch, 'data-'));
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), DATA_DIR: dataDir };
  for (const name of ['WEBEX_BOT_TOKEN', 'HYDRA_SERVICE_URL', 'U2C_SERVICE_URL', 'ADMIN_EMAILS', 'NODE_OPTIONS']) delete env[name];
  const start = performance.now();
  const child = spawn(command, args, { cwd: ROOT, env, stdio: 'ignore', detached: true });
  let exited = false;
  child.once('exit', () => (exited = true));
  try {
    for (;;) {
      if (exited) throw new Error(`${command} ${args.join(' ')} ended before answering`);
      if (performance.now() - start > 60_000) throw new Error(`${command} ${args.join(' ')}: no 200 within 60 s`);
      const status = await fetch(`http://127.0.0.1:${port}${path}`).then(
        (response) => response.status,
        () => 0,
      );
      if (status === 200) return { ms: performance.now() - start, rss: rss(child.pid!) };
      await sleep(10);
    }
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
    await new Promise((resolve) => (exited ? resolve(undefined) : child.once('exit', resolve)));
    // npm (and tsx) may exit before the app under them has written its last files: wait for the whole group.
    while (groupAlive(child.pid!)) await sleep(20);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The framework and the Webex SDK it loads, timed inside a fresh node. */
function sdkLoadMs(): number {
  const script = "const t = performance.now(); require('webex-node-bot-framework'); console.log(performance.now() - t);";
  return Number(execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').at(-1));
}

execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });

const variants: Array<{ label: string; run: () => Promise<Start> }> = [
  { label: 'node hello.mjs (the floor)', run: () => timeToFirst200(process.execPath, [HELLO], '/') },
  { label: 'npm start', run: () => timeToFirst200('npm', ['start'], '/healthz') },
  { label: 'node dist/index.js (npm start without npm)', run: () => timeToFirst200(process.execPath, ['dist/index.js'], '/healthz') },
  { label: 'tsx src/index.ts (npm start before #13)', run: () => timeToFirst200('npx', ['tsx', 'src/index.ts'], '/healthz') },
];
const results = new Map<string, Start[]>(variants.map((v) => [v.label, []]));
const sdk: number[] = [];
for (let i = 0; i < RUNS; i++) {
  for (const variant of variants) results.get(variant.label)!.push(await variant.run());
  sdk.push(sdkLoadMs());
}
rmSync(scratch, { recursive: true, force: true });

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const spread = (values: number[], digits = 0) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `${median(values).toFixed(digits).padStart(6)} (${sorted[0]!.toFixed(digits)}–${sorted.at(-1)!.toFixed(digits)})`;
};

console.log(`Start to the first 200, median (min–max) of ${RUNS} runs; RSS when it first answered:`);
for (const [label, starts] of results) {
  console.log(
    `  ${label.padEnd(44)} ${spread(starts.map((s) => s.ms))} ms   RSS ${spread(starts.map((s) => s.rss.process))} MB, process tree ${spread(starts.map((s) => s.rss.tree))} MB`,
  );
}
console.log(`  ${'Webex SDK load (require the framework)'.padEnd(44)} ${spread(sdk)} ms`);
const floor = median(results.get(variants[0]!.label)!.map((s) => s.ms));
const goal = 2 * floor + median(sdk);
const npmStart = results.get('npm start')!;
console.log(`npm start: ${median(npmStart.map((s) => s.ms)).toFixed(0)} ms (goal ≤ 2× node floor + SDK load = ${goal.toFixed(0)} ms)`);
console.log(`npm start RSS: ${median(npmStart.map((s) => s.rss.process)).toFixed(0)} MB the app, ${median(npmStart.map((s) => s.rss.tree)).toFixed(0)} MB with npm (goal ≤ 200 MB)`);
