/**
 * WebexConnection with a fake framework and a stubbed fetch: start-up retries, repairs the
 * webhooks the framework left undone, and ends connected or not ready; re-checks notice a token
 * revoked at run time, once.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import sinon from 'sinon';
import { frameworkWebhookName, WebexStartError, type Framework } from '../../src/webex/botAdapter.js';
import { WebexConnection, type ConnectionOptions } from '../../src/webex/connection.js';

const API = 'http://webex.test/v1';
const WEBHOOK_URL = 'https://gobot.example.com/webex/webhook';
const BOT_EMAIL = 'gobot@webex.bot';
const NAME = frameworkWebhookName(WEBHOOK_URL, BOT_EMAIL);

type Answer = { status: number; body?: unknown; headers?: Record<string, string> } | 'hang';

/** Webex as fetch sees it: `answers[key]` is consumed first, then `fallback(key)`. */
class StubWebex {
  readonly calls: { key: string; body?: unknown }[] = [];
  readonly queued = new Map<string, Answer[]>();
  webhooks: Record<string, unknown>[] = [];
  refuseAll = false;

  queue(key: string, ...answers: Answer[]): void {
    this.queued.set(key, [...(this.queued.get(key) ?? []), ...answers]);
  }

  readonly fetch = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const path = String(url).slice(API.length).split('?')[0]!;
    const key = `${init?.method ?? 'GET'} ${path.replace(/\/webhooks\/.+/, '/webhooks/:id')}`;
    const body = init?.body ? (JSON.parse(String(init.body)) as Record<string, unknown>) : undefined;
    this.calls.push({ key, body });
    const answer = this.refuseAll ? { status: 401, body: { message: 'invalid token' } } : (this.queued.get(key)?.shift() ?? this.fallback(key, body));
    if (answer === 'hang') {
      return new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)));
    }
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), { status: answer.status, headers: answer.headers ?? {} });
  };

  private fallback(key: string, body: Record<string, unknown> | undefined): Exclude<Answer, 'hang'> {
    if (key === 'GET /people/me') return { status: 200, body: { emails: [BOT_EMAIL] } };
    if (key === 'GET /webhooks') return { status: 200, body: { items: this.webhooks } };
    if (key === 'POST /webhooks') {
      const created = { ...body, id: `wh${this.webhooks.length + 1}`, status: 'active' };
      this.webhooks.push(created);
      return { status: 200, body: created };
    }
    return { status: 204 };
  }
}


/** What the framework does at start, minus Webex: `start()` then, later, its webhooks and spaces. */
class FakeFramework extends EventEmitter {
  email = BOT_EMAIL;
  webhook: unknown = {};
  webex = {
    webhooks: {
      list: sinon.stub().resolves({ items: [] }),
      create: sinon.stub().callsFake(async (w: Record<string, unknown>) => ({ ...w, id: 'framework-made' })),
      remove: sinon.stub().resolves(),
    },
    memberships: { list: sinon.stub().resolves({ items: [] }) },
    // What it reads for each webhook event.
    messages: { get: sinon.stub().resolves({}) },
    attachmentActions: { get: sinon.stub().resolves({}) },
  };
  start = sinon.stub().callsFake(async () => {
    // As framework.js: webhooks and spaces on chains of their own, after start() resolved.
    setImmediate(() => {
      void this.webex.webhooks
        .list()
        .then(() => this.webex.webhooks.create({ resource: 'all', event: 'all' }))
        .then(() => this.webex.webhooks.create({ resource: 'attachmentActions', event: 'created' }))
        .catch(() => undefined);
      void this.webex.memberships.list().then(() => this.emit('initialized'));
    });
    return true;
  });
  initialize = sinon.stub().resolves(true);
}

