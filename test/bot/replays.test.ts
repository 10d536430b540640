/**
 * Webex may deliver one message or one button press more than once (a retried webhook, a replay):
 * each acts once, across restarts too.
 */
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { DeliveryTakenOver } from '../../src/domain/repository.js';
import { commandTable } from '../../src/bot/commands/index.js';
import { Dispatcher } from '../../src/bot/dispatcher.js';
import { ALICE, BOT_EMAIL, BOT_NAME, DM_ADMIN, GROUP, TINY_PDF, TINY_PNG, admin, openBot, type BotFixture } from '../support/botFakes.js';

describe('bot: repeated deliveries', () => {
  let bot: BotFixture;
  beforeEach(async () => {
    bot = await openBot();
  });
  afterEach(async () => {
    await bot.close();
  });

  const codesOf = async (email: string) =>
    (await bot.service.auditTrail({ email, limit: 100 })).filter((r) => r.outcome === 'ok' && (r.action === 'assign' || r.action === 'new-code')).length;

  it('a typed message delivered twice acts once, and still once after a restart', async () => {
    await bot.type(admin, DM_ADMIN, `assign ${ALICE}`, [], 'message-1');
    await bot.type(admin, DM_ADMIN, `code ${ALICE}`, [], 'message-2');
    await bot.type(admin, DM_ADMIN, `code ${ALICE}`, [], 'message-2');
    assert.equal(await codesOf(ALICE), 2);

    const restarted = await bot.domain.reopen();
    const again = new Dispatcher(
      { service: restarted.service, messenger: bot.messenger, log: () => undefined, qrPng: async () => TINY_PNG, sheetPdf: async () => TINY_PDF, chartPng: async () => TINY_PNG, deliverByWebex: true, maxUploadBytes: 1024 },
      commandTable(),
      () => ({ names: [BOT_NAME], emails: [BOT_EMAIL] }),
    );
    const sentBefore = bot.messenger.say.callCount;
    await again.onText(admin, DM_ADMIN, `code ${ALICE}`, [], 'message-2');
    assert.equal(bot.messenger.say.callCount, sentBefore, 'the replay was answered');
    assert.equal((await restarted.service.auditTrail({ email: ALICE, limit: 100 })).length, 2);
    // A new message with the same words is a new request.
    await again.onText(admin, DM_ADMIN, `code ${ALICE}`, [], 'message-3');
    assert.equal((await restarted.service.auditTrail({ email: ALICE, limit: 100 })).length, 3);
    await restarted.repo.close();
  });

  it('a button press delivered twice acts once, and still once after a restart', async () => {
    await bot.type(admin, GROUP, `GoBot assign ${ALICE}`);
    const view = bot.service.deviceOf(ALICE)!;
    const inputs = { command: 'code', args: ALICE, deviceId: view.id, version: view.lastChange.at };
    await bot.press(admin, GROUP, inputs, { id: 'action-1' });
    await bot.press(admin, GROUP, inputs, { id: 'action-1' });
    assert.equal(await codesOf(ALICE), 2);

    const restarted = await bot.domain.reopen();
    assert.equal(await restarted.service.claimDelivery('action-1', 'another-instance'), 'done');
    await restarted.repo.close();
  });

  it('a command whose delivery another instance took over (this one lost its store meanwhile) says nothing: the other answers', async () => {
    sinon.stub(bot.service, 'assign').rejects(new DeliveryTakenOver('message-1'));
    await bot.type(admin, DM_ADMIN, `assign ${ALICE}`, [], 'message-1');
    assert.deepEqual(bot.sent(), []);
    assert.ok(bot.logs.includes('delivery message-1 was taken over by another instance: this one no longer acts on it'), bot.logs.join('\n'));
  });
});
