import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import express from 'express';
import { personUuidOfId } from '../../src/calls/index.js';
import { FakeCdrFeed } from '../../src/localwebex/cdrFeed.js';
import type { Message } from '../../src/localwebex/types.js';
import { startBot, type RunningBot } from '../support/botHarness.js';
import { ADMIN } from '../support/domain.js';
import { waitUntil } from '../support/e2e.js';

const ADMIN_TOKEN = 'cdr-admin-token';
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

async function serve(feed: FakeCdrFeed): Promise<{ server: Server; base: string }> {
  const app = express();
  app.use('/v1', feed.router);
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address() as { port: number };
  return { server, base: `http://127.0.0.1:${address.port}/v1` };
}

describe('calls: Webex Go calls from the Detailed Call History, end to end', () => {
  let bot: RunningBot;
  let region: { server: Server; base: string };
  let home: { server: Server; base: string };
  const eu = new FakeCdrFeed({ token: ADMIN_TOKEN, users: ['alice@example.com', 'bob@example.com'] });

  before(async () => {
    region = await serve(eu);
    // The org lives in the EU: the default region answers 451 naming the right host.
    home = await serve(new FakeCdrFeed({ token: ADMIN_TOKEN, users: ['x@example.com'], redirectTo: region.base }));
    bot = await startBot({ env: { WEBEX_ADMIN_TOKEN: ADMIN_TOKEN, CDR_BASE_URL: home.base, CDR_PACE_MS: '200' } });
    bot.fake.addPerson({ email: ADMIN, displayName: 'Ada Admin' });
  });

  after(async () => {
    await bot.stop();
    region.server.close();
    home.server.close();
  });

  /** Sends a message (with a file) in the admin's 1:1 and collects the bot's answers until `count` arrived. */
  async function ask(text: string, count: number, file?: { filename: string; data: Buffer }): Promise<Message[]> {
    const room = bot.fake.directSpace(ADMIN);
    await bot.ready(room.id);
    const before = new Set(bot.fake.messages(room.id).map((m) => m.id));
    bot.fake.postMessage({ roomId: room.id, fromEmail: ADMIN, text, ...(file ? { files: [{ ...file, contentType: 'text/csv' }] } : {}) });
    const answers = () => bot.botMessages(room.id).filter((m) => !before.has(m.id));
    await waitUntil(() => answers().length >= count, `${count} answers to "${text}"`, 15_000);
    return answers();
  }

  it('summarises an attached export: a card, a chart and the Webex Go records as CSV', async () => {
    const data = await readFile('test/fixtures/cdr/summary.csv');
    const [summary, chart, csv] = await ask('calls', 3, { filename: 'summary.csv', data });
    assert.match(summary.markdown ?? '', /Webex Go calls: \d+ of \d+/);
    const card = JSON.stringify(summary.attachments?.[0]?.content);
    assert.match(card, /Webex Go calls: \d+ of \d+/);
    assert.match(card, /From the attached export \(summary\.csv\)/);
    assert.equal(chart.files?.[0]?.contentType, 'image/png');
    assert.ok(chart.files?.[0]?.data.subarray(0, 4).equals(PNG));
    const rows = csv.files?.[0]?.data.toString('utf8').trim().split(/\r?\n/) ?? [];
    assert.equal(rows[0].replace(/^\uFEFF/, ''), data.toString('utf8').replace(/^\uFEFF/, '').split(/\r?\n/)[0], 'the columns as in the input');
    assert.ok(rows.slice(1).every((row) => /mobile_network/i.test(row)), 'only Webex Go records');
  });

  it('names the columns a file that is no call history lacks', async () => {
    const data = await readFile('test/fixtures/cdr/not-call-history.csv');
    const [answer] = await ask('calls', 1, { filename: 'people.csv', data });
    assert.match(answer.markdown ?? '', /Report ID/);
  });

  it('pulls a period from the API, following the 451 region redirect and waiting out a 429', async () => {
    eu.failNext({ status: 429, retryAfterSeconds: 1 });
    const [summary, chart, csv] = await ask('calls last 24h', 3);
    assert.equal(chart.files?.[0]?.contentType, 'image/png');
    assert.equal(csv.files?.[0]?.contentType, 'text/csv');
    assert.match(summary.markdown ?? '', /Webex Go calls: [1-9]\d* of \d+/);
    assert.match(JSON.stringify(summary.attachments?.[0]?.content), /Detailed Call History API/);
    assert.ok(eu.requests.some((r) => r.status === 429) && eu.requests.some((r) => r.status === 200));
  });

  it('says what is wrong with a period it cannot read', async () => {
    const [answer] = await ask('calls yesterday-ish', 1);
    assert.match(answer.markdown ?? answer.text ?? '', /is not a period I know\. Type it as \*\*calls/);
  });
});

