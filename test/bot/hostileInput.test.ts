/**
 * Text a person typed is repeated safely, and addresses that only look right are refused with a
 * sentence that says what is wrong (hardening: "never locked out, never silently wrong").
 */
import assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import { commandText } from '../../src/render/messages/commandText.js';
import { ADMIN, BOT_EMAIL, DM_ADMIN, GROUP, admin, bob, openBot, type BotFixture } from '../support/botFakes.js';

const COMMAND_TEXT = commandText('en');

// Webex renders message markdown with links and mentions; HTML stays off as it does there.
const markdown = new MarkdownIt({ html: false, linkify: true });

/** What a reader sees as live: links to the typed site, and anything that is not inside a code span. */
function liveParts(text: string): { links: number; outsideCode: string } {
  const html = markdown.render(text);
  return { links: (html.match(/<a [^>]*evil/g) ?? []).length, outsideCode: html.replace(/<code>[\s\S]*?<\/code>/g, '') };
}

describe('bot: hostile and deceptive input', () => {
  let bot: BotFixture;
  beforeEach(async () => {
    bot = await openBot();
  });
  afterEach(() => bot.domain.close());

  const answers = () => bot.sent().map((s) => s.message.markdown);

  for (const [where, typed] of [
    ['an unknown command', 'GoBot frobnicate [click here](http://evil.example) <@all>'],
    ['a wrong email argument', 'GoBot status [click here](http://evil.example)<@all>'],
    ['a wrong admins verb', 'GoBot admins <@all>[x](http://evil.example)'],
    ['a wrong settings value', 'GoBot settings notify [click here](http://evil.example)<@all>'],
  ] as const) {
    it(`${where}: the reply holds no live link and no mention`, async () => {
      await bot.type(bob, GROUP, typed);
      await bot.type(admin, GROUP, typed);
      for (const answer of answers()) {
        const { links, outsideCode } = liveParts(answer);
        assert.equal(links, 0, answer);
        assert.doesNotMatch(outsideCode, /&lt;@all&gt;|<@all>|evil\.example/, answer);
      }
    });
  }

  it('text that looks like an activation code is never repeated', async () => {
    await bot.type(admin, DM_ADMIN, 'frobnicate LPA:1$SMDP.EXAMPLE.COM$04386-AGYFT-A74Y8-3F815');
    await bot.type(admin, DM_ADMIN, 'status 04386-AGYFT-A74Y8-3F815');
    const said = answers().join('\n');
    assert.doesNotMatch(said, /04386|AGYFT/);
    assert.match(said, /\[activation code\]/);
  });

  for (const [what, address, expected] of [
    ['a zero-width space', 'b\u200bob@example.com', /invisible character \(U\+200B\)/],
    ['a right-to-left override', 'bob\u202e@example.com', /invisible character \(U\+202E\)/],
    ['a control character', 'bob\u0007@example.com', /control character \(U\+0007\)/],
    ['a Cyrillic look-alike letter', 'b\u043eb@example.com', /"о" \(U\+043E\), a letter that only looks like a Latin one/],
  ] as const) {
    it(`refuses an address with ${what}, naming it`, async () => {
      await bot.type(admin, DM_ADMIN, `admins add ${address}`);
      const [answer] = answers();
      assert.match(answer, expected);
      if (!what.includes('look-alike')) assert.ok(!answer.includes(address), 'the unseen character is named, not repeated');
      assert.deepEqual(bot.service.admins(), [ADMIN]);
    });
  }

  it('refuses a 120,000-character address at once', async () => {
    const started = process.hrtime.bigint();
    await bot.type(admin, DM_ADMIN, `assign ${'a'.repeat(120_000)}@example.com`);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.match(answers()[0], /is far too long for an email address/);
    assert.ok(answers()[0].length < 1000, 'the address is not repeated whole');
    assert.ok(ms < 2000, `took ${ms} ms`);
  });

  it("refuses the bot's own address", async () => {
    await bot.type(admin, DM_ADMIN, `assign ${BOT_EMAIL}`);
    assert.match(answers()[0], new RegExp(COMMAND_TEXT.notYourself.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.equal(bot.service.devices().length, 0);
  });

  it('admins add: a typo (a person Webex does not know) is refused, so it can never become the only admin', async () => {
    bot.messenger.findPerson.withArgs('bbo@example.com').resolves(undefined);
    await bot.type(admin, DM_ADMIN, 'admins add bbo@example.com');
    assert.deepEqual(answers(), [COMMAND_TEXT.unknownPerson('bbo@example.com')]);
    assert.deepEqual(bot.service.admins(), [ADMIN]);
  });

  it('assign: a person Webex does not know is refused before a license is used, and nobody is messaged', async () => {
    bot.messenger.findPerson.withArgs('bbo@example.com').resolves(undefined);
    const poolBefore = bot.service.licensePool();
    await bot.type(admin, DM_ADMIN, 'assign bbo@example.com');
    assert.deepEqual(answers(), [COMMAND_TEXT.unknownPerson('bbo@example.com')]);
    assert.equal(bot.service.devices().length, 0);
    assert.deepEqual(bot.service.licensePool(), poolBefore, "the license stays in the pool");
    assert.equal(bot.messenger.dm.callCount, 0, 'no activation message went anywhere');
  });
});
