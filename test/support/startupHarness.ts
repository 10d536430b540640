/**
 * Starting the app against a fake Webex that fails on cue, for the start-up e2e tests (split in two
 * files so that the e2e tier can run them side by side).
 */
import { sharedFakeWebex, TEST_BOT_EMAIL, TEST_BOT_TOKEN } from './sharedFakeWebex.js';
import assert from 'node:assert/strict';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { FailureRule, FakeWebex } from '../../src/localwebex/fakeWebex.js';
import { LowdbRepository } from '../../src/store/lowdbRepository.js';
import { frameworkWebhookName } from '../../src/webex/botAdapter.js';
import { ADMIN, DEFAULT_SETTINGS, tempDir } from './domain.js';


const WEBHOOK_SECRET = 'startup-webhook-secret';
/** Each start-up call's deadline: a request never answered is given up on this soon. */
export const TRY_TIMEOUT_MS = 300;
/** Polls an async check until it holds. */
export async function eventually(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const webhookUrlAt = (port: number) => `http://127.0.0.1:${port}/webex/webhook`;

export interface Started {
  app: App;
  base: string;
  webhookUrl: string;
  logs: string[];
  /** What /healthz answers now. */
  health(): Promise<{ status: number; body: Health }>;
}
export interface Health {
  status: string;
  webex: { ready: boolean; webex: string; webhooks: string; since: string; lastError?: string };
}

/** Registers the hooks of a start-up test file and returns its helpers. */
export function startupHarness() {
  let fake!: FakeWebex;
  let running: Started | undefined;

  before(async () => {
    ({ fake } = await sharedFakeWebex());
  });

  afterEach(async () => {
    await running?.app.stop();
    running = undefined;
    fake.reset();
  });

  /** Starts the app after `faults` are set; timings short enough for a test. */
  async function startWith(
    faults: FailureRule[],
    options: { token?: string; recheckMs?: number; staleWebhook?: boolean; startTimeoutMs?: number } = {},
  ): Promise<Started> {
    fake.reset();
    for (const webhook of fake.webhooks()) fake.deleteWebhook(webhook.id);
    // A webhook of the bot left by an earlier run (another port, a kind it does not use), so start-up has one to delete.
    const earlierUrl = 'http://127.0.0.1:1/webex/webhook';
    if (options.staleWebhook) fake.createWebhook({ name: frameworkWebhookName(earlierUrl, TEST_BOT_EMAIL), targetUrl: earlierUrl, resource: 'messages', event: 'created' });
    for (const fault of faults) fake.failNext(fault);
    const { dir } = await tempDir();
    const repo = await LowdbRepository.open(dir, { settings: DEFAULT_SETTINGS, admins: [ADMIN] });
    const config = loadConfig({
      PORT: '0',
      DATA_DIR: dir,
      WEBEX_BOT_TOKEN: options.token ?? TEST_BOT_TOKEN,
      WEBHOOK_URL: 'http://127.0.0.1/webex/webhook',
      WEBHOOK_SECRET,
    });
    const logs: string[] = [];
    let webhookUrl = '';
    const app = createApp({
      config,
      repo,
      version: 'e2e',
      log: (line) => logs.push(line),
      host: '127.0.0.1',
      beforeWebex: (port) => (webhookUrl = webhookUrlAt(port)),
      webexStartup: { startTimeoutMs: options.startTimeoutMs ?? 6000, tryTimeoutMs: TRY_TIMEOUT_MS, backoffMs: 100, recheckMs: options.recheckMs ?? 60_000 },
    });
    const started: Started = {
      app,
      base: '',
      webhookUrl: '',
      logs,
      health: async () => {
        const response = await fetch(`${started.base}/healthz`);
        return { status: response.status, body: (await response.json()) as Health };
      },
    };
    running = started;
    const { port } = await app.start();
    started.base = `http://127.0.0.1:${port}`;
    started.webhookUrl = webhookUrl;
    return started;
  }

  const ours = (webhookUrl: string) => fake.webhooks().filter((w) => w.targetUrl === webhookUrl);

  /** Connected: both webhooks are there, /healthz says so, and a person is answered. */
  async function assertConnected(started: Started): Promise<void> {
    const { status, body } = await started.health();
    assert.equal(status, 200, JSON.stringify(body));
    assert.deepEqual({ status: body.status, webex: body.webex.webex, webhooks: body.webex.webhooks }, { status: 'ok', webex: 'answering', webhooks: 'registered' });
    assert.deepEqual(
      ours(started.webhookUrl).map((w) => `${w.resource}/${w.event}`).sort(),
      ['all/all', 'attachmentActions/created'],
      'exactly the two webhooks of the framework',
    );
    const person = fake.addPerson({ email: `someone.${Date.now().toString(36)}@example.com` });
    const dm = fake.directSpace(person.emails[0]!);
    const answer = fake.waitForMessage((m) => m.roomId === dm.id && m.personEmail === TEST_BOT_EMAIL, 8000);
    fake.postMessage({ roomId: dm.id, fromEmail: person.emails[0]!, text: 'help' });
    await answer;
  }

  /** Not ready: the server answers, /healthz is 503 and says why. */
  async function assertNotReady(started: Started, why: RegExp): Promise<Health> {
    const { status, body } = await started.health();
    assert.equal(status, 503, JSON.stringify(body));
    assert.equal(body.status, 'not-ready');
    assert.equal(body.webex.ready, false);
    assert.match(body.webex.lastError ?? '', why);
    return body;
  }

  return { startWith, assertConnected, assertNotReady, fake: () => fake };
}

export const PEOPLE_ME = { method: 'GET', path: '/v1/people/me' };
export const LIST_WEBHOOKS = { method: 'GET', path: /^\/v1\/webhooks$/ };
export const CREATE_WEBHOOK = { method: 'POST', path: '/v1/webhooks' };
export const DELETE_WEBHOOK = { method: 'DELETE', path: '/v1/webhooks/' };
export const LIST_MEMBERSHIPS = { method: 'GET', path: /^\/v1\/memberships$/ };

export const calls = [
  ['GET people/me', PEOPLE_ME],
  ['GET webhooks', LIST_WEBHOOKS],
  ['POST webhooks', CREATE_WEBHOOK],
  ['DELETE webhooks', DELETE_WEBHOOK],
  ['GET memberships', LIST_MEMBERSHIPS],
] as const;
export const transientFaults = [
  ['a 429 with Retry-After', { status: 429, retryAfterSeconds: 1 }],
  ['a 502', { status: 502 }],
  ['two 500s', { status: 500, times: 2 }],
  ['two 503s', { status: 503, times: 2 }],
  ['a request never answered', { status: 'hang' }],
] as const;

