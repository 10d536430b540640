import assert from 'node:assert/strict';
import type { ActivationDetails } from '../../src/domain/types.js';
import type { OutgoingMessage } from '../../src/bot/ports.js';
import {
  ALICE,
  DM_ADMIN,
  GROUP,
  PNG_SIGNATURE,
  admin,
  cardActions,
  openBot,
  visibleText,
  type BotFixture,
} from '../support/botFakes.js';
import { adminText } from '../../src/render/messages/adminText.js';
import { mailText } from '../../src/render/messages/mailText.js';
import { userText } from '../../src/render/messages/userText.js';

const ADMIN_TEXT = adminText('en');

const USER_TEXT = userText('en');
const MAIL_TEXT = mailText('en');

/** The details the store holds for alice right now (the bot read them from the same store). */
function detailsOf(bot: BotFixture): ActivationDetails {
  const details = bot.service.currentActivation(ALICE);
  assert.ok(details, 'alice has a working code');
  return details;
}

function assertHasEverything(message: OutgoingMessage, d: ActivationDetails): void {
  assert.ok(message.markdown.includes(d.matchingId), 'the Matching ID (activation code)');
  assert.ok(message.markdown.includes(d.smdpAddress), 'the SM-DP+ address');
  assert.ok(message.markdown.includes(`LPA:1$${d.smdpAddress}$${d.matchingId}`), 'the LPA string for Android');
  assert.ok(message.markdown.includes('2027-02-24'), 'the expiry date (90 days on)');
}

function assertPng(message: OutgoingMessage): void {
  assert.ok(message.file, 'a file is attached');
  assert.equal(message.file.contentType, 'image/png');
  assert.match(message.file.filename, /\.png$/);
  assert.ok(message.file.data.subarray(0, 8).equals(PNG_SIGNATURE), 'the file is a PNG');
}

function assertNoCodeIn(messages: OutgoingMessage[], d: ActivationDetails): void {
  for (const message of messages) {
    const text = visibleText(message);
    assert.ok(!text.includes(d.matchingId), `a group message shows the Matching ID: ${message.markdown}`);
    assert.ok(!text.includes(d.qrPayload), 'a group message shows the activation code');
    assert.equal(message.file, undefined, 'no file (QR code) goes to the group');
  }
}

