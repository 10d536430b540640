/**
 * Downloading an attached file has one deadline for the whole download, body included: a sender
 * that trickles bytes (or never answers) is cut off, its connection closed, and the admin who
 * typed `calls` is told why. A loopback server plays the slow sender.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buffer } from 'node:stream/consumers';
import { ConfigError, loadConfig } from '../../src/config.js';
import { WebexClient } from '../../src/webex/webexClient.js';
import { WebexMessenger, type WebexSdk } from '../../src/webex/messenger.js';
import { admin, DM_ADMIN, openBot, type BotFixture } from '../support/botFakes.js';

const HEADER = 'Correlation ID,Start time,User,Device type,Duration\r\n';

interface SlowSender {
  url: string;
  /** Resolves with the milliseconds from the request to its connection closing. */
  closed: Promise<number>;
  /** Bytes of the body sent when the connection closed. */
  sent(): number;
  close(): Promise<void>;
}

/** Serves `respond` on loopback and reports when the client's connection closes. */
async function serve(respond: (req: IncomingMessage, res: ServerResponse, count: (bytes: number) => void) => void): Promise<SlowSender> {
  let sent = 0;
  let reportClose: (ms: number) => void = () => undefined;
  const closed = new Promise<number>((resolve) => (reportClose = resolve));
  const server: Server = createServer((req, res) => {
    const started = Date.now();
    req.socket.once('close', () => reportClose(Date.now() - started));
    respond(req, res, (bytes) => (sent += bytes));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/contents/file-1`,
    closed,
    sent: () => sent,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** One byte every 100 ms after the header, 100 bytes at most: ten seconds, then it ends by itself. */
function trickle(_req: IncomingMessage, res: ServerResponse, count: (bytes: number) => void): void {
  res.writeHead(200, { 'content-type': 'text/csv', 'content-disposition': 'attachment; filename="calls.csv"' });
  res.write(HEADER);
  let left = 100;
  const timer = setInterval(() => {
    if (res.destroyed || left-- <= 0) {
      clearInterval(timer);
      if (!res.destroyed) res.end();
      return;
    }
    res.write('x');
    count(1);
  }, 100);
  res.once('close', () => clearInterval(timer));
}

const noSdk = (): WebexSdk => {
  throw new Error('these tests download only');
};

/** The messenger as the app builds it; a short deadline keeps the tests quick (the setting is checked on its own). */
const DEADLINE_MS = 300;
function messengerWithDeadline(ms = DEADLINE_MS): WebexMessenger {
  return new WebexMessenger(noSdk, new WebexClient(), () => 'test-token', ms);
}

describe('downloading an attached file', () => {
  let sender: SlowSender | undefined;
  let bot: BotFixture | undefined;

  afterEach(async () => {
    await sender?.close();
    await bot?.close();
    sender = undefined;
    bot = undefined;
  });

  it('has a deadline of 120 s unless DOWNLOAD_TIMEOUT_SECONDS says otherwise', () => {
    assert.equal(loadConfig({}).downloadTimeoutMs, 120_000);
    assert.equal(loadConfig({ DOWNLOAD_TIMEOUT_SECONDS: '30' }).downloadTimeoutMs, 30_000);
    assert.throws(() => loadConfig({ DOWNLOAD_TIMEOUT_SECONDS: '0' }), ConfigError);
  });

  it('cuts off a file that trickles in past the deadline, closes the connection, and tells the admin', async () => {
    sender = await serve(trickle);
    bot = await openBot();
    const messenger = messengerWithDeadline();
    bot.messenger.download.callsFake((url) => messenger.download(url));

    const started = Date.now();
    await bot.type(admin, DM_ADMIN, 'calls', [sender.url]);
    const closedAfter = await sender.closed;

    assert.ok(closedAfter >= DEADLINE_MS - 50 && closedAfter < DEADLINE_MS + 2000, `the connection closed after ${closedAfter} ms`);
    assert.ok(sender.sent() < 100, 'the download stopped before the sender ran out');
    assert.ok(Date.now() - started < 5000);
    const said = bot.said(DM_ADMIN.id).map((m) => m.markdown);
    assert.equal(said.length, 1, said.join('\n'));
    assert.match(said[0]!, /^I could not download the attached file: it did not arrive in full within 0\.3 s\. Attach it again in a moment\.$/);
  });

  it('cuts off a sender that never answers, within the same deadline', async () => {
    sender = await serve(() => undefined);
    const messenger = messengerWithDeadline();
    const started = Date.now();
    await assert.rejects(messenger.download(sender.url), { message: 'it did not arrive in full within 0.3 s' });
    assert.ok(Date.now() - started < DEADLINE_MS + 2000);
    const closedAfter = await sender.closed;
    assert.ok(closedAfter < DEADLINE_MS + 2000, `the connection closed after ${closedAfter} ms`);
  });

  it('reads a file that arrives in time, whole, with its name and size', async () => {
    const body = `${HEADER}c1,2026-11-01T10:00:00Z,alice@example.com,Webex Go,60\r\n`;
    sender = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/csv', 'content-length': Buffer.byteLength(body), 'content-disposition': 'attachment; filename="calls.csv"' });
      res.end(body);
    });
    const file = await messengerWithDeadline().download(sender.url);
    assert.equal(file.filename, 'calls.csv');
    assert.equal(file.size, Buffer.byteLength(body));
    assert.equal((await buffer(file.stream)).toString('utf8'), body);
    // The deadline is over with the download: nothing fires later.
    await new Promise((resolve) => setTimeout(resolve, DEADLINE_MS + 200));
    assert.ok(!file.stream.errored);
  });
});
