import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import {
  CdrFeedError,
  nextLinkTarget,
  planCallHistoryWindows,
  pullCallHistory,
  recordText,
  recordValue,
  regionBaseFromBody,
  type CallRecord,
  type PullCallHistoryOptions,
  type PullProgress,
} from '../../../src/webex/callHistory/cdrFeedClient.js';
import { FakeCdrFeed, type FakeCdrFeedOptions } from '../../../src/localwebex/cdrFeed.js';

const TOKEN = 'admin-cdr-token';
const USERS = ['alice@example.com', 'bob@example.com', 'carol@example.com'];
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A clock that moves only when the client sleeps: waits are recorded, never real. */
function fakeClock(at = '2025-06-15T12:00:00.000Z') {
  let time = Date.parse(at);
  const waits: number[] = [];
  return {
    waits,
    now: () => new Date(time),
    sleep: async (ms: number) => {
      waits.push(ms);
      time += ms;
    },
    advance: (ms: number) => {
      time += ms;
    },
  };
}

interface Running {
  fake: FakeCdrFeed;
  base: string;
  origin: string;
}

const servers: Server[] = [];

async function serve(options: Partial<FakeCdrFeedOptions> & { now: () => Date }): Promise<Running> {
  const fake = new FakeCdrFeed({ token: TOKEN, users: USERS, ...options });
  const app = express();
  app.use('/v1', fake.router);
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(server);
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { fake, base: `${origin}/v1`, origin };
}

async function collect(options: PullCallHistoryOptions): Promise<CallRecord[]> {
  const records: CallRecord[] = [];
  for await (const record of pullCallHistory(options)) records.push(record);
  return records;
}

