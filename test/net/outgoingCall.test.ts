import assert from 'node:assert/strict';
import sinon from 'sinon';
import type { Clock } from '../../src/net/clock.js';
import { callWithPolicy, HttpStatusError, isIdempotent, OutgoingCallError, type OutgoingCall, type RetryPolicy } from '../../src/net/outgoingCall.js';
import { Pacer } from '../../src/net/pacer.js';
import { parseRetryAfter } from '../../src/net/retryAfter.js';

const POLICY: RetryPolicy = { retries: 3, maxRetryAfterMs: 60_000, backoffMs: 100, timeoutMs: 1_000 };
const NOW = Date.parse('2026-11-26T09:00:00Z');

/** A clock that moves only when someone sleeps on it; the waits are recorded. */
function fakeClock(): Clock & { waits: number[] } {
  let time = NOW;
  const waits: number[] = [];
  return {
    waits,
    now: () => time,
    sleep: async (ms) => {
      waits.push(ms);
      time += ms;
    },
  };
}

function answer(status: number, headers: Record<string, string> = {}, body = ''): HttpStatusError {
  return new HttpStatusError(status, new Headers(headers), body);
}

/** A request that fails with each error in turn, then resolves with `result`. */
function failingThen<T>(errors: unknown[], result: T): sinon.SinonStub<[AbortSignal], Promise<T>> {
  const request = sinon.stub<[AbortSignal], Promise<T>>();
  errors.forEach((error, i) => request.onCall(i).rejects(error));
  request.onCall(errors.length).resolves(result);
  return request;
}

