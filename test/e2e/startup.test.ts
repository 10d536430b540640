/**
 * Start-up against a Webex that fails: every call start-up makes (the bot's identity, the
 * webhooks list, delete and create, the spaces it is in) × a 429, server errors and a request
 * that is never answered. Each start ends either connected (webhooks registered, /healthz 200, a
 * message is answered) or not ready (/healthz 503 saying why, the server up) — never deaf but ok.
 */
import { sharedFakeWebex, TEST_BOT_EMAIL, TEST_BOT_TOKEN } from '../support/sharedFakeWebex.js';
import assert from 'node:assert/strict';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { FailureRule, FakeWebex } from '../../src/localwebex/fakeWebex.js';
import { LowdbRepository } from '../../src/store/lowdbRepository.js';
import { WebexStartError } from '../../src/webex/botAdapter.js';
import { ADMIN, DEFAULT_SETTINGS, tempDir } from '../support/domain.js';

const WEBHOOK_SECRET = 'startup-webhook-secret';
/** Polls an async check until it holds. */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const webhookUrlAt = (port: number) => `http://127.0.0.1:${port}/webex/webhook`;

interface Started {
  app: App;
  base: string;
  webhookUrl: string;
  logs: string[];
  /** What /healthz answers now. */
  health(): Promise<{ status: number; body: Health }>;
}
interface Health {
  status: string;
  webex: { ready: boolean; webex: string; webhooks: string; since: string; lastError?: string };
}

describe('e2e: start-up against a failing Webex', function () {
  this.timeout(40_000);
  let fake: FakeWebex;
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
    // A webhook left by an earlier run (another port), so start-up has one to delete.
    if (options.staleWebhook) fake.createWebhook({ name: 'stale', targetUrl: 'http://127.0.0.1:1/webex/webhook', resource: 'all', event: 'all' });
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
      webexStartup: { startTimeoutMs: options.startTimeoutMs ?? 6000, tryTimeoutMs: 1000, backoffMs: 100, recheckMs: options.recheckMs ?? 60_000 },
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

  const PEOPLE_ME = { method: 'GET', path: '/v1/people/me' };
  const LIST_WEBHOOKS = { method: 'GET', path: /^\/v1\/webhooks$/ };
  const CREATE_WEBHOOK = { method: 'POST', path: '/v1/webhooks' };
  const DELETE_WEBHOOK = { method: 'DELETE', path: '/v1/webhooks/' };
  const LIST_MEMBERSHIPS = { method: 'GET', path: /^\/v1\/memberships$/ };

  const calls = [
    ['GET people/me', PEOPLE_ME],
    ['GET webhooks', LIST_WEBHOOKS],
    ['POST webhooks', CREATE_WEBHOOK],
    ['DELETE webhooks', DELETE_WEBHOOK],
    ['GET memberships', LIST_MEMBERSHIPS],
  ] as const;
  const transientFaults = [
    ['a 429 with Retry-After', { status: 429, retryAfterSeconds: 1 }],
    ['a 502', { status: 502 }],
    ['two 500s', { status: 500, times: 2 }],
    ['two 503s', { status: 503, times: 2 }],
    ['a request never answered', { status: 'hang' }],
  ] as const;

  describe('a transient fault is waited out and ends connected', () => {
    for (const [call, rule] of calls) {
      for (const [fault, spec] of transientFaults) {
        it(`${call} × ${fault}`, async () => {
          const started = await startWith([{ ...rule, ...spec } as FailureRule], { staleWebhook: true });
          await assertConnected(started);
          assert.ok(!started.logs.some((l) => /unhandled/i.test(l)), started.logs.join('\n'));
        });
      }
    }
  });

  describe('a fault that lasts ends not ready, never deaf but ok', () => {
    const lasting = [
      ['GET people/me × 503s', { ...PEOPLE_ME, status: 503, times: 1000 }, /503/],
      ['GET people/me × never answered', { ...PEOPLE_ME, status: 'hang', times: 1000 }, /no answer|did not finish/],
      ['GET webhooks × 502s', { ...LIST_WEBHOOKS, status: 502, times: 1000 }, /502/],
      ['GET webhooks × 429s', { ...LIST_WEBHOOKS, status: 429, retryAfterSeconds: 1, times: 1000 }, /429|did not finish/],
      ['POST webhooks × 500s', { ...CREATE_WEBHOOK, status: 500, times: 1000 }, /500/],
      ['POST webhooks × never answered', { ...CREATE_WEBHOOK, status: 'hang', times: 1000 }, /no answer|did not finish/],
    ] as const;
    for (const [what, rule, why] of lasting) {
      it(what, async () => {
        // Where the reason may be the start-up deadline itself, a shorter one shows it as well.
        const started = await startWith([rule as FailureRule], why.source.includes('did not finish') ? { startTimeoutMs: 3000 } : {});
        const health = await assertNotReady(started, why);
        assert.notEqual(health.webex.webex === 'answering' && health.webex.webhooks === 'registered', true);
        // The log says so too.
        assert.ok(started.logs.some((l) => /not ready/i.test(l)), started.logs.join('\n'));
      });
    }

    it('recovers by itself once Webex answers again', async () => {
      const started = await startWith([{ ...LIST_WEBHOOKS, status: 502, times: 1000 }], { recheckMs: 300 });
      await assertNotReady(started, /502/);
      fake.reset();
      await eventually(async () => (await started.health()).status === 200, 'ready after Webex recovered', 10_000);
      await assertConnected(started);
    });
  });

  describe('the token', () => {
    it('a token Webex refuses at start stops start-up with one clear error', async () => {
      await assert.rejects(startWith([], { token: 'not-the-bot-token' }), (error: Error) => {
        assert.ok(error instanceof WebexStartError);
        assert.match(error.message, /refused WEBEX_BOT_TOKEN/);
        return true;
      });
    });

    it('a token revoked at run time is logged once and shown in /healthz', async () => {
      const started = await startWith([], { recheckMs: 200 });
      await assertConnected(started);
      fake.failNext({ method: 'GET', path: '/v1/people/me', status: 401, times: 1000 });
      await eventually(async () => (await started.health()).status === 503, '/healthz to report the refused token', 10_000);
      const { body } = await started.health();
      assert.equal(body.webex.webex, 'refused');
      await new Promise((resolve) => setTimeout(resolve, 600));
      assert.equal(started.logs.filter((l) => /refused/i.test(l)).length, 1, started.logs.join('\n'));
    });
  });
});
