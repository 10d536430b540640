import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { LocalMailbox, type MailboxMessage } from '../../src/localwebex/mailbox.js';
import { qrPng } from '../../src/render/qrPng.js';
import { createMailer, MailError, QR_FILENAME } from '../../src/mail/mailer.js';
import type { Mailer } from '../../src/bot/ports.js';
import type { ActivationDetails } from '../../src/domain/types.js';
import { closedPort, decodeQr, DETAILS, silentServer, smtpReply, smtpServer } from './helpers.js';
import { mailText } from '../../src/render/messages/mailText.js';
import { guideHeading, installGuides, stepText } from '../../src/render/messages/installSteps.js';
import { activationFields, sheetText } from '../../src/render/messages/userText.js';

const MAIL_TEXT = mailText('en');
const INSTALL_GUIDES = installGuides('en');
const SHEET_TEXT = sheetText('en');

const FROM = 'Webex Go <webex-go@example.com>';

/** The HTML spelling of plain text (what the email must contain for `text`). */
function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Everything an error shows of itself anywhere: message, stack, own properties, JSON. */
function everythingIn(error: unknown): string {
  return [String(error), (error as Error).stack ?? '', inspect(error, { depth: 5 }), JSON.stringify(error)].join('\n');
}

function assertNoCode(error: unknown, details: ActivationDetails = DETAILS): void {
  const all = everythingIn(error).toLowerCase();
  for (const secret of [details.matchingId, details.networkProviderCode, details.qrPayload]) {
    assert.ok(!all.includes(secret.toLowerCase()), `the error shows the activation code: ${everythingIn(error)}`);
  }
}

async function rejection(promise: Promise<unknown>): Promise<MailError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof MailError, `not a MailError: ${inspect(error)}`);
    return error;
  }
  assert.fail('expected the send to fail');
}

