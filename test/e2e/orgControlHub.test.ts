/**
 * The local page's simulated Control Hub and the phone against the simulated org: the demo org's
 * devices, add a device, generate a code (earlier ones stop working), the phone redeems it at the
 * org's SM-DP+ (activating → connected), line off → disconnected, Lost/stolen cuts the line off,
 * delete frees the license; a code of the bot's own SM-DP+ still goes to the bot's eSIM endpoints.
 * Then the same in the browser, when chromium is there.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import type { BrowserContext, Page } from 'playwright-core';
import { FakeWebex } from '../../src/localwebex/fakeWebex.js';
import { localWebexPage, seedDemo, seedOrgDemo, type ControlHubView, type LocalWebexPage } from '../../src/localwebex/page/router.js';
import { ARTIFACTS, chromiumAvailable, launchChromium } from '../support/browser.js';

const ESIM_TOKEN = 'esim-test-token';

describe('local page: the simulated Control Hub and the org SM-DP+', function () {
  this.timeout(30_000);
  let dir: string;
  let fake: FakeWebex;
  let pageRouter: LocalWebexPage;
  let server: Server;
  let url: string;
  const esimDownloads: unknown[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'control-hub-'));
    fake = new FakeWebex({ botToken: 'hub-bot-token', botEmail: 'gobot@webex.bot', botDisplayName: 'GoBot', dataFile: join(dir, 'fake.json'), orgActivatingMs: 0, log: () => undefined });
    seedDemo(fake);
    seedOrgDemo(fake);
    const app = express();
    app.use(fake.router);
    // The bot's own eSIM endpoints, enough to see a registry code go there.
    app.post('/esim/v1/download', express.json(), (req, res) => {
      esimDownloads.push(req.body);
      res.json({ iccid: '89882470000012345674', status: 'online' });
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    pageRouter = localWebexPage({ fake, esimToken: ESIM_TOKEN, esimBaseUrl: `${url}/esim/v1` });
    app.use(pageRouter);
  });

  after(async () => {
    pageRouter.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });

  const call = async <T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${url}/local/api${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as T };
  };
  const hub = async () => (await call<ControlHubView>('GET', '/org')).body;
  const deviceOf = async (email: string) => (await hub()).devices.find((d) => d.email === email);

  it('seeds the demo org once: a device in every state, one unknown, a line in use on its phone', async () => {
    const view = await hub();
    assert.deepEqual(
      view.devices.map((d) => [d.email, d.connectionStatus]),
      [
        ['bob@example.com', 'connected'],
        ['carol@example.com', 'unknown'],
        ['dave@example.com', 'activating'],
        ['erin@example.com', 'disconnected'],
        ['frank@example.com', 'offline_expired'],
      ],
    );
    assert.ok(view.devices.find((d) => d.email === 'dave@example.com')?.code, 'Dave waits with a code');
    assert.equal(fake.phone('bob@example.com')?.line?.provider, 'org');
    seedOrgDemo(fake);
    assert.equal((await hub()).devices.length, 5);
  });

  it('add, generate twice, redeem the newest on the phone: connected; off: disconnected', async () => {
    const added = await call<ControlHubView>('POST', '/org/devices', { email: 'alice@example.com' });
    assert.equal(added.status, 200);
    const alice = added.body.devices.find((d) => d.email === 'alice@example.com')!;
    assert.equal(alice.connectionStatus, 'activating');
    assert.equal((await call('POST', '/org/devices', { email: 'alice@example.com' })).status, 409);
    const first = (await call<{ code: { activationCode: string } }>('POST', `/org/devices/${alice.id}/code`)).body.code;
    const second = (await call<{ code: { activationCode: string; smdpAddress: string } }>('POST', `/org/devices/${alice.id}/code`)).body.code;
    assert.equal(second.smdpAddress, fake.org.smdpAddress);
    const stale = await call<{ answer: { ok: boolean; reason: string } }>('POST', '/phones/alice@example.com/install', { activationCode: first.activationCode });
    assert.deepEqual([stale.body.answer.ok, stale.body.answer.reason], [false, 'invalidated']);
    const installed = await call<{ answer: { ok: boolean }; phone: { line: { provider: string } } }>('POST', '/phones/alice@example.com/install', { activationCode: second.activationCode });
    assert.equal(installed.body.answer.ok, true);
    assert.equal(installed.body.phone.line.provider, 'org');
    assert.deepEqual([(await deviceOf('alice@example.com'))?.connectionStatus, (await deviceOf('alice@example.com'))?.activationState], ['connected', 'activated']);
    await call('POST', '/phones/alice@example.com/events', { event: 'disabled' });
    assert.equal((await deviceOf('alice@example.com'))?.connectionStatus, 'disconnected');
    assert.equal(esimDownloads.length, 0, 'an org code never reaches the bot’s eSIM endpoints');
  });

  it('Lost/stolen cuts the line off on the phone; delete frees the license', async () => {
    const alice = (await deviceOf('alice@example.com'))!;
    await call('POST', `/org/devices/${alice.id}/lost`);
    assert.ok(fake.phone('alice@example.com')?.line?.revokedAt);
    assert.deepEqual([(await deviceOf('alice@example.com'))?.activationState], ['deactivated']);
    const before = (await hub()).licenses.find((l) => l.name === 'Webex Go')!.consumedUnits;
    await call('DELETE', `/org/devices/${alice.id}`);
    assert.equal(await deviceOf('alice@example.com'), undefined);
    assert.equal((await hub()).licenses.find((l) => l.name === 'Webex Go')!.consumedUnits, before - 1);
  });

  it('a code of the bot’s own SM-DP+ still goes to the bot’s eSIM endpoints', async () => {
    await call('POST', '/phones/carol@example.com/replace');
    const answer = await call<{ answer: { ok: boolean }; phone: { line: { provider?: string } } }>('POST', '/phones/carol@example.com/install', {
      activationCode: 'LPA:1$smdp.webexgo.example.com$04386-AGYFT-A74Y8-3F815',
    });
    assert.equal(answer.body.answer.ok, true);
    assert.equal(answer.body.phone.line.provider, undefined);
    assert.equal(esimDownloads.length, 1);
  });

  describe('in the browser', () => {
    let context: BrowserContext;
    let page: Page;

    before(async function () {
      if (!chromiumAvailable()) this.skip();
      await mkdir(ARTIFACTS, { recursive: true });
      context = await launchChromium({ width: 1280, height: 1000 });
      page = context.pages()[0] ?? (await context.newPage());
    });

    after(async () => {
      await context?.close();
    });

    it('shows the devices with their status, and a generated code with its SM-DP+ address', async () => {
      await page.goto(`${url}/?as=admin@example.com`);
      await page.locator('body[data-ready="true"]').waitFor();
      await page.locator('[data-testid="control-hub"] > summary').click();
      const dave = page.locator('[data-testid="hub-devices"] tr[data-email="dave@example.com"]');
      await dave.getByText('Pending activation').waitFor();
      await page.locator('[data-testid="hub-devices"] tr[data-email="bob@example.com"]').getByText('Online').waitFor();
      await page.locator('[data-testid="hub-devices"] tr[data-email="carol@example.com"]').getByText('Status unknown').waitFor();
      await dave.locator('[data-testid="hub-generate"]').click();
      await page.locator('[data-testid="hub-code"]:not([hidden])').waitFor();
      assert.equal(await page.locator('[data-testid="hub-code-smdp"]').textContent(), fake.org.smdpAddress);
      const lpa = await page.locator('[data-testid="hub-code-lpa"]').textContent();
      const daveDevice = fake.org.deviceOf(fake.person('dave@example.com')!.id)!;
      assert.equal(lpa, fake.org.currentCode(daveDevice.id)?.activationCode);
      await page.locator('[data-testid="control-hub"]').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(ARTIFACTS, 'local-page-control-hub.png'), fullPage: true });
    });
  });

  describe('a restart', () => {
    it('keeps the org across a restart', async () => {
      await fake.close();
      const again = new FakeWebex({ botToken: 'hub-bot-token', botEmail: 'gobot@webex.bot', botDisplayName: 'GoBot', dataFile: join(dir, 'fake.json'), log: () => undefined });
      try {
        seedOrgDemo(again);
        assert.deepEqual(
          again.org.devices().map((d) => again.personById(d.personId)?.emails[0]),
          fake.org.devices().map((d) => fake.personById(d.personId)?.emails[0]),
        );
      } finally {
        await again.close();
      }
    });
  });
});