describe('bot: where activation details go', () => {
  let bot: BotFixture;
  afterEach(async () => {
    await bot.close();
  });

  describe('with notifications on', () => {
    beforeEach(async () => {
      bot = await openBot();
    });

    it('assign in a group: the group gets the outcome, the user and the admin get the details privately', async () => {
      await bot.type(admin, GROUP, 'GoBot assign alice@example.com');
      const d = detailsOf(bot);

      const group = bot.said(GROUP.id);
      assert.equal(group.length, 1);
      assert.ok(group[0].markdown.startsWith(ADMIN_TEXT.issuedPublic('assign', ALICE, true, admin.email)));
      assert.ok(group[0].card, 'the device card');
      assertNoCodeIn(group, d);
      assert.equal(bot.said().length, group.length, 'nothing is posted anywhere else');

      const toAlice = bot.dms(ALICE);
      assert.equal(toAlice.length, 1);
      assert.equal(toAlice[0].markdown, USER_TEXT.activation('assign', d));
      assertHasEverything(toAlice[0], d);
      assertPng(toAlice[0]);
      assert.deepEqual(bot.qrPng.firstCall.args, [d.qrPayload], 'the QR code encodes the activation code');

      const toAdmin = bot.dms(admin.email);
      assert.equal(toAdmin.length, 1);
      assert.equal(toAdmin[0].markdown, ADMIN_TEXT.activation('assign', d, true));
      assertHasEverything(toAdmin[0], d);
      assertPng(toAdmin[0]);

      assert.equal(bot.dms().length, 2, 'nobody else is sent anything');
      assert.equal(bot.sheetPdf.callCount, 0, 'no sheet is needed');
    });

    it('new code in a group: the old code is gone, the new one goes only to the user and the admin', async () => {
      await bot.type(admin, GROUP, 'GoBot assign alice@example.com');
      const first = detailsOf(bot);
      bot.domain.clock.advance(60_000);
      bot.forget();
      await bot.type(admin, GROUP, 'GoBot code alice@example.com');
      const d = detailsOf(bot);
      assert.notEqual(d.matchingId, first.matchingId);

      assertNoCodeIn(bot.said(GROUP.id), d);
      assert.ok(bot.said(GROUP.id)[0].markdown.startsWith(ADMIN_TEXT.issuedPublic('new-code', ALICE, true, admin.email)));
      assert.equal(bot.dms(ALICE)[0].markdown, USER_TEXT.activation('new-code', d));
      assert.equal(bot.dms(admin.email)[0].markdown, ADMIN_TEXT.activation('new-code', d, true));
    });

    it('status of a device in a group shows no code', async () => {
      await bot.service.assign(admin.email, ALICE);
      const d = detailsOf(bot);
      await bot.type(admin, GROUP, 'GoBot status alice@example.com');
      assertNoCodeIn(bot.said(GROUP.id), d);
      assert.match(bot.said(GROUP.id)[0].markdown, /Pending activation/);
    });

    it('a 1:1 to the user that fails is told to the admin, and the device still exists', async () => {
      bot.messenger.dm.withArgs(ALICE).rejects(new Error('Webex answered 404: person not found'));
      await bot.type(admin, GROUP, 'GoBot assign alice@example.com');
      const d = detailsOf(bot);

      assert.ok(bot.service.deviceOf(ALICE), 'the device was added all the same');
      const group = bot.said(GROUP.id).map((m) => m.markdown);
      assert.ok(group.includes(ADMIN_TEXT.dmFailed(ALICE, 'Webex answered 404: person not found')), `the admin is told: ${group.join(' | ')}`);
      assertNoCodeIn(bot.said(GROUP.id), d);

      // The admin still has the details to hand over, and is not told the user got them.
      const [toAdmin] = bot.dms(admin.email);
      assert.equal(toAdmin.markdown, ADMIN_TEXT.activation('assign', d, false, true));
      assert.ok(!toAdmin.markdown.includes(`${ALICE} got these details in a 1:1 with me`), toAdmin.markdown);
      assertHasEverything(toAdmin, d);
    });

    it('a 1:1 to the admin that fails is said where the admin is', async () => {
      bot.messenger.dm.withArgs(admin.email).rejects(new Error('Webex answered 403: blocked'));
      await bot.type(admin, GROUP, 'GoBot assign alice@example.com');
      const group = bot.said(GROUP.id).map((m) => m.markdown);
      assert.ok(group.includes(ADMIN_TEXT.dmFailed(admin.email, 'Webex answered 403: blocked')));
      assert.equal(bot.dms(ALICE).length, 1, 'alice got hers');
      assertNoCodeIn(bot.said(GROUP.id), detailsOf(bot));
    });

    it('a 1:1 to the user that fails after delete is told, and the delete stands', async () => {
      await bot.service.assign(admin.email, ALICE);
      const view = bot.service.deviceOf(ALICE)!;
      bot.messenger.dm.withArgs(ALICE).rejects(new Error('Webex answered 404: person not found'));
      await bot.press(admin, GROUP, { command: 'delete', args: ALICE, deviceId: view.id, version: view.lastChange.at, confirm: 'yes' });
      assert.equal(bot.service.deviceOf(ALICE), undefined);
      assert.deepEqual(bot.said(GROUP.id).map((m) => m.markdown), [ADMIN_TEXT.dmFailed(ALICE, 'Webex answered 404: person not found')]);
    });
  });

  describe('with notifications off', () => {
    beforeEach(async () => {
      bot = await openBot({ notifyUsers: false });
    });

    it('the user gets nothing; the admin gets the codes, a handover card with an email link, and a printable sheet', async () => {
      await bot.type(admin, GROUP, 'GoBot assign alice@example.com');
      const d = detailsOf(bot);

      assert.equal(bot.dms(ALICE).length, 0, 'the user gets no 1:1');
      const group = bot.said(GROUP.id);
      assert.ok(group[0].markdown.startsWith(ADMIN_TEXT.issuedPublic('assign', ALICE, false, admin.email)));
      assertNoCodeIn(group, d);

      const [codes, handover, sheet, ...more] = bot.dms(admin.email);
      assert.equal(more.length, 0, 'three 1:1 messages to the admin');
      assert.equal(bot.dms().length, 3, 'and nothing to anyone else');

      assert.equal(codes.markdown, ADMIN_TEXT.activation('assign', d, false));
      assertHasEverything(codes, d);
      assertPng(codes);

      assert.equal(handover.markdown, ADMIN_TEXT.handoverCard(ALICE));
      const openUrl = cardActions(handover.card).find((a) => a.type === 'Action.OpenUrl');
      assert.ok(openUrl, 'the card has an "Email to user" link');
      const url = String(openUrl.url);
      assert.ok(url.startsWith('mailto:alice%40example.com?subject=') || url.startsWith('mailto:alice@example.com?subject='), url);
      const query = new URLSearchParams(url.slice(url.indexOf('?') + 1));
      assert.equal(query.get('subject'), MAIL_TEXT.subject.assign);
      assert.ok(query.get('body')?.includes(d.matchingId), 'the email body carries the code');
      assert.ok(JSON.stringify(handover.card).includes(d.matchingId), 'the card shows the code to copy');

      assert.equal(sheet.markdown, ADMIN_TEXT.sheetAttached(ALICE));
      assert.equal(sheet.file?.contentType, 'application/pdf');
      assert.match(sheet.file?.filename ?? '', /\.pdf$/);
      assert.equal(sheet.file?.data.subarray(0, 5).toString('latin1'), '%PDF-');
      assert.deepEqual(bot.sheetPdf.firstCall.args, [d, 'en']);
    });

    it('lost/stolen confirmed by button: the old phone is cut off and the admin gets the new code to hand over', async () => {
      const { activation } = await bot.service.assign(admin.email, ALICE);
      await bot.service.download(activation.qrPayload);
      bot.domain.clock.advance(60_000);
      const view = bot.service.deviceOf(ALICE)!;
      bot.forget();
      await bot.press(admin, GROUP, { command: 'lost', args: ALICE, deviceId: view.id, version: view.lastChange.at, confirm: 'yes' }, { messageId: 'card-7' });
      const d = detailsOf(bot);

      assert.equal(bot.service.deviceOf(ALICE)?.status, 'pending');
      const [update] = bot.updates();
      assert.equal(update.messageId, 'card-7');
      assert.ok(update.message.markdown.startsWith(ADMIN_TEXT.issuedPublic('lost-stolen', ALICE, false, admin.email)));
      assertNoCodeIn([update.message, ...bot.said(GROUP.id)], d);
      assert.equal(bot.dms(ALICE).length, 0);
      assert.equal(bot.dms(admin.email).length, 3);
      assert.equal(bot.dms(admin.email)[0].markdown, ADMIN_TEXT.activation('lost-stolen', d, false));
    });

    it('delete: the group is told to tell the user by hand, and the user gets nothing', async () => {
      await bot.service.assign(admin.email, ALICE);
      const view = bot.service.deviceOf(ALICE)!;
      bot.forget();
      await bot.press(admin, DM_ADMIN, { command: 'delete', args: ALICE, deviceId: view.id, version: view.lastChange.at, confirm: 'yes' });
      assert.equal(bot.updates()[0].message.markdown, ADMIN_TEXT.deletedPublic(ALICE, false));
      assert.equal(bot.dms().length, 0);
    });
  });
});
