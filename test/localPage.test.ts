/**
 * The local Webex page in a real browser (Debian's chromium through playwright-core), against
 * its own FakeWebex with the page router mounted, a stub eSIM server and a LocalMailbox. No bot
 * framework: the bot's messages are written with the fake's programmatic API, its emails sent
 * with nodemailer to the mailbox's SMTP port.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import nodemailer from 'nodemailer';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { ARTIFACTS, chromiumAvailable, launchChromium } from './support/browser.js';
import { FakeWebex, type AttachmentAction, type Change } from '../src/localwebex/fakeWebex.js';
import { LocalMailbox } from '../src/localwebex/mailbox.js';
import { localWebexPage, seedDemo, type LocalWebexPage, type MailSummary, type MailView } from '../src/localwebex/page/router.js';
import { qrPng } from '../src/render/qrPng.js';

const ESIM_TOKEN = 'esim-test-token';
const CODE = 'LPA:1$SMDP.EXAMPLE.COM$04386-AGYFT-A74Y8-3F815';
const ICCID = '89882470000012345674';
const CARD_TYPE = 'application/vnd.microsoft.card.adaptive';

interface EsimCall {
  path: string;
  authorization: string | undefined;
  body: unknown;
}

/**
 * The eSIM provider's side, as the bot will serve it: bearer token, {iccid,status} or
 * {error,reason}. ICCIDs put in `revoked` answer 410 revoked, as after Lost/stolen or Delete.
 */
function stubEsim(calls: EsimCall[], revoked: Set<string>): express.Router {
  const router = express.Router();
  const used = new Set<string>();
  router.use(express.json());
  router.use((req, res, next) => {
    calls.push({ path: req.path, authorization: req.get('authorization'), body: req.body });
    if (req.get('authorization') !== `Bearer ${ESIM_TOKEN}`) {
      res.status(401).json({ error: 'The eSIM provider token is missing or wrong.', reason: 'unauthorized' });
      return;
    }
    next();
  });
  router.post('/download', (req, res) => {
    const code = (req.body as { activationCode?: string }).activationCode;
    if (code !== CODE) {
      res.status(404).json({ error: 'This activation code is not known.', reason: 'unknown' });
    } else if (used.has(code)) {
      res.status(409).json({ error: 'This activation code was already used on a phone.', reason: 'used' });
    } else {
      used.add(code);
      res.json({ iccid: ICCID, status: 'online' });
    }
  });
  router.post('/events', (req, res) => {
    const { event, iccid } = req.body as { event: string; iccid: string };
    if (revoked.has(iccid)) {
      res.status(410).json({ error: 'This Webex Go line was deactivated by your admin.', reason: 'revoked' });
      return;
    }
    res.json({ status: event === 'disabled' ? 'offline' : event === 'enabled' ? 'online' : 'pending' });
  });
  return router;
}

async function serve(app: express.Express): Promise<{ server: Server; url: string }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

const MAIL_FROM = '"Webex Go" <webex-go@example.com>';
const QR_CID = 'qr-1b2c3d4e@webex-go';
const MAIL_TEXT_PART = [
  'Your Webex Go line is ready',
  '',
  'Scan the QR code in this email with your phone, or type the activation code:',
  CODE,
  '',
  'Phone number: +1 555 0100',
].join('\n');

/** Like the bot's activation email: HTML with the QR inline by cid, and a text part. */
function activationMail(png: Buffer) {
  const html = [
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Your Webex Go line is ready</title></head>',
    '<body style="margin:0;padding:0;background:#f4f5f7;">',
    '<div style="max-width:600px;margin:0 auto;padding:24px 20px;background:#fff;color:#1d1d1f;font-family:-apple-system,\'Segoe UI\',Roboto,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;">',
    '<h1 style="font-size:22px;margin:0 0 16px;">Your Webex Go line is ready</h1>',
    '<p style="margin:0 0 12px;">Hi Alice, scan this QR code with the phone that gets the Webex Go line.</p>',
    `<p style="margin:16px 0;text-align:center;"><img id="qr" src="cid:${QR_CID}" width="240" height="240" alt="QR code for your Webex Go line"></p>`,
    `<p style="margin:0 0 12px;">Activation code: <strong style="font-family:monospace;word-break:break-all;">${CODE}</strong></p>`,
    '<p style="margin:0 0 12px;"><a href="https://help.webex.com/">How to install an eSIM</a></p>',
    // Never runs: the iframe is sandboxed without scripts.
    '<script>document.body.dataset.ran = "yes";</script>',
    '</div></body></html>',
  ].join('\n');
  return {
    from: MAIL_FROM,
    to: 'alice@example.com',
    subject: 'Your Webex Go line is ready',
    html,
    text: MAIL_TEXT_PART,
    attachments: [{ filename: 'webex-go-qr.png', content: png, contentType: 'image/png', cid: QR_CID, contentDisposition: 'inline' as const }],
  };
}

