import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { LocalMailbox, rewriteCidUrls, type MailboxMessage } from '../../src/localwebex/mailbox.js';
import { qrPng } from '../../src/render/qrPng.js';
import { createMailer } from '../../src/mail/mailer.js';
import { decodeQr, DETAILS } from './helpers.js';

const PNG_1PX = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

describe('mail: LocalMailbox', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mailbox-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('listens on loopback, keeps each message, and lists a person\'s mail case-insensitively', async () => {
    const mailbox = new LocalMailbox({ log: () => {} });
    const { port, url } = await mailbox.listen();
    try {
      assert.equal(url, `smtp://127.0.0.1:${port}`);
      const transport = nodemailer.createTransport({ url });
      await transport.sendMail({ from: 'a@example.com', to: 'Bob@Example.com', subject: 'one', text: 'first' });
      await transport.sendMail({ from: 'a@example.com', to: 'carol@example.com', cc: 'bob@example.com', subject: 'two', text: 'second' });
      await transport.sendMail({ from: 'a@example.com', to: 'carol@example.com', subject: 'three', text: 'third' });

      assert.deepEqual(mailbox.messages().map((m) => m.subject), ['one', 'two', 'three']);
      assert.deepEqual(mailbox.messages('BOB@example.com').map((m) => m.subject), ['one', 'two']);
      assert.deepEqual(mailbox.messages('nobody@example.com'), []);
      const [first] = mailbox.messages('bob@example.com');
      assert.deepEqual(first.to, ['bob@example.com']);
      assert.equal(first.text.trim(), 'first');
      assert.equal(first.html, '');
      assert.ok(!Number.isNaN(Date.parse(first.date)));
      assert.equal(mailbox.message(first.id), first);
      assert.equal(mailbox.message('nope'), undefined);
    } finally {
      await mailbox.close();
    }
  });

  it('emits "mail" for each message, and accepts a login with any credentials', async () => {
    const mailbox = new LocalMailbox({ log: () => {} });
    const { port } = await mailbox.listen();
    try {
      const mailer = createMailer({ smtpUrl: `smtp://someone:anything@127.0.0.1:${port}`, from: 'go@example.com', qrPng });
      await mailer.verify();
      const arrived = once(mailbox, 'mail') as Promise<[MailboxMessage]>;
      await mailer.sendLineDeleted('dave@example.com', 'en');
      const [message] = await arrived;
      assert.deepEqual(message.to, ['dave@example.com']);
      assert.equal(message.subject, 'Your Webex Go business line was deleted');
    } finally {
      await mailbox.close();
    }
  });

  it('keeps the mail in a JSON file (attachments base64) and reads it back after a restart', async () => {
    const file = join(dir, 'mailbox.json');
    const first = new LocalMailbox({ dataFile: file, log: () => {} });
    const { url } = await first.listen();
    await createMailer({ smtpUrl: url, from: 'go@example.com', qrPng }).sendActivation(DETAILS, 'assign', 'en');
    await first.close();

    const stored = JSON.parse(await readFile(file, 'utf8')) as { messages: Array<{ attachments: Array<{ data: string }> }> };
    assert.equal(stored.messages.length, 1);
    assert.equal(typeof stored.messages[0].attachments[0].data, 'string');

    const second = new LocalMailbox(file);
    const [message] = second.messages(DETAILS.email);
    assert.ok(message, 'the message survived the restart');
    assert.ok(Buffer.isBuffer(message.attachments[0].data));
    assert.equal(decodeQr(message.attachments[0].data), DETAILS.qrPayload);
    const { url: again } = await second.listen();
    await createMailer({ smtpUrl: again, from: 'go@example.com', qrPng }).sendLineDeleted(DETAILS.email, 'en');
    await second.close();
    assert.equal(new LocalMailbox(file).messages(DETAILS.email).length, 2);
  });

  it('drops the oldest messages beyond maxMessages', async () => {
    const mailbox = new LocalMailbox({ maxMessages: 2, log: () => {} });
    const { url } = await mailbox.listen();
    try {
      const transport = nodemailer.createTransport({ url });
      for (const subject of ['a', 'b', 'c']) {
        await transport.sendMail({ from: 'x@example.com', to: 'y@example.com', subject, text: subject });
      }
      assert.deepEqual(mailbox.messages().map((m) => m.subject), ['b', 'c']);
    } finally {
      await mailbox.close();
    }
  });

  it('refuses a message over the size limit with 552 and keeps working', async () => {
    const mailbox = new LocalMailbox({ maxMessageBytes: 5_000, log: () => {} });
    const { url } = await mailbox.listen();
    try {
      const mailer = createMailer({ smtpUrl: url, from: 'go@example.com', qrPng });
      await assert.rejects(
        mailer.sendActivation(DETAILS, 'assign', 'en'),
        (error: Error) => /^the mail server refused the message: 552 /.test(error.message),
      );
      await mailer.sendLineDeleted('bob@example.com', 'en');
      assert.deepEqual(mailbox.messages().map((m) => m.to), [['bob@example.com']]);
    } finally {
      await mailbox.close();
    }
  });

  it('gives the HTML with inline images pointing at URLs of the caller\'s choice', async () => {
    const mailbox = new LocalMailbox({ log: () => {} });
    const { url } = await mailbox.listen();
    try {
      await nodemailer.createTransport({ url }).sendMail({
        from: 'x@example.com',
        to: 'y@example.com',
        subject: 'pictures',
        html: '<p><img src="cid:logo@x"> <img src=\'cid:missing@x\'> <a href="https://example.com/cid:no">link</a></p>',
        attachments: [{ filename: 'logo.png', content: PNG_1PX, contentType: 'image/png', cid: 'logo@x' }],
      });
      const [message] = mailbox.messages('y@example.com');
      const logo = mailbox.attachment(message.id, '<logo@x>');
      assert.ok(logo);
      assert.equal(logo.cid, 'logo@x');
      assert.deepEqual(logo.data, PNG_1PX);
      assert.equal(mailbox.attachment(message.id, 'missing@x'), undefined);

      const html = mailbox.htmlWithImageUrls(message.id, (id, cid) => `/local/api/mail/${id}/cid/${encodeURIComponent(cid)}?a=1&b=2`);
      assert.ok(html?.includes(`<img src="/local/api/mail/${message.id}/cid/logo%40x?a=1&amp;b=2">`), html);
      assert.ok(html?.includes(`<img src='cid:missing@x'>`), 'an unknown cid stays as it was');
      assert.ok(html?.includes('href="https://example.com/cid:no"'), 'only cid: URLs are touched');
      assert.equal(mailbox.htmlWithImageUrls('nope', () => ''), undefined);
    } finally {
      await mailbox.close();
    }
  });

  it('rewriteCidUrls handles quoting styles, CSS url(), percent-encoding and escapes the new URL', () => {
    const resolve = (cid: string) => (cid === 'a b@x' || cid === 'q@x' ? `/img?c=${cid}&"` : undefined);
    assert.equal(rewriteCidUrls('<img src="cid:a%20b@x">', resolve), '<img src="/img?c=a b@x&amp;&quot;">');
    assert.equal(rewriteCidUrls('<img src=cid:q@x>', resolve), '<img src=/img?c=q@x&amp;&quot;>');
    assert.equal(rewriteCidUrls('<td style="background:url(cid:q@x)">', resolve), '<td style="background:url(/img?c=q@x&amp;&quot;)">');
    assert.equal(rewriteCidUrls('<img src="CID:other@x">', resolve), '<img src="CID:other@x">');
  });
});
