import assert from 'node:assert/strict';
import { CdrFeedError, pullCallHistory, type CallRecord, type PullCallHistoryOptions } from '../../../src/webex/callHistory/cdrFeedClient.js';

const BASE = 'https://analytics-calling.webexapis.com/v1';
const NOW = Date.parse('2025-06-15T12:00:00.000Z');
const HOUR = 3_600_000;

/** Fetch answers, one per request in order; each request's URL and signal are kept. */
function scriptedFetch(answers: Array<(signal: AbortSignal) => Promise<Response>>) {
  const requests: Array<{ url: string; signal: AbortSignal }> = [];
  const fetchFn: typeof fetch = async (input, init) => {
    const signal = init?.signal ?? new AbortController().signal;
    requests.push({ url: String(input), signal });
    const answer = answers[requests.length - 1];
    if (!answer) throw new Error(`no answer scripted for request ${requests.length}`);
    return answer(signal);
  };
  return { fetchFn, requests };
}

const page = (ids: string[], next?: string) => async () =>
  new Response(JSON.stringify({ items: ids.map((id) => ({ 'Report ID': id })) }), {
    status: 200,
    headers: next ? { Link: `<${next}>; rel="next"` } : {},
  });
const status = (code: number, headers: Record<string, string> = {}) => async () => new Response(JSON.stringify({ message: `status ${code}` }), { status: code, headers });
/** A request that never answers, unless aborted. */
const hung = (signal: AbortSignal) => new Promise<Response>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error)));

function fakeClock() {
  let time = NOW;
  const waits: number[] = [];
  return { waits, now: () => new Date(time), sleep: async (ms: number) => void (waits.push(ms), (time += ms)) };
}

async function collect(options: PullCallHistoryOptions): Promise<string[]> {
  const ids: string[] = [];
  for await (const record of pullCallHistory(options)) ids.push(String((record as CallRecord)['Report ID']));
  return ids;
}

describe('webex/callHistory: the outgoing-call policy at work', () => {
  const oneWindow = { token: 'admin-token', baseUrl: BASE, start: new Date(NOW - 24 * HOUR), end: new Date(NOW - 23 * HOUR) };

  it('a page that hangs is aborted at its deadline and asked for again', async () => {
    const clock = fakeClock();
    const { fetchFn, requests } = scriptedFetch([hung, page(['r1'])]);
    const ids = await collect({ ...oneWindow, fetch: fetchFn, now: clock.now, sleep: clock.sleep, timeoutMs: 20 });
    assert.deepEqual(ids, ['r1']);
    assert.equal(requests.length, 2);
    assert.equal(requests[0]?.signal.aborted, true, 'the hung request was aborted');
    assert.equal(requests[1]?.url, requests[0]?.url, 'the same page');
    assert.deepEqual(clock.waits, [1000], 'one backoff');
  });

  it('a 5xx backs off and is asked for again; still failing, it ends in an error naming the status', async () => {
    let clock = fakeClock();
    let script = scriptedFetch([status(502), status(500), page(['r1'])]);
    assert.deepEqual(await collect({ ...oneWindow, fetch: script.fetchFn, now: clock.now, sleep: clock.sleep }), ['r1']);
    assert.deepEqual(clock.waits, [1000, 2000]);

    clock = fakeClock();
    script = scriptedFetch([status(500), status(500), status(500)]);
    const error = await collect({ ...oneWindow, fetch: script.fetchFn, now: clock.now, sleep: clock.sleep, maxRetries: 2 }).then(
      () => assert.fail('expected the pull to fail'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof CdrFeedError);
    assert.equal(error.kind, 'http');
    assert.equal(error.status, 500);
    assert.match(error.message, /HTTP 500 .*\(tried 3 times\): status 500$/);
    assert.ok(!error.message.includes('admin-token'));
  });

  it('a Retry-After longer than 10 minutes fails at once as a rate limit', async () => {
    const clock = fakeClock();
    const { fetchFn, requests } = scriptedFetch([status(429, { 'Retry-After': '3600' })]);
    const error = await collect({ ...oneWindow, fetch: fetchFn, now: clock.now, sleep: clock.sleep }).then(
      () => assert.fail('expected the pull to fail'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof CdrFeedError);
    assert.equal(error.kind, 'rate-limit');
    assert.match(error.message, /asked to wait 60 minutes/);
    assert.equal(requests.length, 1);
    assert.deepEqual(clock.waits, []);
  });

  it('paces to a short configured rate, not switched off', async () => {
    const clock = fakeClock();
    const next = (n: number) => `${BASE}/cdr_feed?cursor=${n}`;
    const { fetchFn } = scriptedFetch([page(['a'], next(1)), page(['b'], next(2)), page(['c'], next(3)), page(['d']), page(['e'])]);
    const ids = await collect({
      ...oneWindow,
      end: new Date(NOW - 24 * HOUR + 13 * HOUR),
      fetch: fetchFn,
      now: clock.now,
      sleep: clock.sleep,
      pacing: { initialIntervalMs: 50, pagesPerMinute: 2, pageIntervalMs: 10 },
    });
    assert.deepEqual(ids, ['a', 'b', 'c', 'd', 'e']);
    // Pages b, c go at once; d waits for the 10 ms span; the second window waits out 50 ms from the first.
    assert.deepEqual(clock.waits, [10, 40]);
  });
});
