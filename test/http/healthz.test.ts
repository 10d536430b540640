/** /healthz: 200 `ok` only when Webex is ready, else 503 `not-ready` saying why; version and store either way. */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpApp, type StoreState } from '../../src/http/server.js';
import type { WebexGoService } from '../../src/domain/service.js';

/** Shortened from the production STORE_CHECK_TIMEOUT_MS so the test need not wait it out. */
const STORE_CHECK_TIMEOUT_MS = 200;

describe('HTTP: /healthz reports readiness', () => {
  let server: Server;
  let base: string;
  let webex: { ready: boolean; [detail: string]: unknown } = { ready: true };
  let storeState: () => StoreState | Promise<StoreState> = () => ({ schemaVersion: 1 });

  before(async () => {
    const app = createHttpApp({
      service: {} as WebexGoService,
      esimProviderToken: undefined,
      version: '1.2.3',
      storeState: () => storeState(),
      storeCheckTimeoutMs: STORE_CHECK_TIMEOUT_MS,
      webexState: () => webex,
      log: () => undefined,
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('is 200 ok when Webex answers and the webhooks are registered', async () => {
    webex = { ready: true, webex: 'answering', webhooks: 'registered' };
    const response = await fetch(`${base}/healthz`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'ok', version: '1.2.3', store: { schemaVersion: 1 }, webex });
  });

  it('is 503 not-ready, with the reason, when the webhooks are missing', async () => {
    webex = { ready: false, webex: 'answering', webhooks: 'missing', lastError: 'Webex answered 502: Bad Gateway' };
    const response = await fetch(`${base}/healthz`);
    assert.equal(response.status, 503);
    assert.deepEqual(await response.json(), { status: 'not-ready', version: '1.2.3', store: { schemaVersion: 1 }, webex });
  });

  describe('a store across the network (answers a promise)', () => {
    beforeEach(() => {
      webex = { ready: true, webex: 'answering', webhooks: 'registered' };
    });
    afterEach(() => {
      storeState = () => ({ schemaVersion: 1 });
    });

    it('is 200 ok when it answers that it is reachable', async () => {
      storeState = async () => ({ ok: true, kind: 'postgres' });
      const response = await fetch(`${base}/healthz`);
      assert.equal(response.status, 200);
      assert.deepEqual(((await response.json()) as { store: unknown }).store, { ok: true, kind: 'postgres' });
    });

    it('is 503 failing when it cannot be reached', async () => {
      storeState = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
      const response = await fetch(`${base}/healthz`);
      assert.equal(response.status, 503);
      assert.deepEqual(await response.json(), {
        status: 'failing',
        version: '1.2.3',
        store: { ok: false, failing: 'the store cannot be reached: connect ECONNREFUSED 127.0.0.1:5432' },
        webex,
      });
    });

    it('is 503 failing, in time, when it does not answer', async function () {
      this.timeout(STORE_CHECK_TIMEOUT_MS + 5000);
      storeState = () => new Promise(() => undefined);
      const started = Date.now();
      const response = await fetch(`${base}/healthz`);
      assert.equal(response.status, 503);
      assert.match(((await response.json()) as { store: { failing: string } }).store.failing, /did not answer within 0.2 s/);
      assert.ok(Date.now() - started < STORE_CHECK_TIMEOUT_MS + 1000);
    });
  });
});
