/** Bodies that are not what an endpoint takes get a 4xx that says what was wrong, never a 500 or a stack. */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpApp } from '../../src/http/server.js';
import { webhookRouter } from '../../src/http/webhook.js';
import type { WebexGoService } from '../../src/domain/service.js';

const SECRET = 'webhook-secret';
const TOKEN = 'provider-secret';

describe('HTTP: bodies that are not what an endpoint takes', () => {
  let server: Server;
  let base: string;
  const logs: string[] = [];
  const delivered: unknown[] = [];

  before(async () => {
    const app = createHttpApp({
      service: {} as WebexGoService,
      esimProviderToken: TOKEN,
      version: 'test',
      storeState: () => ({}),
      log: (line) => logs.push(line),
      mounts: [{ path: '/webex/webhook', router: webhookRouter(SECRET, async (event) => void delivered.push(event), (line) => logs.push(line)) }],
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const signed = (body: string | Buffer) => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-spark-signature': createHmac('sha1', SECRET).update(body).digest('hex') },
    body,
  });

  it('a garbage gzip body on the eSIM endpoint is a 400 naming the encoding', async () => {
    const res = await fetch(`${base}/esim/v1/download`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: 'not gzip at all',
    });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { error: 'The body is not valid for its Content-Encoding (gzip, deflate or br).', reason: 'bad-encoding' });
    assert.deepEqual(logs, []);
  });

  it("the webhook's 413 names the webhook's own limit", async () => {
    const res = await fetch(`${base}/webex/webhook`, signed(Buffer.alloc(1024 * 1024 + 1, 'a')));
    assert.equal(res.status, 413);
    assert.equal(((await res.json()) as { error: string }).error, 'The body is larger than 1024 KB.');
  });

  it("the eSIM endpoints' 413 names theirs", async () => {
    const res = await fetch(`${base}/esim/v1/download`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ activationCode: 'x'.repeat(70_000) }),
    });
    assert.equal(res.status, 413);
    assert.equal(((await res.json()) as { error: string }).error, 'The body is larger than 64 KB.');
  });

  for (const [what, body] of [
    ['a JSON string', '"just a string"'],
    ['an array', '[1, 2]'],
    ['an object that is no event', '{"hello": "world"}'],
  ] as const) {
    it(`a signed body that is ${what} is a 400 and reaches nothing`, async () => {
      const res = await fetch(`${base}/webex/webhook`, signed(body));
      assert.equal(res.status, 400);
      assert.equal(((await res.json()) as { reason: string }).reason, 'not-an-event');
      assert.deepEqual(delivered, []);
      assert.deepEqual(logs, []);
    });
  }
});
