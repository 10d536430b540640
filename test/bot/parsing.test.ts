import assert from 'node:assert/strict';
import { Refusal } from '../../src/domain/refusal.js';
import { ALICE, DM_ADMIN, GROUP, admin, bob, openBot, submitAction, type BotFixture } from '../support/botFakes.js';
import { adminText } from '../../src/render/messages/adminText.js';
import { commandText } from '../../src/render/messages/commandText.js';
import { refusalMessage } from '../../src/render/messages/refusals.js';

const ADMIN_TEXT = adminText('en');

const COMMAND_TEXT = commandText('en');

/** The one message the bot posted since the last forget(), and that it was the only thing sent. */
function onlyAnswer(bot: BotFixture, spaceId: string): string {
  const sent = bot.sent();
  assert.equal(sent.length, 1, `expected exactly one answer, got ${JSON.stringify(sent.map((s) => s.message.markdown))}`);
  assert.equal(sent[0].kind, 'say');
  assert.equal(sent[0].to, spaceId);
  return sent[0].message.markdown;
}

describe('bot: reading what people type', () => {
  let bot: BotFixture;
  beforeEach(async () => {
    bot = await openBot();
  });
  afterEach(async () => {
    await bot.close();
  });

  describe('commands are found however they are typed', () => {
    it('ignores case, both in the command and in the email', async () => {
      await bot.type(admin, DM_ADMIN, 'ASSIGN Alice@Example.COM');
      assert.equal(bot.service.deviceOf(ALICE)?.email, ALICE);
      assert.ok(bot.said(DM_ADMIN.id)[0].markdown.startsWith(ADMIN_TEXT.issuedPublic('assign', ALICE, true, admin.email)));
    });

    it('ignores extra spaces before, between and after the words', async () => {
      await bot.service.assign(admin.email, ALICE);
      await bot.type(admin, DM_ADMIN, '   status     alice@example.com   ');
      const [answer] = bot.said(DM_ADMIN.id);
      assert.match(answer.markdown, /^Webex Go device of alice@example\.com: \*\*Pending activation\*\*/);
      assert.ok(answer.card, 'the device card is shown');
    });

    it("strips the bot's name in front in a group space", async () => {
      await bot.type(admin, GROUP, 'GoBot assign alice@example.com');
      assert.ok(bot.service.deviceOf(ALICE));
      bot.forget();
      await bot.type(admin, GROUP, 'gobot, licenses');
      assert.equal(bot.said(GROUP.id)[0].markdown, ADMIN_TEXT.poolLine({ total: 10, inUse: 1, available: 9 }));
    });

    it('understands the bot name typed with an @ in front', async () => {
      await bot.type(admin, GROUP, '@GoBot licenses');
      assert.equal(onlyAnswer(bot, GROUP.id), ADMIN_TEXT.poolLine({ total: 10, inUse: 0, available: 10 }));
    });

    it('a bare mention of the bot answers with help', async () => {
      await bot.type(admin, GROUP, 'GoBot');
      assert.ok(onlyAnswer(bot, GROUP.id).startsWith(COMMAND_TEXT.helpIntro(true)));
    });

    it('"new code <email>" generates a new activation code', async () => {
      await bot.service.assign(admin.email, ALICE);
      bot.forget();
      await bot.type(admin, GROUP, 'GoBot new code alice@example.com');
      assert.ok(bot.said(GROUP.id)[0].markdown.startsWith(ADMIN_TEXT.issuedPublic('new-code', ALICE, true, admin.email)));
      assert.equal(bot.dms(ALICE).length, 1, 'alice gets the new code');
    });

    it('"lost/stolen <email>" asks to confirm marking the phone lost', async () => {
      await bot.service.assign(admin.email, ALICE);
      bot.forget();
      await bot.type(admin, GROUP, 'lost/stolen alice@example.com');
      const [question] = bot.said(GROUP.id);
      assert.equal(question.markdown, ADMIN_TEXT.confirmLost(ALICE));
      assert.equal(submitAction(question.card, 'lost', 'yes')?.args, ALICE);
    });

    it('"remove <email>" asks to confirm deleting the device', async () => {
      await bot.service.assign(admin.email, ALICE);
      bot.forget();
      await bot.type(admin, GROUP, 'remove alice@example.com');
      const [question] = bot.said(GROUP.id);
      assert.equal(question.markdown, ADMIN_TEXT.confirmDelete(ALICE));
      assert.equal(submitAction(question.card, 'delete', 'yes')?.args, ALICE);
      assert.ok(bot.service.deviceOf(ALICE), 'nothing is deleted before the confirmation');
    });
  });

  describe('an unknown command', () => {
    it('is answered with the closest command', async () => {
      await bot.type(admin, GROUP, 'GoBot asign alice@example.com');
      assert.equal(onlyAnswer(bot, GROUP.id), COMMAND_TEXT.unknownCommand('asign alice@example.com', 'assign alice@example.com'));
    });

    it('suggests the closest command by its example', async () => {
      await bot.type(admin, DM_ADMIN, 'devcies');
      assert.equal(onlyAnswer(bot, DM_ADMIN.id), COMMAND_TEXT.unknownCommand('devcies', 'devices offline'));
    });

    it('suggests what was typed, with the command word corrected', async () => {
      await bot.type(admin, DM_ADMIN, 'stauts bob@example.com');
      assert.equal(onlyAnswer(bot, DM_ADMIN.id), COMMAND_TEXT.unknownCommand('stauts bob@example.com', 'status bob@example.com'));
    });

    it('does not carry words over to a command that was only a guess', async () => {
      await bot.type(admin, DM_ADMIN, 'frobnicate the widgets');
      assert.doesNotMatch(onlyAnswer(bot, DM_ADMIN.id), /Did you mean `\S+ the widgets`/);
    });

    it('suggests to someone who is not an admin only what they may run', async () => {
      await bot.type(bob, DM_ADMIN, 'asign alice@example.com');
      const answer = onlyAnswer(bot, DM_ADMIN.id);
      assert.match(answer, /^I didn't understand `asign alice@example\.com`\. Did you mean `(help|my line|resend)`\?/);
    });
  });

  describe('missing and malformed arguments are answered with the usage and an example', () => {
    const cases: Array<{ typed: string; answer: string }> = [];
    const emailCommands: Array<[string, string]> = [
      ['assign', 'assign <email>'],
      ['status', 'status <email>'],
      ['code', 'code <email>'],
      ['lost', 'lost <email>'],
      ['delete', 'delete <email>'],
    ];
    for (const [name, usage] of emailCommands) {
      const example = `${name} alice@example.com`;
      cases.push(
        { typed: name, answer: COMMAND_TEXT.usage(COMMAND_TEXT.missingEmail, usage, example) },
        { typed: `${name} alice`, answer: COMMAND_TEXT.usage(COMMAND_TEXT.notEmail('alice', 'format'), usage, example) },
        { typed: `${name} alice@example.com now`, answer: COMMAND_TEXT.usage(COMMAND_TEXT.extraWords('now'), usage, example) },
      );
    }
    const devices = (problem: string) => COMMAND_TEXT.usage(problem, 'devices [pending|online|offline]', 'devices offline');
    const settings = (problem: string) =>
      COMMAND_TEXT.usage(problem, 'settings [notify on|off | licenses <number> | ttl <days> | smdp <host>]', 'settings notify off');
    cases.push(
      { typed: 'devices broken', answer: devices('`broken` is not a status.') },
      { typed: 'settings notify maybe', answer: settings('Notify is on or off, not `maybe`.') },
      { typed: 'settings licenses lots', answer: settings('The license pool is a whole number, not `lots`.') },
      { typed: 'settings licenses -5', answer: settings('The license pool is a whole number, not `-5`.') },
      { typed: 'settings ttl soon', answer: settings('The code lifetime is a whole number of days, not `soon`.') },
      { typed: 'settings ttl', answer: settings('`ttl` needs a value.') },
      { typed: 'settings ttl 30 days', answer: settings('I don\'t know what to do with `days`.') },
      { typed: 'settings colour blue', answer: settings('`colour` is not a setting.') },
      { typed: 'admins add', answer: COMMAND_TEXT.usage(COMMAND_TEXT.missingEmail, 'admins add <email>', 'admins add bob@example.com') },
      { typed: 'admins add bob', answer: COMMAND_TEXT.usage(COMMAND_TEXT.notEmail('bob', 'format'), 'admins add <email>', 'admins add bob@example.com') },
      { typed: 'admins remove', answer: COMMAND_TEXT.usage(COMMAND_TEXT.missingEmail, 'admins remove <email>', 'admins remove bob@example.com') },
      {
        typed: 'admins remove bob@example.com please',
        answer: COMMAND_TEXT.usage(COMMAND_TEXT.extraWords('please'), 'admins remove <email>', 'admins remove bob@example.com'),
      },
      {
        typed: 'admins promote bob@example.com',
        answer: COMMAND_TEXT.usage('`promote` is not something I can do with admins.', 'admins [add|remove <email>]', 'admins add bob@example.com'),
      },
      { typed: 'audit alice', answer: COMMAND_TEXT.usage(COMMAND_TEXT.notEmail('alice', 'format'), 'audit [email]', 'audit alice@example.com') },
      { typed: 'licenses now', answer: COMMAND_TEXT.usage('"licenses" takes nothing after it.', 'licenses', 'licenses') },
    );

    for (const { typed, answer } of cases) {
      it(`"${typed}"`, async () => {
        await bot.service.assign(admin.email, 'carol@example.com');
        const before = JSON.stringify({ devices: bot.service.devices(), settings: bot.service.settings(), admins: bot.service.admins() });
        bot.forget();
        await bot.type(admin, GROUP, `GoBot ${typed}`);
        assert.equal(onlyAnswer(bot, GROUP.id), answer);
        const after = JSON.stringify({ devices: bot.service.devices(), settings: bot.service.settings(), admins: bot.service.admins() });
        assert.equal(after, before, 'nothing changed');
      });
    }
  });

  describe('arguments that are right', () => {
    it('"devices pending activation" shows only pending devices', async () => {
      await bot.service.assign(admin.email, ALICE);
      await bot.type(admin, DM_ADMIN, 'devices Pending Activation');
      const [answer] = bot.said(DM_ADMIN.id);
      assert.match(answer.markdown, /^\*\*Webex Go devices: Pending activation\*\* — 1 device \(page 1 of 1\)\n- alice@example\.com: Pending activation$/);
    });

    it('"settings notify off" saves the setting and says so', async () => {
      await bot.type(admin, DM_ADMIN, 'settings notify off');
      assert.equal(bot.service.settings().notifyUsers, false);
      assert.equal(onlyAnswer(bot, DM_ADMIN.id), ADMIN_TEXT.settingsChanged(bot.service.settings()));
    });

    it('"admins add <email>" adds an admin', async () => {
      await bot.type(admin, DM_ADMIN, 'admins add Bob@Example.com');
      assert.ok(bot.service.isAdmin(bob.email));
      assert.equal(onlyAnswer(bot, DM_ADMIN.id), ADMIN_TEXT.adminAdded(bob.email));
    });

    it('"admins remove <email>" removes an admin, and "admins" lists who is left', async () => {
      await bot.service.addAdmin(admin.email, bob.email);
      await bot.type(admin, DM_ADMIN, 'admins remove bob@example.com');
      assert.equal(onlyAnswer(bot, DM_ADMIN.id), ADMIN_TEXT.adminRemoved(bob.email));
      assert.equal(bot.service.isAdmin(bob.email), false);
      bot.forget();
      await bot.type(admin, DM_ADMIN, 'admins');
      assert.equal(onlyAnswer(bot, DM_ADMIN.id), ADMIN_TEXT.admins([admin.email]));
    });

    it('"settings smdp <host>" saves the SM-DP+ address, and a bad one is refused', async () => {
      await bot.type(admin, DM_ADMIN, 'settings smdp smdp2.example.org');
      assert.equal(bot.service.settings().smdpAddress, 'SMDP2.EXAMPLE.ORG');
      assert.equal(onlyAnswer(bot, DM_ADMIN.id), ADMIN_TEXT.settingsChanged(bot.service.settings()));
      bot.forget();
      await bot.type(admin, DM_ADMIN, 'settings smdp not_a_host');
      assert.equal(onlyAnswer(bot, DM_ADMIN.id), refusalMessage(new Refusal('invalid-setting', { setting: 'smdp' }), 'en'));
      assert.equal(bot.service.settings().smdpAddress, 'SMDP2.EXAMPLE.ORG');
    });

    it('"settings" alone shows the settings card', async () => {
      await bot.type(admin, DM_ADMIN, 'settings');
      const [answer] = bot.said(DM_ADMIN.id);
      assert.equal(answer.markdown, 'Webex Go settings.');
      assert.ok(JSON.stringify(answer.card).includes('90 days'));
    });

    it('"audit" with no records yet says so', async () => {
      await bot.type(admin, DM_ADMIN, 'audit');
      assert.equal(onlyAnswer(bot, DM_ADMIN.id), ADMIN_TEXT.auditEmpty);
    });

    it('"audit <email>" lists that user\'s records, newest first', async () => {
      await bot.service.assign(admin.email, ALICE);
      await bot.service.assign(admin.email, 'carol@example.com');
      await bot.type(admin, DM_ADMIN, 'audit alice@example.com');
      const answer = onlyAnswer(bot, DM_ADMIN.id);
      assert.ok(answer.startsWith(ADMIN_TEXT.auditTitle(ALICE, 1)));
      assert.match(answer, /admin@example\.com assigned a device · alice@example\.com/);
      assert.doesNotMatch(answer, /carol/);
    });
  });
});
