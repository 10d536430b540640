/**
 * The local Webex page in a real browser (Debian's chromium through playwright-core), against
 * its own FakeWebex with the page router mounted and a stub eSIM server. No bot framework: the
 * bot's messages are written with the fake's programmatic API.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import type { BrowserContext, Page } from 'playwright-core';
import { ARTIFACTS, chromiumAvailable, launchChromium } from './support/browser.js';
import { FakeWebex, type AttachmentAction, type Change } from '../src/localwebex/fakeWebex.js';
import { localWebexPage, seedDemo, type LocalWebexPage } from '../src/localwebex/page/router.js';
import { qrPng } from '../src/esim/qrPng.js';

const ESIM_TOKEN = 'esim-test-token';
const CODE = 'LPA:1$SMDP.EXAMPLE.COM$04386-AGYFT-A74Y8-3F815';
const ICCID = '89882470000012345674';
const CARD_TYPE = 'application/vnd.microsoft.card.adaptive';

interface EsimCall {
  path: string;
  authorization: string | undefined;
  body: unknown;
}

/** The eSIM provider's side, as the bot will serve it: bearer token, {iccid,status} or {error,reason}. */
function stubEsim(calls: EsimCall[]): express.Router {
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
    const { event } = req.body as { event: string };
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
  const esimCalls: EsimCall[] = [];

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
    app.use('/esim/v1', stubEsim(esimCalls));
    ({ server, url } = await serve(app));
    pageRouter = localWebexPage({ fake, esimToken: ESIM_TOKEN, esimBaseUrl: `${url}/esim/v1` });
    app.use(pageRouter);
    context = await launchChromium();
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => console.error(`[page] ${error.message}`));
  });

  after(async () => {
    await context?.close();
    pageRouter?.close();
    if (server) await stop(server);
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

    await testid('phone-remove').click();
    await page.locator('[data-testid="phone-state"][data-state="none"]').waitFor();
    assert.deepEqual(esimCalls.at(-1)?.body, { iccid: ICCID, event: 'deleted' });
    assert.equal(fake.phone('alice@example.com')?.line, undefined);

    // The used code again: the server's sentence is shown, no line appears.
    await testid('phone-code').fill(CODE);
    await testid('phone-install').click();
    await testid('phone-answer').filter({ hasText: 'already used' }).waitFor();
    assert.equal(await testid('phone-answer').getAttribute('data-ok'), 'false');
    assert.equal(await testid('phone-state').getAttribute('data-state'), 'none');
    await shot('alice-refused');
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

  it('reads well in a 900 px and a 400 px wide window', async () => {
    await page.setViewportSize({ width: 900, height: 800 });
    await page.goto(`${url}/?as=admin@example.com`);
    await page.locator('body[data-ready="true"]').waitFor();
    await testid('message-card').waitFor();
    await shot('medium');

    await page.setViewportSize({ width: 400, height: 860 });
    await page.goto(`${url}/?as=alice@example.com`);
    await page.locator('body[data-ready="true"]').waitFor();
    await testid('message-image').waitFor();
    await shot('narrow');
    await testid('phone-panel').scrollIntoViewIfNeeded();
    await shot('narrow-phone');
    const width = await page.evaluate('document.documentElement.scrollWidth');
    assert.ok(Number(width) <= 400, `the page scrolls sideways: ${String(width)} px wide`);
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
