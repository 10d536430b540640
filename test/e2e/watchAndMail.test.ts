import assert from 'node:assert/strict';
import { LocalMailbox } from '../../src/localwebex/mailbox.js';
import { startBot, ESIM_TOKEN, type RunningBot } from '../support/botHarness.js';
import { ADMIN } from '../support/domain.js';
import { decodeQr } from '../support/qr.js';
import { activationIn, assertGroupSpacesKeepSecrets, phoneEvent, redeem, waitUntil } from '../support/e2e.js';
import type { Message } from '../../src/localwebex/types.js';

describe('watch space and activation email, end to end', () => {
  let bot: RunningBot;
  let mailbox: LocalMailbox;
  let watchRoom: string;
  const issued: string[] = [];

  before(async () => {
    mailbox = new LocalMailbox({ log: () => undefined });
    const { url } = await mailbox.listen();
    bot = await startBot({ env: { SMTP_URL: url, DELIVERY: 'both', MAIL_FROM: 'Webex Go <gobot@example.com>', WATCH_WINDOW_SECONDS: '1' } });
    bot.fake.addPerson({ email: ADMIN, displayName: 'Ada Admin' });
    bot.fake.addPerson({ email: 'alice@example.com', displayName: 'Alice' });
    const room = await bot.groupSpace('Webex Go admins', [ADMIN]);
    watchRoom = room.id;
    const reply = await bot.type(watchRoom, ADMIN, 'watch here', { mentionBot: true });
    assert.match(reply.markdown ?? '', /This space now gets every Webex Go status change/);
  });

  after(async () => {
    await bot.stop();
    await mailbox.close();
  });

  it('emails the activation details through a real SMTP server: headers, both parts, an inline QR of the code', async () => {
    const admin1on1 = bot.fake.directSpace(ADMIN);
    await bot.ready(admin1on1.id);
    await bot.type(admin1on1.id, ADMIN, 'assign alice@example.com');
    await waitUntil(() => mailbox.messages('alice@example.com').length === 1, 'the activation email');
    const [mail] = mailbox.messages('alice@example.com');
    const alice1on1 = bot.fake.directSpace('alice@example.com');
    await waitUntil(() => bot.fake.messages(alice1on1.id).some((m) => activationIn(m)), 'the 1:1 activation message');
    const activation = bot.fake.messages(alice1on1.id).map(activationIn).find(Boolean)!;
    issued.push(activation.matchingId);

    assert.match(mail.from, /gobot@example\.com/);
    assert.deepEqual(mail.to, ['alice@example.com']);
    assert.match(mail.subject, /Webex Go/);
    assert.ok(mail.text?.includes(activation.matchingId), 'the text part has the activation code');
    assert.ok(mail.html?.includes(activation.matchingId), 'the HTML part has the activation code');
    assert.ok(mail.html?.includes(activation.lpa), "the HTML part has the network provider code");
    const qr = mail.attachments.find((a) => a.cid && a.contentType === 'image/png');
    assert.ok(qr, 'an inline PNG');
    assert.ok(mail.html?.includes(`cid:${qr.cid}`), 'the HTML shows the inline QR');
    assert.equal(decodeQr(qr.data), activation.lpa);
  });

  it('announces status changes in the watch space, without a code', async () => {
    const activation = issued[0];
    const alice1on1 = bot.fake.directSpace('alice@example.com');
    const lpa = bot.fake.messages(alice1on1.id).map(activationIn).find(Boolean)!.lpa;
    assert.ok(lpa.endsWith(activation));
    const online = bot.nextFromBot((m: Message) => m.roomId === watchRoom && /went \*\*Online\*\*/.test(m.markdown ?? ''));
    const { body } = await redeem(bot, lpa, ESIM_TOKEN);
    await online;
    const offline = bot.nextFromBot((m: Message) => m.roomId === watchRoom && /went \*\*Offline\*\*/.test(m.markdown ?? ''));
    await phoneEvent(bot, String(body.iccid), 'disabled', ESIM_TOKEN);
    await offline;
    const lines = bot.fake.messages(watchRoom).filter((m) => m.personEmail === 'gobot@webex.bot').map((m) => m.markdown ?? '');
    assert.ok(lines.some((l) => /admin@example\.com assigned a device for alice@example\.com/.test(l)), 'the admin action taken in the 1:1 is announced');
    assertGroupSpacesKeepSecrets(bot.fake, bot.logs, issued);
  });
});
