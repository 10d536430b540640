import assert from 'node:assert/strict';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { LowdbRepository } from '../../src/store/lowdbRepository.js';
import { ADMIN, DEFAULT_SETTINGS, TestClock, tempDir } from '../support/domain.js';

const TOKEN = 'provider-secret';
const DAY = 24 * 60 * 60 * 1000;

describe('eSIM provider endpoints', () => {
  let app: App;
  let base: string;
  let cleanup: () => Promise<void>;
  const clock = new TestClock();

  beforeEach(async () => {
    const { dir, remove } = await tempDir();
    const repo = await LowdbRepository.open(dir, { settings: DEFAULT_SETTINGS, admins: [ADMIN] });
    const config = loadConfig({ PORT: '0', DATA_DIR: dir, ESIM_PROVIDER_TOKEN: TOKEN });
    app = createApp({ config, repo, version: '9.9.9', log: () => undefined, clock: clock.read });
    const { port } = await app.start();
    base = `http://127.0.0.1:${port}`;
    cleanup = async () => {
      await app.stop();
      await remove();
    };
  });
  afterEach(() => cleanup());

  function post(path: string, body: unknown, token: string | null = TOKEN, raw?: string) {
    return fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: raw ?? JSON.stringify(body),
    }).then(async (res) => ({ status: res.status, body: (await res.json()) as Record<string, string> }));
  }

  async function onlineLine(email = 'alice@example.com') {
    const { activation } = await app.service.assign(ADMIN, email);
    const res = await post('/esim/v1/download', { activationCode: activation.qrPayload });
    assert.equal(res.status, 200);
    return res.body.iccid;
  }

  it('GET /healthz answers with the version and the store state', async () => {
    const res = await fetch(`${base}/healthz`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { version: string; store: { schemaVersion: number } };
    assert.equal(body.version, '9.9.9');
    assert.equal(body.store.schemaVersion, 1);
  });

  describe('POST /esim/v1/download', () => {
    it('installs the line with a valid code, with or without the LPA: prefix', async () => {
      const alice = await app.service.assign(ADMIN, 'alice@example.com');
      const res = await post('/esim/v1/download', { activationCode: alice.activation.qrPayload });
      assert.equal(res.status, 200);
      assert.equal(res.body.status, 'online');
      assert.match(res.body.iccid, /^89\d{18}$/);
      const bob = await app.service.assign(ADMIN, 'bob@example.com');
      const bare = await post('/esim/v1/download', { activationCode: bob.activation.qrPayload.replace('LPA:', '') });
      assert.equal(bare.status, 200);
      assert.equal(app.service.deviceOf('bob@example.com')?.status, 'online');
    });

    it('answers each refusal with its status, reason and a sentence', async () => {
      const first = await app.service.assign(ADMIN, 'alice@example.com');
      const second = await app.service.newCode(ADMIN, 'alice@example.com');
      const cases: [unknown, number, string][] = [
        [{ activationCode: 'nonsense' }, 400, 'malformed'],
        [{ activationCode: '1$SMDP.EXAMPLE.COM$AAAAA-BBBBB-CCCCC-DDDDD' }, 404, 'unknown'],
        [{ activationCode: first.activation.qrPayload }, 410, 'invalidated'],
      ];
      for (const [body, status, reason] of cases) {
        const res = await post('/esim/v1/download', body);
        assert.deepEqual([res.status, res.body.reason], [status, reason], JSON.stringify(body));
        assert.ok(res.body.error.length > 10);
      }
      assert.equal((await post('/esim/v1/download', { activationCode: second.activation.qrPayload })).status, 200);
      const again = await post('/esim/v1/download', { activationCode: second.activation.qrPayload });
      assert.deepEqual([again.status, again.body.reason], [409, 'used']);
    });

    it('refuses an expired code with 410 expired', async () => {
      const { activation } = await app.service.assign(ADMIN, 'carol@example.com');
      clock.advance(90 * DAY);
      const res = await post('/esim/v1/download', { activationCode: activation.qrPayload });
      assert.deepEqual([res.status, res.body.reason], [410, 'expired']);
      assert.match(res.body.error, /expired on \d{4}-\d{2}-\d{2}/);
    });
  });

  describe('POST /esim/v1/events', () => {
    it('moves the line Offline, Online, and back to Pending activation when removed', async () => {
      const iccid = await onlineLine();
      assert.deepEqual((await post('/esim/v1/events', { iccid, event: 'disabled' })).body, { status: 'offline' });
      assert.deepEqual((await post('/esim/v1/events', { iccid, event: 'enabled' })).body, { status: 'online' });
      assert.deepEqual((await post('/esim/v1/events', { iccid, event: 'deleted' })).body, { status: 'pending' });
    });

    it('answers 404 for an unknown ICCID, 400 for an unknown event, 410 for a revoked line', async () => {
      const iccid = await onlineLine();
      const unknown = await post('/esim/v1/events', { iccid: '89014103211118510720', event: 'disabled' });
      assert.deepEqual([unknown.status, unknown.body.reason], [404, 'unknown']);
      const badEvent = await post('/esim/v1/events', { iccid, event: 'reboot' });
      assert.equal(badEvent.status, 400);
      assert.match(badEvent.body.error, /`reboot` is not a phone event/);
      await app.service.lostStolen(ADMIN, 'alice@example.com');
      const revoked = await post('/esim/v1/events', { iccid, event: 'enabled' });
      assert.deepEqual([revoked.status, revoked.body.reason], [410, 'revoked']);
      assert.equal(app.service.deviceOf('alice@example.com')?.status, 'pending');
    });
  });

  describe('bad requests', () => {
    it('refuses a missing or wrong token with 401', async () => {
      for (const token of [null, 'wrong', `${TOKEN}x`]) {
        const res = await post('/esim/v1/download', { activationCode: 'x' }, token);
        assert.deepEqual([res.status, res.body.reason], [401, 'unauthorized']);
      }
    });

    it('refuses everyone when no provider token is configured', async () => {
      const { dir, remove } = await tempDir();
      const repo = await LowdbRepository.open(dir, { settings: DEFAULT_SETTINGS, admins: [ADMIN] });
      const open = createApp({ config: loadConfig({ PORT: '0' }), repo, version: '0', log: () => undefined });
      const { port } = await open.start();
      try {
        const res = await fetch(`http://127.0.0.1:${port}/esim/v1/download`, {
          method: 'POST',
          headers: { authorization: 'Bearer ', 'content-type': 'application/json' },
          body: '{}',
        });
        assert.equal(res.status, 401);
      } finally {
        await open.stop();
        await remove();
      }
    });

    it('answers malformed JSON, wrong types and oversized bodies with a clear 4xx', async () => {
      const broken = await post('/esim/v1/download', null, TOKEN, '{"activationCode": ');
      assert.deepEqual([broken.status, broken.body.reason], [400, 'bad-json']);
      const wrongType = await post('/esim/v1/download', { activationCode: 42 });
      assert.equal(wrongType.status, 400);
      assert.match(wrongType.body.error, /"activationCode" is missing or not a string/);
      const array = await post('/esim/v1/events', [1, 2]);
      assert.equal(array.status, 400);
      const huge = await post('/esim/v1/download', { activationCode: 'x'.repeat(70 * 1024) });
      assert.deepEqual([huge.status, huge.body.reason], [413, 'too-large']);
      const notJson = await fetch(`${base}/esim/v1/download`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/plain' },
        body: 'LPA:1$X$Y',
      });
      assert.equal(notJson.status, 400);
      assert.equal(((await notJson.json()) as { reason: string }).reason, 'not-json');
      const missing = await fetch(`${base}/nowhere`);
      assert.equal(missing.status, 404);
    });
  });
});
