/**
 * A real PostgreSQL server for the tests: Debian's binaries (`apt-get install postgresql`;
 * `.ci/run` installs them), a fresh data folder, loopback only, no durability (fsync off: it is
 * thrown away). One server per test run: the e2e tier starts it once (postgresFixture.ts, a mocha
 * global fixture, passes its URL to the workers in WEBEX_GO_TEST_POSTGRES); a PG test file run on
 * its own starts one for its process. Each test file takes its own database.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** The env variable through which the run's server reaches test workers: its superuser URL, no database. */
export const SERVER_ENV = 'WEBEX_GO_TEST_POSTGRES';

const INSTALL = "install Debian's PostgreSQL with: apt-get install postgresql";

export interface PostgresServer {
  /** postgres://postgres@127.0.0.1:<port> — add /<database>. */
  url: string;
  stop(): Promise<void>;
}

/** The newest installed server's bin folder, if any. */
function binDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

/**
 * Whether the PostgreSQL tests can run. Without the server they skip with a note saying how to
 * install it, except in CI (CI set), where it fails them: a green CI run must have run them.
 */
export function postgresAvailable(): boolean {
  if (process.env[SERVER_ENV] || binDir()) return true;
  if (process.env.CI) throw new Error(`No PostgreSQL server under /usr/lib/postgresql and CI is set, so the PostgreSQL tests cannot run: ${INSTALL} (.ci/run does).`);
  console.warn(`    skipped: no PostgreSQL server under /usr/lib/postgresql; ${INSTALL}`);
  return false;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** PostgreSQL refuses to run as root: as root, run it as Debian's `postgres` user. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error(`Running as root and there is no postgres user to run PostgreSQL as: ${INSTALL}.`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

export function postgresInstalled(): boolean {
  return binDir() !== undefined;
}

/** Starts a server on a free loopback port; ready when this resolves. */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = binDir();
  if (!bin) throw new Error(`No PostgreSQL server under /usr/lib/postgresql: ${INSTALL}.`);
  const user = runAs();
  const dir = await mkdtemp(join(tmpdir(), 'webex-go-pg-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  const init = spawnSync(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'], {
    ...user,
    cwd: dir,
    encoding: 'utf8',
  });
  if (init.status !== 0) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${init.stderr || init.error?.message}`);
  }
  const port = await freePort();
  const server: ChildProcess = spawn(
    join(bin, 'postgres'),
    ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300'],
    { ...user, cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let output = '';
  server.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  const url = `postgres://postgres@127.0.0.1:${port}`;
  const stop = async () => {
    if (server.exitCode === null && server.signalCode === null) {
      server.kill('SIGINT'); // fast shutdown: ends the sessions, no checkpoint wait
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    const client = new pg.Client({ connectionString: `${url}/postgres` });
    try {
      await client.connect();
      await client.end();
      return { url, stop };
    } catch (error) {
      await client.end().catch(() => undefined);
      if (server.exitCode !== null || Date.now() > deadline) {
        await stop();
        throw new Error(`PostgreSQL did not start (${(error as Error).message}): ${output.trim()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

let own: Promise<PostgresServer> | undefined;

/** The run's server: the one the global fixture started, or one for this process (stopped by stopOwnPostgres). */
async function serverUrl(): Promise<string> {
  const shared = process.env[SERVER_ENV];
  if (shared) return shared;
  own ??= startPostgres();
  return (await own).url;
}

export async function stopOwnPostgres(): Promise<void> {
  const server = own;
  own = undefined;
  if (server) await (await server).stop();
}

let databases = 0;

/** A new, empty database on the run's server (or the one at `server`); `drop` removes it. */
export async function createTestDatabase(prefix: string, server?: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = server ?? (await serverUrl());
  const name = `${prefix}_${process.pid}_${++databases}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const admin = new pg.Client({ connectionString: `${base}/postgres` });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    url: `${base}/${name}`,
    drop: async () => {
      const client = new pg.Client({ connectionString: `${base}/postgres` });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** The database a PG test file's suite works in; `url` is set once its `before` ran. */
export interface TestDatabase {
  url: string;
}

/**
 * For a PG test file's outer describe: a database of its own, created before its tests and
 * dropped after them; skips the suite (or fails it in CI) without PostgreSQL, and stops a server
 * this process started.
 */
export function usePostgres(prefix: string): TestDatabase {
  const database = { url: '' };
  let drop: (() => Promise<void>) | undefined;
  before(async function () {
    if (!postgresAvailable()) this.skip();
    this.timeout(30_000);
    ({ url: database.url, drop } = await createTestDatabase(prefix));
  });
  after(async () => {
    await drop?.();
    await stopOwnPostgres();
  });
  return database;
}
