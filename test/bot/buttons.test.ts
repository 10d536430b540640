import assert from 'node:assert/strict';
import type { DeviceView } from '../../src/domain/types.js';
import { ALICE, DM_ADMIN, GROUP, admin, bob, cardActions, openBot, submitAction, type BotFixture } from '../support/botFakes.js';
import { adminText } from '../../src/render/messages/adminText.js';
import { commandText } from '../../src/render/messages/commandText.js';
import { userText } from '../../src/render/messages/userText.js';

const ADMIN_TEXT = adminText('en');

const COMMAND_TEXT = commandText('en');

const USER_TEXT = userText('en');

const MINUTE = 60_000;

/** What a button on alice's device card carries, as the card was sent for `view`. */
function buttonData(view: DeviceView, command: string, extra: Record<string, string> = {}): Record<string, string> {
  return { command, args: view.email, deviceId: view.id, version: view.lastChange.at, ...extra };
}

/** How many times the store recorded an admin action that went through. */
async function done(bot: BotFixture, action: string): Promise<number> {
  return (await bot.service.auditTrail({ limit: 100 })).filter((r) => r.action === action && r.outcome === 'ok').length;
}

describe('bot: card buttons', () => {
  let bot: BotFixture;
  beforeEach(async () => {
    bot = await openBot();
  });
  afterEach(async () => {
    await bot.close();
  });

  describe('a device card', () => {
    let sent: DeviceView;
    beforeEach(async () => {
      await bot.type(admin, GROUP, 'GoBot assign alice@example.com');
      sent = bot.service.deviceOf(ALICE)!;
      bot.domain.clock.advance(MINUTE);
      bot.forget();
    });

    it('carries buttons that name the device and its version', () => {
      // The card the admin saw after assign.
      const card = bot.messenger.say.firstCall.args[1].card;
      assert.deepEqual(submitAction(card, 'code'), buttonData(sent, 'code'));
      assert.deepEqual(submitAction(card, 'lost', 'yes'), buttonData(sent, 'lost', { confirm: 'yes' }));
      assert.deepEqual(submitAction(card, 'delete', 'yes'), buttonData(sent, 'delete', { confirm: 'yes' }));
    });

    it('"Generate new activation code" acts and replaces the pressed card', async () => {
      await bot.press(admin, GROUP, buttonData(sent, 'code'), { messageId: 'card-assign' });
      const updates = bot.updates();
      assert.equal(updates.length, 1);
      assert.equal(updates[0].roomId, GROUP.id);
      assert.equal(updates[0].messageId, 'card-assign', 'the pressed card is the one replaced');
      assert.ok(updates[0].message.markdown.startsWith(ADMIN_TEXT.issuedPublic('new-code', ALICE, true, admin.email)));
      assert.equal(bot.said().length, 0, 'no new message in the space');
      assert.equal(bot.dms(ALICE).length, 1, 'alice gets the new code');
      assert.equal(await done(bot, 'new-code'), 1);
    });

    it('a card older than the device does nothing and is refreshed', async () => {
      await bot.type(admin, GROUP, 'GoBot code alice@example.com'); // the device changed since the card was sent
      const now = bot.service.deviceOf(ALICE)!;
      const activation = bot.service.currentActivation(ALICE)!;
      bot.domain.clock.advance(MINUTE);
      bot.forget();

      await bot.press(admin, GROUP, buttonData(sent, 'code'), { messageId: 'card-old' });

      assert.deepEqual(bot.sent().map((s) => [s.kind, s.messageId]), [['update', 'card-old']], 'only the pressed card changes');
      const [refresh] = bot.updates();
      assert.ok(refresh.message.markdown.startsWith(ADMIN_TEXT.outdatedCard(ALICE)), refresh.message.markdown);
      assert.deepEqual(submitAction(refresh.message.card, 'code'), buttonData(now, 'code'), 'the refreshed card acts on the device as it is now');
      assert.equal(await done(bot, 'new-code'), 1, 'no second code');
      assert.equal(bot.service.currentActivation(ALICE)?.matchingId, activation.matchingId, 'the current code still works');
    });

    it('an outdated lost/stolen or delete press does nothing either', async () => {
      await bot.type(admin, GROUP, 'GoBot code alice@example.com');
      bot.forget();
      await bot.press(admin, GROUP, buttonData(sent, 'lost', { confirm: 'yes' }), { messageId: 'card-old-1' });
      await bot.press(admin, GROUP, buttonData(sent, 'delete', { confirm: 'yes' }), { messageId: 'card-old-2' });
      assert.deepEqual(
        bot.updates().map((u) => u.message.markdown.split('\n')[0]),
        [ADMIN_TEXT.outdatedCard(ALICE), ADMIN_TEXT.outdatedCard(ALICE)],
      );
      assert.ok(bot.service.deviceOf(ALICE));
      assert.equal(await done(bot, 'lost-stolen'), 0);
      assert.equal(await done(bot, 'delete'), 0);
    });

    it('a card of a device that was deleted says so and does nothing', async () => {
      await bot.service.deleteDevice(admin.email, ALICE);
      await bot.press(admin, GROUP, buttonData(sent, 'code'), { messageId: 'card-gone' });
      assert.deepEqual(bot.updates().map((u) => [u.messageId, u.message.markdown]), [['card-gone', ADMIN_TEXT.deviceGone(ALICE)]]);
      assert.equal(bot.service.deviceOf(ALICE), undefined);
      assert.equal(bot.dms().length, 0);
    });

    it('the same press delivered twice acts once', async () => {
      const press = { id: 'press-twice', messageId: 'card-assign', inputs: buttonData(sent, 'code') };
      await bot.dispatcher.onPress(admin, GROUP, press);
      await bot.dispatcher.onPress(admin, GROUP, press);
      assert.equal(bot.updates().length, 1, 'the card is replaced once; the second delivery says nothing at all');
      assert.equal(bot.said().length, 0);
      assert.equal(bot.dms(ALICE).length, 1, 'one code sent');
      assert.equal(await done(bot, 'new-code'), 1);
    });

    it('two different presses of the same button (a double click): one acts, and the card keeps its outcome', async () => {
      await bot.press(admin, GROUP, buttonData(sent, 'code'), { id: 'press-a', messageId: 'card-assign' });
      await bot.press(admin, GROUP, buttonData(sent, 'code'), { id: 'press-b', messageId: 'card-assign' });
      assert.equal(await done(bot, 'new-code'), 1);
      assert.equal(bot.updates().length, 1, 'the second press does not overwrite the outcome');
      assert.ok(bot.updates()[0].message.markdown.startsWith(ADMIN_TEXT.issuedPublic('new-code', ALICE, true, admin.email)));
      assert.equal(bot.said().length, 0);
    });
  });

  describe('confirmation flows', () => {
    beforeEach(async () => {
      await bot.service.assign(admin.email, ALICE);
      bot.domain.clock.advance(MINUTE);
      bot.forget();
    });

    it('lost: typed → a question card; "Yes" marks the phone lost and issues a new code', async () => {
      const before = bot.service.currentActivation(ALICE)!;
      await bot.type(admin, GROUP, 'GoBot lost alice@example.com');
      const [question] = bot.said(GROUP.id);
      assert.equal(question.markdown, ADMIN_TEXT.confirmLost(ALICE));
      assert.ok(JSON.stringify(question.card).includes(ADMIN_TEXT.confirmLost(ALICE)));
      assert.equal(await done(bot, 'lost-stolen'), 0, 'nothing happens before the answer');
      const questionId = await bot.messenger.say.firstCall.returnValue;

      const yes = submitAction(question.card, 'lost', 'yes');
      assert.ok(yes);
      bot.forget();
      await bot.press(admin, GROUP, yes, { messageId: questionId });

      assert.equal(await done(bot, 'lost-stolen'), 1);
      const [answer] = bot.updates();
      assert.equal(answer.messageId, questionId, 'the question card becomes the answer');
      assert.ok(answer.message.markdown.startsWith(ADMIN_TEXT.issuedPublic('lost-stolen', ALICE, true, admin.email)));
      const after = bot.service.currentActivation(ALICE)!;
      assert.notEqual(after.matchingId, before.matchingId);
      assert.equal(bot.dms(ALICE)[0].markdown, USER_TEXT.activation('lost-stolen', after));
    });

    it('delete: typed → a question card; "Yes" deletes and frees the license', async () => {
      await bot.type(admin, DM_ADMIN, 'delete alice@example.com');
      const [question] = bot.said(DM_ADMIN.id);
      assert.equal(question.markdown, ADMIN_TEXT.confirmDelete(ALICE));
      const yes = submitAction(question.card, 'delete', 'yes');
      assert.ok(yes);
      bot.forget();
      await bot.press(admin, DM_ADMIN, yes, { messageId: 'question-1' });

      assert.equal(bot.service.deviceOf(ALICE), undefined);
      assert.deepEqual(bot.service.licensePool(), { total: 10, inUse: 0, available: 10 });
      assert.deepEqual(bot.updates().map((u) => [u.messageId, u.message.markdown]), [['question-1', ADMIN_TEXT.deletedPublic(ALICE, true)]]);
      assert.deepEqual(bot.dms(ALICE).map((m) => m.markdown), [USER_TEXT.deleted]);
    });

    it('cancel: nothing changes and the question card says so', async () => {
      await bot.type(admin, GROUP, 'GoBot delete alice@example.com');
      const [question] = bot.said(GROUP.id);
      const cancel = cardActions(question.card).find((a) => a.title === 'Cancel');
      assert.ok(cancel);
      bot.forget();
      await bot.press(admin, GROUP, cancel.data as Record<string, string>, { messageId: 'question-2' });
      assert.deepEqual(bot.updates().map((u) => [u.messageId, u.message.markdown]), [['question-2', ADMIN_TEXT.cancelled]]);
      assert.ok(bot.service.deviceOf(ALICE), 'the device is still there');
      assert.equal(bot.dms().length, 0);
    });

    it('"Yes, mark lost/stolen" pressed a second time keeps the recorded outcome', async () => {
      await bot.type(admin, GROUP, 'GoBot lost alice@example.com');
      const yes = submitAction(bot.said(GROUP.id)[0].card, 'lost', 'yes')!;
      bot.forget();
      await bot.press(admin, GROUP, yes, { id: 'yes-1', messageId: 'question-4' });
      await bot.press(admin, GROUP, yes, { id: 'yes-2', messageId: 'question-4' });
      assert.equal(await done(bot, 'lost-stolen'), 1);
      assert.deepEqual(
        bot.updates().map((u) => u.message.markdown.split('\n')[0]),
        [ADMIN_TEXT.issuedPublic('lost-stolen', ALICE, true, admin.email)],
      );
    });

    it('a "Yes" pressed after someone else already acted does nothing', async () => {
      await bot.type(admin, GROUP, 'GoBot lost alice@example.com');
      const yes = submitAction(bot.said(GROUP.id)[0].card, 'lost', 'yes')!;
      await bot.type(admin, GROUP, 'GoBot code alice@example.com');
      bot.forget();
      await bot.press(admin, GROUP, yes, { messageId: 'question-3' });
      assert.equal(await done(bot, 'lost-stolen'), 0);
      assert.ok(bot.updates()[0].message.markdown.startsWith(ADMIN_TEXT.outdatedCard(ALICE)));
    });
  });

  describe('devices paging', () => {
    beforeEach(async () => {
      await bot.service.updateSettings(admin.email, { licenses: 30 });
      for (let i = 1; i <= 12; i++) await bot.service.assign(admin.email, `user${String(i).padStart(2, '0')}@example.com`);
      bot.forget();
    });

    it('more than 10 devices: the card has a Next button; pressing it shows page 2 in the same card', async () => {
      await bot.type(admin, GROUP, 'GoBot devices');
      const [page1] = bot.said(GROUP.id);
      assert.match(page1.markdown, /^\*\*Webex Go devices\*\* — 12 devices: 12 Pending activation \(page 1 of 2\)/);
      assert.equal(page1.markdown.split('\n').filter((l) => l.startsWith('- ')).length, 10);
      const next = cardActions(page1.card).find((a) => a.title === 'Next ▶');
      assert.ok(next, 'a Next button');
      assert.deepEqual(next.data, { command: 'devices', args: 'page 2' });
      assert.equal(submitAction(page1.card, 'devices')?.args, 'page 2', 'and no Prev button on page 1');

      bot.forget();
      await bot.press(admin, GROUP, next.data as Record<string, string>, { messageId: 'list-1' });
      const [page2] = bot.updates();
      assert.equal(page2.messageId, 'list-1');
      assert.match(page2.message.markdown, /\(page 2 of 2\)\n- user11@example\.com: Pending activation\n- user12@example\.com: Pending activation$/);
      const actions = cardActions(page2.message.card).map((a) => [a.title, a.data]);
      assert.deepEqual(actions, [['◀ Prev', { command: 'devices', args: 'page 1' }]]);
    });

    it('a filter is kept across pages', async () => {
      await bot.type(admin, GROUP, 'GoBot devices pending');
      const next = cardActions(bot.said(GROUP.id)[0].card).find((a) => a.title === 'Next ▶');
      assert.deepEqual(next?.data, { command: 'devices', args: 'pending page 2' });
    });

    it('10 devices or fewer: no paging buttons', async () => {
      await bot.service.deleteDevice(admin.email, 'user01@example.com');
      await bot.service.deleteDevice(admin.email, 'user02@example.com');
      await bot.type(admin, GROUP, 'GoBot devices');
      assert.deepEqual(cardActions(bot.said(GROUP.id)[0].card), []);
    });
  });

  it('a button of a command that no longer exists is answered, not ignored', async () => {
    await bot.press(admin, GROUP, { command: 'frobnicate' });
    assert.deepEqual(bot.said(GROUP.id).map((m) => m.markdown), [COMMAND_TEXT.unknownButton]);
  });
});

