/**
 * Where activation details go, end to end. Only two people ever see a code: the user, in a 1:1
 * with the bot, and the admin who issued it, in the admin's own 1:1. A group space gets the
 * outcome only: never a Matching ID, an `LPA:` string or a file, and no log line has one either.
 * With notifications off the user gets nothing and the admin gets what is needed to hand over.
 */
import assert from 'node:assert/strict';
import type { Message, Room } from '../../src/localwebex/types.js';
import { qrPng } from '../../src/render/qrPng.js';
import { ESIM_TOKEN, startBot, type RunningBot } from '../support/botHarness.js';
import { ADMIN } from '../support/domain.js';
import {
  activationIn,
  activationMessages,
  allActions,
  assertCardsValid,
  assertGroupSpacesKeepSecrets,
  cardOf,
  freshEmail,
  fromBot,
  MATCHING_ID,
  PNG_MAGIC,
  pressAndWaitEdit,
  recordCards,
  redeem,
  settle,
  visibleText,
  waitUntil,
} from '../support/e2e.js';

describe('e2e: activation details reach only the user and the acting admin', function () {
  this.timeout(30_000);
  let bot: RunningBot;
  let team: Room;
  let adminDm: Room;
  let recorded: ReturnType<typeof recordCards>;
  /** Every Matching ID the bot issued in this file, as read in 1:1 spaces. */
  const issued = new Set<string>();

  before(async () => {
    bot = await startBot({ settings: { licenses: 50 } });
    recorded = recordCards(bot.fake);
    adminDm = bot.fake.directSpace(ADMIN);
    team = await bot.groupSpace('Sales team', [ADMIN, 'sam.sales@example.com', 'sue.sales@example.com']);
  });

  after(async () => {
    recorded.stop();
    await bot.stop();
  });

  const ask = (text: string) => bot.type(team.id, ADMIN, text, { mentionBot: true });
  const userDm = (email: string) => bot.fake.directSpace(email);

  function newUser(prefix: string): string {
    const email = freshEmail(prefix);
    bot.fake.addPerson({ email });
    bot.fake.addToSpace(team.id, email, ADMIN);
    return email;
  }

  function noteCodes(): void {
    for (const message of bot.fake.messages()) {
      if (message.roomType !== 'direct') continue;
      for (const match of JSON.stringify(message).matchAll(new RegExp(MATCHING_ID.source, 'g'))) issued.add(match[0]);
    }
  }

  /** The admin's 1:1 messages about this user, after the `from`-th. */
  const adminAbout = (email: string) => fromBot(bot.fake, adminDm.id).filter((m) => visibleText(m).includes(email));

  describe('with notifications on', () => {
    it('the user gets the QR code as a PNG and every detail with steps; the admin a copy; the group the outcome', async () => {
      const email = newUser('priya');
      const card = await ask(`assign ${email}`);
      assert.equal(card.roomId, team.id);
      assert.ok(card.markdown!.startsWith(`Webex Go device added for ${email}. The activation details were sent to ${email} privately`));

      await waitUntil(() => activationMessages(bot.fake, userDm(email).id).length === 1, "the user's activation message");
      const [toUser] = activationMessages(bot.fake, userDm(email).id);
      const details = activationIn(toUser!)!;
      assert.equal(details.smdpAddress, 'SMDP.EXAMPLE.COM');
      assert.match(details.matchingId, MATCHING_ID);
      assert.equal(details.lpa, `LPA:1$${details.smdpAddress}$${details.matchingId}`);
      assert.match(details.expires, /^\d{4}-\d{2}-\d{2}$/);
      const days = (Date.parse(details.expires) - Date.now()) / 86_400_000;
      assert.ok(days > 88 && days <= 90, `expires in 90 days, not ${days}`);
      for (const step of ['Add Cellular Plan', 'SIM manager', 'Download a SIM instead?', 'VoLTE']) {
        assert.ok(toUser!.markdown!.includes(step), `the steps mention ${step}`);
      }
      assert.equal(toUser!.files?.length, 1);
      assert.equal(toUser!.files![0]!.filename, 'webex-go-qr.png');
      assert.deepEqual(toUser!.files![0]!.data.subarray(0, 8), PNG_MAGIC);
      assert.deepEqual(toUser!.files![0]!.data, await qrPng(details.lpa));

      await waitUntil(() => adminAbout(email).length === 1, "the admin's copy");
      const [copy] = adminAbout(email);
      assert.deepEqual(activationIn(copy!), details);
      assert.equal(copy!.files?.[0]?.contentType, 'image/png');
      assert.equal(fromBot(bot.fake, userDm(email).id).length, 1, 'nothing else for the user');

      // The code works on the phone; the device then shows Online, in the group too.
      const installed = await redeem(bot, details.lpa, ESIM_TOKEN);
      assert.equal(installed.status, 200);
      assert.equal(installed.body.status, 'online');
      const online = await ask(`status ${email}`);
      assert.match(online.markdown!, /\*\*Online\*\* since/);
      assert.match(visibleText(online), /● Online/);
      noteCodes();
    });

    it('new code, lost/stolen and resend from a group space deliver privately and post only the outcome', async () => {
      const email = newUser('omar');
      const card = await ask(`assign ${email}`);
      await waitUntil(() => activationMessages(bot.fake, userDm(email).id).length === 1, 'first code');
      await waitUntil(() => adminAbout(email).length === 1, "the admin's copy");

      const afterCode = await pressAndWaitEdit(bot, card, 'Generate new activation code', ADMIN);
      assert.ok(afterCode.markdown!.startsWith(`New activation code issued for ${email}.`));
      await waitUntil(() => activationMessages(bot.fake, userDm(email).id).length === 2, 'second code');
      await waitUntil(() => adminAbout(email).length === 2, "the admin's second copy");

      const afterLost = await pressAndWaitEdit(bot, bot.fake.message(card.id)!, 'Yes, mark lost/stolen', ADMIN);
      assert.ok(afterLost.markdown!.startsWith(`Lost/stolen: the old phone's line is off and a new activation code is issued for ${email}.`));
      await waitUntil(() => activationMessages(bot.fake, userDm(email).id).length === 3, 'third code');
      const lost = activationMessages(bot.fake, userDm(email).id)[2]!;
      assert.match(lost.markdown!, /^\*\*Your Webex Go line has a new activation code\.\*\* The line on your old phone has been switched off\./);
      await waitUntil(() => adminAbout(email).length === 3, "the admin's third copy");
      assert.match(adminAbout(email)[2]!.markdown!, /^\*\*Lost\/stolen: the old phone's line is off and a new activation code is issued for /);

      // resend, asked in the group: the details go to the user's own 1:1, the group hears that only.
      await bot.ready(userDm(email).id);
      const said = await bot.type(team.id, email, 'resend', { mentionBot: true });
      assert.equal(said.markdown, 'I sent your activation details to our 1:1.');
      await waitUntil(() => activationMessages(bot.fake, userDm(email).id).length === 4, 'the resent details');
      const resent = activationMessages(bot.fake, userDm(email).id)[3]!;
      assert.equal(activationIn(resent)!.matchingId, activationIn(lost)!.matchingId);
      assert.equal(adminAbout(email).length, 3, 'a resend is for the user only');
      noteCodes();
    });

    it('delete tells the user to remove the line by hand', async () => {
      const email = newUser('dana');
      const card = await ask(`assign ${email}`);
      await waitUntil(() => adminAbout(email).length === 1, "the admin's copy");
      const done = await pressAndWaitEdit(bot, card, 'Yes, delete', ADMIN);
      assert.equal(
        done.markdown,
        `Webex Go device of ${email} deleted; its license is back in the pool. ${email} was told to remove the deactivated line from the phone by hand.`,
      );
      const told = await bot.fake.waitForMessage((m) => m.roomId === userDm(email).id && /was deleted/.test(m.markdown ?? ''));
      assert.match(told.markdown!, /Please remove the deactivated Webex Go line from your phone by hand:[\s\S]*\*\*iPhone\*\*[\s\S]*Delete eSIM[\s\S]*\*\*Android[\s\S]*Remove/);
      noteCodes();
    });
  });

  describe('with notifications off', () => {
    before(async () => {
      assert.match((await ask('settings notify off')).markdown!, /notify users \*\*off\*\*/);
    });
    after(async () => {
      await ask('settings notify on');
    });

    it('the user gets nothing; the admin gets the codes as text, an "Email to user" button and a PDF sheet', async () => {
      const email = newUser('nina');
      const card = await ask(`assign ${email}`);
      assert.ok(
        card.markdown!.startsWith(
          `Webex Go device added for ${email}. Notifications are off, so ${ADMIN} has the activation details in a 1:1 with me to hand over.`,
        ),
        card.markdown,
      );
      await waitUntil(() => adminAbout(email).length === 3, 'codes, handover card and sheet in the admin 1:1');
      const [codes, handover, sheet] = adminAbout(email) as [Message, Message, Message];

      const details = activationIn(codes)!;
      assert.ok(details, codes.markdown);
      assert.match(codes.markdown!, /Notifications are off: the user got nothing from me\. Copy, email or print these details for them\./);
      assert.deepEqual(codes.files?.[0]?.data, await qrPng(details.lpa));

      // The handover card: the codes as copyable text and a mailto: button.
      const text = visibleText(handover);
      assert.ok(text.includes(details.matchingId) && text.includes(details.lpa), 'the card shows both codes');
      const email2user = allActions(cardOf(handover)).find((a) => a.title === 'Email to user');
      assert.equal(email2user?.type, 'Action.OpenUrl');
      const mailto = new URL(email2user!.url!);
      assert.equal(mailto.protocol, 'mailto:');
      assert.equal(decodeURIComponent(mailto.pathname), email);
      assert.equal(mailto.searchParams.get('subject'), 'Activate your Webex Go business line');
      const body = mailto.searchParams.get('body')!;
      assert.ok(body.includes(details.matchingId) && body.includes(details.lpa) && body.includes(details.smdpAddress), body);

      // The printable sheet.
      assert.equal(sheet.markdown, `Printable activation sheet for ${email}.`);
      assert.equal(sheet.files?.length, 1);
      assert.equal(sheet.files![0]!.contentType, 'application/pdf');
      assert.equal(sheet.files![0]!.data.subarray(0, 5).toString('latin1'), '%PDF-');

      // The user would have been written to before the admin.
      assert.equal(bot.fake.messages(userDm(email).id).length, 0, 'the user got nothing');

      // Lost/stolen and delete with notifications off: still nothing for the user.
      const afterLost = await pressAndWaitEdit(bot, card, 'Yes, mark lost/stolen', ADMIN);
      assert.ok(afterLost.markdown!.includes(`Notifications are off, so ${ADMIN} has the activation details in a 1:1 with me to hand over.`));
      await waitUntil(() => adminAbout(email).length === 6, 'the second set of handover messages');
      const deleted = await pressAndWaitEdit(bot, bot.fake.message(card.id)!, 'Yes, delete', ADMIN);
      assert.equal(
        deleted.markdown,
        `Webex Go device of ${email} deleted; its license is back in the pool. Notifications are off: tell ${email} to remove the deactivated Webex Go line from the phone by hand.`,
      );
      await settle(300);
      assert.equal(bot.fake.messages(userDm(email).id).length, 0, 'the user still got nothing');
      noteCodes();
    });

    it('resend is refused: admins hand out the codes', async () => {
      const email = newUser('rita');
      await ask(`assign ${email}`);
      await waitUntil(() => adminAbout(email).length === 3, 'the handover messages');
      const answer = await bot.type(team.id, email, 'resend', { mentionBot: true });
      assert.equal(answer.markdown, 'In your organization the admins hand out activation codes. Ask your Webex admin for yours.');
      assert.equal(bot.fake.messages(userDm(email).id).length, 0);
      noteCodes();
    });
  });

  describe('finally', () => {
    it('no group-space message and no log line carries a code, a network provider code or a file', () => {
      assert.ok(issued.size >= 6, `codes were issued (${issued.size})`);
      const groupMessages = bot.fake.messages(team.id).filter((m) => m.personEmail !== ADMIN);
      assert.ok(groupMessages.length > 10);
      assertGroupSpacesKeepSecrets(bot.fake, bot.logs, [...issued]);
    });

    it('every card the bot sent or edited validates for Webex', () => {
      assertCardsValid(recorded.cards);
    });
  });
});