describe('calls: real records name people by UUID; long pulls say so and are paced, end to end', () => {
  const PACE_MS = 400;
  let bot: RunningBot;
  let api: { server: Server; base: string };
  let feed: FakeCdrFeed;
  let alice: { email: string; uuid: string };

  before(async () => {
    // The feed must know the people's UUIDs, which the fake Webex draws when it adds them: the feed's
    // server answers through a gate until then.
    const app = express();
    app.use('/v1', (req, res, next) => feed.router(req, res, next));
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    api = { server, base: `http://127.0.0.1:${(server.address() as { port: number }).port}/v1` };
    bot = await startBot({ env: { WEBEX_ADMIN_TOKEN: ADMIN_TOKEN, CDR_BASE_URL: api.base, CDR_PACE_MS: String(PACE_MS) } });
    bot.fake.addPerson({ email: ADMIN, displayName: 'Ada Admin' });
    const people = ['alice@example.com', 'bob@example.com'].map((email, i) => {
      const person = bot.fake.addPerson({ email, displayName: ['Alice Andersen', 'Bob Berg'][i] });
      return { email, displayName: person.displayName, uuid: personUuidOfId(person.id)! };
    });
    alice = people[0];
    feed = new FakeCdrFeed({ token: ADMIN_TOKEN, users: people.map((p) => p.email), people });
  });

  after(async () => {
    await bot.stop();
    api.server.close();
  });

  async function ask(text: string, count: number, file?: { filename: string; data: Buffer; contentType: string }): Promise<Message[]> {
    const room = bot.fake.directSpace(ADMIN);
    await bot.ready(room.id);
    const before = new Set(bot.fake.messages(room.id).map((m) => m.id));
    bot.fake.postMessage({ roomId: room.id, fromEmail: ADMIN, text, ...(file ? { files: [file] } : {}) });
    const answers = () => bot.botMessages(room.id).filter((m) => !before.has(m.id));
    await waitUntil(() => answers().length >= count && answers()[0].attachments !== undefined, `${count} answers to "${text}"`, 20_000);
    return answers();
  }

  it('says "working on it" first, edits it while pacing the windows, and replaces it with the result', async () => {
    await bot.app.service.assign(ADMIN, alice.email);
    const [summary, chart, csv] = await ask('calls last 24h', 3);
    // The progress message became the card.
    assert.ok(summary.editCount >= 1, 'the working-on-it message was edited into the result');
    assert.match(JSON.stringify(summary.attachments?.[0]?.content), /Webex Go calls: [1-9]\d* of \d+/);
    assert.equal(chart.files?.[0]?.contentType, 'image/png');
    assert.match(csv.files?.[0]?.filename ?? '', /^webex-go-calls-\d{4}-\d{2}-\d{2}(_\d{4}-\d{2}-\d{2})?\.csv$/);
    // Window requests (those without a cursor) at least the configured pace apart, on a local base URL.
    const starts = feed.requests.filter((r) => r.query.cursor === undefined).map((r) => r.at.getTime());
    assert.ok(starts.length >= 2, `${starts.length} windows`);
    for (let i = 1; i < starts.length; i++) assert.ok(starts[i] - starts[i - 1] >= PACE_MS - 20, `windows ${starts[i] - starts[i - 1]} ms apart`);
    // People by UUID: the records name "Alice Andersen"; her device here is matched, not a stranger.
    const text = summary.markdown ?? '';
    assert.match(text, /`Alice Andersen` \(alice@example\.com\)/);
    assert.doesNotMatch(text, /no Webex Go device here: [^\n]*Alice/);
    assert.doesNotMatch(text, /neither a User UUID nor an email/);
  });

  it('calls <email> picks out that person by UUID from a pull and from an attached JSON export', async () => {
    const [pulled] = await ask(`calls ${alice.email} last 24h`, 3);
    const card = JSON.stringify(pulled.attachments?.[0]?.content);
    assert.match(card, /calls of alice@example\.com/);
    assert.doesNotMatch(card, /Bob Berg/);

    // The API's example record, John Andersen's, here as Alice's: her UUID in place of John's.
    const page = (await readFile('test/fixtures/cdr/api-records.json', 'utf8')).replaceAll('47f0d0c2-f05a-44cc-870d-7a3daf859c6c', alice.uuid);
    const [uploaded] = await ask(`calls ${alice.email}`, 3, { filename: 'records.txt', data: Buffer.from(page), contentType: 'application/octet-stream' });
    assert.match(uploaded.markdown ?? '', /^Webex Go calls: 2 of 3$/m);
    assert.match(uploaded.markdown ?? '', /`John Andersen` \(alice@example\.com\): 2/);
    assert.match(uploaded.markdown ?? '', /Detailed Call History, 2020-05-14 \(UTC\u221205:00\)/);
  });
});
