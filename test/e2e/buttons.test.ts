/**
 * Card buttons, end to end: presses arrive as Webex sends them (attachmentActions webhook, inputs
 * = the Submit action's data), the pressed card is edited in place, an outdated card or a second
 * press does no harm, and only admins' presses act.
 */
import { TEST_BOT_EMAIL } from '../support/sharedFakeWebex.js';
import assert from 'node:assert/strict';
import type { Message, Room } from '../../src/localwebex/types.js';
import { webhookBody, webhookSignature } from '../../src/localwebex/delivery.js';
import { ESIM_TOKEN, WEBHOOK_SECRET, startBot, type RunningBot } from '../support/botHarness.js';
import { ADMIN } from '../support/domain.js';
import {
  activationIn,
  activationMessages,
  assertCardsValid,
  assertGroupSpacesKeepSecrets,
  buttonTitles,
  freshEmail,
  phoneEvent,
  press,
  pressAndWaitEdit,
  pressWithAndWaitEdit,
  recordCards,
  redeem,
  settle,
  submitInputs,
  visibleText,
  waitUntil,
} from '../support/e2e.js';

const NON_ADMIN = 'pat.passerby@example.com';
const SEEDED = 23;

describe('e2e: card buttons', function () {
  this.timeout(30_000);
  let bot: RunningBot;
  let ops: Room;
  let adminDm: Room;
  let recorded: ReturnType<typeof recordCards>;

  before(async () => {
    bot = await startBot({ settings: { licenses: 100 } });
    recorded = recordCards(bot.fake);
    adminDm = bot.fake.directSpace(ADMIN);
    ops = await bot.groupSpace('Field support', [ADMIN, NON_ADMIN]);
  });

  after(async () => {
    recorded.stop();
    await bot.stop();
  });

  const ask = (text: string, from = ADMIN) => bot.type(ops.id, from, text, { mentionBot: true });
  const userDm = (email: string) => bot.fake.directSpace(email);
  const codesOf = (email: string) => activationMessages(bot.fake, userDm(email).id).map((m) => activationIn(m)!.matchingId);

  /** Waits for the user's `count`-th activation message and the admin's copy of it. */
  async function codesReached(email: string, count: number): Promise<string> {
    await waitUntil(() => codesOf(email).length >= count, `activation ${count} for ${email}`);
    const newest = codesOf(email).at(-1)!;
    await waitUntil(
      () => activationMessages(bot.fake, adminDm.id).some((m) => activationIn(m)?.matchingId === newest),
      `the admin's copy for ${email}`,
    );
    return newest;
  }

  /** A user with a device assigned in the group space; returns the device card posted there. */
  async function withDevice(prefix: string): Promise<{ email: string; card: Message }> {
    const email = freshEmail(prefix);
    bot.fake.addPerson({ email });
    const card = await ask(`assign ${email}`);
    await codesReached(email, 1);
    return { email, card };
  }

  it('devices pages with Prev/Next, editing the list card in place', async () => {
    const emails = Array.from({ length: SEEDED }, (_, i) => `page${String(i).padStart(2, '0')}@example.com`);
    for (const email of emails) await bot.app.service.assign(ADMIN, email);

    const list = await ask('devices');
    assert.match(list.markdown!, new RegExp(`^\\*\\*Webex Go devices\\*\\* — ${SEEDED} devices: ${SEEDED} Pending activation \\(page 1 of 3\\)`));
    assert.deepEqual(buttonTitles(list), ['Next ▶']);
    const rows = (m: Message) => emails.filter((e) => visibleText(m).includes(e));
    assert.deepEqual(rows(list), emails.slice(0, 10));

    const second = await pressAndWaitEdit(bot, list, 'Next ▶', ADMIN);
    assert.equal(second.id, list.id);
    assert.equal(second.editCount, 1);
    assert.ok(second.updated);
    assert.match(second.markdown!, /\(page 2 of 3\)/);
    assert.deepEqual(buttonTitles(second), ['◀ Prev', 'Next ▶']);
    assert.deepEqual(rows(second), emails.slice(10, 20));

    const third = await pressAndWaitEdit(bot, second, 'Next ▶', ADMIN);
    assert.match(third.markdown!, /\(page 3 of 3\)/);
    assert.deepEqual(buttonTitles(third), ['◀ Prev']);
    assert.deepEqual(rows(third), emails.slice(20));

    const back = await pressAndWaitEdit(bot, third, '◀ Prev', ADMIN);
    assert.match(back.markdown!, /\(page 2 of 3\)/);
    assert.equal(back.editCount, 3);
    assert.equal(bot.botMessages(ops.id).filter((m) => /Webex Go devices/.test(m.markdown ?? '')).length, 1, 'one list, edited');

    // A filter survives paging.
    const pending = await ask('devices pending');
    const pendingNext = await pressAndWaitEdit(bot, pending, 'Next ▶', ADMIN);
    assert.match(pendingNext.markdown!, /^\*\*Webex Go devices: Pending activation\*\* — \d+ devices \(page 2 of \d\)/);

    // Paging is for admins only.
    const before = bot.fake.message(list.id)!.editCount;
    const refusal = bot.nextFromBot((m) => m.roomId === ops.id);
    press(bot, bot.fake.message(list.id)!, 'Next ▶', NON_ADMIN);
    assert.match((await refusal).markdown!, /^Sorry, only Webex Go admins can do that/);
    assert.equal(bot.fake.message(list.id)!.editCount, before);
  });

  it('Generate new activation code (only while Pending) issues one, and the card shows the outcome in place', async () => {
    const { email, card } = await withDevice('gen');
    assert.deepEqual(buttonTitles(card), ['Generate new activation code', 'Lost/stolen', 'Delete']);
    const [first] = codesOf(email);

    const edited = await pressAndWaitEdit(bot, card, 'Generate new activation code', ADMIN);
    assert.equal(edited.editCount, 1);
    assert.ok(
      edited.markdown!.startsWith(`New activation code issued for ${email}. The activation details were sent to ${email} privately`),
      edited.markdown,
    );
    const second = await codesReached(email, 2);
    assert.notEqual(second, first);
    assert.equal((await redeem(bot, `LPA:1$SMDP.EXAMPLE.COM$${first}`, ESIM_TOKEN)).status, 410, 'the earlier code died');

    // Installed: the device card offers no new code any more.
    assert.equal((await redeem(bot, `LPA:1$SMDP.EXAMPLE.COM$${second}`, ESIM_TOKEN)).status, 200);
    const online = await ask(`status ${email}`);
    assert.match(visibleText(online), /Online/);
    assert.deepEqual(buttonTitles(online), ['Lost/stolen', 'Delete']);
  });

  it('Lost/stolen confirms inside the card, cuts the old line off and sends a new code', async () => {
    const { email, card } = await withDevice('lost');
    const installed = await redeem(bot, `LPA:1$SMDP.EXAMPLE.COM$${codesOf(email)[0]}`, ESIM_TOKEN);
    const iccid = String(installed.body.iccid);
    assert.equal(submitInputs(card, 'Yes, mark lost/stolen').confirm, 'yes', 'the confirm sits behind the Lost/stolen ShowCard');
    const status = await ask(`status ${email}`);

    const edited = await pressAndWaitEdit(bot, status, 'Yes, mark lost/stolen', ADMIN);
    assert.ok(
      edited.markdown!.startsWith(`Lost/stolen: the old phone's line is off and a new activation code is issued for ${email}.`),
      edited.markdown,
    );
    assert.match(visibleText(edited), /Pending activation/);
    await codesReached(email, 2);
    const toUser = activationMessages(bot.fake, userDm(email).id).at(-1)!;
    assert.match(toUser.markdown!, /The line on your old phone has been switched off\./);
    // The lost phone's line is dead for good.
    const lostPhone = await phoneEvent(bot, iccid, 'enabled', ESIM_TOKEN);
    assert.equal(lostPhone.status, 410);
    assert.equal(lostPhone.body.reason, 'revoked');
  });

  it('Delete confirms inside the card, deletes, and tells the user to remove the line by hand', async () => {
    const { email, card } = await withDevice('del');
    const edited = await pressAndWaitEdit(bot, card, 'Yes, delete', ADMIN);
    assert.equal(
      edited.markdown,
      `Webex Go device of ${email} deleted; its license is back in the pool. ${email} was told to remove the deactivated line from the phone by hand.`,
    );
    assert.deepEqual(buttonTitles(edited), [], 'nothing left to press');
    const told = await bot.fake.waitForMessage((m) => m.roomId === userDm(email).id && /was deleted/.test(m.markdown ?? ''));
    assert.match(told.markdown!, /remove the deactivated Webex Go line from your phone by hand/);
    assert.equal((await ask(`status ${email}`)).markdown, `${email} has no Webex Go device. Add one with **assign ${email}**.`);
  });

  it('a press on an outdated card does no harm: the card is refreshed and nothing is done', async () => {
    const { email, card } = await withDevice('stale');
    // What the card's buttons carry now; then the device changes behind the card's back.
    const oldGenerate = submitInputs(card, 'Generate new activation code');
    const oldDelete = submitInputs(card, 'Yes, delete');
    await ask(`code ${email}`);
    await codesReached(email, 2);

    const refreshed = await pressWithAndWaitEdit(bot, card.id, oldGenerate, ADMIN);
    assert.ok(
      refreshed.markdown!.startsWith(`This card was out of date, so nothing was done. Here is ${email}'s device as it is now.`),
      refreshed.markdown,
    );
    const notDeleted = await pressWithAndWaitEdit(bot, card.id, oldDelete, ADMIN);
    assert.match(notDeleted.markdown!, /^This card was out of date, so nothing was done\./);
    assert.equal(codesOf(email).length, 2, 'no code from the outdated card');
    assert.match((await ask(`status ${email}`)).markdown!, /Pending activation/, 'not deleted');

    // The refreshed card is current again, so its buttons work.
    await pressAndWaitEdit(bot, bot.fake.message(card.id)!, 'Generate new activation code', ADMIN);
    await codesReached(email, 3);

    // Once the device is gone, a card from before says so; the card that deleted it keeps saying so.
    const current = await ask(`status ${email}`);
    const other = await ask(`status ${email}`);
    const oldLost = submitInputs(current, 'Yes, mark lost/stolen');
    const deleted = await pressAndWaitEdit(bot, current, 'Yes, delete', ADMIN);
    const gone = await pressWithAndWaitEdit(bot, other.id, submitInputs(other, 'Yes, mark lost/stolen'), ADMIN);
    assert.equal(gone.markdown, `${email} no longer has a Webex Go device, so nothing was done.`);
    bot.fake.pressButton({ messageId: current.id, fromEmail: ADMIN, inputs: oldLost });
    await waitUntil(() => bot.logs.some((l) => l.includes(`late press on card ${current.id}`)), 'the late press to be handled');
    assert.equal(bot.fake.message(current.id)!.markdown, deleted.markdown);
    assert.equal(codesOf(email).length, 3);
  });

  it('a double press acts once: exactly one new code reaches the user', async () => {
    const { email, card } = await withDevice('double');
    // Two presses of the same button, as fast as a double click.
    press(bot, card, 'Generate new activation code', ADMIN);
    press(bot, card, 'Generate new activation code', ADMIN);
    await codesReached(email, 2);
    // The second press came late to a card that already shows the outcome: it changes nothing, not even the card.
    await waitUntil(() => bot.logs.some((l) => l.includes(`late press on card ${card.id}`)), 'the second press to be handled');
    assert.equal(bot.fake.message(card.id)!.editCount, 1, 'the outcome stays on the card');
    assert.match(bot.fake.message(card.id)!.markdown!, /^New activation code issued/);
    assert.equal(codesOf(email).length, 2, 'the user received exactly one new activation message');
    assert.equal(activationMessages(bot.fake, adminDm.id).filter((m) => m.markdown!.includes(email)).length, 2);
  });

  it('the same press delivered twice by Webex acts once', async () => {
    const { email, card } = await withDevice('redelivered');
    const before = bot.fake.message(card.id)!.editCount;
    const action = bot.fake.pressButton({ messageId: card.id, fromEmail: ADMIN, inputs: submitInputs(card, 'Generate new activation code') });
    await codesReached(email, 2);
    await waitUntil(() => bot.fake.message(card.id)!.editCount > before, 'the card edit');

    const webhook = bot.fake.webhooks().find((w) => w.resource === 'attachmentActions' && w.targetUrl.startsWith(bot.base))!;
    const { id, type, messageId, personId, roomId, created } = action;
    const raw = JSON.stringify(
      webhookBody(webhook, { resource: 'attachmentActions', event: 'created', actorId: personId, data: { id, type, messageId, personId, roomId, created } }),
    );
    const response = await fetch(webhook.targetUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-spark-signature': webhookSignature(WEBHOOK_SECRET, raw) },
      body: raw,
    });
    assert.equal(response.status, 200);
    await settle(400);
    assert.equal(codesOf(email).length, 2, 'no second code');
    assert.equal(bot.fake.message(card.id)!.editCount, before + 1, 'no second edit');
  });

  it('someone who is not an admin pressing an admin button is refused politely, nothing changes, and it is audited', async () => {
    const { email, card } = await withDevice('guarded');
    const refusals = () => bot.botMessages(ops.id).filter((m) => m.markdown?.startsWith('Sorry, only Webex Go admins can do that'));
    const seen = refusals().length;

    for (const title of ['Generate new activation code', 'Yes, mark lost/stolen', 'Yes, delete']) {
      const refusal = bot.nextFromBot((m) => m.roomId === ops.id);
      press(bot, card, title, NON_ADMIN);
      assert.equal(
        (await refusal).markdown,
        'Sorry, only Webex Go admins can do that, and nothing was changed. Type **help** to see what you can do, or ask an admin.',
      );
    }
    assert.equal(refusals().length, seen + 3);
    assert.equal(bot.fake.message(card.id)!.editCount, 0, 'the card is untouched');
    assert.equal(codesOf(email).length, 1, 'no new code');
    assert.match((await ask(`status ${email}`)).markdown!, /Pending activation/, 'not deleted');

    const audit = await ask(`audit ${email}`);
    const refused = audit.markdown!.split('\n').filter((line) => line.includes(NON_ADMIN) && line.endsWith('**refused** (not-admin)'));
    assert.equal(refused.length, 3, audit.markdown);
  });

  it('no group-space message and no log line carries a code, a network provider code or a file', () => {
    assertGroupSpacesKeepSecrets(bot.fake, bot.logs);
  });

  it('every card the bot sent or edited validates for Webex', () => {
    assert.ok(recorded.cards.length > 20);
    assertCardsValid(recorded.cards);
    assert.ok(bot.fake.messages().every((m) => m.personEmail !== TEST_BOT_EMAIL || m.editCount <= 10));
  });
});
