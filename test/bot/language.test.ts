import assert from 'node:assert/strict';
import type { Space } from '../../src/bot/types.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { reasonIn } from '../../src/bot/language.js';
import { toMailError } from '../../src/mail/mailer.js';
import { refusalMessage } from '../../src/render/messages/refusals.js';
import { Refusal } from '../../src/domain/refusal.js';
import { translate } from '../../src/render/i18n/translate.js';
import { userText } from '../../src/render/messages/userText.js';
import { ALICE, DM_ADMIN, GROUP, admin, alice, bob, openBot, type BotFixture } from '../support/botFakes.js';

const DM_ALICE: Space = { id: 'dm-alice', type: 'direct' };
const DM_BOB: Space = { id: 'dm-bob', type: 'direct' };
const last = (bot: BotFixture, spaceId: string) => bot.said(spaceId).at(-1)?.markdown ?? '';

describe('bot: who reads in which language', () => {
  let bot: BotFixture;
  beforeEach(async () => {
    bot = await openBot();
  });
  afterEach(async () => {
    await bot.close();
  });

  it('"language bg" in a 1:1 sets that person\'s language, said in Bulgarian; others keep English', async () => {
    await bot.type(alice, DM_ALICE, 'language bg');
    assert.equal(last(bot, DM_ALICE.id), 'Отсега нататък ви пиша на **български**.');
    await bot.type(alice, DM_ALICE, 'language');
    assert.match(last(bot, DM_ALICE.id), /^Пиша ви на \*\*български\*\*/);
    await bot.type(alice, DM_ALICE, 'my line');
    assert.equal(last(bot, DM_ALICE.id), userText('bg').myLine(undefined));
    await bot.type(bob, DM_BOB, 'my line');
    assert.equal(last(bot, DM_BOB.id), userText('en').myLine(undefined));
    assert.equal(bot.service.languageOf({ person: 'Alice@Example.com' }), 'bg');
  });

  it('help explains in the reader\'s language, and says the commands stay English', async () => {
    await bot.type(alice, DM_ALICE, 'език bg');
    await bot.type(alice, DM_ALICE, 'помощ');
    const help = last(bot, DM_ALICE.id);
    assert.ok(help.startsWith(translate('bg', 'help.introUser')), help);
    assert.ok(help.includes(`- **my line** — ${translate('bg', 'summary.my line')}`), help);
    assert.ok(help.endsWith(translate('bg', 'help.language')), help);
  });

  it('the user\'s activation message is in the user\'s language, the admin\'s copy in the admin\'s', async () => {
    await bot.type(alice, DM_ALICE, 'language bg');
    bot.forget();
    await bot.type(admin, DM_ADMIN, `assign ${ALICE}`);
    const [toAlice] = bot.dms(ALICE);
    assert.ok(toAlice.markdown.startsWith(translate('bg', 'user.activation.ready')), toAlice.markdown);
    assert.ok(toAlice.markdown.includes('SM-DP+ адрес'));
    assert.ok(toAlice.markdown.includes('код на мрежов доставчик'));
    const [toAdmin] = bot.dms(admin.email);
    assert.ok(!/[а-я]/i.test(toAdmin.markdown), toAdmin.markdown);
  });

  it('"language" in a 1:1 says where the language came from: the org\'s default, the person\'s Webex profile, their own choice', async () => {
    await bot.type(alice, DM_ALICE, 'language');
    assert.match(last(bot, DM_ALICE.id), /^I write to you in \*\*English\*\*, the organization’s default\./);
    // Org mode read her Webex language: Bulgarian.
    await bot.service.applyOrgListing(
      [{ id: 'go-alice', email: ALICE, status: 'online', org: { personId: 'person-alice', preferredLanguage: 'bg_BG', languageReadAt: '2026-11-26T09:00:00.000Z' } }],
      { kind: 'complete' },
    );
    await bot.type(alice, DM_ALICE, 'language');
    assert.match(last(bot, DM_ALICE.id), /^Пиша ви на \*\*български\*\* — езикът от профила ви в Webex\./);
    await bot.type(alice, DM_ALICE, 'language en');
    await bot.type(alice, DM_ALICE, 'language');
    assert.match(last(bot, DM_ALICE.id), /^I write to you in \*\*English\*\*, as you chose\./);
  });

  it('a group space\'s language is set by an admin there, and that space reads in it', async () => {
    await bot.type(admin, GROUP, 'GoBot language bg');
    assert.equal(last(bot, GROUP.id), 'Отсега нататък в това пространство пиша на **български**.');
    await bot.type(admin, GROUP, 'GoBot watch here');
    assert.equal(last(bot, GROUP.id), translate('bg', 'watch.watching'));
    // The admin's own 1:1 is still in the admin's language.
    await bot.type(admin, DM_ADMIN, 'language');
    assert.match(last(bot, DM_ADMIN.id), /^I write to you in \*\*English\*\*/);
  });

  it('someone who is not an admin cannot set a group space\'s language', async () => {
    await bot.type(bob, GROUP, 'GoBot language bg');
    assert.equal(last(bot, GROUP.id), refusalMessage(new Refusal('not-admin', {}), 'en'));
    assert.equal(bot.service.languageOf({ space: GROUP.id }), 'en');
  });

  it('a language it does not write in gets the usage', async () => {
    await bot.type(alice, DM_ALICE, 'language fr');
    assert.match(last(bot, DM_ALICE.id), /is not a language I write in: choose en or bg\. Type it as \*\*language \[en\|bg\]\*\*/);
  });

  it('DEFAULT_LANGUAGE is en unless set to bg; anything else stops start-up with a sentence', () => {
    assert.equal(loadConfig({}).defaultLanguage, 'en');
    assert.equal(loadConfig({ DEFAULT_LANGUAGE: 'BG' }).defaultLanguage, 'bg');
    assert.throws(
      () => loadConfig({ DEFAULT_LANGUAGE: 'fr' }),
      (error: Error) => error instanceof ConfigError && error.message === 'DEFAULT_LANGUAGE must be en or bg; it is "fr".',
    );
  });
});

describe('mail errors in the reader\'s language', () => {
  it('say themselves in English as their message, and in Bulgarian for a Bulgarian admin', () => {
    const error = toMailError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ESOCKET', errno: 'ECONNREFUSED' }), {
      server: { label: 'mail.example.com:587' },
      secrets: [],
      recipient: 'alice@example.com',
      timing: { setupMs: 10_000, idleMs: 10_000, deadlineMs: 30_000 },
    });
    assert.equal(error.message, 'could not connect to mail.example.com:587: nothing accepts connections there (connection refused)');
    assert.equal(reasonIn(error, 'bg'), 'не успях да се свържа с mail.example.com:587: там нищо не приема връзки (връзката е отказана)');
    assert.equal(reasonIn(new Error('plain'), 'bg'), 'plain');
  });
});
