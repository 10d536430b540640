/**
 * Every typed command, end to end: the whole app with the real webex-node-bot-framework in
 * webhook mode against the fake Webex on loopback. Each command is typed in the admin's 1:1 with
 * the bot and again in a group space with the bot @mentioned; what is asserted is what people
 * read in those spaces.
 */
import { TEST_BOT_NAME } from '../support/sharedFakeWebex.js';
import assert from 'node:assert/strict';
import type { Message, Room } from '../../src/localwebex/types.js';
import { qrPng } from '../../src/render/qrPng.js';
import { ESIM_TOKEN, startBot, type RunningBot } from '../support/botHarness.js';
import { ADMIN } from '../support/domain.js';
import {
  activationIn,
  activationMessages,
  assertCardsValid,
  assertGroupSpacesKeepSecrets,
  buttonTitles,
  freshEmail,
  phoneEvent,
  pressAndWaitEdit,
  recordCards,
  redeem,
  visibleText,
  waitUntil,
  PNG_MAGIC,
} from '../support/e2e.js';

const NON_ADMIN = 'nora.nonadmin@example.com';
const NOT_ADMIN_TEXT = 'Sorry, only Webex Go admins can do that, and nothing was changed.';

describe('e2e: typed commands', function () {
  this.timeout(30_000);
  let bot: RunningBot;
  let adminDm: Room;
  let ops: Room;
  let recorded: ReturnType<typeof recordCards>;

  before(async () => {
    bot = await startBot({ settings: { licenses: 200 } });
    recorded = recordCards(bot.fake);
    adminDm = bot.fake.directSpace(ADMIN);
    ops = await bot.groupSpace('Webex Go admins', [ADMIN, NON_ADMIN]);
  });

  after(async () => {
    recorded.stop();
    await bot.stop();
  });

  /** A person Webex knows (so 1:1 messages reach them) with a fresh address. */
  function newUser(prefix: string): string {
    const email = freshEmail(prefix);
    bot.fake.addPerson({ email });
    return email;
  }

  const userDm = (email: string) => bot.fake.directSpace(email);

  /**
   * Waits until the user's 1:1 holds `count` activation messages and the admin's 1:1 the copy of
   * the newest (so it cannot pass for the answer to what the admin types next); returns the
   * user's newest.
   */
  async function activationFor(email: string, count = 1): Promise<Message> {
    await waitUntil(() => activationMessages(bot.fake, userDm(email).id).length >= count, `activation message ${count} for ${email}`);
    const newest = activationMessages(bot.fake, userDm(email).id).at(-1)!;
    const { matchingId } = activationIn(newest)!;
    await waitUntil(
      () => activationMessages(bot.fake, adminDm.id).some((m) => activationIn(m)?.matchingId === matchingId),
      `the admin's copy of ${email}'s code`,
    );
    return newest;
  }

  const spaces = [
    { name: "in the admin's 1:1", group: false, room: (email: string) => (email === ADMIN ? adminDm : bot.fake.directSpace(email)) },
    { name: 'in a group space, with the bot @mentioned', group: true, room: () => ops },
  ];

  /** Posts as a person without waiting for an answer (for answers that go elsewhere). */
  function fakeType(room: Room, from: string, text: string): void {
    bot.fake.postMessage({ roomId: room.id, fromEmail: from, text, ...(room.type === 'group' ? { mentionBot: true } : {}) });
  }

  for (const space of spaces) {
    describe(space.name, () => {
      /** Types as `from` (admin by default) where this suite talks; resolves with the bot's answer. */
      const ask = (text: string, from = ADMIN) => bot.type(space.room(from).id, from, text, { mentionBot: space.group });
      // The full battery of answers runs in the 1:1; the group space gets the compact round below
      // (and test/e2e/buttons.test.ts and secrecy.test.ts work in group spaces throughout).
      const itIn1to1 = (title: string, fn: Mocha.AsyncFunc) => {
        if (!space.group) it(title, fn);
      };

      /** Assigns a device to a new user and waits for the user's activation message. */
      async function assigned(prefix: string): Promise<{ email: string; card: Message; activation: Message }> {
        const email = newUser(prefix);
        const card = await ask(`assign ${email}`);
        const activation = await activationFor(email);
        return { email, card, activation };
      }

      it('help lists every command for an admin', async () => {
        const answer = await ask('help');
        assert.match(answer.markdown!, /^I run \*\*Webex Go\*\* for your organization/);
        for (const usage of [
          'help', 'assign <email>', 'status <email>', 'devices [pending|online|offline]', 'code <email>', 'lost <email>',
          'delete <email>', 'licenses', 'settings [notify on|off | licenses <number> | ttl <days> | smdp <host>]', 'admins [add|remove <email>]',
          'audit [email]', 'my line', 'resend',
        ]) {
          assert.ok(answer.markdown!.includes(`- **${usage}** — `), `help names ${usage}:\n${answer.markdown}`);
        }
      });

      it('help lists only what anyone may do for someone who is not an admin', async () => {
        const answer = await ask('help', NON_ADMIN);
        assert.match(answer.markdown!, /^I help you with your \*\*Webex Go\*\* business line/);
        const listed = [...answer.markdown!.matchAll(/^- \*\*(.+?)\*\* — /gm)].map((m) => m[1]);
        assert.deepEqual(listed, ['help', 'my line', 'resend', 'language [en|bg]']);
      });

      it('assign adds a device: its card in the space, the codes in 1:1 spaces only', async () => {
        const email = newUser('assign');
        const card = await ask(`assign ${email}`);
        assert.equal(card.roomId, space.room(ADMIN).id);
        assert.ok(
          card.markdown!.startsWith(
            `Webex Go device added for ${email}. The activation details were sent to ${email} privately, and a copy to ${ADMIN}'s 1:1 with me.`,
          ),
          card.markdown,
        );
        assert.match(visibleText(card), /Pending activation/);
        assert.match(visibleText(card), /Activation code[\s\S]*expires on \d{4}-\d{2}-\d{2}/);
        assert.deepEqual(buttonTitles(card), ['Generate new activation code', 'Lost/stolen', 'Delete']);

        // The user's 1:1: the QR code as a PNG file and the details with steps for each phone.
        const toUser = await activationFor(email);
        const details = activationIn(toUser)!;
        assert.equal(details.smdpAddress, 'SMDP.EXAMPLE.COM');
        assert.equal(details.lpa, `LPA:1$SMDP.EXAMPLE.COM$${details.matchingId}`);
        assert.match(toUser.markdown!, /^\*\*Your Webex Go business line is ready to install\.\*\*/);
        for (const phone of ['**iPhone**', '**Samsung**', '**Pixel**']) assert.ok(toUser.markdown!.includes(phone), phone);
        assert.equal(toUser.files?.length, 1);
        const [png] = toUser.files!;
        assert.equal(png.contentType, 'image/png');
        assert.deepEqual(png.data.subarray(0, 8), PNG_MAGIC);
        assert.deepEqual(png.data, await qrPng(details.lpa), 'the PNG is the QR code of the network provider code');

        // The acting admin's own 1:1 gets the same details.
        await waitUntil(() => activationMessages(bot.fake, adminDm.id).some((m) => activationIn(m)?.matchingId === details.matchingId), 'the admin copy');
        const copy = activationMessages(bot.fake, adminDm.id).find((m) => activationIn(m)?.matchingId === details.matchingId)!;
        assert.ok(copy.markdown!.startsWith(`**Webex Go device added for ${email}.** ${email} got these details in a 1:1 with me.`), copy.markdown);
        assert.equal(copy.files?.[0]?.contentType, 'image/png');

        // Assigning again is refused, and says what to do instead.
        const again = await ask(`assign ${email}`);
        assert.equal(
          again.markdown,
          `${email} already has a Webex Go device. See it with "status ${email}", or use "code ${email}" for a new activation code.`,
        );
      });

      it('status shows the device card, or says there is none', async () => {
        const { email } = await assigned('status');
        const card = await ask(`status ${email}`);
        assert.equal(card.markdown!.split(':')[0], `Webex Go device of ${email}`);
        assert.match(card.markdown!, /\*\*Pending activation\*\* since \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\./);
        assert.deepEqual(buttonTitles(card), ['Generate new activation code', 'Lost/stolen', 'Delete']);
        const nobody = freshEmail('nobody');
        assert.equal((await ask(`status ${nobody}`)).markdown, `${nobody} has no Webex Go device. Add one with **assign ${nobody}**.`);

        // Once the phone installed the line, the card says Online and offers no new code.
        const { lpa } = activationIn(await activationFor(email))!;
        assert.equal((await redeem(bot, lpa, ESIM_TOKEN)).status, 200);
        const online = await ask(`status ${email}`);
        assert.match(online.markdown!, /\*\*Online\*\* since/);
        assert.deepEqual(buttonTitles(online), ['Lost/stolen', 'Delete']);
      });

      itIn1to1('devices lists every device with its status, and filters by status', async () => {
        const pending = await assigned('list-pending');
        const offline = await assigned('list-offline');
        const installed = await redeem(bot, activationIn(offline.activation)!.lpa, ESIM_TOKEN);
        assert.equal((await phoneEvent(bot, String(installed.body.iccid), 'disabled', ESIM_TOKEN)).status, 200);

        const all = await ask('devices');
        assert.match(all.markdown!, /^\*\*Webex Go devices\*\* — \d+ devices: (\d+ Online, )?1 Offline, \d+ Pending activation \(page 1 of 1\)\n/);
        assert.ok(all.markdown!.includes(`\n- ${pending.email}: Pending activation`), all.markdown);
        assert.ok(all.markdown!.includes(`\n- ${offline.email}: Offline`), all.markdown);
        assert.match(visibleText(all), /● Offline[\s\S]*● Pending activation|● Pending activation[\s\S]*● Offline/);

        const offlineOnly = await ask('devices offline');
        assert.equal(offlineOnly.markdown, `**Webex Go devices: Offline** — 1 device (page 1 of 1)\n- ${offline.email}: Offline`);
        const pendingOnly = await ask('devices   PENDING');
        assert.match(pendingOnly.markdown!, /^\*\*Webex Go devices: Pending activation\*\* — \d+ devices? \(page 1 of 1\)/);
        assert.ok(pendingOnly.markdown!.includes(pending.email) && !pendingOnly.markdown!.includes(offline.email));
        const onlineOnly = await ask('devices online');
        assert.match(onlineOnly.markdown!, /^\*\*Webex Go devices: Online\*\*/);
        assert.ok(!onlineOnly.markdown!.includes(pending.email) && !onlineOnly.markdown!.includes(offline.email));
      });

      itIn1to1('code issues a new activation code; the earlier one stops working', async () => {
        const { email, activation } = await assigned('code');
        const first = activationIn(activation)!;
        const card = await ask(`code ${email}`);
        assert.ok(card.markdown!.startsWith(`New activation code issued for ${email}. The activation details were sent to ${email} privately`), card.markdown);
        const second = activationIn(await activationFor(email, 2))!;
        assert.notEqual(second.matchingId, first.matchingId);
        const old = await redeem(bot, first.lpa, ESIM_TOKEN);
        assert.equal(old.status, 410);
        assert.equal(old.body.reason, 'invalidated');
        assert.equal((await redeem(bot, second.lpa, ESIM_TOKEN)).status, 200);
        // Online now: no new code until the line is removed from the phone.
        const refused = await ask(`code ${email}`);
        assert.ok(
          refused.markdown!.startsWith(
            `A new activation code can only be generated while the device is Pending activation, and ${email}'s device is Online.`,
          ),
          refused.markdown,
        );
        assert.equal(activationMessages(bot.fake, userDm(email).id).length, 2, 'no third code');
      });

      itIn1to1('lost asks first; confirming switches the old line off and issues a new code', async () => {
        const { email, activation } = await assigned('lost');
        const { lpa } = activationIn(activation)!;
        assert.equal((await redeem(bot, lpa, ESIM_TOKEN)).status, 200);
        const question = await ask(`lost ${email}`);
        assert.ok(question.markdown!.startsWith(`Mark the phone of ${email} as lost/stolen?`), question.markdown);
        assert.deepEqual(buttonTitles(question), ['Yes, mark lost/stolen', 'Cancel']);
        assert.match((await ask(`status ${email}`)).markdown!, /\*\*Online\*\*/, 'asking changed nothing');

        const outcome = await pressAndWaitEdit(bot, question, 'Yes, mark lost/stolen', ADMIN);
        assert.ok(
          outcome.markdown!.startsWith(`Lost/stolen: the old phone's line is off and a new activation code is issued for ${email}.`),
          outcome.markdown,
        );
        assert.match(visibleText(outcome), /Pending activation/);
        const toUser = await activationFor(email, 2);
        assert.match(toUser.markdown!, /^\*\*Your Webex Go line has a new activation code\.\*\* The line on your old phone has been switched off\./);
        assert.notEqual(activationIn(toUser)!.matchingId, activationIn(activation)!.matchingId);
        const none = freshEmail('lost-none');
        assert.equal((await ask(`lost ${none}`)).markdown, `${none} has no Webex Go device. Add one with **assign ${none}**.`);
      });

      itIn1to1('delete asks first; Cancel changes nothing; confirming deletes and tells the user to remove the line', async () => {
        const { email } = await assigned('delete');
        const pool = async () => /^(\d+) of (\d+) Webex Go licenses in use/.exec((await ask('licenses')).markdown!)!.slice(1).map(Number);
        const question = await ask(`delete ${email}`);
        assert.ok(question.markdown!.startsWith(`Delete the Webex Go device of ${email}?`), question.markdown);
        assert.deepEqual(buttonTitles(question), ['Yes, delete', 'Cancel']);
        const cancelled = await pressAndWaitEdit(bot, question, 'Cancel', ADMIN);
        assert.equal(cancelled.markdown, 'Cancelled: nothing was changed.');
        assert.deepEqual(buttonTitles(cancelled), []);
        assert.match((await ask(`status ${email}`)).markdown!, /Pending activation/);

        const [inUseBefore] = await pool();
        const again = await ask(`delete ${email}`);
        const done = await pressAndWaitEdit(bot, again, 'Yes, delete', ADMIN);
        assert.equal(
          done.markdown,
          `Webex Go device of ${email} deleted; its license is back in the pool. ${email} was told to remove the deactivated line from the phone by hand.`,
        );
        const told = await bot.fake.waitForMessage((m) => m.roomId === userDm(email).id && /was deleted/.test(m.markdown ?? ''));
        assert.match(told.markdown!, /^\*\*Your Webex Go business line was deleted\*\*/);
        assert.match(told.markdown!, /remove the deactivated Webex Go line from your phone by hand/);
        assert.equal((await ask(`status ${email}`)).markdown, `${email} has no Webex Go device. Add one with **assign ${email}**.`);
        assert.equal((await pool())[0], inUseBefore! - 1, 'the license is back in the pool');
      });

      it('licenses shows the pool', async () => {
        const answer = await ask('licenses');
        const [, inUse, total, available] = /^(\d+) of (\d+) Webex Go licenses in use, (\d+) available\.$/.exec(answer.markdown!)!.map(Number);
        assert.equal(total, 200);
        assert.equal(available, total! - inUse!);
        const card = visibleText(answer);
        for (const fact of [String(total), String(inUse), String(available)]) assert.ok(card.includes(fact));
        assert.equal(
          (await ask('licenses 50')).markdown,
          '"licenses" takes nothing after it. Type it as **licenses**, for example **licenses**.',
        );
      });

      itIn1to1('settings shows and changes notify, licenses and code lifetime, and refuses what cannot be', async () => {
        const shown = await ask('settings');
        assert.equal(shown.markdown, 'Webex Go settings.');
        assert.match(visibleText(shown), /on: users get their activation details from me/);
        assert.match(visibleText(shown), /SMDP\.EXAMPLE\.COM/);

        assert.match((await ask('settings notify off')).markdown!, /^Settings saved: notify users \*\*off\*\*/);
        assert.match(visibleText(await ask('settings')), /off: admins hand the details over/);
        assert.match((await ask('settings notify on')).markdown!, /^Settings saved: notify users \*\*on\*\*/);
        assert.match((await ask('settings ttl 30')).markdown!, /codes last \*\*30\*\* days/);
        assert.match((await ask('settings ttl 90')).markdown!, /codes last \*\*90\*\* days/);
        assert.match((await ask('settings licenses 150')).markdown!, /\*\*150\*\* licenses/);
        assert.match((await ask('settings licenses 200')).markdown!, /\*\*200\*\* licenses/);

        const inUse = Number(/^(\d+) of/.exec((await ask('licenses')).markdown!)![1]);
        assert.ok(inUse > 0);
        assert.equal(
          (await ask('settings licenses 0')).markdown,
          `The license pool can't shrink to 0: ${inUse} licenses are in use. Delete devices first, or choose ${inUse} or more.`,
        );
        assert.equal(
          (await ask('settings ttl 0')).markdown,
          'The code lifetime must be a whole number of days from 1 to 365, for example "settings ttl 90".',
        );
        const form = 'Type it as **settings [notify on|off | licenses <number> | ttl <days> | smdp <host>]**, for example **settings notify off**.';
        assert.equal((await ask('settings ttl soon')).markdown, `The code lifetime is a whole number of days, not \`soon\`. ${form}`);
        assert.equal((await ask('settings notify maybe')).markdown, `Notify is on or off, not \`maybe\`. ${form}`);
        assert.equal((await ask('settings colour blue')).markdown, `\`colour\` is not a setting. ${form}`);
        assert.equal((await ask('settings licenses')).markdown, `\`licenses\` needs a value. ${form}`);
        assert.match((await ask('settings')).markdown!, /^Webex Go settings\.$/);
        assert.match(visibleText(await ask('settings')), /200[\s\S]*90 days/, 'the refusals changed nothing');
      });

      itIn1to1('admins lists, adds and removes admins, and keeps the last one', async () => {
        const colleague = newUser('colleague');
        if (space.group) bot.fake.addToSpace(ops.id, colleague, ADMIN);
        assert.equal((await ask('admins')).markdown, `**Webex Go admins** (1):\n- ${ADMIN}`);
        assert.equal((await ask('licenses', colleague)).markdown!.split(' Type')[0], NOT_ADMIN_TEXT);

        assert.equal((await ask(`admins add ${colleague}`)).markdown, `${colleague} is now a Webex Go admin.`);
        assert.match((await ask('admins')).markdown!, new RegExp(`^\\*\\*Webex Go admins\\*\\* \\(2\\):[\\s\\S]*- ${colleague.replace(/\./g, '\\.')}`));
        assert.match((await ask('licenses', colleague)).markdown!, /Webex Go licenses in use/, 'the new admin may');
        assert.equal((await ask(`admins add ${colleague}`)).markdown, `${colleague} is already an admin.`);

        assert.equal((await ask(`admins remove ${colleague}`)).markdown, `${colleague} is no longer a Webex Go admin.`);
        assert.equal((await ask('licenses', colleague)).markdown!.split(' Type')[0], NOT_ADMIN_TEXT);
        assert.equal((await ask(`admins remove ${colleague}`)).markdown, `${colleague} is not an admin, so there is nothing to remove.`);
        assert.equal(
          (await ask(`admins remove ${ADMIN}`)).markdown,
          `${ADMIN} is the last admin and can't be removed. Add another admin first.`,
        );
        assert.equal(
          (await ask('admins add')).markdown,
          "The user's email address is missing. Type it as **admins add <email>**, for example **admins add bob@example.com**.",
        );
        assert.equal(
          (await ask('admins promote bob@example.com')).markdown,
          '`promote` is not something I can do with admins. Type it as **admins [add|remove <email>]**, for example **admins add bob@example.com**.',
        );
        assert.equal((await ask('admins')).markdown, `**Webex Go admins** (1):\n- ${ADMIN}`);
      });

      itIn1to1('audit shows recent records, for everyone or one user', async () => {
        const { email } = await assigned('audited');
        await ask(`assign ${email}`); // refused: already has one
        const all = await ask('audit');
        assert.match(all.markdown!, /^\*\*Audit trail\*\* \(newest first, \d+\):/);
        assert.ok(all.markdown!.includes(`${ADMIN} assigned a device · ${email}`), all.markdown);
        const one = await ask(`audit ${email}`);
        const lines = one.markdown!.split('\n');
        assert.equal(lines[0], `**Audit trail for ${email}** (newest first, 2):`);
        assert.match(lines[1]!, new RegExp(`${ADMIN} assigned a device · ${email.replace(/\./g, '\\.')} · \\*\\*refused\\*\\* \\(already-assigned\\)$`));
        assert.match(lines[2]!, new RegExp(`${ADMIN} assigned a device · ${email.replace(/\./g, '\\.')}$`));
        assert.equal(
          (await ask('audit yesterday')).markdown,
          '`yesterday` is not an email address. Type it as **audit [email]**, for example **audit alice@example.com**.',
        );
      });

      it('my line and resend work for anyone, and resend goes to the caller’s own 1:1', async () => {
        const { email, activation } = await assigned('self');
        if (space.group) bot.fake.addToSpace(ops.id, email, ADMIN);
        // The bot wrote in the user's 1:1 first; wait until the framework knows that space.
        await bot.ready(userDm(email).id);
        const where = space.group ? ops : userDm(email);
        const mine = await bot.type(where.id, email, 'my line', { mentionBot: space.group });
        assert.match(
          mine.markdown!,
          /^Your Webex Go line is \*\*Pending activation\*\* since .+ UTC\. Your activation code expires on \d{4}-\d{2}-\d{2}; type \*\*resend\*\* to get it again in our 1:1\.$/,
        );

        const before = activationMessages(bot.fake, userDm(email).id).length;
        const resent = bot.nextFromBot((m) => m.roomId === userDm(email).id && activationIn(m) !== undefined);
        fakeType(where, email, 'resend');
        const again = await resent;
        assert.equal(activationIn(again)!.matchingId, activationIn(activation)!.matchingId, 'the same, still valid code');
        assert.equal(again.files?.[0]?.contentType, 'image/png');
        if (space.group) {
          await bot.fake.waitForMessage((m) => m.roomId === ops.id && m.markdown === 'I sent your activation details to our 1:1.');
        }
        assert.equal(activationMessages(bot.fake, userDm(email).id).length, before + 1);

        // Someone with no line.
        const stranger = newUser('stranger');
        if (space.group) bot.fake.addToSpace(ops.id, stranger, ADMIN);
        const strangerSpace = space.group ? ops : userDm(stranger);
        assert.equal(
          (await bot.type(strangerSpace.id, stranger, 'my line', { mentionBot: space.group })).markdown,
          'You have no Webex Go line. Ask your Webex admin if you need one.',
        );
        assert.equal(
          (await bot.type(strangerSpace.id, stranger, 'resend', { mentionBot: space.group })).markdown,
          'You have no activation code that still works. Ask your Webex admin for a new one.',
        );

        // Installed: the line is Online and there is nothing to resend.
        assert.equal((await redeem(bot, activationIn(activation)!.lpa, ESIM_TOKEN)).status, 200);
        assert.match((await bot.type(where.id, email, 'my line', { mentionBot: space.group })).markdown!, /^Your Webex Go line is \*\*Online\*\* since/);
      });

      itIn1to1('aliases people try reach the right command; case and extra spaces do not matter', async () => {
        const { email } = await assigned('alias');
        const newCode = await ask(`new code ${email}`);
        assert.ok(newCode.markdown!.startsWith(`New activation code issued for ${email}.`), newCode.markdown);
        await activationFor(email, 2);
        const lost = await ask(`lost/stolen ${email}`);
        assert.ok(lost.markdown!.startsWith(`Mark the phone of ${email} as lost/stolen?`), lost.markdown);
        const remove = await ask(`remove ${email}`);
        assert.ok(remove.markdown!.startsWith(`Delete the Webex Go device of ${email}?`), remove.markdown);
        const shouted = await ask(`   STATUS     ${email.toUpperCase()}   `);
        assert.ok(shouted.markdown!.startsWith(`Webex Go device of ${email}:`), shouted.markdown);
        assert.match((await ask('Licenses')).markdown!, /Webex Go licenses in use/);
      });

      itIn1to1('something it does not know gets "I didn\'t understand" and the closest command', async () => {
        assert.match(
          (await ask('frobnicate the widgets')).markdown!,
          /^I didn't understand `frobnicate the widgets`\. Did you mean `.+`\? Type \*\*help\*\* for everything I can do\.$/,
        );
        assert.equal(
          (await ask('stauts alice@example.com')).markdown,
          'I didn\'t understand `stauts alice@example.com`. Did you mean `status alice@example.com`? Type **help** for everything I can do.',
        );
        assert.equal(
          (await ask('licences', NON_ADMIN)).markdown!.split(' Type')[0],
          NOT_ADMIN_TEXT,
        );
        // Someone who is not an admin is pointed at what they may run.
        assert.match((await ask('my lien', NON_ADMIN)).markdown!, /Did you mean `my line`\?/);
      });

      itIn1to1('a missing or malformed argument is named, with the right form', async () => {
        const form = (usage: string, example: string) => ` Type it as **${usage}**, for example **${example}**.`;
        assert.equal((await ask('assign')).markdown, `The user's email address is missing.${form('assign <email>', 'assign alice@example.com')}`);
        assert.equal((await ask('status alice')).markdown, `\`alice\` is not an email address.${form('status <email>', 'status alice@example.com')}`);
        assert.equal(
          (await ask('code alice@example.com now please')).markdown,
          `I don't know what to do with \`now please\`.${form('code <email>', 'code alice@example.com')}`,
        );
        assert.equal((await ask('lost')).markdown, `The user's email address is missing.${form('lost <email>', 'lost alice@example.com')}`);
        assert.equal((await ask('delete bob@')).markdown, `\`bob@\` is not an email address.${form('delete <email>', 'delete alice@example.com')}`);
        assert.equal(
          (await ask('devices sideways')).markdown,
          `\`sideways\` is not a status.${form('devices [pending|online|offline]', 'devices offline')}`,
        );
      });

      if (space.group) {
        it('devices, settings, admins, audit, aliases, unknown words and wrong arguments answer here too', async () => {
          const { email } = await assigned('group-round');
          const list = await ask('devices pending');
          assert.match(list.markdown!, /^\*\*Webex Go devices: Pending activation\*\*/);
          assert.deepEqual(buttonTitles(list).filter((t) => !/Prev|Next/.test(t)), []);

          assert.match((await ask('settings notify off')).markdown!, /^Settings saved: notify users \*\*off\*\*/);
          assert.match((await ask('settings notify on')).markdown!, /^Settings saved: notify users \*\*on\*\*/);
          assert.match((await ask('settings ttl 45')).markdown!, /codes last \*\*45\*\* days/);
          assert.match((await ask('settings ttl 90')).markdown!, /codes last \*\*90\*\* days/);
          assert.match((await ask('settings licenses 0')).markdown!, /^The license pool can't shrink to 0: \d+ licenses are in use\./);
          assert.equal((await ask('settings')).markdown, 'Webex Go settings.');

          assert.equal((await ask('admins')).markdown, `**Webex Go admins** (1):\n- ${ADMIN}`);
          assert.equal((await ask(`admins add ${NON_ADMIN}`)).markdown, `${NON_ADMIN} is now a Webex Go admin.`);
          assert.equal((await ask(`admins remove ${NON_ADMIN}`)).markdown, `${NON_ADMIN} is no longer a Webex Go admin.`);
          assert.equal((await ask(`admins remove ${ADMIN}`)).markdown, `${ADMIN} is the last admin and can't be removed. Add another admin first.`);

          const audit = await ask(`audit ${email}`);
          assert.match(audit.markdown!, new RegExp(`^\\*\\*Audit trail for ${email.replace(/\./g, '\\.')}\\*\\* \\(newest first, 1\\):\n- .+ ${ADMIN} assigned a device`));

          assert.ok((await ask(`new code ${email}`)).markdown!.startsWith(`New activation code issued for ${email}.`));
          await activationFor(email, 2);
          assert.ok((await ask(`lost/stolen ${email}`)).markdown!.startsWith(`Mark the phone of ${email} as lost/stolen?`));
          const question = await ask(`remove ${email}`);
          assert.ok(question.markdown!.startsWith(`Delete the Webex Go device of ${email}?`));
          assert.equal((await pressAndWaitEdit(bot, question, 'Cancel', ADMIN)).markdown, 'Cancelled: nothing was changed.');
          assert.match((await ask('statsu')).markdown!, /^I didn't understand `statsu`\. Did you mean `status alice@example\.com`\?/);
          assert.equal(
            (await ask('code')).markdown,
            "The user's email address is missing. Type it as **code <email>**, for example **code alice@example.com**.",
          );
        });
      }

      it('someone who is not an admin is refused politely, nothing changes, and the refusal is audited', async () => {
        const target = newUser('target');
        const refused = await ask(`assign ${target}`, NON_ADMIN);
        assert.equal(
          refused.markdown,
          `${NOT_ADMIN_TEXT} Type **help** to see what you can do, or ask an admin.`,
        );
        assert.equal((await ask(`status ${target}`)).markdown, `${target} has no Webex Go device. Add one with **assign ${target}**.`);
        assert.equal(bot.fake.messages(userDm(target).id).length, 0, 'the target heard nothing');
        const audit = await ask(`audit ${target}`);
        assert.match(audit.markdown!, new RegExp(`${NON_ADMIN.replace(/\./g, '\\.')} assigned a device · ${target.replace(/\./g, '\\.')} · \\*\\*refused\\*\\* \\(not-admin\\)`));
      });
    });
  }

  describe('and finally', () => {
    it('in a group space the bot answers only when @mentioned, and strips the mention', async () => {
      const before = bot.botMessages(ops.id).length;
      bot.fake.postMessage({ roomId: ops.id, fromEmail: ADMIN, text: 'help' });
      const answer = await bot.type(ops.id, ADMIN, 'status   nobody@example.com', { mentionBot: true });
      const typed = bot.fake.messages(ops.id).filter((m) => m.personEmail === ADMIN).at(-1)!;
      assert.equal(typed.text, `${TEST_BOT_NAME} status   nobody@example.com`, 'Webex put the name in front');
      assert.equal(answer.markdown, 'nobody@example.com has no Webex Go device. Add one with **assign nobody@example.com**.');
      assert.equal(bot.botMessages(ops.id).length, before + 1, 'nothing for the message without a mention');
    });

    it('no group-space message and no log line carries a code, a network provider code or a file', () => {
      assertGroupSpacesKeepSecrets(bot.fake, bot.logs);
    });

    it('every card the bot sent or edited validates for Webex', () => {
      assertCardsValid(recorded.cards);
    });
  });
});
