/**
 * The Webex Go admin story, end to end, as a person would try it: `npm start` with no token (a real
 * process), the local Webex page in Debian's chromium, the admin in the group space, Alice and
 * her phone. Screenshots go to test/artifacts/.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { ARTIFACTS, chromiumAvailable, launchChromium } from '../support/browser.js';

// Text of list items runs together in textContent, so no word boundaries here.
const MATCHING_ID = /[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}/g;

/**
 * What `npm start` runs (`node <file>`), after building it afresh as `npm install` does: the
 * compiled app, not the TypeScript sources.
 */
function npmStartArgs(): string[] {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  const { scripts } = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } };
  const [command, ...args] = scripts.start.split(' ');
  assert.equal(command, 'node', `npm start runs ${scripts.start}`);
  return args;
}

/** Starts the app the way `npm start` does, offline, and resolves with the URL it prints. */
async function startLocal(dataDir: string): Promise<{ child: ChildProcess; url: string; output: string[] }> {
  // The story is the registry walkthrough of the README (offline, `npm start` alone runs org mode).
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', DATA_DIR: dataDir, LINE_SOURCE: 'registry' };
  for (const name of ['WEBEX_BOT_TOKEN', 'HYDRA_SERVICE_URL', 'U2C_SERVICE_URL', 'ADMIN_EMAILS', 'ESIM_PROVIDER_TOKEN']) delete env[name];
  const child = spawn(process.execPath, npmStartArgs(), { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "Open http://…" line:\n${output.join('\n')}`)), 30_000);
    createInterface({ input: child.stderr! }).on('line', (line) => output.push(line));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      const match = /Open (http:\/\/localhost:\d+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`npm start ended with ${code}:\n${output.join('\n')}`)));
  });
  return { child, url, output };
}

describe('the Webex Go story in a browser (npm start, offline)', function () {
  this.timeout(120_000);
  let dataDir: string;
  let app: Awaited<ReturnType<typeof startLocal>>;
  let context: BrowserContext;
  let admin: Page;
  let alice: Page;
  const seenCodes = new Set<string>();

  before(async function () {
    if (!chromiumAvailable()) this.skip();
    await mkdir(ARTIFACTS, { recursive: true });
    dataDir = await mkdtemp(join(tmpdir(), 'story-'));
    app = await startLocal(dataDir);
    context = await launchChromium({ width: 1280, height: 900 });
    admin = context.pages()[0] ?? (await context.newPage());
    alice = await context.newPage();
  });

  after(async () => {
    await context?.close();
    if (app && app.child.exitCode === null) {
      // It saves its state on the way out: let it finish before its folder goes.
      const exited = new Promise((resolve) => app.child.once('exit', resolve));
      app.child.kill('SIGTERM');
      await exited;
    }
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const testid = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`);
  const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `story-${name}.png`), fullPage: true });

  async function open(page: Page, email: string, space: 'group' | 'direct') {
    await page.goto(`${app.url}/?as=${email}`);
    await page.locator('body[data-ready="true"]').waitFor();
    await page.locator(`[data-testid="space-item"][data-space-type="${space}"]`).first().click();
  }

  async function say(page: Page, text: string) {
    await testid(page, 'composer-input').fill(text);
    await testid(page, 'composer-send').click();
  }

  /** The newest bot message containing the text. */
  function botMessage(page: Page, text: string | RegExp): Locator {
    return page.locator('[data-testid="message"][data-sender-email="gobot@webex.bot"]', { hasText: text }).last();
  }

  /** Waits until the element shows in full in the visible part of the page's message list. */
  async function shownInList(page: Page, target: Locator) {
    const list = testid(page, 'message-list');
    for (const started = Date.now(); ; await page.waitForTimeout(50)) {
      const [box, area] = await Promise.all([target.boundingBox(), list.boundingBox()]);
      if (box && area && box.y >= area.y - 1 && box.y + box.height <= area.y + area.height + 1) return;
      if (Date.now() - started > 5000) assert.fail('it stays below the visible part of the message list');
    }
  }

  async function collectCodes(page: Page) {
    for (const text of await testid(page, 'message-body').allTextContents()) for (const code of text.match(MATCHING_ID) ?? []) seenCodes.add(code);
  }

  async function groupSpaceHasNoCode() {
    const group = (await testid(admin, 'message-list').textContent()) ?? '';
    for (const code of seenCodes) assert.ok(!group.includes(code), `the group space shows the activation code ${code}`);
    assert.ok(!/LPA:1\$/.test(group), 'the group space shows a network provider code');
    assert.equal(await testid(admin, 'message-image').count(), 0, 'the group space shows a QR code');
  }

  it('npm start says what it does at once, and where to open the page once it is ready', () => {
    assert.match((JSON.parse(app.output[0] ?? '{}') as { msg?: string }).msg ?? '', /^Starting webex-go-bot \S+ offline\u2026$/);
    const open = app.output.findIndex((line) => /Open http:\/\/localhost:\d+/.test(line));
    assert.ok(open > 0, app.output.join('\n'));
  });

  it('the admin assigns alice in the group space: only the outcome is posted there', async () => {
    await open(admin, 'admin@example.com', 'group');
    await say(admin, 'assign alice@example.com');
    const card = botMessage(admin, 'Webex Go device added for alice@example.com');
    await card.getByText('Pending activation').first().waitFor();
    await shot(admin, '1-admin-assigned');
  });

  it("alice's 1:1 shows the QR code and the codes; the group space shows none of them", async () => {
    await open(alice, 'alice@example.com', 'direct');
    const message = botMessage(alice, 'ready to install');
    await message.locator('[data-testid="message-image"]').waitFor();
    const text = (await message.textContent()) ?? '';
    assert.match(text, /SM-DP\+ address/);
    assert.match(text, /LPA:1\$/);
    await collectCodes(alice);
    assert.equal(seenCodes.size, 1);
    await shot(alice, '2-alice-details');
    await groupSpaceHasNoCode();
  });

  it('the same details reached alice by email, QR inline (DELIVERY both offline)', async () => {
    const mail = await context.newPage();
    await mail.goto(`${app.url}/?as=alice@example.com&tab=mail`);
    await mail.locator('body[data-ready="true"]').waitFor();
    await testid(mail, 'mail-item').first().click();
    await mail.locator('[data-testid="mail-subject"]', { hasText: 'Webex Go' }).waitFor();
    const frame = mail.frameLocator('[data-testid="mail-frame"]');
    await frame.locator('img').first().waitFor();
    assert.ok(await frame.locator('img').first().evaluate((img) => (img as { naturalWidth: number }).naturalWidth > 0));
    const body = (await frame.locator('body').textContent()) ?? '';
    for (const code of seenCodes) assert.ok(body.includes(code), 'the email carries the activation code');
    await shot(mail, '2b-alice-mailbox');
    await mail.close();
  });

  it('alice scans the QR on her phone and the admin sees Online', async () => {
    await testid(alice, 'phone-scan').click();
    await alice.locator('[data-testid="phone-scan-result"]', { hasText: 'LPA:1$' }).waitFor();
    await testid(alice, 'phone-install').click();
    await alice.locator('[data-testid="phone-state"][data-state="on"]').waitFor();
    await shot(alice, '3-alice-installed');
    await say(admin, 'status alice@example.com');
    await botMessage(admin, 'Webex Go device of alice@example.com: **Online**').or(botMessage(admin, /Online/)).last().waitFor();
    await admin.locator('[data-testid="message-card"]').last().getByText('Online').first().waitFor();
    await shot(admin, '4-admin-online');
  });

  it('lost/stolen from the card: asks first, cuts the old line, and alice gets a new code', async () => {
    const card = admin.locator('[data-testid="message-card"]').last();
    await card.getByRole('button', { name: 'Lost/stolen' }).click();
    // The confirmation arrives as a new card: the list shows it without scrolling by hand.
    const confirm = card.getByRole('button', { name: 'Yes, mark lost/stolen' });
    await confirm.waitFor();
    await shownInList(admin, confirm);
    await confirm.click();
    await card.getByText(/Lost\/stolen: the old phone's line is off/).first().waitFor();
    await card.getByText('Pending activation').first().waitFor();
    await botMessage(alice, 'The line on your old phone has been switched off').waitFor();
    await collectCodes(alice);
    assert.equal(seenCodes.size, 2);
    // The old phone's line is cut off at once: the phone shows it as no longer working, not as on.
    await alice.locator('[data-testid="phone-state"][data-state="revoked"]').waitFor();
    assert.equal(await testid(alice, 'phone-carrier').textContent(), 'No service');
    assert.equal(await testid(alice, 'phone-line-toggle').isVisible(), false);
    await shot(alice, '5b-alice-revoked');
    await shot(admin, '5-admin-lost');
  });

  it('a new code from the card, then delete: the license is back and alice is told to remove the line', async () => {
    const card = admin.locator('[data-testid="message-card"]').last();
    await card.getByRole('button', { name: 'Generate new activation code' }).click();
    await card.getByText(/New activation code issued for alice@example.com/).first().waitFor();
    await botMessage(alice, 'ready to install').nth(0).waitFor();
    await alice.locator('[data-sender-email="gobot@webex.bot"] [data-testid="message-image"]').nth(2).waitFor();
    await collectCodes(alice);
    assert.equal(seenCodes.size, 3);

    await card.getByRole('button', { name: 'Delete' }).click();
    await card.getByRole('button', { name: 'Yes, delete' }).click();
    await card.getByText(/its license is back in the pool/).first().waitFor();
    await botMessage(alice, 'remove the deactivated Webex Go line from your phone by hand').waitFor();
    await say(admin, 'licenses');
    const pool = botMessage(admin, 'Webex Go licenses');
    await pool.waitFor();
    assert.match((await pool.textContent()) ?? '', /In use\s*0\s*Available\s*25/);
    await shot(admin, '6-admin-deleted');
    await shot(alice, '7-alice-deleted');
    await groupSpaceHasNoCode();
    assert.ok(!app.output.join('\n').match(MATCHING_ID), 'an activation code reached the log');
  });
});