describe('bot: presses by people the card is not for', () => {
  let bot: BotFixture;
  beforeEach(async () => {
    bot = await openBot();
    await bot.service.assign(admin.email, ALICE);
    bot.forget();
  });
  afterEach(() => bot.domain.close());

  it("someone who is not an admin pressing Cancel on an admin's confirmation leaves it as it is", async () => {
    await bot.type(admin, GROUP, 'GoBot delete alice@example.com');
    const cancel = cardActions(bot.said(GROUP.id)[0].card).find((a) => a.title === 'Cancel')!;
    bot.forget();
    await bot.press(bob, GROUP, cancel.data as Record<string, string>, { messageId: 'question-9' });
    assert.equal(bot.updates().length, 0, 'the confirmation is untouched');
    assert.deepEqual(bot.said(GROUP.id).map((m) => m.markdown), [COMMAND_TEXT.notAdmin]);
  });

  it('a press naming a command open to anyone answers with a new message, never over the pressed card', async () => {
    await bot.press(bob, GROUP, { command: 'my line' }, { messageId: 'admin-card' });
    assert.equal(bot.updates().length, 0);
    assert.equal(bot.said(GROUP.id).length, 1);
  });

  it('"confirm: yes" without the device it asked about still asks first', async () => {
    await bot.press(admin, GROUP, { command: 'delete', args: ALICE, confirm: 'yes' }, { messageId: 'forged' });
    assert.ok(bot.service.deviceOf(ALICE), 'nothing deleted');
    assert.equal(bot.said(GROUP.id)[0].markdown, ADMIN_TEXT.confirmDelete(ALICE));
  });
});
