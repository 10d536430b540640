/**
 * Offline mode against another site: a page elsewhere that rebinds its DNS name to 127.0.0.1
 * reaches the offline server with its own name in `Host`, and must be refused before any route
 * runs; and the offline credentials are random per data folder, never a constant anyone knows.
 * The app is assembled as `npm start` assembles it offline, without connecting the Webex SDK.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { LOCAL_SECRETS_FILE, LOCAL_WEBEX_FILE, prepareLocalMode, type LocalMode } from '../../src/localwebex/localMode.js';
import { DEMO_ADMIN, DEMO_ADMIN_SPACE } from '../../src/localwebex/page/router.js';
import { LowdbRepository } from '../../src/store/lowdbRepository.js';

interface Answer {
  status: number;
  body: string;
}

/** A request to 127.0.0.1 saying `host` in its Host header, as a browser on a rebound name sends it. */
function send(port: number, path: string, host: string, options: { method?: string; token?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: { host, ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), 'content-type': 'application/json' },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(options.method === 'POST' ? '{}' : undefined);
  });
}

interface Offline {
  local: LocalMode;
  port: number;
  close(): Promise<void>;
}

/** prepareLocalMode + createApp with what the offline mode adds, listening; the framework is not started. */
async function startOffline(dataDir: string): Promise<Offline> {
  const local = await prepareLocalMode(loadConfig({ DATA_DIR: dataDir, PORT: '0' }), () => undefined);
  const repo = await LowdbRepository.open(dataDir, { settings: local.config.initialSettings, admins: local.config.adminEmails });
  const app = createApp({ config: local.config, repo, version: 'test', log: () => undefined, ...local.appDeps });
  const server: Server = app.http.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  // beforeWebex points the SDK at the local Webex through the environment; this process's SDK
  // (if any test loaded it) keeps the shared fake, so the environment is put back at once.
  const saved = { hydra: process.env.HYDRA_SERVICE_URL, u2c: process.env.U2C_SERVICE_URL };
  local.appDeps.beforeWebex(port);
  process.env.HYDRA_SERVICE_URL = saved.hydra;
  process.env.U2C_SERVICE_URL = saved.u2c;
  return {
    local,
    port,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await local.close();
      await repo.close();
    },
  };
}