async function rejection(promise: Promise<unknown>): Promise<CdrFeedError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof CdrFeedError, `expected a CdrFeedError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the pull to fail');
}

function ids(records: CallRecord[]): string[] {
  return records.map((r) => recordText(r, 'Report ID'));
}

describe('webex/callHistory: Detailed Call History client against the offline fake', () => {
  after(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  });

  it('splits a 7-day pull into 14 windows, follows Link paging and yields every record once', async () => {
    const clock = fakeClock();
    const { fake, base } = await serve({ now: clock.now });
    const requested = { start: new Date(clock.now().getTime() - 7 * DAY), end: clock.now() };
    const progress: PullProgress[] = [];
    const pull = pullCallHistory({
      token: TOKEN,
      baseUrl: base,
      ...requested,
      pageSize: 25,
      now: clock.now,
      sleep: clock.sleep,
      onProgress: (p) => progress.push(p),
    });
    assert.equal(pull.plan.windows.length, 14);
    assert.equal(pull.plan.trimmedEnd, true, 'the last 5 minutes are not asked for');
    assert.equal(pull.plan.trimmedStart, false);

    const records: CallRecord[] = [];
    for await (const record of pull) records.push(record);

    assert.deepEqual(
      progress.map((p) => `window ${p.window} of ${p.windows}`),
      Array.from({ length: 14 }, (_, i) => `window ${i + 1} of 14`),
    );
    const expected = fake.recordsBetween(pull.plan.start, pull.plan.end);
    assert.ok(expected.length > 200, `a week should hold a fair number of records (${expected.length})`);
    assert.deepEqual(ids(records), expected.map((r) => String(r['Report ID'])));
    assert.equal(new Set(ids(records)).size, records.length, 'no record twice');

    const firstPages = fake.requests.filter((r) => r.query.cursor === undefined);
    const nextPages = fake.requests.filter((r) => r.query.cursor !== undefined);
    assert.equal(firstPages.length, 14);
    assert.ok(nextPages.length >= 5, 'busy windows span several pages');
    assert.ok(fake.requests.every((r) => r.status === 200));
    assert.equal(new Set(fake.requests.map((r) => r.url)).size, fake.requests.length, 'no page fetched twice');
    for (const r of firstPages) {
      assert.match(r.query.startTime ?? '', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      assert.equal(r.query.max, '25');
    }
    // Self-pacing: window requests a minute apart (the clock only moves when the client sleeps).
    assert.deepEqual(clock.waits, Array.from({ length: 13 }, () => MINUTE));
  });

  it('yields records as received: Webex Go legs and two-leg calls sharing a Correlation ID', async () => {
    const clock = fakeClock();
    const { base } = await serve({ now: clock.now });
    const records = await collect({
      token: TOKEN,
      baseUrl: base,
      start: new Date(clock.now().getTime() - 2 * DAY),
      end: new Date(clock.now().getTime() - HOUR),
      now: clock.now,
      sleep: clock.sleep,
      pacing: false,
    });
    const go = records.filter((r) => recordText(r, 'sub_client_type').toUpperCase() === 'MOBILE_NETWORK');
    assert.ok(go.length > 0 && go.length < records.length, 'some Webex Go legs, some not');
    assert.ok(go.every((r) => recordValue(r, 'CLIENT TYPE') === 'SIP'));
    const byCorrelation = new Map<string, string[]>();
    for (const r of records) {
      const legs = byCorrelation.get(recordText(r, 'Correlation ID')) ?? [];
      legs.push(recordText(r, 'Direction'));
      byCorrelation.set(recordText(r, 'Correlation ID'), legs);
    }
    assert.ok([...byCorrelation.values()].some((legs) => legs.sort().join() === 'ORIGINATING,TERMINATING'));
    const first = records[0];
    assert.ok(first);
    for (const field of [
      'Start time', 'Answer time', 'Release time', 'Duration', 'Answered', 'Direction', 'Calling number', 'Called number',
      'User', 'User UUID', 'User type', 'Client type', 'Sub client type', 'Call type', 'Call outcome', 'Correlation ID',
      'Report ID', 'Location', 'Site timezone',
    ]) {
      assert.ok(Object.hasOwn(first, field), `records carry "${field}"`);
    }
    assert.equal(typeof first.Duration, 'number');
    assert.ok(records.every((r) => USERS.includes(recordText(r, 'user'))));
  });

  it('paces itself: at most 10 page requests in any minute', async () => {
    const clock = fakeClock();
    const { fake, base } = await serve({ now: clock.now });
    const start = new Date(clock.now().getTime() - 2 * DAY);
    const end = new Date(start.getTime() + 24 * HOUR);
    const records = await collect({ token: TOKEN, baseUrl: base, start, end, pageSize: 1, now: clock.now, sleep: clock.sleep });
    assert.equal(records.length, fake.recordsBetween(start, end).length);
    assert.ok(records.length > 25);
    const pages = fake.requests.filter((r) => r.query.cursor !== undefined).map((r) => r.at.getTime());
    for (const at of pages) assert.ok(pages.filter((t) => t >= at && t < at + MINUTE).length <= 10);
    const windows = fake.requests.filter((r) => r.query.cursor === undefined).map((r) => r.at.getTime());
    assert.equal(windows.length, 2);
    assert.ok((windows[1] ?? 0) - (windows[0] ?? 0) >= MINUTE);
    assert.ok(clock.waits.length >= 2 && clock.waits.every((w) => w > 0 && w <= MINUTE));
  });

  it('waits out a 429 for Retry-After seconds and asks again', async () => {
    const clock = fakeClock();
    const { fake, base } = await serve({ now: clock.now, rateLimitFirst: 2, retryAfterSeconds: 7 });
    const start = new Date(clock.now().getTime() - DAY);
    const records = await collect({ token: TOKEN, baseUrl: base, start, end: new Date(start.getTime() + 12 * HOUR), now: clock.now, sleep: clock.sleep, pacing: false });
    assert.deepEqual(clock.waits, [7000, 7000]);
    assert.deepEqual(fake.requests.slice(0, 3).map((r) => r.status), [429, 429, 200]);
    assert.deepEqual(ids(records), fake.recordsBetween(start, new Date(start.getTime() + 12 * HOUR)).map((r) => String(r['Report ID'])));
  });

  it('gives up after a few 429s with an error naming the status', async () => {
    const clock = fakeClock();
    const { fake, base } = await serve({ now: clock.now, rateLimitFirst: 10, retryAfterSeconds: 30 });
    const error = await rejection(
      collect({ token: TOKEN, baseUrl: base, start: new Date(clock.now().getTime() - DAY), end: new Date(clock.now().getTime() - 20 * HOUR), now: clock.now, sleep: clock.sleep, maxRetries: 3 }),
    );
    assert.equal(error.kind, 'rate-limit');
    assert.equal(error.status, 429);
    assert.match(error.message, /HTTP 429/);
    assert.equal(fake.requests.length, 4);
    assert.deepEqual(clock.waits, [30_000, 30_000, 30_000]);
  });

  it('follows a 451 to the region its body names and stays there', async () => {
    const clock = fakeClock();
    const eu = await serve({ now: clock.now });
    const us = await serve({ now: clock.now, redirectTo: `${eu.base}/cdr_feed` });
    const regions: string[] = [];
    const start = new Date(clock.now().getTime() - 2 * DAY);
    const end = new Date(start.getTime() + DAY);
    const pull = pullCallHistory({ token: TOKEN, baseUrl: us.base, start, end, now: clock.now, sleep: clock.sleep, pageSize: 50, onRegionChange: (b) => regions.push(b) });
    const records: CallRecord[] = [];
    for await (const record of pull) records.push(record);
    assert.deepEqual(regions, [eu.base]);
    assert.equal(pull.baseUrl, eu.base);
    assert.deepEqual(us.fake.requests.map((r) => r.status), [451], 'the first region is asked once');
    assert.ok(eu.fake.requests.length >= 2 && eu.fake.requests.every((r) => r.status === 200));
    assert.deepEqual(ids(records), eu.fake.recordsBetween(start, end).map((r) => String(r['Report ID'])));
  });

  it('follows a 451 that names only the origin, keeping the /v1 path', async () => {
    const clock = fakeClock();
    const eu = await serve({ now: clock.now });
    const us = await serve({ now: clock.now, redirectTo: `${eu.origin}.` });
    const start = new Date(clock.now().getTime() - DAY);
    const pull = pullCallHistory({ token: TOKEN, baseUrl: us.base, start, end: new Date(start.getTime() + HOUR), now: clock.now, sleep: clock.sleep });
    const records: CallRecord[] = [];
    for await (const record of pull) records.push(record);
    assert.equal(pull.baseUrl, eu.base);
    assert.equal(eu.fake.requests.length, 1);
  });

  it('fails clearly on a 451 that names no host, or a host outside Webex', async () => {
    const clock = fakeClock();
    const us = await serve({ now: clock.now });
    const options = { token: TOKEN, baseUrl: us.base, start: new Date(clock.now().getTime() - DAY), end: new Date(clock.now().getTime() - 23 * HOUR), now: clock.now, sleep: clock.sleep };
    us.fake.failNext({ status: 451, message: 'Unavailable for legal reasons' });
    let error = await rejection(collect(options));
    assert.equal(error.kind, 'region');
    assert.match(error.message, /451.*another region.*names no host/);

    us.fake.failNext({ status: 451, message: 'Request should go to URL: https://analytics-calling-eu.example.net/v1' });
    error = await rejection(collect(options));
    assert.equal(error.kind, 'region');
    assert.match(error.message, /not a Webex host/);
  });

  it('explains a 401 or 403: the scope and the role the token needs', async () => {
    const clock = fakeClock();
    const { fake, base } = await serve({ now: clock.now });
    const options = { baseUrl: base, start: new Date(clock.now().getTime() - DAY), end: new Date(clock.now().getTime() - 23 * HOUR), now: clock.now, sleep: clock.sleep };
    let error = await rejection(collect({ ...options, token: 'someone-elses-token' }));
    assert.equal(error.kind, 'auth');
    assert.equal(error.status, 401);
    assert.match(error.message, /spark-admin:calling_cdr_read/);
    assert.match(error.message, /"Webex Calling Detailed Call History API access" role/);

    fake.failNext({ status: 403 });
    error = await rejection(collect({ ...options, token: TOKEN }));
    assert.equal(error.kind, 'auth');
    assert.equal(error.status, 403);
    assert.match(error.message, /spark-admin:calling_cdr_read/);
  });

  it('trims a range reaching past 30 days to the last 30 days, which the API accepts', async () => {
    const clock = fakeClock();
    const { fake, base } = await serve({ now: clock.now });
    const now = clock.now().getTime();
    const pull = pullCallHistory({ token: TOKEN, baseUrl: base, start: new Date(now - 40 * DAY), end: new Date(now - 29 * DAY), now: clock.now, sleep: clock.sleep });
    assert.equal(pull.plan.trimmedStart, true);
    assert.equal(pull.plan.trimmedEnd, false);
    assert.equal(pull.plan.start.getTime(), now - 30 * DAY + MINUTE);
    assert.equal(pull.plan.windows.length, 2);
    assert.equal(planCallHistoryWindows(new Date(now - 40 * DAY), new Date(now - DAY), clock.now()).windows.length, 58);
    let count = 0;
    for await (const _ of pull) count += 1;
    assert.ok(count > 0);
    assert.ok(fake.requests.every((r) => r.status === 200), 'the fake (which enforces 30 days) accepted every window');
  });

  it('refuses a range wholly older than 30 days, or within the last 5 minutes', () => {
    const now = new Date('2025-06-15T12:00:00.000Z');
    const at = (ms: number) => new Date(now.getTime() + ms);
    assert.throws(
      () => pullCallHistory({ token: TOKEN, start: at(-45 * DAY), end: at(-35 * DAY), now: () => now }),
      (e: unknown) => e instanceof CdrFeedError && e.kind === 'range' && /30 days/.test(e.message),
    );
    assert.throws(() => planCallHistoryWindows(at(-3 * MINUTE), now, now), (e: unknown) => e instanceof CdrFeedError && /5 minutes/.test(e.message));
    assert.throws(() => planCallHistoryWindows(at(-HOUR), at(-2 * HOUR), now), /end after it starts/);
    assert.throws(() => planCallHistoryWindows(new Date(Number.NaN), now, now), /not a valid date/);
    assert.throws(() => pullCallHistory({ token: '', start: at(-DAY), end: now }), /No admin token/);
    assert.throws(() => pullCallHistory({ token: TOKEN, start: at(-DAY), end: now, pageSize: 501 }), /1 to 500/);
  });

  it('does not fetch or yield a page twice when a next link loops back', async () => {
    const clock = fakeClock();
    const urls: string[] = [];
    const loopingFetch: typeof fetch = async (input) => {
      const url = String(input);
      urls.push(url);
      const next = urls.length === 1 ? `${url}&cursor=2` : url.replace(/&cursor=2$/, '');
      return new Response(JSON.stringify({ items: [{ 'Report ID': `r${urls.length}` }] }), {
        status: 200,
        headers: { 'Content-Type': 'application/json', Link: `<${next}>; rel="next"` },
      });
    };
    const records = await collect({
      token: TOKEN,
      baseUrl: 'https://analytics-calling.webexapis.com/v1',
      start: new Date(clock.now().getTime() - DAY),
      end: new Date(clock.now().getTime() - 23 * HOUR),
      now: clock.now,
      sleep: clock.sleep,
      fetch: loopingFetch,
    });
    assert.deepEqual(ids(records), ['r1', 'r2']);
    assert.equal(urls.length, 2);
  });

  it('the fake enforces the 12-hour window, the time format and the token', async () => {
    const clock = fakeClock();
    const { base } = await serve({ now: clock.now });
    const start = new Date(clock.now().getTime() - DAY);
    const query = (end: Date, s = start.toISOString()) => `${base}/cdr_feed?startTime=${s}&endTime=${end.toISOString()}`;
    const auth = { Authorization: `Bearer ${TOKEN}` };
    let response = await fetch(query(new Date(start.getTime() + 13 * HOUR)), { headers: auth });
    assert.equal(response.status, 400);
    assert.match(((await response.json()) as { message: string }).message, /12 hours/);
    response = await fetch(query(new Date(start.getTime() + HOUR), '2025-06-14T12:00:00Z'), { headers: auth });
    assert.equal(response.status, 400);
    assert.match(((await response.json()) as { message: string }).message, /YYYY-MM-DDTHH:MM:SS\.mmmZ/);
    response = await fetch(query(new Date(start.getTime() + HOUR)));
    assert.equal(response.status, 401);
    response = await fetch(query(new Date(start.getTime() + HOUR)), { headers: auth });
    assert.equal(response.status, 200);
  });

  it('the fake generates the same calls however the range is cut', () => {
    const now = () => new Date('2025-06-15T12:00:00.000Z');
    const a = new FakeCdrFeed({ token: TOKEN, users: USERS, now });
    const b = new FakeCdrFeed({ token: TOKEN, users: USERS, now });
    const start = new Date('2025-06-10T03:17:00.000Z');
    const mid = new Date('2025-06-10T09:00:00.000Z');
    const end = new Date('2025-06-10T15:17:00.000Z');
    const whole = a.recordsBetween(start, end);
    const halves = [...b.recordsBetween(start, mid), ...b.recordsBetween(mid, end)];
    assert.ok(whole.length > 0);
    assert.deepEqual(halves, whole);
    const other = new FakeCdrFeed({ token: TOKEN, users: USERS, now, seed: 'other' });
    assert.notDeepEqual(other.recordsBetween(start, end), whole);
  });
});

describe('webex/callHistory: helpers', () => {
  it('recordValue finds a field whatever its casing, spaces or underscores', () => {
    const record: CallRecord = { 'Sub Client Type': 'MOBILE_NETWORK', report_id: 'abc', Duration: 42, Department: 'NA' };
    assert.equal(recordValue(record, 'Sub client type'), 'MOBILE_NETWORK');
    assert.equal(recordValue(record, 'subClientType'), 'MOBILE_NETWORK');
    assert.equal(recordValue(record, 'Report ID'), 'abc');
    assert.equal(recordValue(record, 'duration'), 42);
    assert.equal(recordValue(record, 'Correlation ID'), undefined);
    assert.equal(recordText(record, 'Duration'), '42');
    assert.equal(recordText(record, 'department'), '');
  });

  it('reads the region a 451 body names', () => {
    const current = new URL('https://analytics-calling.webexapis.com/v1');
    const read = (body: string) => regionBaseFromBody(body, current)?.href;
    assert.equal(
      read(JSON.stringify({ message: 'Request should go to URL: https://analytics-calling-eu.webexapis.com/v1/cdr_feed?startTime=x.', trackingId: 't' })),
      'https://analytics-calling-eu.webexapis.com/v1',
    );
    assert.equal(read(JSON.stringify({ errors: [{ description: 'Use analytics-calling-au.webexapis.com instead' }] })), 'https://analytics-calling-au.webexapis.com/v1');
    assert.equal(read('Wrong region; use "https://analytics-calling-in.webexapis.com".'), 'https://analytics-calling-in.webexapis.com/v1');
    assert.equal(read(JSON.stringify({ message: 'Wrong region', url: 'https://analytics-calling-gov.webexapis.com/' })), 'https://analytics-calling-gov.webexapis.com/v1');
    assert.equal(read(JSON.stringify({ message: 'Unavailable for legal reasons' })), undefined);
  });

  it('finds the rel="next" link among others', () => {
    assert.equal(nextLinkTarget('<https://x/v1/cdr_feed?a=1>; rel="prev", <https://x/v1/cdr_feed?a=2>; rel="next"'), 'https://x/v1/cdr_feed?a=2');
    assert.equal(nextLinkTarget('<https://x/n>;rel=next'), 'https://x/n');
    assert.equal(nextLinkTarget('<https://x/p>; rel="prev"'), undefined);
    assert.equal(nextLinkTarget(null), undefined);
  });
});
