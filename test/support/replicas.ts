/**
 * Several bot processes on one store and one fake Webex, as a deployment runs them behind a
 * load balancer: for the e2e files test/e2e/replicas*.test.ts (through twoInstances.ts) and bench/replicas.ts.
 *
 * Each instance is its own `node` process (the sources through tsx, or dist/) in webhook mode,
 * pointed at the fake by HYDRA_SERVICE_URL. The store is chosen as in production, by
 * DATABASE_URL. The bot's webhooks point at a front in this process, which plays the load
 * balancer: `all` sends every delivery to every live instance (a balancer replaying, Webex
 * retrying), `one` each delivery to the next live instance in turn. The front answers Webex at
 * once and forwards on its own, so deliveries are not held in line behind each other.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeWebex } from '../../src/localwebex/fakeWebex.js';
import { TcpProxy, throughProxy } from './tcpProxy.js';

export const REPLICA_BOT_TOKEN = 'replica_bot_token';
export const REPLICA_BOT_EMAIL = 'gobot@webex.bot';
export const REPLICA_WEBHOOK_SECRET = 'replicas-webhook-secret';
export const REPLICA_ADMIN = 'admin@example.com';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export type Fanout = 'all' | 'one';

export interface ReplicaOptions {
  /** The shared store; without it each instance would have an embedded store of its own. */
  databaseUrl: string;
  instances: number;
  fanout: Fanout;
  /** `sources` (tsx, for tests) or `dist` (what `npm start` runs, for the bench: build first). */
  run: 'sources' | 'dist';
  /** Further settings for every instance (WEBEX_GO_LICENSES, REMIND_DAYS, LEASE_TTL_SECONDS, …). */
  env?: Record<string, string>;
  /** Where the webhooks point instead of the front: a real proxy in front of the instances. */
  webhookUrl?: string;
  /**
   * Each instance reaches the store and the fake Webex through TCP proxies of its own
   * (test/support/tcpProxy.ts), so a test can cut it off from its store and see when it last
   * sent Webex anything.
   */
  proxied?: boolean;
}

export interface Instance {
  name: string;
  port: number;
  child: ChildProcess;
  /** The process log, one message per line (its JSON lines' `msg`). */
  logs: string[];
  alive: boolean;
  exited: Promise<void>;
  health(): Promise<number>;
  /** With `proxied`: what it sends its store from now on never arrives (what it sent before did). */
  cutFromStore(): void;
  /** With `proxied`: when it last sent the fake Webex anything (Date.now()). */
  lastSentToWebex(): number;
}

