import assert from 'node:assert/strict';
import { commandTable } from '../../src/bot/commands/index.js';
import { ALICE, DM_ADMIN, GROUP, admin, alice, bob, openBot, visibleText, type BotFixture } from '../support/botFakes.js';
import { adminText } from '../../src/render/messages/adminText.js';
import { commandText } from '../../src/render/messages/commandText.js';
import { userText } from '../../src/render/messages/userText.js';

const ADMIN_TEXT = adminText('en');

const COMMAND_TEXT = commandText('en');

const USER_TEXT = userText('en');

/** Everything a refused command must leave as it was. */
function snapshot(bot: BotFixture): string {
  const { service } = bot;
  return JSON.stringify({
    devices: service.devices(),
    settings: service.settings(),
    admins: service.admins(),
    pool: service.licensePool(),
    activation: service.currentActivation(ALICE),
  });
}

describe('bot: who may do what', () => {
  let bot: BotFixture;
  beforeEach(async () => {
    bot = await openBot();
    await bot.service.assign(admin.email, ALICE);
    bot.forget();
  });
  afterEach(async () => {
    await bot.close();
  });

  describe('someone who is not an admin', () => {
    const adminCommands: Array<{ typed: string; action: string; email?: string }> = [
      { typed: 'assign carol@example.com', action: 'assign', email: 'carol@example.com' },
      { typed: 'status alice@example.com', action: 'status', email: ALICE },
      { typed: 'devices', action: 'devices' },
      { typed: 'devices offline', action: 'devices' },
      { typed: 'code alice@example.com', action: 'new-code', email: ALICE },
      { typed: 'new code alice@example.com', action: 'new-code', email: ALICE },
      { typed: 'lost alice@example.com', action: 'lost-stolen', email: ALICE },
      { typed: 'delete alice@example.com', action: 'delete', email: ALICE },
      { typed: 'licenses', action: 'licenses' },
      { typed: 'settings', action: 'settings' },
      { typed: 'settings notify off', action: 'settings' },
      { typed: 'settings licenses 0', action: 'settings' },
      { typed: 'admins', action: 'admins' },
      { typed: 'admins add bob@example.com', action: 'admins' },
      { typed: 'admins remove admin@example.com', action: 'admins' },
      { typed: 'audit', action: 'audit' },
      { typed: 'audit alice@example.com', action: 'audit', email: ALICE },
      // Even a malformed admin command is refused before its arguments are read.
      { typed: 'assign', action: 'assign' },
    ];

    for (const { typed, action, email } of adminCommands) {
      it(`typing "${typed}" is refused, changes nothing, and the refusal is audited`, async () => {
        const before = snapshot(bot);
        await bot.type(bob, GROUP, `GoBot ${typed}`);

        assert.deepEqual(
          bot.sent().map((s) => [s.kind, s.to, s.message.markdown]),
          [['say', GROUP.id, COMMAND_TEXT.notAdmin]],
          'the only thing said is the refusal, in the space where it was typed',
        );
        assert.equal(snapshot(bot), before, 'nothing changed');

        const trail = await bot.service.auditTrail({ limit: 10 });
        const refusal = trail.find((r) => r.actor === bob.email);
        assert.ok(refusal, 'the refusal is in the audit trail');
        assert.equal(refusal.action, action);
        assert.equal(refusal.outcome, 'refused');
        assert.equal(refusal.reason, 'not-admin');
        assert.equal(refusal.email, email);
      });
    }

    it('every admin command in the table, typed as its own example, is refused', async () => {
      const adminOnly = commandTable().flatMap((c) => (c.access === 'admin' && c.listed !== false ? [c] : []));
      assert.ok(adminOnly.length >= 10);
      const before = snapshot(bot);
      for (const command of adminOnly) {
        bot.forget();
        await bot.type(bob, DM_ADMIN, command.example);
        assert.deepEqual(bot.sent().map((s) => s.message.markdown), [COMMAND_TEXT.notAdmin], `"${command.example}"`);
      }
      assert.equal(snapshot(bot), before);
      const refusals = (await bot.service.auditTrail({ limit: 100 })).filter((r) => r.actor === bob.email);
      assert.deepEqual(refusals.map((r) => r.action).sort(), adminOnly.map((c) => c.audit).sort());
      assert.ok(refusals.every((r) => r.outcome === 'refused' && r.reason === 'not-admin'));
    });

    it('pressing an admin button is refused the same way', async () => {
      const view = bot.service.deviceOf(ALICE)!;
      const before = snapshot(bot);
      await bot.press(bob, GROUP, { command: 'code', args: ALICE, deviceId: view.id, version: view.lastChange.at });

      assert.deepEqual(bot.sent().map((s) => [s.kind, s.to, s.message.markdown]), [['say', GROUP.id, COMMAND_TEXT.notAdmin]]);
      assert.equal(snapshot(bot), before);
      const [refusal] = await bot.service.auditTrail({ limit: 1 });
      assert.deepEqual(
        { actor: refusal.actor, action: refusal.action, email: refusal.email, outcome: refusal.outcome, reason: refusal.reason },
        { actor: bob.email, action: 'new-code', email: ALICE, outcome: 'refused', reason: 'not-admin' },
      );
    });

    it('pressing a confirmed delete button is refused and the device stays', async () => {
      const view = bot.service.deviceOf(ALICE)!;
      await bot.press(bob, GROUP, { command: 'delete', args: ALICE, deviceId: view.id, version: view.lastChange.at, confirm: 'yes' });
      assert.deepEqual(bot.said(GROUP.id).map((m) => m.markdown), [COMMAND_TEXT.notAdmin]);
      assert.ok(bot.service.deviceOf(ALICE));
    });

    it('loses the admin powers the moment they are removed', async () => {
      await bot.service.addAdmin(admin.email, bob.email);
      await bot.type(bob, DM_ADMIN, 'licenses');
      assert.equal(bot.said()[0].markdown, ADMIN_TEXT.poolLine(bot.service.licensePool()));
      await bot.service.removeAdmin(admin.email, bob.email);
      bot.forget();
      await bot.type(bob, DM_ADMIN, 'licenses');
      assert.deepEqual(bot.said().map((m) => m.markdown), [COMMAND_TEXT.notAdmin]);
    });
  });

  describe('commands open to anyone', () => {
    it('"my line" tells someone without a line that they have none', async () => {
      await bot.type(bob, GROUP, 'GoBot my line');
      assert.deepEqual(bot.said(GROUP.id).map((m) => m.markdown), [USER_TEXT.myLine(undefined)]);
    });

    it('"my line" tells a user the status of their own line, without the code', async () => {
      await bot.type(alice, GROUP, 'GoBot my line');
      const [answer] = bot.said(GROUP.id);
      assert.equal(answer.markdown, USER_TEXT.myLine(bot.service.deviceOf(ALICE)));
      assert.match(answer.markdown, /Pending activation/);
      assert.ok(!visibleText(answer).includes(bot.service.currentActivation(ALICE)!.matchingId));
    });

    it('"resend" in a group sends the details to the user\'s 1:1 only', async () => {
      const details = bot.service.currentActivation(ALICE)!;
      await bot.type(alice, GROUP, 'GoBot resend');
      assert.deepEqual(bot.said(GROUP.id).map((m) => m.markdown), [USER_TEXT.resendSent]);
      const [private1to1] = bot.dms(ALICE);
      assert.ok(private1to1.markdown.includes(details.matchingId));
      assert.equal(private1to1.file?.contentType, 'image/png');
      assert.equal(bot.dms().length, 1, 'nobody else gets a copy');
      for (const said of bot.said(GROUP.id)) assert.ok(!visibleText(said).includes(details.matchingId));
    });

    it('"resend" in the user\'s own 1:1 just sends the details there', async () => {
      await bot.type(alice, { id: 'dm-alice', type: 'direct' }, 'resend');
      assert.equal(bot.said().length, 0);
      assert.equal(bot.dms(ALICE).length, 1);
    });

    it('"resend" tells someone without a working code to ask an admin', async () => {
      await bot.type(bob, GROUP, 'GoBot resend');
      assert.deepEqual(bot.said(GROUP.id).map((m) => m.markdown), [USER_TEXT.resendNone]);
      assert.equal(bot.dms().length, 0);
    });

    it('"resend" sends nothing when the admins hand codes out (notifications off)', async () => {
      await bot.service.updateSettings(admin.email, { notifyUsers: false });
      await bot.type(alice, GROUP, 'GoBot resend');
      assert.deepEqual(bot.said(GROUP.id).map((m) => m.markdown), [USER_TEXT.resendSuppressed]);
      assert.equal(bot.dms().length, 0);
    });

    it('"help" lists only what someone who is not an admin may run', async () => {
      await bot.type(bob, GROUP, 'GoBot help');
      const [answer] = bot.said(GROUP.id);
      assert.equal(
        answer.markdown,
        [
          COMMAND_TEXT.helpIntro(false),
          COMMAND_TEXT.helpLine('help', 'what you can ask me', 'help'),
          COMMAND_TEXT.helpLine('my line', 'the status of your own Webex Go line', 'my line'),
          COMMAND_TEXT.helpLine('resend', 'sends your current activation details to our 1:1 again', 'resend'),
          COMMAND_TEXT.helpLine('language [en|bg]', 'the language I write in to you (in our 1:1) or to this space (admins, in a group space): en or bg', 'language bg'),
        ].join('\n'),
      );
    });

    it('"help" lists every command for an admin, but not card-only actions', async () => {
      await bot.type(admin, DM_ADMIN, 'help');
      const [answer] = bot.said(DM_ADMIN.id);
      assert.ok(answer.markdown.startsWith(COMMAND_TEXT.helpIntro(true)));
      const usages = [...answer.markdown.matchAll(/^- \*\*(.+?)\*\* — /gm)].map((m) => m[1]);
      for (const usage of [
        'admins [add|remove <email>]',
        'assign <email>',
        'audit [email]',
        'code <email>',
        'delete <email>',
        'devices [pending|online|offline]',
        'help',
        'licenses',
        'lost <email>',
        'my line',
        'resend',
        'settings [notify on|off | licenses <number> | ttl <days> | smdp <host>]',
        'status <email>',
      ]) {
        assert.ok(usages.includes(usage), `help lists "${usage}"`);
      }
      const listed = commandTable().filter((c) => c.listed !== false);
      assert.deepEqual(usages.sort(), listed.map((c) => c.usage).sort(), 'every listed command, once');
      assert.ok(!usages.includes('cancel'), 'the Cancel button is not a command to type');
    });
  });
});
