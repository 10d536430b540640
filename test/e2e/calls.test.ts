import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import express from 'express';
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
