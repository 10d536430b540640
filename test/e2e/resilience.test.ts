/**
 * Resilience, end to end: a forged webhook is turned away, Webex rate limits and server errors
 * are waited out, a 1:1 that cannot be delivered is reported to the admin while the change
 * stands, and a restart keeps devices, settings and admins.
 */
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
  fromBot,
  pressAndWaitEdit,
  recordCards,
  redeem,
  visibleText,
  waitUntil,
} from '../support/e2e.js';

describe('e2e: resilience', function () {
  this.timeout(30_000);
  let bot: RunningBot;
  let adminDm: Room;
  let ops: Room;
  let recorded: ReturnType<typeof recordCards>;
  /** Log lines of every app instance this file ran (a restart starts a new list). */
  const logs: string[][] = [];

  before(async () => {
    bot = await startBot({ settings: { licenses: 20 } });
    logs.push(bot.logs);
    recorded = recordCards(bot.fake);
    adminDm = bot.fake.directSpace(ADMIN);
    ops = await bot.groupSpace('Ops', [ADMIN, 'olga.ops@example.com']);
  });

  after(async () => {
    recorded.stop();
    await bot.stop();
  });

  const ask = (text: string, room = ops) => bot.type(room.id, ADMIN, text, { mentionBot: room.type === 'group' });
  const userDm = (email: string) => bot.fake.directSpace(email);

  describe('the webhook endpoint', () => {
    /** The raw body Webex would send for a message the admin wrote, and where it would go. */
    async function deliveryOf(message: Message): Promise<{ url: string; raw: string }> {
      const webhook = bot.fake.webhooks().find((w) => w.resource === 'all' && w.targetUrl.startsWith(bot.base));
      assert.ok(webhook, 'the bot registered its firehose webhook');
      assert.equal(webhook.targetUrl, `${bot.base}/webex/webhook`);
      const data = { id: message.id, roomId: message.roomId, roomType: message.roomType, personId: message.personId, personEmail: message.personEmail, created: message.created };
      return { url: webhook.targetUrl, raw: JSON.stringify(webhookBody(webhook, { resource: 'messages', event: 'created', actorId: message.personId, data })) };
    }

    const post = (url: string, raw: string, signature?: string) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(signature === undefined ? {} : { 'x-spark-signature': signature }) },
        body: raw,
      });

    /** A message the admin writes whose delivery Webex loses: the bot has not heard it yet. */
    async function unheard(text: string, room: Room): Promise<Message> {
      const webhook = bot.fake.webhooks().find((w) => w.resource === 'all' && w.targetUrl.startsWith(bot.base))!;
      const { name, targetUrl } = webhook;
      bot.fake.updateWebhook(webhook.id, { name, targetUrl: 'http://127.0.0.1:9/lost' });
      const message = bot.fake.postMessage({ roomId: room.id, fromEmail: ADMIN, text });
      await bot.fake.idle();
      bot.fake.updateWebhook(webhook.id, { name, targetUrl });
      return message;
    }

    it('a forged webhook (wrong, missing or stale signature) gets 401 and does nothing', async () => {
      // A delivery the bot already acted on would be a replay, dropped whatever its signature.
      const typed = await unheard('licenses', adminDm);
      const { url, raw } = await deliveryOf(typed);
      const answers = () => fromBot(bot.fake, adminDm.id).length;
      const before = answers();

      const forgeries = [
        ['a wrong signature', raw, 'deadbeef'.repeat(5)],
        ['no signature', raw, undefined],
        ['a signature made with another secret', raw, webhookSignature('not-the-secret', raw)],
        ['a body changed after signing', raw.replace('"created"', '"created" '), webhookSignature(WEBHOOK_SECRET, raw)],
        ['a signature that is not hex', raw, 'not hex at all'],
      ] as const;
      for (const [what, body, signature] of forgeries) {
        const response = await post(url, body, signature);
        assert.equal(response.status, 401, what);
        assert.deepEqual(await response.json(), {
          error: 'The X-Spark-Signature header is missing or does not match WEBHOOK_SECRET.',
          reason: 'bad-signature',
        });
      }
      // A 401 means the event never reached the framework; the genuine delivery below is answered.
      assert.equal(answers(), before, 'nothing was answered');

      // The same bytes correctly signed are acted on: only the signature kept them out.
      const genuine = bot.nextFromBot((m) => m.roomId === adminDm.id);
      assert.equal((await post(url, raw, webhookSignature(WEBHOOK_SECRET, raw))).status, 200);
      assert.match((await genuine).markdown!, /Webex Go licenses in use/);
    });

    it('a forged button press is turned away too', async () => {
      const email = freshEmail('forged');
      bot.fake.addPerson({ email });
      const card = await ask(`assign ${email}`);
      await waitUntil(() => activationMessages(bot.fake, userDm(email).id).length === 1, 'the first code');
      const webhook = bot.fake.webhooks().find((w) => w.resource === 'attachmentActions' && w.targetUrl.startsWith(bot.base))!;
      const data = { id: 'Y2lzY29zcGFyazovL3VzL0FUVEFDSE1FTlRfQUNUSU9OL2ZvcmdlZA', type: 'submit', messageId: card.id, personId: bot.fake.person(ADMIN)!.id, roomId: ops.id };
      const raw = JSON.stringify(webhookBody(webhook, { resource: 'attachmentActions', event: 'created', actorId: data.personId, data }));
      assert.equal((await post(webhook.targetUrl, raw, webhookSignature('guessed', raw))).status, 401);
      assert.equal(bot.fake.message(card.id)!.editCount, 0);
      assert.equal(activationMessages(bot.fake, userDm(email).id).length, 1);
    });
  });

  describe('talking to Webex', () => {
    it('a run of 429s with Retry-After on POST /messages is waited out and the reply arrives', async () => {
      const started = Date.now();
      bot.fake.failNext({ method: 'POST', path: '/v1/messages', status: 429, retryAfterSeconds: 1, times: 3 });
      const answer = await bot.type(ops.id, ADMIN, 'licenses', { mentionBot: true });
      const took = Date.now() - started;
      assert.match(answer.markdown!, /Webex Go licenses in use/);
      assert.ok(took >= 2900, `Retry-After was honoured (${took} ms)`);
      const posts = bot.fake.requests.filter((r) => r.method === 'POST' && r.path === '/v1/messages').slice(-4);
      assert.deepEqual(posts.map((r) => r.status), [429, 429, 429, 200]);
      assert.equal(bot.logs.filter((l) => /429.*trying again in 1000 ms/.test(l)).length, 3, bot.logs.join('\n'));
      assert.equal(bot.botMessages(ops.id).filter((m) => m.id === answer.id).length, 1, 'one reply, not one per try');
    });

    it('a 5xx to POST /messages is not sent again (Webex may have posted it): the admin hears something went wrong', async () => {
      bot.fake.failNext({ method: 'POST', path: '/v1/messages', status: 502, times: 1 });
      const answer = await ask('settings');
      assert.match(answer.markdown!, /^Something went wrong on my side/);
      const posts = bot.fake.requests.filter((r) => r.method === 'POST' && r.path === '/v1/messages').slice(-2);
      assert.deepEqual(posts.map((r) => r.status), [502, 200], 'the reply once, then the apology');
    });

    it('a 1:1 that cannot be delivered is reported to the admin; the device exists all the same', async () => {
      // Webex finds the person, but the 1:1 to them fails for good (404).
      const ghost = freshEmail('ghost');
      bot.fake.refuseDirectMessages(ghost);
      const card = await ask(`assign ${ghost}`);
      assert.ok(card.markdown!.startsWith(`Webex Go device added for ${ghost}.`));
      const report = await bot.fake.waitForMessage((m) => m.roomId === ops.id && /^I could not reach /.test(m.markdown ?? ''));
      assert.equal(
        report.markdown,
        `I could not reach ${ghost}: Webex answered 404: Could not find a person with the provided ID or email. The change itself is done; hand the details over another way.`,
      );

      // The admin still has the details to hand over, and is not told that the user got them.
      await waitUntil(() => fromBot(bot.fake, adminDm.id).some((m) => activationIn(m) && m.markdown!.includes(ghost)), "the admin's copy");
      const copy = fromBot(bot.fake, adminDm.id).find((m) => activationIn(m) && m.markdown!.includes(ghost))!;
      assert.ok(!copy.markdown!.includes(`${ghost} got these details in a 1:1 with me`), copy.markdown);

      const status = await ask(`status ${ghost}`);
      assert.match(status.markdown!, /^Webex Go device of .+: \*\*Pending activation\*\*/);
      // And the code works: the admin handed it over another way.
      assert.equal((await redeem(bot, activationIn(copy)!.lpa, ESIM_TOKEN)).status, 200);
    });
  });

  describe('a restart', () => {
    it('keeps devices, settings and admins, and the bot keeps answering (old cards included)', async () => {
      const colleague = freshEmail('colleague');
      const online = freshEmail('kept-online');
      const pending = freshEmail('kept-pending');
      for (const email of [colleague, online, pending]) bot.fake.addPerson({ email });
      await ask(`admins add ${colleague}`);
      await ask('settings ttl 30');
      await ask('settings notify off');
      await ask(`assign ${online}`);
      await waitUntil(() => fromBot(bot.fake, adminDm.id).filter((m) => visibleText(m).includes(online)).length === 3, 'handover messages');
      const code = activationIn(fromBot(bot.fake, adminDm.id).find((m) => activationIn(m) && m.markdown!.includes(online))!)!;
      assert.equal((await redeem(bot, code.lpa, ESIM_TOKEN)).status, 200);
      const pendingCard = await ask(`assign ${pending}`);
      await waitUntil(() => fromBot(bot.fake, adminDm.id).filter((m) => visibleText(m).includes(pending)).length === 3, 'handover messages');
      await ask('settings notify on');
      const pool = (await ask('licenses')).markdown;
      const devices = (await ask('devices')).markdown;

      bot = await bot.restart();
      logs.push(bot.logs);

      assert.equal((await ask('licenses')).markdown, pool);
      assert.equal((await ask('devices')).markdown, devices);
      assert.match((await ask(`status ${online}`)).markdown!, /\*\*Online\*\*/);
      assert.match(visibleText(await ask('settings')), /on: users get their activation details from me[\s\S]*20[\s\S]*30 days/);
      assert.match((await ask('admins')).markdown!, new RegExp(`\\(2\\):[\\s\\S]*${colleague.replace(/\./g, '\\.')}`));
      assert.match((await bot.type(userDm(colleague).id, colleague, 'licenses')).markdown!, /Webex Go licenses in use/, 'the added admin still is one');
      assert.match((await ask('my line', adminDm)).markdown!, /^You have no Webex Go line/, 'the 1:1 still answers');

      // A card sent before the restart still works, and its code goes to the user.
      assert.deepEqual(buttonTitles(pendingCard), ['Generate new activation code', 'Lost/stolen', 'Delete']);
      const edited = await pressAndWaitEdit(bot, pendingCard, 'Generate new activation code', ADMIN);
      assert.ok(edited.markdown!.startsWith(`New activation code issued for ${pending}.`), edited.markdown);
      await waitUntil(() => activationMessages(bot.fake, userDm(pending).id).length === 1, 'the code, now that notifications are on');
      // The code issued before the restart is dead, the new one works.
      assert.equal((await redeem(bot, activationIn(activationMessages(bot.fake, userDm(pending).id)[0]!)!.lpa, ESIM_TOKEN)).status, 200);
    });
  });

  describe('finally', () => {
    it('no group-space message and no log line carries a code, a network provider code or a file', () => {
      assertGroupSpacesKeepSecrets(bot.fake, logs.flat());
    });

    it('every card the bot sent or edited validates for Webex', () => {
      assertCardsValid(recorded.cards);
    });
  });
});