async function rejection(promise: Promise<unknown>): Promise<OutgoingCallError> {
  const error = await promise.then(
    () => assert.fail('expected the call to fail'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof OutgoingCallError, `expected an OutgoingCallError, got ${String(error)}`);
  return error;
}

describe('net: Retry-After', () => {
  it('reads delta-seconds, whole or not', () => {
    assert.equal(parseRetryAfter('7', NOW), 7000);
    assert.equal(parseRetryAfter(' 0.5 ', NOW), 500);
    assert.equal(parseRetryAfter('0', NOW), 0);
  });

  it('reads an HTTP date, counted from now; a date already past is no wait', () => {
    assert.equal(parseRetryAfter('Thu, 26 Nov 2026 09:00:05 GMT', NOW), 5000);
    assert.equal(parseRetryAfter('Thu, 26 Nov 2026 08:59:00 GMT', NOW), 0);
  });

  it('says nothing for a missing or unreadable header', () => {
    assert.equal(parseRetryAfter(undefined, NOW), undefined);
    assert.equal(parseRetryAfter(null, NOW), undefined);
    assert.equal(parseRetryAfter('', NOW), undefined);
    assert.equal(parseRetryAfter('soon', NOW), undefined);
    assert.equal(parseRetryAfter('-3', NOW), undefined);
  });
});

describe('net: the outgoing-call policy', () => {
  let clock: ReturnType<typeof fakeClock>;
  let logs: string[];
  beforeEach(() => {
    clock = fakeClock();
    logs = [];
  });
  const call = (overrides: Partial<OutgoingCall> = {}, policy: Partial<RetryPolicy> = {}): OutgoingCall => ({
    what: 'list devices',
    idempotent: true,
    clock,
    log: (line) => logs.push(line),
    ...overrides,
    policy: { ...POLICY, ...policy },
  });

  it('knows which methods are idempotent', () => {
    assert.deepEqual(['GET', 'put', 'DELETE', 'HEAD', 'OPTIONS'].map(isIdempotent), [true, true, true, true, true]);
    assert.deepEqual(['POST', 'PATCH', undefined].map(isIdempotent), [false, false, false]);
  });

  it('429 then success: waits what Retry-After says, and logs it', async () => {
    const request = failingThen([answer(429, { 'Retry-After': '7' })], 'ok');
    assert.equal(await callWithPolicy(call(), request), 'ok');
    assert.deepEqual(clock.waits, [7000]);
    assert.equal(request.callCount, 2);
    assert.deepEqual(logs, ['list devices: HTTP 429; trying again in 7000 ms']);
  });

  it('reads Retry-After from an SDK-shaped error too, as a date', async () => {
    const sdkError = Object.assign(new Error('Too Many Requests'), { statusCode: 423, headers: { 'retry-after': 'Thu, 26 Nov 2026 09:00:03 GMT' } });
    assert.equal(await callWithPolicy(call(), failingThen([sdkError], 'ok')), 'ok');
    assert.deepEqual(clock.waits, [3000]);
  });

  it('429 without Retry-After waits the default, else the backoff', async () => {
    await callWithPolicy(call({}, { defaultRetryAfterMs: 60_000 }), failingThen([answer(429)], 'ok'));
    await callWithPolicy(call(), failingThen([answer(429)], 'ok'));
    assert.deepEqual(clock.waits, [60_000, 100]);
  });

  it('5xx and network errors back off, doubling', async () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const request = failingThen([answer(500), answer(502), reset], 'ok');
    assert.equal(await callWithPolicy(call(), request), 'ok');
    assert.deepEqual(clock.waits, [100, 200, 400]);
  });

  it('gives up after the last retry with a clear error that quotes neither body nor token', async () => {
    const leaky = Object.assign(new Error('POST https://x/v1 {"secret":"LPA:1$smdp$ABC"} Authorization: Bearer tok'), { statusCode: 503 });
    const request = sinon.stub<[AbortSignal], Promise<string>>().rejects(leaky);
    const error = await rejection(callWithPolicy(call({}, { retries: 2 }), request));
    assert.equal(error.failure, 'gave-up');
    assert.equal(error.status, 503);
    assert.equal(error.tries, 3);
    assert.equal(error.message, 'list devices failed: HTTP 503 (gave up after 3 tries)');
    assert.equal(error.cause, leaky, 'the cause stays for the caller to read');
    assert.equal(request.callCount, 3);
    assert.deepEqual(clock.waits, [100, 200]);
  });

  it('a 4xx is refused at once', async () => {
    const request = sinon.stub<[AbortSignal], Promise<string>>().rejects(answer(404, {}, '{"message":"not found"}'));
    const error = await rejection(callWithPolicy(call(), request));
    assert.equal(error.failure, 'refused');
    assert.equal(error.status, 404);
    assert.equal(error.message, 'list devices failed: HTTP 404');
    assert.equal(request.callCount, 1);
    assert.deepEqual(clock.waits, []);
  });

  it('a Retry-After longer than we wait fails at once, saying how long was asked', async () => {
    const request = sinon.stub<[AbortSignal], Promise<string>>().rejects(answer(429, { 'Retry-After': '120' }));
    const error = await rejection(callWithPolicy(call(), request));
    assert.equal(error.failure, 'wait-too-long');
    assert.equal(error.waitMs, 120_000);
    assert.equal(error.message, 'list devices failed: HTTP 429; asked to wait 120 s, longer than we wait');
    assert.equal(request.callCount, 1);
    assert.deepEqual(clock.waits, []);
  });

  describe('deadlines', () => {
    let timers: sinon.SinonFakeTimers;
    beforeEach(() => {
      timers = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    });
    afterEach(() => timers.restore());

    it('a hung GET is aborted at its deadline, then retried', async () => {
      const request = sinon.stub<[AbortSignal], Promise<string>>();
      request.onCall(0).returns(new Promise<string>(() => undefined));
      request.onCall(1).resolves('ok');
      const result = callWithPolicy(call(), request);
      await timers.tickAsync(999);
      assert.equal(request.firstCall.args[0].aborted, false);
      await timers.tickAsync(1);
      assert.equal(await result, 'ok');
      assert.equal(request.callCount, 2);
      assert.equal(request.firstCall.args[0].aborted, true, 'the first try was aborted before the retry');
      assert.equal(request.secondCall.args[0].aborted, false);
      assert.deepEqual(logs, ['list devices: no answer within 1 s; trying again in 100 ms']);
    });

    it('a hung POST is aborted and not sent again: the outcome is unknown', async () => {
      const request = sinon.stub<[AbortSignal], Promise<string>>();
      request.onCall(0).returns(new Promise<string>(() => undefined));
      request.onCall(1).resolves('posted twice');
      const result = rejection(callWithPolicy(call({ what: 'post a message', idempotent: false }), request));
      await timers.tickAsync(1_000);
      const error = await result;
      assert.equal(request.callCount, 1, 'sent once');
      assert.equal(request.firstCall.args[0].aborted, true);
      assert.ok(request.firstCall.args[0].reason instanceof Error);
      assert.equal(error.failure, 'outcome-unknown');
      assert.equal(error.timedOut, true);
      assert.equal(error.message, 'post a message failed: no answer within 1 s; not sent again, since the server may have acted on it: the outcome is unknown');
      assert.deepEqual(clock.waits, []);
    });

    it('a request that honours its signal is cut off at the deadline', async () => {
      const request = (signal: AbortSignal) =>
        new Promise<string>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error)));
      const result = rejection(callWithPolicy(call({}, { retries: 0 }), request));
      await timers.tickAsync(1_000);
      const error = await result;
      assert.equal(error.failure, 'gave-up');
      assert.equal(error.timedOut, true);
    });
  });

  it('a POST: sent again after 429, 423, 503 with Retry-After or a connection never made', async () => {
    const refused = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    const request = failingThen([answer(429, { 'Retry-After': '1' }), answer(423, { 'Retry-After': '2' }), answer(503, { 'Retry-After': '3' }), refused], 'ok');
    assert.equal(await callWithPolicy(call({ idempotent: false }, { retries: 4 }), request), 'ok');
    assert.deepEqual(clock.waits, [1000, 2000, 3000, 800]);
  });

  it('a POST: never sent again after a 5xx or a dropped connection', async () => {
    for (const failure of [answer(500), answer(503), Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })]) {
      const request = failingThen([failure], 'posted twice');
      const error = await rejection(callWithPolicy(call({ idempotent: false }), request));
      assert.equal(error.failure, 'outcome-unknown');
      assert.equal(request.callCount, 1);
    }
    assert.deepEqual(clock.waits, []);
  });

  it('a request that throws synchronously counts as a failed try', async () => {
    const request = sinon.stub<[AbortSignal], Promise<string>>().throws(answer(400));
    const error = await rejection(callWithPolicy(call(), request));
    assert.equal(error.status, 400);
  });

  it('with a pacer, the first try waits its turn and a retry is counted without waiting twice', async () => {
    const pacer = new Pacer(1, 60_000, clock);
    await callWithPolicy(call({ pacer }), failingThen([], 'ok'));
    await callWithPolicy(call({ pacer }), failingThen([answer(429, { 'Retry-After': '5' })], 'ok'));
    assert.deepEqual(clock.waits, [60_000, 5000], 'a minute for its turn, then only what the server asked');
    await callWithPolicy(call({ pacer }), failingThen([], 'ok'));
    assert.deepEqual(clock.waits, [60_000, 5000, 60_000], 'the retry counted: a minute from it');
    await callWithPolicy(call({ pacer, waitForPace: false }), failingThen([], 'ok'));
    assert.equal(clock.waits.length, 3, 'told not to wait, it counts only');
  });

  it('with a pacer, the next request waits the interval from when the last one was answered, not sent', async () => {
    const pacer = new Pacer(1, 1_000, clock);
    // A request that takes 300 ms to be answered (the server may have seen it any time in between).
    const slow = async (): Promise<string> => {
      await clock.sleep(300);
      return 'ok';
    };
    await callWithPolicy(call({ pacer }), slow);
    await callWithPolicy(call({ pacer }), failingThen([], 'ok'));
    assert.deepEqual(clock.waits, [300, 1_000], 'a whole interval after the answer');
  });
});

