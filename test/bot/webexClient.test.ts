import assert from 'node:assert/strict';
import sinon from 'sinon';
import { WebexCallError, WebexClient, type RetryPolicy } from '../../src/webex/webexClient.js';

const POLICY: RetryPolicy = { retries: 3, maxRetryAfterMs: 60_000, backoffMs: 500, timeoutMs: 1_000 };

/** An error shaped like the Webex SDK's: status, headers, body message. */
function webexError(statusCode: number, message: string, headers: Record<string, string> = {}): Error {
  return Object.assign(new Error(message), { statusCode, headers, body: { message } });
}

/** A request that fails with each error in turn, then resolves with `result`. */
function failingThen<T>(errors: Error[], result: T): sinon.SinonStub<[], Promise<T>> {
  const request = sinon.stub<[], Promise<T>>();
  errors.forEach((error, i) => request.onCall(i).rejects(error));
  request.onCall(errors.length).resolves(result);
  return request;
}

async function rejection(promise: Promise<unknown>): Promise<WebexCallError> {
  const error = await promise.then(
    () => assert.fail('expected the call to fail'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof WebexCallError, `expected a WebexCallError, got ${String(error)}`);
  return error;
}

describe('WebexClient: retries, waits and timeouts', () => {
  let sleep: sinon.SinonStub<[number], Promise<void>>;
  let logs: string[];
  beforeEach(() => {
    sleep = sinon.stub<[number], Promise<void>>().resolves();
    logs = [];
  });
  const client = (policy: Partial<RetryPolicy> = {}) => new WebexClient({ ...POLICY, ...policy }, sleep, (line) => logs.push(line));

  it('passes a success straight through', async () => {
    const request = failingThen([], { id: 'm1' });
    assert.deepEqual(await client().call('post a message', request), { id: 'm1' });
    assert.equal(request.callCount, 1);
    assert.equal(sleep.callCount, 0);
  });

  it('429 with Retry-After: waits that long, then succeeds', async () => {
    const request = failingThen([webexError(429, 'Too Many Requests', { 'retry-after': '7' })], { id: 'm1' });
    assert.deepEqual(await client().call('post a message', request, { method: 'POST' }), { id: 'm1' });
    assert.deepEqual(sleep.args, [[7000]]);
    assert.equal(request.callCount, 2);
    assert.ok(logs.some((l) => l.includes('429') && l.includes('7000 ms')), logs.join('\n'));
  });

  it('429 with Retry-After as an HTTP date waits until then', async () => {
    const clock = sinon.useFakeTimers({ now: Date.parse('2026-11-26T09:00:00Z'), toFake: ['Date'] });
    try {
      const request = failingThen([webexError(429, 'Too Many Requests', { 'retry-after': 'Thu, 26 Nov 2026 09:00:05 GMT' })], 'ok');
      assert.equal(await client().call('post a message', request), 'ok');
      assert.deepEqual(sleep.args, [[5000]]);
    } finally {
      clock.restore();
    }
  });

  it('a run of 429s longer than the retries gives up with an error naming the status', async () => {
    const tooMany = webexError(429, 'Too Many Requests', { 'retry-after': '1' });
    const request = failingThen([tooMany, tooMany, tooMany, tooMany, tooMany], 'never');
    const error = await rejection(client({ retries: 3 }).call('post a message', request));
    assert.equal(error.statusCode, 429);
    assert.match(error.message, /429/);
    assert.match(error.message, /gave up after 4 tries/);
    assert.equal(request.callCount, 4, 'the first try and 3 retries');
    assert.deepEqual(sleep.args, [[1000], [1000], [1000]]);
  });

  it('500 is retried with a doubling backoff', async () => {
    const down = webexError(500, 'Internal Server Error');
    const request = failingThen([down, down, down], 'ok');
    assert.equal(await client({ backoffMs: 100 }).call('edit a card', request, { method: 'PUT' }), 'ok');
    assert.deepEqual(sleep.args, [[100], [200], [400]]);
    assert.equal(request.callCount, 4);
  });

  it('a network error (no status) is retried like a 5xx', async () => {
    const request = failingThen([Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })], 'ok');
    assert.equal(await client({ backoffMs: 100 }).call('edit a card', request, { method: 'PUT' }), 'ok');
    assert.deepEqual(sleep.args, [[100]]);
  });

  it('500s beyond the retries end in an error saying it gave up', async () => {
    const down = webexError(502, 'Bad Gateway');
    const request = sinon.stub<[], Promise<string>>().rejects(down);
    const error = await rejection(client({ retries: 2, backoffMs: 10 }).call('edit a card', request, { method: 'PUT' }));
    assert.equal(error.message, 'Webex answered 502: Bad Gateway (gave up after 3 tries)');
    assert.deepEqual(sleep.args, [[10], [20]]);
  });

  it('400 is not retried', async () => {
    const request = sinon.stub<[], Promise<string>>().rejects(webexError(400, 'Unable to post message: markdown too long'));
    const error = await rejection(client().call('post a message', request));
    assert.equal(error.statusCode, 400);
    assert.equal(error.message, 'Webex answered 400: Unable to post message: markdown too long');
    assert.equal(request.callCount, 1);
    assert.equal(sleep.callCount, 0);
  });

  it('404 is not retried either', async () => {
    const request = sinon.stub<[], Promise<string>>().rejects(webexError(404, 'Person not found'));
    const error = await rejection(client().call('send a 1:1 message', request));
    assert.equal(error.statusCode, 404);
    assert.equal(request.callCount, 1);
  });

  it('a Retry-After longer than we are willing to wait fails at once, saying so', async () => {
    const request = sinon.stub<[], Promise<string>>().rejects(webexError(429, 'Too Many Requests', { 'retry-after': '120' }));
    const error = await rejection(client({ maxRetryAfterMs: 60_000 }).call('post a message', request));
    assert.equal(error.statusCode, 429);
    assert.equal(error.message, 'Webex answered 429: Too Many Requests; Webex asked to wait 120 s, longer than we wait');
    assert.equal(request.callCount, 1);
    assert.equal(sleep.callCount, 0, 'no waiting at all');
  });

  it('a request that never settles times out', async () => {
    const request = sinon.stub<[], Promise<string>>().returns(new Promise<string>(() => undefined));
    const started = Date.now();
    const error = await rejection(client({ timeoutMs: 30, retries: 0 }).call('download a file', request, { method: 'GET' }));
    assert.equal(error.statusCode, undefined);
    assert.match(error.message, /^no answer from Webex to download a file within 0\.03 s$/);
    assert.ok(Date.now() - started < 1000, 'it does not hang');
  });

  it('a time-out of an idempotent request is aborted, then retried, and a later answer wins', async () => {
    const request = sinon.stub<[AbortSignal], Promise<string>>();
    request.onCall(0).returns(new Promise<string>(() => undefined));
    request.onCall(1).resolves('ok');
    assert.equal(await client({ timeoutMs: 20, retries: 1, backoffMs: 5 }).call('download a file', request, { method: 'GET' }), 'ok');
    assert.deepEqual(sleep.args, [[5]]);
    assert.equal(request.firstCall.args[0].aborted, true, 'the hung try was aborted');
    assert.equal(request.secondCall.args[0].aborted, false);
  });

  it('a POST that times out is aborted and never sent twice: the outcome is unknown', async () => {
    const request = sinon.stub<[AbortSignal], Promise<string>>();
    request.onCall(0).returns(new Promise<string>(() => undefined));
    request.onCall(1).resolves('posted again');
    const error = await rejection(client({ timeoutMs: 20, retries: 3 }).call('post a message', request, { method: 'POST' }));
    assert.equal(request.callCount, 1, 'the message was sent once');
    assert.equal(request.firstCall.args[0].aborted, true);
    assert.equal(error.statusCode, undefined);
    assert.equal(
      error.message,
      'no answer from Webex to post a message within 0.02 s; not sent again, since Webex may have acted on it: whether it did is unknown',
    );
    assert.equal(sleep.callCount, 0);
  });

  it('a call without a method hint is treated like a POST', async () => {
    const request = sinon.stub<[], Promise<string>>().rejects(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    const error = await rejection(client().call('post a message', request));
    assert.equal(request.callCount, 1);
    assert.match(error.message, /^socket hang up; not sent again/);
  });

  it('a POST answered 500 is not sent again; answered 503 with Retry-After, or never connected, it is', async () => {
    const down = sinon.stub<[], Promise<string>>().rejects(webexError(500, 'Internal Server Error'));
    const error = await rejection(client().call('post a message', down, { method: 'POST' }));
    assert.equal(error.statusCode, 500);
    assert.equal(error.message, 'Webex answered 500: Internal Server Error; not sent again, since Webex may have acted on it: whether it did is unknown');
    assert.equal(down.callCount, 1);

    const busy = failingThen([webexError(503, 'Service Unavailable', { 'retry-after': '2' })], 'ok');
    assert.equal(await client().call('post a message', busy, { method: 'POST' }), 'ok');
    const refused = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    const unreachable = failingThen([refused], 'ok');
    assert.equal(await client({ backoffMs: 100 }).call('post a message', unreachable, { method: 'POST' }), 'ok');
    assert.deepEqual(sleep.args, [[2000], [100]]);
  });

  it('says whether a failed send may be sent again: refused for good, safe to send again, or of unknown outcome', async () => {
    const refused = await rejection(client().call('send a 1:1 message', sinon.stub().rejects(webexError(404, 'Not Found')), { method: 'POST' }));
    assert.equal(refused.sendFailure, 'refused');
    const limited = await rejection(client().call('send a 1:1 message', sinon.stub().rejects(webexError(429, 'Too Many Requests', { 'retry-after': '1' })), { method: 'POST' }));
    assert.equal(limited.sendFailure, 'safe-to-resend');
    const tooLong = await rejection(client().call('send a 1:1 message', sinon.stub().rejects(webexError(429, 'Too Many Requests', { 'retry-after': '600' })), { method: 'POST' }));
    assert.equal(tooLong.sendFailure, 'safe-to-resend');
    const unknown = await rejection(client().call('send a 1:1 message', sinon.stub().rejects(webexError(502, 'Bad Gateway')), { method: 'POST' }));
    assert.equal(unknown.sendFailure, 'outcome-unknown');
  });

  it('a request that throws synchronously is treated like a failed one', async () => {
    const request = sinon.stub<[], Promise<string>>().throws(webexError(400, 'bad'));
    const error = await rejection(client().call('post a message', request));
    assert.equal(error.statusCode, 400);
  });
});