describe('WebexConnection: start-up ends connected or not ready', () => {
  let webex: StubWebex;
  let framework: FakeFramework;
  let logs: string[];
  let started: sinon.SinonSpy;
  let connection: WebexConnection | undefined;

  beforeEach(() => {
    webex = new StubWebex();
    sinon.stub(globalThis, 'fetch').callsFake(webex.fetch);
    framework = new FakeFramework();
    logs = [];
    started = sinon.spy();
  });

  afterEach(() => {
    connection?.stop();
    connection = undefined;
    sinon.restore();
  });

  function connect(options: Partial<ConnectionOptions> = {}): WebexConnection {
    connection = new WebexConnection(
      framework as unknown as Framework,
      {
        token: 'bot-token',
        webhookUrl: WEBHOOK_URL,
        webhookSecret: 'the-secret',
        apiBaseUrl: API,
        startTimeoutMs: 2000,
        tryTimeoutMs: 200,
        backoffMs: 1,
        recheckMs: 60_000,
        log: (line) => logs.push(line),
        ...options,
      },
      started,
    );
    return connection;
  }

  const keys = () => webex.calls.map((c) => c.key);

  it('retries a 503 and a 429 on people/me, then starts the framework once', async () => {
    webex.queue('GET /people/me', { status: 503 }, { status: 429, headers: { 'retry-after': '0' } });
    webex.webhooks = [
      { id: 'a', name: NAME, targetUrl: WEBHOOK_URL, resource: 'all', event: 'all' },
      { id: 'b', name: NAME, targetUrl: WEBHOOK_URL, resource: 'attachmentActions', event: 'created' },
    ];
    const c = connect();
    await c.start();
    assert.equal(keys().filter((k) => k === 'GET /people/me').length, 3);
    assert.equal(framework.start.callCount, 1);
    assert.equal(started.callCount, 1);
    assert.deepEqual({ ...c.readiness(), since: undefined }, { ready: true, webex: 'answering', webhooks: 'registered', since: undefined });
  });

  it('creates the webhooks (the framework touches none), with its name and our secret, and tells the framework', async () => {
    const { list, create, remove } = framework.webex.webhooks;
    const c = connect();
    await c.start();
    assert.equal(list.callCount + create.callCount + remove.callCount, 0, "the framework's own webhook calls never reach Webex");
    const created = webex.calls.filter((call) => call.key === 'POST /webhooks').map((call) => call.body);
    assert.deepEqual(created, [
      { name: NAME, targetUrl: WEBHOOK_URL, resource: 'all', event: 'all', secret: 'the-secret' },
      { name: NAME, targetUrl: WEBHOOK_URL, resource: 'attachmentActions', event: 'created', secret: 'the-secret' },
    ]);
    assert.equal(c.readiness().ready, true);
    assert.equal((framework.webhook as { name: string }).name, NAME, 'the framework takes events named as this webhook');
  });

  it('deletes a webhook of the same name left at another URL, and re-activates an inactive one', async () => {
    webex.webhooks = [
      { id: 'old', name: NAME, targetUrl: 'https://gobot.example.com/old', resource: 'all', event: 'all' },
      { id: 'a', name: NAME, targetUrl: WEBHOOK_URL, resource: 'all', event: 'all', status: 'inactive' },
      { id: 'b', name: NAME, targetUrl: WEBHOOK_URL, resource: 'attachmentActions', event: 'created' },
    ];
    await connect().start();
    assert.ok(keys().includes('DELETE /webhooks/:id'));
    assert.deepEqual(webex.calls.filter((call) => call.key === 'DELETE /webhooks/:id').length, 1);
    assert.equal((framework.webhook as { id: string }).id, 'a', 'the one at this URL is kept');
    const put = webex.calls.find((call) => call.key === 'PUT /webhooks/:id');
    assert.deepEqual(put?.body, { name: NAME, targetUrl: WEBHOOK_URL, secret: 'the-secret', status: 'active' });
  });

  it('changes nothing when both webhooks are right: another instance starting leaves them alone', async () => {
    webex.webhooks = [
      { id: 'a', name: NAME, targetUrl: WEBHOOK_URL, resource: 'all', event: 'all', secret: 'the-secret', status: 'active' },
      { id: 'b', name: NAME, targetUrl: WEBHOOK_URL, resource: 'attachmentActions', event: 'created', secret: 'the-secret', status: 'active' },
    ];
    const c = connect();
    await c.start();
    assert.deepEqual(keys(), ['GET /people/me', 'GET /webhooks']);
    assert.deepEqual((framework.webhook as { id: string }).id, 'a');
    assert.equal(c.readiness().webhooks, 'registered');
  });

  it('repairs a wrong secret or URL with PUT, deletes duplicates, another kind and a filtered one', async () => {
    const OLD_NAME = frameworkWebhookName('https://old.example.com/hook', BOT_EMAIL);
    webex.webhooks = [
      { id: 'a2', name: NAME, targetUrl: WEBHOOK_URL, resource: 'all', event: 'all', secret: 'the-secret', status: 'active', created: '2026-01-02' },
      { id: 'a1', name: NAME, targetUrl: WEBHOOK_URL, resource: 'all', event: 'all', secret: 'the-secret', status: 'active', created: '2026-01-01' },
      { id: 'b', name: OLD_NAME, targetUrl: 'https://old.example.com/hook', resource: 'attachmentActions', event: 'created', secret: 'old', status: 'active' },
      { id: 'm', name: NAME, targetUrl: WEBHOOK_URL, resource: 'messages', event: 'created', secret: 'the-secret', status: 'active' },
      { id: 'f', name: NAME, targetUrl: WEBHOOK_URL, resource: 'all', event: 'all', filter: 'roomId=x', secret: 'the-secret', status: 'active' },
      { id: 'other', name: 'another app', targetUrl: 'https://elsewhere.example.com/', resource: 'all', event: 'all', status: 'active' },
    ];
    const c = connect();
    await c.start();
    const deleted = webex.calls.filter((call) => call.key === 'DELETE /webhooks/:id').length;
    assert.equal(deleted, 3, 'the newer duplicate, the messages one and the filtered one');
    const puts = webex.calls.filter((call) => call.key === 'PUT /webhooks/:id').map((call) => call.body);
    assert.deepEqual(puts, [{ name: NAME, targetUrl: WEBHOOK_URL, secret: 'the-secret', status: 'active' }]);
    assert.equal((framework.webhook as { id: string }).id, 'a1', 'the oldest of two right ones is kept, on every instance');
    assert.equal(keys().filter((k) => k === 'POST /webhooks').length, 0);
    assert.equal(c.readiness().webhooks, 'registered');
  });

  it('a create answered 500 is checked by listing again, never blindly sent twice', async () => {
    webex.queue('POST /webhooks', { status: 500 });
    const c = connect();
    await c.start();
    assert.equal(c.readiness().webhooks, 'registered');
    assert.deepEqual(keys().slice(1), ['GET /webhooks', 'POST /webhooks', 'POST /webhooks', 'GET /webhooks', 'POST /webhooks', 'GET /webhooks']);
  });

  it('a token Webex refuses ends start-up with WebexStartError, and the framework is never started', async () => {
    webex.queue('GET /people/me', { status: 401, body: { message: 'invalid token' } });
    const c = connect();
    await assert.rejects(c.start(), WebexStartError);
    assert.equal(c.readiness().webex, 'refused');
    assert.equal(framework.start.callCount, 0);
  });

  it('people/me that never answers: not ready once the start timeout passes, and start() resolves', async () => {
    webex.queue('GET /people/me', 'hang', 'hang', 'hang', 'hang', 'hang');
    const c = connect({ startTimeoutMs: 300, tryTimeoutMs: 100 });
    await c.start();
    const state = c.readiness();
    assert.equal(state.ready, false);
    assert.equal(state.webex, 'unreachable');
    assert.match(state.lastError ?? '', /did not finish within 0.3 s|no answer/);
    assert.equal(framework.start.callCount, 0);
  });

  it('a framework start() that never settles: not ready, and it is not called twice', async () => {
    framework.start.callsFake(() => new Promise(() => undefined));
    const c = connect({ startTimeoutMs: 200, recheckMs: 50 });
    await c.start();
    assert.equal(c.readiness().ready, false);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(framework.start.callCount, 1);
  });

  it('a token revoked at run time is logged once and shown as refused', async () => {
    const c = connect({ recheckMs: 20 });
    await c.start();
    assert.equal(c.readiness().ready, true);
    webex.refuseAll = true;
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(c.readiness().webex, 'refused');
    assert.equal(logs.filter((line) => /refused/.test(line)).length, 1, logs.join('\n'));
    webex.refuseAll = false;
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(c.readiness().ready, true, 'ready again once the token works');
  });
});