describe('net: pacing', () => {
  it('keeps to at most `limit` requests in any interval', async () => {
    const clock = fakeClock();
    const pacer = new Pacer(3, 1_000, clock);
    const sent: number[] = [];
    for (let i = 0; i < 7; i++) {
      await pacer.take();
      sent.push(clock.now() - NOW);
    }
    assert.deepEqual(sent, [0, 0, 0, 1000, 1000, 1000, 2000]);
    for (const at of sent) assert.ok(sent.filter((t) => t >= at && t < at + 1_000).length <= 3);
  });

  it('callers taking turns at once each wait for a slot of their own', async () => {
    let time = NOW;
    const timers: Array<{ at: number; resolve: () => void }> = [];
    const clock: Clock = { now: () => time, sleep: (ms) => new Promise((resolve) => timers.push({ at: time + ms, resolve })) };
    const pacer = new Pacer(1, 100, clock);
    const started: number[] = [];
    const all = Promise.all([0, 1, 2].map(() => pacer.take().then(() => started.push(time - NOW))));
    // Run the fake clock: wake the earliest sleeper until everyone has gone.
    while (started.length < 3) {
      await new Promise((resolve) => setImmediate(resolve));
      timers.sort((a, b) => a.at - b.at);
      const next = timers.shift();
      if (next) {
        time = Math.max(time, next.at);
        next.resolve();
      }
    }
    await all;
    assert.deepEqual(started, [0, 100, 200]);
  });

  it('refuses a limit below 1', () => {
    assert.throws(() => new Pacer(0, 1_000, fakeClock()), /at least 1/);
  });
});
