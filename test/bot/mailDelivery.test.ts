import assert from 'node:assert/strict';
import sinon from 'sinon';
import type { Mailer } from '../../src/bot/ports.js';
import { ALICE, GROUP, admin, openBot, type BotFixture } from '../support/botFakes.js';
import { adminText } from '../../src/render/messages/adminText.js';

const ADMIN_TEXT = adminText('en');

function fakeMailer() {
  return {
    sendActivation: sinon.stub<Parameters<Mailer['sendActivation']>, Promise<void>>().resolves(),
    sendLineDeleted: sinon.stub<Parameters<Mailer['sendLineDeleted']>, Promise<void>>().resolves(),
    verify: sinon.stub<[], Promise<void>>().resolves(),
  };
}

describe('activation details by email (DELIVERY)', () => {
  let bot: BotFixture;
  afterEach(() => bot.close());

  it('both: the user gets the 1:1 and the email, and the admin is told both', async () => {
    const mailer = fakeMailer();
    bot = await openBot({}, undefined, { mailer, deliverByWebex: true });
    await bot.type(admin, GROUP, 'assign alice@example.com');
    assert.equal(mailer.sendActivation.callCount, 1);
    const [details, kind] = mailer.sendActivation.firstCall.args;
    assert.equal(details.email, ALICE);
    assert.equal(kind, 'assign');
    assert.equal(bot.dms(ALICE).length, 1);
    assert.match(bot.dms(admin.email)[0].markdown, /alice@example\.com got these details in a 1:1 with me and by email\./);
  });

  it('email only: no 1:1 to the user; a mail server that refuses is reported to the admin and the device stays', async () => {
    const mailer = fakeMailer();
    mailer.sendActivation.rejects(new Error('the mail server refused the message: 550 no such user'));
    bot = await openBot({}, undefined, { mailer, deliverByWebex: false });
    await bot.type(admin, GROUP, 'assign alice@example.com');
    assert.equal(bot.dms(ALICE).length, 0);
    const toAdmin = bot.dms(admin.email).map((m) => m.markdown);
    assert.ok(toAdmin.includes(ADMIN_TEXT.mailFailed(ALICE, 'the mail server refused the message: 550 no such user')));
    assert.match(toAdmin.at(-1)!, /I could not reach alice@example\.com/);
    assert.equal(bot.domain.service.deviceOf(ALICE)?.status, 'pending');
  });

  it('notify off suppresses the email too', async () => {
    const mailer = fakeMailer();
    bot = await openBot({ notifyUsers: false }, undefined, { mailer, deliverByWebex: true });
    await bot.type(admin, GROUP, 'assign alice@example.com');
    assert.equal(mailer.sendActivation.callCount, 0);
    assert.equal(bot.dms(ALICE).length, 0);
  });

  it('delete tells the user by email as well', async () => {
    const mailer = fakeMailer();
    bot = await openBot({}, undefined, { mailer, deliverByWebex: false });
    await bot.type(admin, GROUP, 'assign alice@example.com');
    const card = bot.said(GROUP.id).at(-1)!.card as { actions: { type: string; card?: { actions: { data: Record<string, string> }[] } }[] };
    const confirm = card.actions.find((a) => a.type === 'Action.ShowCard' && a.card?.actions[0].data.command === 'delete')!.card!.actions[0].data;
    await bot.press(admin, GROUP, confirm);
    assert.deepEqual(mailer.sendLineDeleted.firstCall.args, [ALICE, 'en']);
    assert.equal(bot.domain.service.deviceOf(ALICE), undefined);
  });
});
