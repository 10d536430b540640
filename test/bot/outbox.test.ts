/**
 * The outbox with a faked Messenger and a clock moved by hand: what Webex cannot take now is sent
 * later, once; a send of unknown outcome is looked for before it is sent again, and never sent
 * again where it cannot be looked for; a code no longer current is never sent; past the give-up
 * time the admins are told, without the code.
 */
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { OutboxSender, type OutboxTimings } from '../../src/bot/outbox.js';
import { adminText } from '../../src/render/messages/adminText.js';
import { userText } from '../../src/render/messages/userText.js';
import type { Messenger, OutgoingMessage } from '../../src/bot/ports.js';
import { ALICE, GROUP, admin, openBot, type BotFixture } from '../support/botFakes.js';

const ADMIN_TEXT = adminText('en');

const USER_TEXT = userText('en');

const MATCHING_ID = /\b[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}\b/;
const TIMINGS: OutboxTimings = { pollMs: 1000, firstRetryMs: 10_000, maxRetryMs: 60_000, giveUpMs: 60 * 60_000 };

/** A send Webex did not take, as the Webex messenger reports it. */
const failure = (sendFailure: 'safe-to-resend' | 'outcome-unknown' | 'refused') =>
  Object.assign(new Error(sendFailure === 'refused' ? 'Webex answered 404: no such person' : 'Webex answered 429: Too Many Requests'), { sendFailure });

