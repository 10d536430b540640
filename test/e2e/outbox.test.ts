/**
 * Outages do not lose outcomes: with POST /v1/messages failing for a while, what an action must
 * tell (the outcome, the user's activation details, the admin's copy) waits in the outbox and
 * arrives, once, when Webex takes messages again; a send Webex may have acted on is looked for
 * before it is sent again. A message Webex announces but never lets the bot read is logged.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Room } from '../../src/localwebex/types.js';
import { ESIM_TOKEN, startBot, type RunningBot } from '../support/botHarness.js';
import { ADMIN } from '../support/domain.js';
import { MATCHING_ID, activationIn, activationMessages, assertGroupSpacesKeepSecrets, freshEmail, fromBot, redeem, settle, waitUntil } from '../support/e2e.js';

/** The client tries a message once more after a 429 before the outbox takes it over. */
const RETRIES = 1;
/**
 * Longer than the client waits out 429s (RETRIES Retry-After: 1 waits) for each of the three
 * messages, sent one after another, with room for a loaded machine to draw the QR in between.
 */
const RATE_LIMITED_MS = 3 * RETRIES * 1000 + 3000;
/** 5xx answers to a POST are not retried by the client: a short outage is enough. */
const FAILING_MS = 1500;

describe('e2e: an outage of POST /v1/messages', function () {
  this.timeout(60_000);
  let bot: RunningBot;
  let ops: Room;
  let adminDm: Room;

  before(async () => {
    bot = await startBot({
      settings: { licenses: 20 },
      timings: { outboxTimings: { pollMs: 100, firstRetryMs: 300, maxRetryMs: 1000 }, webexStartup: { tryTimeoutMs: 500, backoffMs: 50 }, webexRetries: RETRIES },
    });
    ops = await bot.groupSpace('Ops', [ADMIN]);
    adminDm = bot.fake.directSpace(ADMIN);
  });

  after(async () => {
    await bot.stop();
  });

  const userDm = (email: string) => bot.fake.directSpace(email);
  const outage = (status: number, forMs: number, extra: { retryAfterSeconds?: number } = {}) =>
    bot.fake.failNext({ method: 'POST', path: /^\/v1\/messages$/, status, forMs, ...extra });
  /** Files the store wrote, but the codes file (which keeps the current, unredeemed codes). */
  const storeFilesWithoutCodes = async () =>
    (await Promise.all(['webex-go.json', 'webex-go.journal.jsonl'].map((f) => readFile(join(bot.dir, f), 'utf8').catch(() => '')))).join('\n');

  it('Webex saying "not now" (429) through an assign: the outcome, the code and the copy arrive afterwards, once each', async () => {
    const email = freshEmail('outage');
    bot.fake.addPerson({ email });
    const adminCopiesBefore = activationMessages(bot.fake, adminDm.id).length;
    outage(429, RATE_LIMITED_MS, { retryAfterSeconds: 1 });
    bot.fake.postMessage({ roomId: ops.id, fromEmail: ADMIN, text: `assign ${email}`, mentionBot: true });

    await waitUntil(() => activationMessages(bot.fake, userDm(email).id).length === 1, "the user's activation details", 30_000);
    await waitUntil(() => activationMessages(bot.fake, adminDm.id).length === adminCopiesBefore + 1, "the admin's copy", 20_000);
    await waitUntil(() => fromBot(bot.fake, ops.id).some((m) => m.markdown?.startsWith(`Webex Go device added for ${email}.`)), 'the outcome', 20_000);
    await waitUntil(() => bot.app.service.outbox().length === 0, 'an empty outbox');
    assert.ok(bot.logs.some((l) => /outbox: Webex did not take a message/.test(l)), 'they went through the outbox');
    await settle(500);

    assert.equal(activationMessages(bot.fake, userDm(email).id).length, 1, 'the details once');
    assert.equal(fromBot(bot.fake, ops.id).filter((m) => m.markdown?.includes(`device added for ${email}`)).length, 1, 'the outcome once');
    const copy = activationMessages(bot.fake, adminDm.id).at(-1)!;
    assert.match(copy.markdown!, new RegExp(`Webex did not take my message to ${email.replace(/\./g, '\\.')} just now`));
    const code = activationIn(activationMessages(bot.fake, userDm(email).id)[0]!)!;
    assert.equal(code.matchingId, activationIn(copy)!.matchingId, 'the same code to both');
    assert.equal((await redeem(bot, code.lpa, ESIM_TOKEN)).status, 200, 'and it works');
    // The outbox kept a reference, never the code: no store file but the codes file ever held it.
    assert.ok(!(await storeFilesWithoutCodes()).includes(code.matchingId), 'a code in the snapshot or the journal');
  });

  it('server errors (5xx: Webex may have posted): a 1:1 is looked for before it is sent again and arrives once; an outcome in a space is not posted again and the admin is told', async () => {
    const email = freshEmail('fivexx');
    bot.fake.addPerson({ email });
    outage(502, FAILING_MS);
    bot.fake.postMessage({ roomId: ops.id, fromEmail: ADMIN, text: `assign ${email}`, mentionBot: true });

    await waitUntil(() => activationMessages(bot.fake, userDm(email).id).length === 1, "the user's activation details", 20_000);
    const notice = await bot.fake.waitForMessage(
      (m) => m.roomId === adminDm.id && m.personEmail !== ADMIN && (m.markdown ?? '').startsWith('**Not delivered:** the outcome') && m.markdown!.includes(email),
      20_000,
    );
    assert.match(notice.markdown!, /Webex did not say whether it was posted .*so I did not post it again/);
    assert.doesNotMatch(notice.markdown!, MATCHING_ID);
    await waitUntil(() => bot.app.service.outbox().length === 0, 'an empty outbox', 20_000);
    await settle(500);
    assert.equal(activationMessages(bot.fake, userDm(email).id).length, 1, 'the details once');
    assert.ok(bot.fake.requests.some((r) => r.method === 'GET' && r.path === '/v1/messages/direct'), 'the 1:1 was looked at first');
    assert.equal(fromBot(bot.fake, ops.id).filter((m) => m.markdown?.includes(`device added for ${email}`)).length, 0, 'the outcome was not posted twice');
  });

  it('a message whose GET /v1/messages/:id never answers is logged, and the next one is answered', async () => {
    bot.fake.failNext({ method: 'GET', path: /^\/v1\/messages\/[^/]+$/, status: 'hang', times: 5 });
    const before = fromBot(bot.fake, adminDm.id).length;
    await bot.ready(adminDm.id);
    bot.fake.postMessage({ roomId: adminDm.id, fromEmail: ADMIN, text: 'licenses' });
    await waitUntil(() => bot.logs.some((l) => /could not read a message a webhook announced/.test(l)), 'the log line', 15_000);
    assert.equal(fromBot(bot.fake, adminDm.id).length, before, 'nothing was answered');
    assert.match((await bot.type(adminDm.id, ADMIN, 'licenses')).markdown!, /Webex Go licenses in use/);
  });

  it('no group-space message and no log line carries a code', () => {
    assertGroupSpacesKeepSecrets(bot.fake, bot.logs);
  });
});
