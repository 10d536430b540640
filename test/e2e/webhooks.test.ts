/**
 * The bot's webhooks are owned once: instances behind one URL share them. Against the fake Webex
 * with the real framework: start, stop and start again keeps the same webhooks; a second instance
 * starting (and stopping) leaves the first's alone; one Webex marked inactive is re-activated and
 * a wrong one put right, at the next periodic check.
 */
import { sharedFakeWebex, TEST_BOT_EMAIL, TEST_BOT_TOKEN } from '../support/sharedFakeWebex.js';
import assert from 'node:assert/strict';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { FakeWebex } from '../../src/localwebex/fakeWebex.js';
import { LowdbRepository } from '../../src/store/lowdbRepository.js';
import { ADMIN, DEFAULT_SETTINGS, tempDir } from '../support/domain.js';
import { eventually } from '../support/startupHarness.js';

const WEBHOOK_SECRET = 'webhooks-e2e-secret';

describe('e2e: webhooks owned once, shared by instances', function () {
  this.timeout(30_000);
  let fake: FakeWebex;
  const running: App[] = [];

  before(async () => {
    ({ fake } = await sharedFakeWebex());
  });

  beforeEach(() => {
    fake.reset();
    for (const webhook of fake.webhooks()) fake.deleteWebhook(webhook.id);
  });

  afterEach(async () => {
    for (const app of running.splice(0)) await app.stop();
  });

  /** One instance; `webhookUrl` decides the URL every instance registers (default: this one's own). */
  async function startInstance(options: { port?: number; webhookUrl?: string; recheckMs?: number } = {}): Promise<{ app: App; port: number; webhookUrl: string }> {
    const { dir } = await tempDir();
    const repo = await LowdbRepository.open(dir, { settings: DEFAULT_SETTINGS, admins: [ADMIN] });
    const config = loadConfig({
      PORT: String(options.port ?? 0),
      DATA_DIR: dir,
      WEBEX_BOT_TOKEN: TEST_BOT_TOKEN,
      WEBHOOK_URL: 'http://127.0.0.1/webex/webhook',
      WEBHOOK_SECRET,
    });
    let webhookUrl = '';
    const app = createApp({
      config,
      repo,
      version: 'e2e',
      log: () => undefined,
      host: '127.0.0.1',
      beforeWebex: (port) => (webhookUrl = options.webhookUrl ?? `http://127.0.0.1:${port}/webex/webhook`),
      webexStartup: { startTimeoutMs: 6000, tryTimeoutMs: 1000, backoffMs: 100, recheckMs: options.recheckMs ?? 60_000 },
    });
    running.push(app);
    const { port } = await app.start();
    return { app, port, webhookUrl };
  }

  async function stopInstance(app: App): Promise<void> {
    running.splice(running.indexOf(app), 1);
    await app.stop();
  }

  const webhookIds = () => fake.webhooks().map((w) => w.id).sort();
  /** What changed the webhooks (creates, updates, deletes) since the requests were last cleared. */
  const webhookChanges = () => fake.requests.filter((r) => /^\/v1\/webhooks/.test(r.path) && r.method !== 'GET').map((r) => `${r.method} ${r.path}`);

  /** A person writes to the bot in a 1:1 and is answered: the webhooks deliver. */
  async function answered(): Promise<void> {
    const person = fake.addPerson({ email: `someone.${Date.now().toString(36)}@example.com` });
    const dm = fake.directSpace(person.emails[0]!);
    const answer = fake.waitForMessage((m) => m.roomId === dm.id && m.personEmail === TEST_BOT_EMAIL, 8000);
    fake.postMessage({ roomId: dm.id, fromEmail: person.emails[0]!, text: 'help' });
    await answer;
  }

  it('start, stop, start: the same two webhooks, never deleted or created again', async () => {
    const first = await startInstance();
    const ids = webhookIds();
    assert.equal(ids.length, 2);
    await stopInstance(first.app);
    assert.deepEqual(webhookIds(), ids, 'stopping deletes nothing');
    fake.requests.length = 0;
    await startInstance({ port: first.port, webhookUrl: first.webhookUrl });
    assert.deepEqual(webhookIds(), ids);
    assert.deepEqual(webhookChanges(), [], 'the second start changed no webhook');
    await answered();
  });

  it('a second instance starting and stopping leaves the first one\'s webhooks alone', async () => {
    const first = await startInstance();
    const ids = webhookIds();
    fake.requests.length = 0;
    const second = await startInstance({ webhookUrl: first.webhookUrl });
    assert.deepEqual(webhookIds(), ids);
    await stopInstance(second.app);
    assert.deepEqual(webhookIds(), ids);
    assert.deepEqual(webhookChanges(), []);
    await answered();
  });

  it('a webhook Webex marked inactive is re-activated at the next check (same id)', async () => {
    const first = await startInstance({ recheckMs: 300 });
    const ids = webhookIds();
    const firehose = fake.webhooks().find((w) => w.resource === 'all')!;
    fake.deactivateWebhook(firehose.id);
    await eventually(async () => fake.webhook(firehose.id)?.status === 'active', 're-activation', 5000);
    assert.deepEqual(webhookIds(), ids);
    assert.equal(fake.webhook(firehose.id)!.targetUrl, first.webhookUrl);
    await answered();
  });

  it('a wrong webhook (another URL, another secret) is put right at the next check', async () => {
    const first = await startInstance({ recheckMs: 300 });
    const ids = webhookIds();
    const firehose = fake.webhooks().find((w) => w.resource === 'all')!;
    fake.updateWebhook(firehose.id, { name: firehose.name, targetUrl: 'http://127.0.0.1:1/elsewhere', secret: 'not-the-secret' });
    await eventually(async () => fake.webhook(firehose.id)?.targetUrl === first.webhookUrl, 'the repair', 5000);
    assert.equal(fake.webhook(firehose.id)!.secret, WEBHOOK_SECRET);
    assert.deepEqual(webhookIds(), ids);
    await answered();
  });
});