describe('offline mode: DNS rebinding and its credentials', () => {
  const folders: string[] = [];
  const running: Offline[] = [];
  const folder = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'offline-security-'));
    folders.push(dir);
    return dir;
  };
  const start = async (dir?: string) => {
    const offline = await startOffline(dir ?? (await folder()));
    running.push(offline);
    return offline;
  };
  const stopAll = async () => {
    for (const offline of running.splice(0)) await offline.close();
  };

  afterEach(stopAll);
  after(async () => {
    for (const dir of folders) await rm(dir, { recursive: true, force: true });
  });

  describe('a request addressed to another name', () => {
    const REBOUND = 'rebind.evil.example';

    it('is refused on the page API, with one sentence, before any route runs', async () => {
      const { port } = await start();
      const answer = await send(port, `/local/api/people/${DEMO_ADMIN.email}/spaces`, `${REBOUND}:${port}`);
      assert.equal(answer.status, 421);
      const body = JSON.parse(answer.body) as { error?: string };
      assert.match(body.error ?? '', /localhost/, answer.body);
      assert.doesNotMatch(answer.body, /Webex Go admins|spaces/);
    });

    it('is refused on the local Webex REST API, even with the right bot token', async () => {
      const { local, port } = await start();
      const room = local.fake.rooms().find((r) => r.title === DEMO_ADMIN_SPACE)!;
      const token = local.config.webexBotToken!;
      assert.equal((await send(port, `/v1/messages?roomId=${room.id}&mentionedPeople=me`, `localhost:${port}`, { token })).status, 200);
      const seen = local.fake.requests.length;
      const answer = await send(port, `/v1/messages?roomId=${room.id}&mentionedPeople=me`, REBOUND, { token });
      assert.equal(answer.status, 421);
      assert.doesNotMatch(answer.body, /"items"/);
      assert.equal(local.fake.requests.length, seen, 'the local Webex never saw it');
    });

    it('is refused on every other path too: the page, the webhook, health, the eSIM endpoints, the call history', async () => {
      const { port } = await start();
      for (const [method, path] of [
        ['GET', '/'],
        ['POST', '/webex/webhook'],
        ['GET', '/healthz'],
        ['POST', '/esim/v1/download'],
        ['GET', '/v1/cdr_feed'],
        ['GET', '/no/such/thing'],
      ] as const) {
        assert.equal((await send(port, path, REBOUND, { method })).status, 421, `${method} ${path}`);
      }
    });
  });

  it('answers requests addressed to a loopback name, with or without a port', async () => {
    const { local, port } = await start();
    const token = local.config.webexBotToken!;
    for (const host of ['localhost', `localhost:${port}`, `LocalHost:${port}`, '127.0.0.1', `127.0.0.1:${port}`, '[::1]', `[::1]:${port}`]) {
      assert.equal((await send(port, `/local/api/people/${DEMO_ADMIN.email}/spaces`, host)).status, 200, host);
      assert.equal((await send(port, '/v1/people/me', host, { token })).status, 200, host);
    }
    for (const host of ['localhost.evil.example', '127.0.0.1.nip.io', 'evil.example:127.0.0.1', '[::2]']) {
      assert.equal((await send(port, '/healthz', host)).status, 421, JSON.stringify(host));
    }
  });

  it('accepts no fixed token: local_bot_token and local_admin_token are refused', async () => {
    const { local, port } = await start();
    assert.notEqual(local.config.webexBotToken, 'local_bot_token');
    assert.equal((await send(port, '/v1/people/me', 'localhost', { token: 'local_bot_token' })).status, 401);
    assert.equal((await send(port, '/v1/people/me', 'localhost', { token: 'local_admin_token' })).status, 401);
    const period = `startTime=${new Date(Date.now() - 3_600_000).toISOString()}&endTime=${new Date(Date.now() - 600_000).toISOString()}`;
    assert.equal((await send(port, `/v1/cdr_feed?${period}`, 'localhost', { token: 'local_admin_token' })).status, 401);
    assert.equal((await send(port, `/v1/cdr_feed?${period}`, 'localhost', { token: local.config.webexAdminToken! })).status, 200);
  });

  it('draws different credentials for two data folders, and keeps them in a file only the owner reads', async () => {
    const [a, b] = [await start(), await start()];
    for (const key of ['webexBotToken', 'webexAdminToken', 'esimProviderToken', 'webhookSecret'] as const) {
      assert.ok((a.local.config[key] ?? '').length >= 32, key);
      assert.notEqual(a.local.config[key], b.local.config[key], key);
    }
    // The SDK reads a token as three fields joined by _: the bot's must keep that shape.
    assert.equal(a.local.config.webexBotToken!.split('_').length, 3);
    for (const { local } of [a, b]) {
      const info = await stat(join(local.config.dataDir, LOCAL_SECRETS_FILE));
      assert.equal(info.mode & 0o777, 0o600);
    }
  });

  it('keeps the local Webex, whose messages hold activation codes, readable by the owner alone', async () => {
    const { local } = await start();
    await stopAll();
    assert.equal((await stat(join(local.config.dataDir, LOCAL_WEBEX_FILE))).mode & 0o777, 0o600);
  });

  it('keeps the credentials across a restart, and the local Webex its spaces and messages', async () => {
    const dir = await folder();
    const first = await start(dir);
    const room = first.local.fake.rooms().find((r) => r.title === DEMO_ADMIN_SPACE)!;
    first.local.fake.postMessage({ roomId: room.id, fromEmail: DEMO_ADMIN.email, text: 'before the restart', mentionBot: true });
    const before = { ...first.local.config };
    await stopAll();

    const second = await start(dir);
    for (const key of ['webexBotToken', 'webexAdminToken', 'esimProviderToken', 'webhookSecret'] as const) {
      assert.equal(second.local.config[key], before[key], key);
    }
    const answer = await send(second.port, `/v1/messages?roomId=${room.id}&mentionedPeople=me`, 'localhost', { token: before.webexBotToken });
    assert.equal(answer.status, 200);
    assert.match(answer.body, /before the restart/);
  });

  it('uses ESIM_PROVIDER_TOKEN when it is set, and never writes it to the file', async () => {
    const dir = await folder();
    const local = await prepareLocalMode(loadConfig({ DATA_DIR: dir, PORT: '0', ESIM_PROVIDER_TOKEN: 'chosen-by-hand-0123456789' }), () => undefined);
    try {
      assert.equal(local.config.esimProviderToken, 'chosen-by-hand-0123456789');
      assert.doesNotMatch(await readFile(join(dir, LOCAL_SECRETS_FILE), 'utf8'), /chosen-by-hand/);
    } finally {
      await local.close();
    }
  });
});