describe('mail: createMailer over SMTP', () => {
  let mailbox: LocalMailbox;
  let mailer: Mailer;
  let url: string;

  before(async () => {
    mailbox = new LocalMailbox({ log: () => {} });
    ({ url } = await mailbox.listen());
    mailer = createMailer({ smtpUrl: url, from: FROM, qrPng });
  });
  beforeEach(() => mailbox.clear());
  after(() => mailbox.close());

  async function sendAndReceive(details: ActivationDetails, kind: 'assign' | 'new-code' | 'lost-stolen'): Promise<MailboxMessage> {
    await mailer.sendActivation(details, kind, 'en');
    const received = mailbox.messages(details.email);
    assert.equal(received.length, 1);
    return received[0];
  }

  describe('the activation email', () => {
    let mail: MailboxMessage;
    before(async () => {
      mailbox.clear();
      mail = await sendAndReceive(DETAILS, 'assign');
    });

    it('comes from the configured sender, to the user, with the activation subject', () => {
      assert.equal(mail.from, '"Webex Go" <webex-go@example.com>');
      assert.equal(mail.toHeader, DETAILS.email);
      assert.deepEqual(mail.to, [DETAILS.email]);
      assert.equal(mail.subject, 'Activate your Webex Go business line');
    });

    it('has an HTML part with the SM-DP+ address, activation code, network provider code, expiry and the steps', () => {
      assert.match(mail.html, /^<!DOCTYPE html>/);
      for (const value of [DETAILS.smdpAddress, DETAILS.matchingId, DETAILS.networkProviderCode, '2026-04-30']) {
        assert.ok(mail.html.includes(html(value)), `HTML lacks ${value}`);
      }
      for (const field of activationFields(DETAILS, 'en')) assert.ok(mail.html.includes(html(field.label)), field.label);
      const visibleText = mail.html.replace(/<[^>]+>/g, '');
      for (const guide of INSTALL_GUIDES) {
        assert.ok(mail.html.includes(html(guideHeading(guide))), guide.phone);
        for (const step of guide.steps) assert.ok(visibleText.includes(html(stepText(step))), stepText(step));
      }
      assert.ok(mail.html.includes(html(SHEET_TEXT.footer)));
      assert.ok(!mail.html.includes('2026-04-30T09:15'), 'the expiry is shown as a date');
    });

    it('has a plain-text part with the same facts', () => {
      for (const value of [DETAILS.smdpAddress, DETAILS.matchingId, DETAILS.networkProviderCode, '2026-04-30']) {
        assert.ok(mail.text.includes(value), `text lacks ${value}`);
      }
      assert.ok(mail.text.includes(`Activation code (iPhone): ${DETAILS.matchingId}`));
      assert.ok(mail.text.includes(`Works once; expires on: 2026-04-30`));
      for (const guide of INSTALL_GUIDES) {
        assert.ok(mail.text.includes(guideHeading(guide)), guide.phone);
        guide.steps.forEach((step, i) => assert.ok(mail.text.includes(`${i + 1}. ${stepText(step)}`), stepText(step)));
      }
      assert.ok(!/<[a-z]/i.test(mail.text), 'no markup in the text part');
    });

    it('embeds the QR code inline: a cid the HTML refers to, decoding to exactly the LPA string', () => {
      assert.equal(mail.attachments.length, 1);
      const [qr] = mail.attachments;
      assert.equal(qr.filename, QR_FILENAME);
      assert.equal(qr.contentType, 'image/png');
      assert.ok(qr.cid, 'the QR has a Content-ID');
      assert.equal(qr.inline, true);
      assert.ok(mail.html.includes(`<img src="cid:${qr.cid}"`), 'the HTML shows the QR by its cid');
      assert.equal(decodeQr(qr.data), DETAILS.qrPayload);
    });
  });

  it('a new code says earlier codes no longer work', async () => {
    const mail = await sendAndReceive(DETAILS, 'new-code');
    assert.equal(mail.subject, MAIL_TEXT.subject['new-code']);
    assert.match(mail.text, /no longer works/);
    assert.ok(mail.text.includes(DETAILS.matchingId));
    assert.equal(decodeQr(mail.attachments[0].data), DETAILS.qrPayload);
  });

  it('lost/stolen says the line on the old phone was switched off, and carries the new code', async () => {
    const fresh = { ...DETAILS, matchingId: 'ZZ9QA-7K2PL-0M4X1-88TTQ', qrPayload: 'LPA:1$SMDP.EXAMPLE.COM$ZZ9QA-7K2PL-0M4X1-88TTQ' };
    fresh.networkProviderCode = fresh.qrPayload;
    const mail = await sendAndReceive(fresh, 'lost-stolen');
    assert.equal(mail.subject, MAIL_TEXT.subject['lost-stolen']);
    for (const part of [mail.text, mail.html]) {
      assert.match(part, /lost or stolen/);
      assert.match(part, /line on it has been switched off for good/);
      assert.match(part, /replacement phone/);
    }
    assert.ok(mail.text.includes(fresh.matchingId));
    assert.equal(decodeQr(mail.attachments[0].data), fresh.qrPayload);
  });

  it('the deletion email tells the user to remove the deactivated line by hand, and carries no code', async () => {
    await mailer.sendLineDeleted('bob@example.com', 'en');
    const [mail] = mailbox.messages('bob@example.com');
    assert.equal(mail.subject, 'Your Webex Go business line was deleted');
    assert.match(mail.from, /<webex-go@example\.com>$/);
    assert.equal(mail.attachments.length, 0);
    for (const part of [mail.text, mail.html]) {
      assert.match(part, /deleted your Webex Go business line/);
      assert.match(part, /remove it by hand/);
      assert.match(part, /Delete eSIM/);
      assert.match(part, /SIM manager/);
    }
  });

  it('escapes HTML in what it puts into the email (an odd but valid address)', async () => {
    const email = "o'neil&co+{it}@example.com";
    const mail = await sendAndReceive({ ...DETAILS, email }, 'assign');
    assert.deepEqual(mail.to, [email]);
    assert.ok(mail.html.includes('For o&#39;neil&amp;co+{it}@example.com.'), 'the address is escaped');
    assert.ok(!mail.html.includes(email), 'the raw address is not in the HTML');
    assert.ok(mail.text.includes(`For ${email}.`), 'the text part has it as is');
  });

  it('verify() passes against a working server', async () => {
    await mailer.verify();
  });

  describe('failures', () => {
    it('a recipient refused with 550: a clear sentence, permanent, without the activation code', async () => {
      const server = await smtpServer({
        // A server that echoes the message back must not leak the code through the error.
        onRcptTo: (_address, _session, callback) => callback(smtpReply(550, `No such user here (ref ${DETAILS.matchingId})`)),
      });
      try {
        const error = await rejection(createMailer({ smtpUrl: server.url, from: FROM, qrPng }).sendActivation(DETAILS, 'assign', 'en'));
        assert.match(error.message, /^the mail server refused the message for alice@example\.com: 550 No such user here/);
        assert.ok(error.message.includes('[activation code]'));
        assert.equal(error.failure, 'refused');
        assert.equal(error.permanent, true);
        assert.equal(error.responseCode, 550);
        assert.equal(error.cause, undefined);
        assertNoCode(error);
      } finally {
        await server.close();
      }
    });

    it('a message refused at DATA with 550: a clear sentence without the activation code', async () => {
      const server = await smtpServer({
        onData: (stream, _session, callback) => {
          stream.resume();
          stream.on('end', () => callback(smtpReply(550, 'Message rejected by policy')));
        },
      });
      try {
        const error = await rejection(createMailer({ smtpUrl: server.url, from: FROM, qrPng }).sendActivation(DETAILS, 'lost-stolen', 'en'));
        assert.equal(error.message, 'the mail server refused the message: 550 Message rejected by policy');
        assert.equal(error.permanent, true);
        assertNoCode(error);
      } finally {
        await server.close();
      }
    });

    it('a temporary refusal (451) is reported as not permanent', async () => {
      const server = await smtpServer({
        onMailFrom: (_address, _session, callback) => callback(smtpReply(451, 'Try again later')),
      });
      try {
        const error = await rejection(createMailer({ smtpUrl: server.url, from: FROM, qrPng }).sendLineDeleted('bob@example.com', 'en'));
        assert.equal(error.message, 'the mail server refused the message: 451 Try again later');
        assert.equal(error.permanent, false);
      } finally {
        await server.close();
      }
    });

    it('a server that is down fails fast with a clear sentence', async () => {
      const port = await closedPort();
      const started = Date.now();
      const error = await rejection(
        createMailer({ smtpUrl: `smtp://user:secret-pass@127.0.0.1:${port}`, from: FROM, qrPng }).sendActivation(DETAILS, 'assign', 'en'),
      );
      assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
      assert.equal(error.message, `could not connect to 127.0.0.1:${port}: nothing accepts connections there (connection refused)`);
      assert.equal(error.failure, 'connect');
      assert.ok(!everythingIn(error).includes('secret-pass'), 'the password stays out of the error');
      assertNoCode(error);
      await rejection(createMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, from: FROM, qrPng }).verify());
    });

    it('a server that accepts the connection but never answers fails after the timeout', async () => {
      const server = await silentServer();
      try {
        const started = Date.now();
        const error = await rejection(
          createMailer({ smtpUrl: server.url, from: FROM, timeoutMs: 300, qrPng }).sendActivation(DETAILS, 'assign', 'en'),
        );
        const took = Date.now() - started;
        assert.ok(took >= 250 && took < 3000, `took ${took} ms`);
        assert.match(error.message, /^could not connect to 127\.0\.0\.1:\d+: the connection opened but the server did not answer within 0\.3 s$/);
        assertNoCode(error);
      } finally {
        await server.close();
      }
    });

    it('a server that stops answering in the middle of the session times out with a clear sentence', async () => {
      const server = await smtpServer({
        onData: (stream) => stream.resume(), // reads the message and never replies
      });
      try {
        const error = await rejection(
          createMailer({ smtpUrl: server.url, from: FROM, timeoutMs: 200, qrPng }).sendActivation(DETAILS, 'assign', 'en'),
        );
        assert.match(error.message, /^the mail server 127\.0\.0\.1:\d+ (stopped answering for 0\.3 s|did not take the email within 0\.4 s)$/);
        assert.equal(error.failure, 'timeout');
        assertNoCode(error);
      } finally {
        await server.close();
      }
    });

    it('refuses an SMTP URL that is not one, without echoing it', () => {
      for (const smtpUrl of ['mail.example.com', 'http://mail.example.com', 'smtp://']) {
        assert.throws(
          () => createMailer({ smtpUrl, from: FROM, qrPng }),
          (error: unknown) => error instanceof MailError && error.failure === 'config' && /^the SMTP URL must look like smtp:\/\//.test(error.message),
        );
      }
      assert.throws(() => createMailer({ smtpUrl: url, from: 'nobody', qrPng }), /sender address/);
    });
  });
});