describe('bot: the outbox', () => {
  let bot: BotFixture;
  let sender: OutboxSender;
  let sentInDirect: sinon.SinonStub<[string, Date], Promise<string[]>>;
  /** What the sender tried to send (the same stubs answer as for the dispatcher). */
  let tried: { to: string; message: OutgoingMessage }[];
  const sentTo = (to: string) => tried.filter((t) => t.to === to).map((t) => t.message);

  beforeEach(async () => {
    bot = await openBot();
    tried = [];
    sentInDirect = sinon.stub<[string, Date], Promise<string[]>>().resolves([]);
    const messenger: Messenger = {
      say: (to, message) => (tried.push({ to, message }), bot.messenger.say(to, message)),
      dm: (to, message) => (tried.push({ to, message }), bot.messenger.dm(to, message)),
      update: bot.messenger.update,
      download: bot.messenger.download,
      findPerson: bot.messenger.findPerson,
      sentInDirect,
    };
    const clock = bot.domain.clock;
    sender = new OutboxSender({ service: bot.service, messenger, log: (line) => bot.logs.push(line), qrPng: bot.qrPng }, TIMINGS, () => clock.now.getTime());
  });

  afterEach(async () => {
    sinon.restore();
    await bot.close();
  });

  /** Assigns a device to Alice while every 1:1 fails as given. */
  async function assignDuringOutage(kind: 'safe-to-resend' | 'outcome-unknown'): Promise<void> {
    bot.messenger.dm.rejects(failure(kind));
    await bot.type(admin, GROUP, 'GoBot assign alice@example.com');
    bot.messenger.dm.resetBehavior();
    bot.messenger.dm.resolves('dm-id');
    bot.forget();
  }

  it('what Webex did not take is kept, without the code, and sent once it takes messages again', async () => {
    await assignDuringOutage('safe-to-resend');
    const queued = bot.service.outbox();
    assert.deepEqual(queued.map((e) => [e.to, e.message.kind]), [[{ email: ALICE }, 'activation'], [{ email: admin.email }, 'activation']]);
    assert.doesNotMatch(JSON.stringify(queued), MATCHING_ID);

    await sender.runOnce();
    const details = bot.service.currentActivation(ALICE)!;
    assert.equal(sentTo(ALICE).length, 1);
    assert.equal(sentTo(ALICE)[0]!.markdown, USER_TEXT.activation('assign', details));
    assert.equal(sentTo(admin.email)[0]!.markdown, ADMIN_TEXT.activationQueued('assign', details));
    assert.deepEqual(bot.service.outbox(), []);
    await sender.runOnce();
    assert.equal(tried.length, 2, 'nothing twice');
  });

  it('a failed try waits its backoff before the next one', async () => {
    await assignDuringOutage('safe-to-resend');
    bot.messenger.dm.rejects(failure('safe-to-resend'));
    await sender.runOnce();
    assert.equal(tried.length, 2);
    await sender.runOnce();
    assert.equal(tried.length, 2, 'not before the backoff');
    assert.ok(bot.service.outbox().every((e) => e.tries === 2 && e.nextTryAt > bot.domain.clock.now.toISOString()));
    bot.domain.clock.advance(TIMINGS.firstRetryMs);
    await sender.runOnce();
    assert.equal(tried.length, 4);
  });

  it('a 1:1 of unknown outcome that arrived after all is not sent again; one that did not is', async () => {
    await assignDuringOutage('outcome-unknown');
    const details = bot.service.currentActivation(ALICE)!;
    assert.ok(bot.service.outbox().every((e) => e.uncertainSince));
    sentInDirect.withArgs(ALICE).resolves([USER_TEXT.activation('assign', details)]);
    await sender.runOnce();
    assert.deepEqual(sentTo(ALICE), [], 'arrived: not sent again');
    assert.equal(sentTo(admin.email).length, 1, 'not there: sent');
    assert.deepEqual(bot.service.outbox(), []);
  });

  it('an outcome in a space of unknown outcome is not posted again: the admin is told', async () => {
    bot.messenger.say.rejects(failure('outcome-unknown'));
    await bot.type(admin, GROUP, 'GoBot assign alice@example.com');
    bot.messenger.say.resetBehavior();
    bot.messenger.say.resolves('msg-id');
    bot.forget();
    await sender.runOnce();
    assert.deepEqual(sentTo(GROUP.id), []);
    await sender.runOnce();
    const notice = sentTo(admin.email).at(-1)!.markdown;
    assert.match(notice, /^\*\*Not delivered:\*\* the outcome of an admin's action, in the space where it was taken: "Webex Go device added for alice@example\.com\./);
    assert.match(notice, /Webex did not say whether it was posted/);
  });

  it('a queued code that is no longer the current one is dropped, never sent', async () => {
    await assignDuringOutage('safe-to-resend');
    await bot.type(admin, GROUP, 'GoBot code alice@example.com');
    bot.forget();
    await sender.runOnce();
    assert.deepEqual(tried, []);
    assert.deepEqual(bot.service.outbox(), []);
    assert.ok(bot.logs.some((l) => /dropped message .*no longer the one to redeem/.test(l)));
  });

  it('past the give-up time the watch space is told what was not delivered, without the code', async () => {
    await bot.service.updateSettings(admin.email, { watchSpaceId: 'watch-1' });
    await assignDuringOutage('safe-to-resend');
    bot.messenger.dm.rejects(failure('safe-to-resend'));
    bot.domain.clock.advance(TIMINGS.giveUpMs);
    await sender.runOnce();
    assert.deepEqual(bot.service.outbox().map((e) => e.to), [{ roomId: 'watch-1' }, { roomId: 'watch-1' }]);
    await sender.runOnce();
    const notices = sentTo('watch-1').map((m) => m.markdown);
    assert.deepEqual(notices.sort(), [
      ADMIN_TEXT.undelivered(ADMIN_TEXT.undeliveredActivationCopy(admin.email, ALICE), ADMIN_TEXT.gaveUpAfter(60, failure('safe-to-resend').message)),
      ADMIN_TEXT.undelivered(ADMIN_TEXT.undeliveredActivation(ALICE), ADMIN_TEXT.gaveUpAfter(60, failure('safe-to-resend').message)),
    ].sort());
    for (const notice of notices) assert.doesNotMatch(notice, MATCHING_ID);
    assert.deepEqual(bot.service.outbox(), []);
  });

  it('without a watch space the acting admin is told; a refusal is told at once; a notice that fails for good is only logged', async () => {
    await assignDuringOutage('safe-to-resend');
    bot.messenger.dm.withArgs(ALICE).rejects(failure('refused'));
    bot.messenger.dm.withArgs(admin.email).rejects(failure('refused'));
    await sender.runOnce();
    assert.equal(bot.service.outbox().filter((e) => e.message.kind === 'text' && e.message.what === 'admin-notice').length, 2);
    await sender.runOnce();
    assert.deepEqual(bot.service.outbox(), []);
    assert.ok(bot.logs.some((l) => /a notice to admins was not delivered either/.test(l)));
    assert.ok(bot.logs.every((l) => !MATCHING_ID.test(l)));
  });
});
