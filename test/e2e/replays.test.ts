/**
 * Replays, end to end: the same signed webhook delivery posted again — at once, or after a
 * restart — is acted on once. Webex retries deliveries it thinks failed, and a captured delivery
 * carries a valid signature.
 */
import assert from 'node:assert/strict';
import type { Message } from '../../src/localwebex/types.js';
import { webhookBody, webhookSignature } from '../../src/localwebex/delivery.js';
import { WEBHOOK_SECRET, startBot, type RunningBot } from '../support/botHarness.js';
import { ADMIN } from '../support/domain.js';
import { activationMessages, freshEmail, settle, waitUntil } from '../support/e2e.js';

describe('e2e: replayed deliveries', function () {
  this.timeout(30_000);
  let bot: RunningBot;

  before(async () => {
    bot = await startBot();
  });

  after(async () => {
    await bot.stop();
  });

  /** Posts the delivery Webex would send for this message, signed with the webhook secret. */
  async function deliver(message: Message): Promise<number> {
    const webhook = bot.fake.webhooks().find((w) => w.resource === 'all' && w.targetUrl.startsWith(bot.base));
    assert.ok(webhook, 'the bot registered its firehose webhook');
    const data = { id: message.id, roomId: message.roomId, roomType: message.roomType, personId: message.personId, personEmail: message.personEmail, created: message.created };
    const raw = JSON.stringify(webhookBody(webhook, { resource: 'messages', event: 'created', actorId: message.personId, data }));
    const response = await fetch(webhook.targetUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-spark-signature': webhookSignature(WEBHOOK_SECRET, raw) },
      body: raw,
    });
    return response.status;
  }

  it('"code <email>" delivered three times, then once more after a restart, gives one new code', async () => {
    const email = freshEmail('replayed');
    bot.fake.addPerson({ email });
    const adminDm = bot.fake.directSpace(ADMIN);
    const userDm = () => bot.fake.directSpace(email);
    await bot.type(adminDm.id, ADMIN, `assign ${email}`);
    await waitUntil(() => activationMessages(bot.fake, userDm().id).length === 1, 'the first code');

    await bot.type(adminDm.id, ADMIN, `code ${email}`);
    await waitUntil(() => activationMessages(bot.fake, userDm().id).length === 2, 'the new code');
    const typed = bot.fake.messages(adminDm.id).filter((m) => m.personEmail === ADMIN).at(-1)!;
    assert.equal(typed.text, `code ${email}`);
    for (let i = 0; i < 2; i++) assert.equal(await deliver(typed), 200);
    // Something typed after the replays is answered: they had their chance to act.
    await bot.type(adminDm.id, ADMIN, 'licenses');
    await settle();
    assert.equal(activationMessages(bot.fake, userDm().id).length, 2, 'a replay issued another code');

    bot = await bot.restart();
    assert.equal(await deliver(typed), 200);
    await bot.type(adminDm.id, ADMIN, 'licenses');
    await settle();
    assert.equal(activationMessages(bot.fake, userDm().id).length, 2, 'a replay after the restart issued another code');
  });
});