export interface Replicas {
  fake: FakeWebex;
  instances: Instance[];
  /** Forwards the fake's deliveries to the instances. */
  fanout: Fanout;
  /** Deliveries forwarded, per instance name. */
  forwarded: Map<string, number>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Polls until `check` holds; rejects after `timeoutMs` naming `what`. */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Starts the fake, the front and the instances (each started when the previous is ready, so the
 * first registers the webhooks and the others find them); resolves once every /healthz is 200.
 * `beforeStart` seeds the fake (people, spaces) so the instances find the spaces at start.
 */
export async function startReplicas(options: ReplicaOptions, beforeStart: (fake: FakeWebex) => void = () => undefined): Promise<Replicas> {
  const fake = new FakeWebex({ botToken: REPLICA_BOT_TOKEN, botEmail: REPLICA_BOT_EMAIL, botDisplayName: 'GoBot', log: () => undefined });
  const { url: fakeUrl } = await fake.listen();
  beforeStart(fake);

  const instances: Instance[] = [];
  const forwarded = new Map<string, number>();
  let turn = 0;
  const forward = (to: Instance, body: Buffer, headers: Record<string, string>): Promise<boolean> =>
    fetch(`http://127.0.0.1:${to.port}/webex/webhook`, { method: 'POST', headers, body }).then(
      async (response) => {
        await response.arrayBuffer();
        forwarded.set(to.name, (forwarded.get(to.name) ?? 0) + 1);
        return response.ok;
      },
      () => false,
    );
  const front = createServer((req, res) => {
    void readBody(req).then(async (body) => {
      res.writeHead(200).end();
      const headers = { 'content-type': 'application/json', 'x-spark-signature': String(req.headers['x-spark-signature'] ?? '') };
      const live = instances.filter((i) => i.alive);
      if (options.fanout === 'all') {
        await Promise.all(live.map((to) => forward(to, body, headers)));
        return;
      }
      // The next live instance; on a refused connection or a 5xx, the one after (as nginx does).
      for (let tries = 0; tries < live.length; tries++) {
        if (await forward(live[turn++ % live.length]!, body, headers)) return;
      }
    });
  });
  const frontPort = await listen(front);
  const scratch = await mkdtemp(join(tmpdir(), 'webex-go-replicas-'));
  const proxies: TcpProxy[] = [];
  const proxy = async (url: string) => {
    const target = new URL(url);
    const started = await TcpProxy.start(target.hostname, Number(target.port));
    proxies.push(started);
    return started;
  };

  for (let i = 0; i < options.instances; i++) {
    const store = options.proxied ? await proxy(options.databaseUrl) : undefined;
    const webex = options.proxied ? await proxy(fakeUrl) : undefined;
    const webexUrl = webex ? throughProxy(fakeUrl, webex).replace(/\/$/, '') : fakeUrl;
    const instance = await startInstance(`bot${i + 1}`, {
      ...options.env,
      DATABASE_URL: store ? throughProxy(options.databaseUrl, store) : options.databaseUrl,
      DATA_DIR: join(scratch, `bot${i + 1}`),
      INSTANCE_ID: `bot${i + 1}`,
      WEBEX_BOT_TOKEN: REPLICA_BOT_TOKEN,
      WEBHOOK_URL: options.webhookUrl ?? `http://127.0.0.1:${frontPort}/webex/webhook`,
      WEBHOOK_SECRET: REPLICA_WEBHOOK_SECRET,
      ADMIN_EMAILS: REPLICA_ADMIN,
      HYDRA_SERVICE_URL: `${webexUrl}/v1`,
      U2C_SERVICE_URL: `${webexUrl}/v1`,
    }, options.run);
    instance.cutFromStore = () => store!.cut();
    instance.lastSentToWebex = () => webex!.lastSent;
    instances.push(instance);
    await waitFor(async () => (await instance.health()) === 200, `${instance.name} ready (log:\n${instance.logs.join('\n')})`, 60_000);
  }

  return {
    fake,
    instances,
    fanout: options.fanout,
    forwarded,
    async stop() {
      for (const instance of instances) {
        if (instance.alive) instance.child.kill('SIGTERM');
        await instance.exited;
      }
      front.closeAllConnections();
      await new Promise((resolve) => front.close(resolve));
      await Promise.all(proxies.map((p) => p.close()));
      await fake.close();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

async function startInstance(name: string, env: Record<string, string>, run: ReplicaOptions['run']): Promise<Instance> {
  const port = await freePort();
  const args = run === 'dist' ? [join(ROOT, 'dist/index.js')] : ['--import', 'tsx', join(ROOT, 'src/index.ts')];
  // The test's own environment minus what would steer the instance elsewhere.
  const { DATABASE_URL: _db, WEBEX_BOT_TOKEN: _token, ...inherited } = process.env;
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...inherited, ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: string[] = [];
  const onLine = (line: string) => {
    if (!line.trim()) return;
    try {
      logs.push((JSON.parse(line) as { msg: string }).msg);
    } catch {
      logs.push(line);
    }
  };
  let rest = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString()).split('\n');
    rest = lines.pop() ?? '';
    lines.forEach(onLine);
  });
  child.stderr!.on('data', (chunk: Buffer) => chunk.toString().split('\n').forEach(onLine));
  const instance: Instance = {
    name,
    port,
    child,
    logs,
    alive: true,
    exited: new Promise<void>((resolve) => child.once('exit', () => resolve())),
    cutFromStore: () => {
      throw new Error(`${name} is not proxied`);
    },
    lastSentToWebex: () => {
      throw new Error(`${name} is not proxied`);
    },
    health: () =>
      fetch(`http://127.0.0.1:${port}/healthz`).then(
        async (r) => {
          await r.arrayBuffer();
          return r.status;
        },
        () => 0,
      ),
  };
  void instance.exited.then(() => (instance.alive = false));
  return instance;
}
