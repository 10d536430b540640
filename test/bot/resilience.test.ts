import assert from 'node:assert/strict';
import sinon from 'sinon';
import { ALICE, DM_ADMIN, GROUP, admin, bob, openBot, type BotFixture } from '../support/botFakes.js';
import { adminText } from '../../src/render/messages/adminText.js';
import { commandText } from '../../src/render/messages/commandText.js';

const ADMIN_TEXT = adminText('en');

const COMMAND_TEXT = commandText('en');

/** Runs `fn` and fails if any promise rejection went unhandled meanwhile. */
async function noUnhandledRejection(fn: () => Promise<void>): Promise<void> {
  const escaped: unknown[] = [];
  const onRejection = (reason: unknown) => escaped.push(reason);
  process.on('unhandledRejection', onRejection);
  try {
    await fn();
    // Unhandled rejections are reported after the microtask queue drains.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('unhandledRejection', onRejection);
  }
  assert.deepEqual(escaped.map(String), [], 'no rejection escaped');
}

describe('bot: nothing escapes', () => {
  let bot: BotFixture;
  beforeEach(async () => {
    bot = await openBot();
  });
  afterEach(async () => {
    sinon.restore();
    await bot.close();
  });

  it('when Webex refuses every message, typing still resolves and the failure is logged', async () => {
    bot.messenger.say.rejects(new Error('Webex answered 500: down'));
    await noUnhandledRejection(() => bot.type(admin, GROUP, 'GoBot licenses'));
    assert.equal(bot.messenger.say.callCount, 2, 'the answer, then the apology, were both tried');
    assert.ok(bot.logs.some((l) => l.includes('Webex answered 500: down')), bot.logs.join('\n'));
  });

  it('when Webex refuses every message, refusals, unknown commands and usage errors still resolve', async () => {
    bot.messenger.say.rejects(new Error('Webex answered 503: busy'));
    await noUnhandledRejection(async () => {
      await bot.type(bob, GROUP, 'GoBot assign alice@example.com');
      await bot.type(admin, GROUP, 'GoBot frobnicate');
      await bot.type(admin, GROUP, 'GoBot assign');
      await bot.type(admin, GROUP, 'GoBot code alice@example.com');
    });
  });

  it('when updating a card and posting both fail, a press still resolves', async () => {
    await bot.service.assign(admin.email, ALICE);
    const view = bot.service.deviceOf(ALICE)!;
    bot.domain.clock.advance(1000);
    bot.messenger.update.rejects(new Error('Webex answered 500: down'));
    bot.messenger.say.rejects(new Error('Webex answered 500: down'));
    await noUnhandledRejection(() =>
      bot.press(admin, GROUP, { command: 'code', args: ALICE, deviceId: view.id, version: view.lastChange.at }),
    );
  });

  it('when every 1:1 fails, assign still resolves and the device stands', async () => {
    bot.messenger.dm.rejects(new Error('Webex answered 404: not found'));
    await noUnhandledRejection(() => bot.type(admin, GROUP, 'GoBot assign alice@example.com'));
    assert.ok(bot.service.deviceOf(ALICE));
    const group = bot.said(GROUP.id).map((m) => m.markdown);
    assert.ok(group.includes(ADMIN_TEXT.dmFailed(ALICE, 'Webex answered 404: not found')));
    assert.ok(group.includes(ADMIN_TEXT.dmFailed(admin.email, 'Webex answered 404: not found')));
  });

  it('an unexpected error in a command is answered with the apology, without its details', async () => {
    sinon.stub(bot.service, 'devices').throws(new Error('disk on fire at /var/secret'));
    await noUnhandledRejection(() => bot.type(admin, DM_ADMIN, 'devices'));
    assert.deepEqual(bot.said(DM_ADMIN.id).map((m) => m.markdown), [COMMAND_TEXT.internalError]);
    assert.ok(bot.logs.some((l) => l.includes('disk on fire')), 'the details go to the log');
  });

  it('an unexpected error while making the QR code is answered with the apology', async () => {
    bot.qrPng.rejects(new Error('qr encoder broke'));
    await noUnhandledRejection(() => bot.type(admin, GROUP, 'GoBot assign alice@example.com'));
    assert.equal(bot.said(GROUP.id).at(-1)?.markdown, COMMAND_TEXT.internalError);
  });

  it('an unexpected error in a pressed command is answered with the apology', async () => {
    sinon.stub(bot.service, 'devices').throws(new Error('boom'));
    await noUnhandledRejection(() => bot.press(admin, GROUP, { command: 'devices', args: 'page 2' }));
    assert.deepEqual(bot.said(GROUP.id).map((m) => m.markdown), [COMMAND_TEXT.internalError]);
  });
});