function nextAction(fake: FakeWebex): Promise<AttachmentAction> {
  return new Promise((resolve) => {
    const onChange = (change: Change) => {
      if (change.kind !== 'attachmentAction') return;
      fake.off('change', onChange);
      resolve(change.attachmentAction);
    };
    fake.on('change', onChange);
  });
}

const deviceCard = (status: string) => ({
  type: 'AdaptiveCard',
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
  version: '1.3',
  body: [
    { type: 'TextBlock', text: 'Webex Go device of **Alice Andersen**', size: 'Medium', weight: 'Bolder', wrap: true },
    { type: 'FactSet', facts: [{ title: 'Status', value: status }, { title: 'Phone number', value: '+1 555 0100' }] },
    { type: 'Input.Text', id: 'note', label: 'Note for the user', maxLength: 200 },
  ],
  actions: [
    { type: 'Action.Submit', title: 'Generate new activation code', data: { action: 'device.newCode', deviceId: 'dev-1' } },
    {
      type: 'Action.ShowCard',
      title: 'Delete',
      card: {
        type: 'AdaptiveCard',
        body: [{ type: 'TextBlock', text: 'Delete the Webex Go device of Alice Andersen?', wrap: true }],
        actions: [{ type: 'Action.Submit', title: 'Yes, delete', style: 'destructive', data: { action: 'device.delete', deviceId: 'dev-1' } }],
      },
    },
    { type: 'Action.OpenUrl', title: 'Open Control Hub', url: 'https://admin.webex.com' },
  ],
});

