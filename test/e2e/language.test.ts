/**
 * Who reads in which language, end to end: a person's language (set in their 1:1), a group
 * space's (set there by an admin), and the org's (DEFAULT_LANGUAGE) for everyone else.
 */
import assert from 'node:assert/strict';
import { translate } from '../../src/render/i18n/translate.js';
import { startBot, type RunningBot } from '../support/botHarness.js';
import { ADMIN } from '../support/domain.js';
import { buttonTitles, freshEmail, waitUntil } from '../support/e2e.js';

describe('e2e: languages', function () {
  this.timeout(30_000);

  describe('with the default language English', () => {
    let bot: RunningBot;
    before(async () => {
      bot = await startBot({ settings: { licenses: 20 } });
    });
    after(async () => {
      await bot.stop();
    });

    it('a person who chose Bulgarian gets the activation message in Bulgarian; the admin keeps English', async () => {
      const user = freshEmail('ivana');
      bot.fake.addPerson({ email: user, displayName: 'Ivana' });
      const userDm = bot.fake.directSpace(user);
      const set = await bot.type(userDm.id, user, 'language bg');
      assert.equal(set.markdown, 'Отсега нататък ви пиша на **български**.');

      const adminDm = bot.fake.directSpace(ADMIN);
      const card = await bot.type(adminDm.id, ADMIN, `assign ${user}`);
      assert.ok(buttonTitles(card).includes('Lost/stolen'), 'the admin reads English');
      await waitUntil(() => bot.botMessages(userDm.id).some((m) => (m.markdown ?? '').includes('SM-DP+ адрес')), 'the Bulgarian activation message');
      const activation = bot.botMessages(userDm.id).find((m) => (m.markdown ?? '').includes('SM-DP+ адрес'))!;
      assert.ok(activation.markdown!.startsWith(translate('bg', 'user.activation.ready')));
      assert.ok(activation.markdown!.includes('код на мрежов доставчик'));
      assert.ok(activation.files?.length, 'with its QR code');
      await waitUntil(() => bot.botMessages(adminDm.id).some((m) => (m.markdown ?? '').includes('SM-DP+ address')), "the admin's copy, in English");
    });

    it('a group space an admin set to Bulgarian reads cards and answers in Bulgarian; a member who is no admin cannot change it', async () => {
      const member = freshEmail('member');
      const space = await bot.groupSpace('Екип', [ADMIN, member]);
      const refused = await bot.type(space.id, member, 'language bg', { mentionBot: true });
      assert.match(refused.markdown ?? '', /^Only Webex Go admins can do that/);
      const set = await bot.type(space.id, ADMIN, 'language bg', { mentionBot: true });
      assert.equal(set.markdown, 'Отсега нататък в това пространство пиша на **български**.');
      const user = freshEmail('petar');
      bot.fake.addPerson({ email: user });
      const card = await bot.type(space.id, ADMIN, `assign ${user}`, { mentionBot: true });
      assert.deepEqual(buttonTitles(card), ['Генериране на нов код за активиране', 'Изгубени/откраднати', 'Изтриване']);
      const devices = await bot.type(space.id, ADMIN, 'устройства', { mentionBot: true });
      assert.match(devices.markdown ?? '', /^\*\*Устройства Webex Go\*\*/);
    });
  });

  describe('with DEFAULT_LANGUAGE=bg', () => {
    let bot: RunningBot;
    before(async () => {
      bot = await startBot({ env: { DEFAULT_LANGUAGE: 'bg' } });
    });
    after(async () => {
      await bot.stop();
    });

    it('whoever chose nothing reads Bulgarian, help included; "language en" switches a person back', async () => {
      const user = freshEmail('georgi');
      bot.fake.addPerson({ email: user });
      const dm = bot.fake.directSpace(user);
      const help = await bot.type(dm.id, user, 'help');
      assert.ok(help.markdown!.startsWith(translate('bg', 'help.introUser')), help.markdown);
      await bot.type(dm.id, user, 'language en');
      const again = await bot.type(dm.id, user, 'help');
      assert.ok(again.markdown!.startsWith(translate('en', 'help.introUser')), again.markdown);
    });
  });
});