describe('local Webex page in chromium', function () {
  this.timeout(30_000);
  let dir: string;
  let fake: FakeWebex;
  let pageRouter: LocalWebexPage;
  let server: Server;
  let url: string;
  let context: BrowserContext;
  let page: Page;
  let mailbox: LocalMailbox;
  let smtpUrl: string;
  const esimCalls: EsimCall[] = [];
  const revokedIccids = new Set<string>();

  before(async function () {
    if (!chromiumAvailable()) this.skip();
    dir = await mkdtemp(join(tmpdir(), 'local-page-'));
    await mkdir(ARTIFACTS, { recursive: true });
    fake = new FakeWebex({
      botToken: 'page-bot-token',
      botEmail: 'gobot@webex.bot',
      botDisplayName: 'GoBot',
      dataFile: join(dir, 'fake-webex.json'),
      log: () => undefined,
    });
    seedDemo(fake);
    const app = express();
    app.use(fake.router);
    app.use('/esim/v1', stubEsim(esimCalls, revokedIccids));
    ({ server, url } = await serve(app));
    mailbox = new LocalMailbox({ log: () => undefined });
    ({ url: smtpUrl } = await mailbox.listen(0));
    pageRouter = localWebexPage({ fake, esimToken: ESIM_TOKEN, esimBaseUrl: `${url}/esim/v1`, mailbox });
    app.use(pageRouter);
    context = await launchChromium();
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => console.error(`[page] ${error.message}`));
  });

  after(async () => {
    await context?.close();
    pageRouter?.close();
    if (server) await stop(server);
    await mailbox?.close();
    await fake?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const testid = (id: string) => page.locator(`[data-testid="${id}"]`);
  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `local-page-${name}.png`) });

  it('lets the admin write in the group space, shows a bot card and sends its button press', async () => {
    await page.goto(`${url}/?as=admin@example.com`);
    await page.locator('body[data-ready="true"]').waitFor();
    assert.equal(await testid('person-select').inputValue(), 'admin@example.com');
    const admins = testid('space-item').filter({ hasText: 'Webex Go admins' });
    await admins.waitFor();
    await assert.doesNotReject(page.locator('[data-testid="space-title"]', { hasText: 'Webex Go admins' }).waitFor());
    const room = fake.rooms().find((r) => r.title === 'Webex Go admins')!;

    // The composer mentions the bot by default in a group space; Enter sends.
    await testid('composer-input').fill('status alice@example.com');
    await testid('composer-input').press('Enter');
    const sent = await fake.waitForMessage((m) => m.personEmail === 'admin@example.com');
    assert.equal(sent.text, 'GoBot status alice@example.com');
    assert.deepEqual(sent.mentionedPeople, [fake.bot.id]);
    await testid('message').filter({ hasText: 'status alice@example.com' }).locator('[data-testid="message-mention"]').waitFor();

    // Without the toggle, "@GoBot …" still mentions; plain text does not.
    await testid('mention-toggle').uncheck();
    await testid('composer-input').fill('just chatting');
    await testid('composer-input').press('Enter');
    const plain = await fake.waitForMessage((m) => m.text === 'just chatting');
    assert.equal(plain.mentionedPeople, undefined);
    await testid('composer-input').fill('@GoBot help');
    await testid('composer-send').click();
    const typed = await fake.waitForMessage((m) => m.text === 'GoBot help');
    assert.deepEqual(typed.mentionedPeople, [fake.bot.id]);

    // A bot card arrives live; the button press carries the Submit data merged with the inputs.
    fake.sendAsBot({
      roomId: room.id,
      markdown: '**Bot** says: see the `device` card\n- one\n- two <b>not bold</b>',
    });
    const card = fake.sendAsBot({
      roomId: room.id,
      markdown: 'Webex Go device of Alice Andersen',
      attachments: [{ contentType: CARD_TYPE, content: deviceCard('Pending activation') }],
    });
    const cardItem = page.locator(`[data-message-id="${card.id}"]`);
    await cardItem.getByText('Pending activation').waitFor();
    const markdownBody = testid('message').filter({ hasText: 'Bot says' }).locator('[data-testid="message-body"]');
    assert.equal(await markdownBody.locator('strong').first().textContent(), 'Bot');
    assert.equal(await markdownBody.locator('li').count(), 2);
    assert.match((await markdownBody.textContent()) ?? '', /<b>not bold<\/b>/);

    await cardItem.locator('input').first().fill('New phone, see you');
    const pressed = nextAction(fake);
    await cardItem.getByRole('button', { name: 'Generate new activation code' }).click();
    const action = await pressed;
    assert.equal(action.messageId, card.id);
    assert.equal(action.personId, fake.person('admin@example.com')!.id);
    assert.deepEqual(action.inputs, { action: 'device.newCode', deviceId: 'dev-1', note: 'New phone, see you' });
    await cardItem.locator('[data-testid="card-status"]', { hasText: 'Sent' }).waitFor();

    // ShowCard opens inline; its own Submit sends its data (and the parent card's inputs).
    await cardItem.getByRole('button', { name: 'Delete' }).click();
    const deleted = nextAction(fake);
    await cardItem.getByRole('button', { name: 'Yes, delete' }).click();
    assert.deepEqual((await deleted).inputs, { action: 'device.delete', deviceId: 'dev-1', note: 'New phone, see you' });
    await shot('admin-card');

    // The bot edits the card: it changes in place.
    const before = await testid('message').count();
    fake.editMessage(fake.bot, card.id, {
      roomId: room.id,
      markdown: 'Webex Go device of Alice Andersen',
      attachments: [{ contentType: CARD_TYPE, content: deviceCard('Online') }],
    });
    await cardItem.getByText('Online').waitFor();
    await cardItem.locator('[data-testid="message-edited"]').waitFor();
    assert.equal(await testid('message').count(), before);
    assert.equal(await cardItem.getByText('Pending activation').count(), 0);
  });

  it('attaches a file to a message by the Attach button and by dropping it on the composer', async () => {
    await page.goto(`${url}/?as=admin@example.com`);
    await page.locator('body[data-ready="true"]').waitFor();
    await page.locator('[data-testid="space-title"]', { hasText: 'Webex Go admins' }).waitFor();
    await testid('mention-toggle').check();

    // The Attach button: the file shows by name until sent; "calls" goes with it, mentioning the bot.
    const csv = Buffer.from('Report ID,Start time,Sub client type\r\nr1,2026-03-02T09:00:00Z,MOBILE_NETWORK\r\n');
    await testid('composer-file-input').setInputFiles({ name: 'calls.csv', mimeType: 'text/csv', buffer: csv });
    await testid('composer-file-name').filter({ hasText: 'calls.csv' }).waitFor();
    await testid('composer-input').fill('calls');
    await testid('composer-input').press('Enter');
    const withFile = await fake.waitForMessage((m) => m.text === 'GoBot calls' && m.files !== undefined);
    assert.deepEqual(withFile.mentionedPeople, [fake.bot.id]);
    assert.equal(withFile.files?.[0]?.filename, 'calls.csv');
    assert.equal(withFile.files?.[0]?.contentType, 'text/csv');
    assert.ok(withFile.files?.[0]?.data.equals(csv));
    await page.locator('[data-testid="composer-file"][hidden]').waitFor({ state: 'attached' });

    // Drag and drop: the file alone is a message too.
    // (A script as text: this file is typed for Node, without the DOM's types.)
    await page.evaluate(`(() => {
      const composer = document.querySelector('[data-testid="composer"]');
      const transfer = new DataTransfer();
      transfer.items.add(new File(['{"items": []}'], 'records.json', { type: 'application/json' }));
      composer.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      composer.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    })()`);
    await testid('composer-file-name').filter({ hasText: 'records.json' }).waitFor();
    await testid('composer-send').click();
    const dropped = await fake.waitForMessage((m) => m.files?.[0]?.filename === 'records.json');
    assert.equal(dropped.files?.[0]?.data.toString(), '{"items": []}');
    assert.equal(dropped.files?.[0]?.contentType, 'application/json');
  });

  it('lets Alice scan the QR from her 1:1, install the line, switch it off and on, and remove it', async () => {
    const png = await qrPng(CODE);
    fake.sendAsBot({
      toPersonEmail: 'alice@example.com',
      markdown: 'Hi Alice, your **Webex Go** line is ready. Scan this QR code with your phone.',
      files: [{ filename: 'webex-go-activation.png', contentType: 'image/png', data: png }],
    });
    fake.sendAsBot({
      toPersonEmail: 'alice@example.com',
      markdown: 'The printable sheet:',
      files: [{ filename: 'webex-go-activation.pdf', contentType: 'application/pdf', data: Buffer.from('%PDF-1.4\n%%EOF\n') }],
    });

    await testid('person-select').selectOption('alice@example.com');
    const direct = testid('space-item').filter({ hasText: 'GoBot' });
    await direct.click();
    await page.locator('[data-testid="space-title"]', { hasText: 'GoBot' }).waitFor();
    await testid('message-image').waitFor();
    assert.equal(await testid('message-file').getAttribute('data-filename'), 'webex-go-activation.pdf');
    assert.equal(await testid('mention-toggle-label').isVisible(), false);

    // Images are served inline, other files as downloads.
    const imageUrl = await testid('message-image').getAttribute('src');
    const image = await fetch(`${url}${imageUrl}`);
    assert.equal(image.headers.get('content-type'), 'image/png');
    assert.match(image.headers.get('content-disposition') ?? '', /^inline/);
    assert.ok(Buffer.from(await image.arrayBuffer()).equals(png));
    const pdf = await fetch(`${url}${await testid('message-file').getAttribute('href')}`);
    assert.match(pdf.headers.get('content-disposition') ?? '', /^attachment; filename="?webex-go-activation\.pdf"?$/);

    assert.equal(await testid('phone-state').getAttribute('data-state'), 'none');
    await testid('phone-scan').click();
    await testid('phone-scan-result').filter({ hasText: CODE }).waitFor();
    assert.equal(await testid('phone-code').inputValue(), CODE);
    await shot('alice-scanned');

    await testid('phone-install').click();
    await page.locator('[data-testid="phone-state"][data-state="on"]').waitFor();
    assert.equal(await testid('phone-iccid').textContent(), `ICCID ${ICCID}`);
    assert.equal(await testid('phone-carrier').textContent(), 'Webex');
    assert.equal(await testid('phone-answer').getAttribute('data-ok'), 'true');
    const download = esimCalls.at(-1)!;
    assert.deepEqual(download, { path: '/download', authorization: `Bearer ${ESIM_TOKEN}`, body: { activationCode: CODE } });
    assert.equal(fake.phone('alice@example.com')?.line?.iccid, ICCID);
    // The token never reaches the browser.
    assert.ok(!(await page.content()).includes(ESIM_TOKEN));
    await shot('alice-installed');

    await testid('phone-line-toggle').click();
    await page.locator('[data-testid="phone-state"][data-state="off"]').waitFor();
    assert.deepEqual(esimCalls.at(-1)?.body, { iccid: ICCID, event: 'disabled' });
    assert.equal(await testid('phone-line-toggle').getAttribute('aria-checked'), 'false');
    await testid('phone-answer').filter({ hasText: 'offline' }).waitFor();

    await testid('phone-line-toggle').click();
    await page.locator('[data-testid="phone-state"][data-state="on"]').waitFor();
    assert.deepEqual(esimCalls.at(-1)?.body, { iccid: ICCID, event: 'enabled' });

    // The admin marks the phone lost: the line is revoked. The phone's next call says so, and
    // the line shows as no longer working; it can only be removed.
    revokedIccids.add(ICCID);
    await testid('phone-line-toggle').click();
    await page.locator('[data-testid="phone-state"][data-state="revoked"]').waitFor();
    assert.match((await testid('phone-state').textContent()) ?? '', /no longer works/);
    assert.equal(await testid('phone-carrier').textContent(), 'No service');
    assert.equal(await testid('phone-line-toggle').isVisible(), false);
    assert.equal(await testid('phone-answer').getAttribute('data-ok'), 'false');
    assert.match((await testid('phone-answer').textContent()) ?? '', /HTTP 410, revoked/);
    await shot('alice-revoked');
    // Reloaded, the phone still knows.
    await page.reload();
    await page.locator('body[data-ready="true"]').waitFor();
    await page.locator('[data-testid="phone-state"][data-state="revoked"]').waitFor();

    await testid('phone-remove').click();
    await page.locator('[data-testid="phone-state"][data-state="none"]').waitFor();
    assert.deepEqual(esimCalls.at(-1)?.body, { iccid: ICCID, event: 'deleted' });
    revokedIccids.delete(ICCID);
    assert.equal(fake.phone('alice@example.com')?.line, undefined);

    // The used code again: the server's sentence is shown, no line appears.
    await testid('phone-code').fill(CODE);
    await testid('phone-install').click();
    await testid('phone-answer').filter({ hasText: 'already used' }).waitFor();
    assert.equal(await testid('phone-answer').getAttribute('data-ok'), 'false');
    assert.equal(await testid('phone-state').getAttribute('data-state'), 'none');
    await shot('alice-refused');
  });

  it('shows Alice the email that arrives while her Mailbox is open: HTML with its QR in a sandbox, and the text', async () => {
    await page.goto(`${url}/?as=alice@example.com`);
    await page.locator('body[data-ready="true"]').waitFor();
    assert.equal(await testid('conversation').isVisible(), true);
    await testid('mail-tab').click();
    assert.equal(await testid('mail-tab').getAttribute('aria-selected'), 'true');
    await testid('mail-empty').filter({ hasText: 'No email for Alice yet.' }).waitFor();
    assert.equal(await testid('conversation').isVisible(), false);
    assert.equal(new URL(page.url()).searchParams.get('tab'), 'mail');

    // Sent after the page loaded: Bob's first, then Alice's; only hers shows.
    const png = await qrPng(CODE);
    const transport = nodemailer.createTransport({ url: smtpUrl });
    try {
      await transport.sendMail({ from: MAIL_FROM, to: 'bob@example.com', subject: 'For Bob only', text: 'Hi Bob' });
      await transport.sendMail(activationMail(png));
    } finally {
      transport.close();
    }
    const alices = mailbox.messages('alice@example.com');
    assert.equal(alices.length, 1);
    const id = alices[0]!.id;
    const item = page.locator(`[data-testid="mail-item"][data-mail-id="${id}"]`);
    await item.waitFor();
    assert.equal(await testid('mail-item').count(), 1);
    assert.equal(await testid('mail-empty').isVisible(), false);
    assert.equal(await item.locator('[data-testid="mail-item-subject"]').textContent(), 'Your Webex Go line is ready');
    assert.equal(await item.locator('[data-testid="mail-item-from"]').textContent(), 'Webex Go');
    assert.match((await item.locator('[data-testid="mail-item-time"]').textContent()) ?? '', /\d/);
    assert.equal(await testid('mail-unread').textContent(), '1');

    await item.click();
    await testid('mail-subject').filter({ hasText: 'Your Webex Go line is ready' }).waitFor();
    assert.equal(await item.getAttribute('aria-current'), 'true');
    assert.equal(await testid('mail-unread').isVisible(), false);
    assert.equal(await testid('mail-from').textContent(), 'Webex Go <webex-go@example.com>');
    assert.equal(await testid('mail-to').textContent(), 'alice@example.com');
    assert.equal(await testid('mail-attachments').isVisible(), false, 'the inline QR is not listed as an attachment');

    // The HTML in a sandboxed iframe: its QR comes from our own URL and loads; its script does not run.
    const frame = testid('mail-frame');
    assert.equal(await frame.isVisible(), true);
    const sandbox = (await frame.getAttribute('sandbox')) ?? '';
    assert.doesNotMatch(sandbox, /allow-scripts|allow-same-origin/);
    assert.match((await frame.getAttribute('srcdoc')) ?? '', new RegExp(`src="/local/api/mail/${id}/cid/${encodeURIComponent(QR_CID)}"`));
    const inFrame = page.frameLocator('[data-testid="mail-frame"]');
    const qr = inFrame.locator('img#qr');
    await qr.waitFor();
    // (No DOM lib in this tsconfig: the element is described by what is used of it.)
    const natural = await qr.evaluate((img) => {
      const image = img as unknown as { decode(): Promise<void>; naturalWidth: number };
      return image.decode().then(() => image.naturalWidth);
    });
    assert.ok(natural > 0, `the QR in the email did not load (naturalWidth ${natural})`);
    assert.equal(natural, 400);
    assert.equal(await inFrame.locator('body').getAttribute('data-ran'), null);
    assert.equal(await inFrame.locator('a').getAttribute('href'), 'https://help.webex.com/');
    assert.equal(await page.evaluate('document.querySelector(\'[data-testid="mail-frame"]\').contentDocument'), null, 'the frame must not be same-origin');
    await shot('alice-mail');

    // The plain-text part, and back.
    assert.equal(await testid('mail-text').isVisible(), false);
    await testid('mail-text-toggle').click();
    await testid('mail-text').waitFor();
    assert.equal((await testid('mail-text').textContent())?.trim(), MAIL_TEXT_PART);
    assert.equal(await testid('mail-frame').isVisible(), false);
    assert.equal(await testid('mail-text-toggle').getAttribute('aria-pressed'), 'true');
    await shot('alice-mail-text');
    await testid('mail-text-toggle').click();
    await testid('mail-frame').waitFor();
    assert.equal(await testid('mail-text').isVisible(), false);

    // While Alice is in her spaces, a text-only email arrives: the tab counts it; newest first.
    await testid('spaces-tab').click();
    await testid('conversation').waitFor();
    const transport2 = nodemailer.createTransport({ url: smtpUrl });
    try {
      await transport2.sendMail({ from: MAIL_FROM, to: 'Alice@Example.com', subject: 'Your Webex Go line was deleted', text: 'Remove the eSIM from your phone.' });
    } finally {
      transport2.close();
    }
    await testid('mail-unread').filter({ hasText: '1' }).waitFor();
    await testid('mail-tab').click();
    const ids = await testid('mail-item').evaluateAll((items) => items.map((item) => item.getAttribute('data-mail-id')));
    assert.equal(ids.length, 2);
    assert.equal(ids[1], id);
    await page.locator(`[data-testid="mail-item"][data-mail-id="${ids[0]}"]`).click();
    await testid('mail-subject').filter({ hasText: 'Your Webex Go line was deleted' }).waitFor();
    await testid('mail-text').filter({ hasText: 'Remove the eSIM from your phone.' }).waitFor();
    assert.equal(await testid('mail-frame').isVisible(), false);
    assert.equal(await testid('mail-text-toggle').isVisible(), false);

    // The API behind it.
    const list = (await (await fetch(`${url}/local/api/mail?email=alice@example.com`)).json()) as MailSummary[];
    assert.deepEqual(list.map((m) => m.subject), ['Your Webex Go line was deleted', 'Your Webex Go line is ready']);
    assert.equal(list[1]!.fromName, 'Webex Go');
    assert.match(list[1]!.preview, /^Your Webex Go line is ready Scan the QR code/);
    const view = (await (await fetch(`${url}/local/api/mail/${id}`)).json()) as MailView;
    assert.equal(view.text.trim(), MAIL_TEXT_PART);
    assert.ok(!view.html.includes('cid:'));
    const image = await fetch(`${url}/local/api/mail/${id}/cid/${encodeURIComponent(QR_CID)}`);
    assert.equal(image.status, 200);
    assert.equal(image.headers.get('content-type'), 'image/png');
    assert.ok(Buffer.from(await image.arrayBuffer()).equals(png));
    assert.equal((await fetch(`${url}/local/api/mail/${id}/cid/nothing@here`)).status, 404);
    assert.equal((await fetch(`${url}/local/api/mail/no-such-mail`)).status, 404);
    assert.equal((await fetch(`${url}/local/api/mail/no-such-mail/cid/${encodeURIComponent(QR_CID)}`)).status, 404);
    assert.equal((await fetch(`${url}/local/api/mail`)).status, 400);
  });

  it('shows a space the bot opens while the page is open, and its first message', async () => {
    await page.goto(`${url}/?as=carol@example.com`);
    await page.locator('body[data-ready="true"]').waitFor();
    await testid('space-list-empty').waitFor();
    assert.equal(await testid('message-bot').textContent(), 'Message GoBot');
    fake.sendAsBot({ toPersonEmail: 'carol@example.com', markdown: 'Hello **Carol**, I am GoBot.' });
    await testid('space-item').filter({ hasText: 'GoBot' }).waitFor();
    await testid('message-body').filter({ hasText: 'Hello Carol, I am GoBot.' }).waitFor();
    assert.equal(await testid('space-title').textContent(), 'GoBot');
    assert.equal(await testid('message-bot').isVisible(), false);
  });

  it('renders markdown with HTML off: script, onerror and javascript: links stay inert text', async () => {
    const hostile = 'Hi <script>document.body.dataset.pwned = "script"</script> <img src=x onerror="document.body.dataset.pwned = 1"> [x](javascript:document.body.dataset.pwned=2)';
    fake.sendAsBot({
      toPersonEmail: 'bob@example.com',
      markdown: `${hostile}\n\n**Help**: [the guide](https://help.webex.com/) or [mail us](mailto:help@example.com), <@personEmail:bob@example.com|Bob>`,
    });
    await page.goto(`${url}/?as=bob@example.com`);
    await page.locator('body[data-ready="true"]').waitFor();
    await testid('space-item').filter({ hasText: 'GoBot' }).click();
    const fromBot = testid('message-body').filter({ hasText: 'the guide' });
    await fromBot.waitFor();
    // Bob types the same: his text goes through the same renderer.
    await testid('composer-input').fill(hostile);
    await testid('composer-input').press('Enter');
    const typed = page.locator('[data-testid="message"][data-sender-email="bob@example.com"] [data-testid="message-body"]');
    await typed.waitFor();

    for (const body of [fromBot, typed]) {
      const text = (await body.textContent()) ?? '';
      assert.match(text, /<script>document\.body\.dataset\.pwned = "script"<\/script>/);
      assert.match(text, /<img src=x onerror=/);
      assert.match(text, /\[x\]\(javascript:/);
      assert.equal(await body.locator('script, img, iframe, [onerror]').count(), 0);
      assert.equal(await body.locator('a[href^="javascript"]').count(), 0);
    }
    assert.equal(await page.evaluate('document.body.dataset.pwned ?? null'), null);

    // Web and mail links open in a new tab, without a referrer or a handle on this page.
    const guide = fromBot.locator('a', { hasText: 'the guide' });
    assert.equal(await guide.getAttribute('href'), 'https://help.webex.com/');
    assert.equal(await guide.getAttribute('target'), '_blank');
    assert.equal(await guide.getAttribute('rel'), 'noopener noreferrer');
    assert.equal(await fromBot.locator('a', { hasText: 'mail us' }).getAttribute('href'), 'mailto:help@example.com');
    assert.equal(await fromBot.locator('strong').textContent(), 'Help');
    assert.equal(await fromBot.locator('.mention').textContent(), 'Bob');
  });

  it('scrolls a card that arrives, is replaced or opens its confirmation into view', async () => {
    const room = fake.createGroupSpace('Long history', ['admin@example.com']);
    await page.goto(`${url}/?as=admin@example.com`);
    await page.locator('body[data-ready="true"]').waitFor();
    await testid('space-item').filter({ hasText: 'Long history' }).click();
    await testid('space-title').filter({ hasText: 'Long history' }).waitFor();
    for (let i = 1; i <= 30; i += 1) fake.sendAsBot({ roomId: room.id, markdown: `Line ${i} of a long history` });
    await testid('message-body').filter({ hasText: 'Line 30 of a long history' }).waitFor();
    const list = testid('message-list');
    /** Whether the element shows in full inside the message list's visible part. */
    const inView = async (target: Locator) => {
      const [box, area] = await Promise.all([target.boundingBox(), list.boundingBox()]);
      return box !== null && area !== null && box.y >= area.y - 1 && box.y + box.height <= area.y + area.height + 1;
    };
    const comesIntoView = async (target: Locator, what: string) => {
      for (const started = Date.now(); !(await inView(target)); await page.waitForTimeout(50)) {
        if (Date.now() - started > 5000) assert.fail(`${what} stays out of view`);
      }
    };
    const toTop = () => list.evaluate((node) => node.scrollTo(0, 0));

    // The reader scrolled up; the bot's confirmation arrives at the end.
    await toTop();
    const confirm = fake.sendAsBot({
      roomId: room.id,
      markdown: 'Delete the device?',
      attachments: [{ contentType: CARD_TYPE, content: deviceCard('Online') }],
    });
    const card = page.locator(`[data-message-id="${confirm.id}"] > .message-main`);
    await card.getByText('Online').waitFor();
    await comesIntoView(card, 'the card that arrived');
    await shot('card-arrived-in-view');

    // Its inline confirmation opens below it: the list follows.
    await card.getByRole('button', { name: 'Delete' }).click();
    await comesIntoView(card.getByRole('button', { name: 'Yes, delete' }), 'the inline confirmation');

    // Scrolled up again, the card is replaced in place: it shows.
    await toTop();
    assert.equal(await inView(card), false);
    fake.editMessage(fake.bot, confirm.id, {
      roomId: room.id,
      markdown: 'Webex Go device of Alice Andersen',
      attachments: [{ contentType: CARD_TYPE, content: deviceCard('Deleted') }],
    });
    await card.getByText('Deleted').waitFor();
    await comesIntoView(card, 'the replaced card');
  });

  it('switches the bot language for the person you act as by typing it in their 1:1 with the bot', async () => {
    await page.goto(`${url}/?as=alice@example.com`);
    await page.locator('body[data-ready="true"]').waitFor();
    assert.equal(await testid('language-select').inputValue(), '');
    await testid('language-select').selectOption('bg');
    const sent = await fake.waitForMessage((m) => m.personEmail === 'alice@example.com' && m.text === 'language bg');
    assert.equal(fake.rooms().find((r) => r.id === sent.roomId)?.type, 'direct');
    await page.locator('[data-testid="space-title"]', { hasText: 'GoBot' }).waitFor();
    // The page remembers the choice per person.
    await page.reload();
    await page.locator('body[data-ready="true"]').waitFor();
    assert.equal(await testid('language-select').inputValue(), 'bg');
    await testid('person-select').selectOption('admin@example.com');
    assert.equal(await testid('language-select').inputValue(), '');
  });

  it('reads well in a 900 px and a 400 px wide window', async () => {
    await page.setViewportSize({ width: 900, height: 800 });
    await page.goto(`${url}/?as=admin@example.com`);
    await page.locator('body[data-ready="true"]').waitFor();
    await testid('message-card').waitFor();
    await shot('medium');
    // The Mailbox tab is in the address: a reload comes back to it.
    await page.goto(`${url}/?as=alice@example.com&tab=mail`);
    await page.locator('body[data-ready="true"]').waitFor();
    assert.equal(await testid('mail-tab').getAttribute('aria-selected'), 'true');
    await testid('mail-placeholder').waitFor();
    await testid('mail-item').last().click();
    await page.frameLocator('[data-testid="mail-frame"]').locator('img#qr').waitFor();
    await shot('medium-mail');

    await page.setViewportSize({ width: 400, height: 860 });
    await page.goto(`${url}/?as=alice@example.com`);
    await page.locator('body[data-ready="true"]').waitFor();
    await testid('message-image').waitFor();
    await shot('narrow');
    await testid('phone-panel').scrollIntoViewIfNeeded();
    await shot('narrow-phone');
    const width = await page.evaluate('document.documentElement.scrollWidth');
    assert.ok(Number(width) <= 400, `the page scrolls sideways: ${String(width)} px wide`);

    // The Mailbox stacks: the list, then the email.
    await page.evaluate('window.scrollTo(0, 0)');
    await testid('mail-tab').click();
    await testid('mail-item').last().click();
    await testid('mail-subject').filter({ hasText: 'Your Webex Go line is ready' }).waitFor();
    await page.frameLocator('[data-testid="mail-frame"]').locator('img#qr').waitFor();
    await page.evaluate('window.scrollTo(0, 0)');
    await shot('narrow-mail');
    await testid('mail-frame').scrollIntoViewIfNeeded();
    await shot('narrow-mail-open');
    const mailWidth = await page.evaluate('document.documentElement.scrollWidth');
    assert.ok(Number(mailWidth) <= 400, `the mailbox scrolls sideways: ${String(mailWidth)} px wide`);
  });
});

describe('local Webex page API', () => {
  let fake: FakeWebex;
  let pageRouter: LocalWebexPage;
  let server: Server;
  let url: string;

  before(async () => {
    fake = new FakeWebex({ botToken: 't', botEmail: 'gobot@webex.bot', botDisplayName: 'GoBot', log: () => undefined });
    seedDemo(fake);
    const app = express();
    // Nothing listens here: the phone must say so in a sentence.
    pageRouter = localWebexPage({ fake, esimToken: ESIM_TOKEN, esimBaseUrl: 'http://127.0.0.1:9/esim/v1', esimTimeoutMs: 2000 });
    app.use(pageRouter);
    ({ server, url } = await serve(app));
  });

  after(async () => {
    pageRouter.close();
    await stop(server);
    await fake.close();
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${url}/local/api${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('answers sentences for what it refuses, and refuses writes from other sites', async () => {
    const badEmail = await post('/people', { email: 'not-an-email' });
    assert.equal(badEmail.status, 400);
    assert.deepEqual(await badEmail.json(), { error: '"not-an-email" is not an email address.' });
    const foreign = await post('/people', { email: 'eve@example.com' }, { origin: 'http://evil.example' });
    assert.equal(foreign.status, 403);
    assert.equal(fake.person('eve@example.com'), undefined);
    const notMember = await fetch(`${url}/local/api/spaces/${fake.directSpace('bob@example.com').id}/messages?as=alice@example.com`);
    assert.equal(notMember.status, 403);
    const unknown = await fetch(`${url}/local/api/nothing-here`);
    assert.equal(unknown.status, 404);
    assert.match(((await unknown.json()) as { error: string }).error, /No such/);
    const noLine = await post('/phones/alice@example.com/events', { event: 'disabled' });
    assert.equal(noLine.status, 409);
  });

  it('has no Mailbox without a mailbox', async () => {
    assert.deepEqual(await (await fetch(`${url}/local/api/features`)).json(), { mailbox: false });
    const mail = await fetch(`${url}/local/api/mail?email=alice@example.com`);
    assert.equal(mail.status, 404);
    assert.match(((await mail.json()) as { error: string }).error, /no local mailbox/);
  });

  it('adds a person once, and reports an unreachable eSIM server on the phone', async () => {
    const added = await post('/people', { email: 'Dave@Example.com', displayName: 'Dave Davis' });
    assert.equal(added.status, 201);
    assert.equal(((await added.json()) as { email: string }).email, 'dave@example.com');
    assert.equal((await post('/people', { email: 'dave@example.com' })).status, 200);
    assert.equal(fake.people().filter((p) => p.emails[0] === 'dave@example.com').length, 1);

    const install = await post('/phones/dave@example.com/install', { activationCode: CODE });
    assert.equal(install.status, 200);
    const { phone, answer } = (await install.json()) as { phone: { line: unknown }; answer: { ok: boolean; error: string } };
    assert.equal(phone.line, null);
    assert.equal(answer.ok, false);
    assert.match(answer.error, /could not reach the eSIM server at http:\/\/127\.0\.0\.1:9\/esim\/v1/);
  });
});

describe('local Webex page data', () => {
  it('seeds the demo once and keeps a phone\'s line across a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'local-page-data-'));
    const options = { botToken: 't', botEmail: 'gobot@webex.bot', botDisplayName: 'GoBot', dataFile: join(dir, 'data.json'), log: () => undefined };
    try {
      const first = new FakeWebex(options);
      const { adminSpace } = seedDemo(first);
      assert.deepEqual(
        first.memberships(adminSpace.id).map((m) => m.personEmail).sort(),
        ['admin@example.com', 'alice@example.com', 'gobot@webex.bot'],
      );
      first.setPhone('Alice@Example.com', { line: { iccid: ICCID, enabled: false, installedAt: new Date().toISOString() } });
      await first.close();

      const second = new FakeWebex(options);
      seedDemo(second);
      assert.equal(second.rooms().filter((r) => r.title === 'Webex Go admins').length, 1);
      assert.deepEqual(
        second.people().map((p) => p.displayName).sort(),
        ['Ada Admin', 'Alice Andersen', 'Bob Brown', 'Carol Chen'],
      );
      assert.deepEqual(second.phone('alice@example.com')?.line?.iccid, ICCID);
      assert.equal(second.phone('alice@example.com')?.line?.enabled, false);
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
