import assert from 'node:assert/strict';
import { Refusal } from '../../src/domain/refusal.js';
import { ADMIN, ALICE, DM_ADMIN, GROUP, admin, openBot, type BotFixture } from '../support/botFakes.js';
import { adminText } from '../../src/render/messages/adminText.js';
import { refusalMessage } from '../../src/render/messages/refusals.js';

const ADMIN_TEXT = adminText('en');

/** Puts alice's line on a phone (Online), optionally switched off there (Offline). */
async function onPhone(bot: BotFixture, switchedOff = false): Promise<void> {
  const { activation } = await bot.service.assign(ADMIN, ALICE);
  const { iccid } = await bot.service.download(activation.qrPayload);
  if (switchedOff) await bot.service.phoneEvent(iccid, 'disabled');
}

describe('bot: every refusal reaches the person', () => {
  let bot: BotFixture;
  beforeEach(async () => {
    bot = await openBot();
  });
  afterEach(async () => {
    await bot.close();
  });

  /** Types as the admin in the group; returns the one thing said there (and checks nothing else was sent). */
  async function answerTo(text: string): Promise<string> {
    bot.forget();
    await bot.type(admin, GROUP, `GoBot ${text}`);
    const sent = bot.sent();
    assert.deepEqual(
      sent.map((s) => [s.kind, s.to]),
      [['say', GROUP.id]],
      `one answer in the group, nothing else: ${JSON.stringify(sent.map((s) => s.message.markdown))}`,
    );
    return sent[0].message.markdown;
  }

  it('already assigned', async () => {
    await bot.service.assign(ADMIN, ALICE);
    assert.equal(await answerTo('assign Alice@example.com'), refusalMessage(new Refusal('already-assigned', { email: ALICE }), 'en'));
    assert.equal(bot.service.licensePool().inUse, 1);
  });

  it('no licenses left', async () => {
    await bot.service.updateSettings(ADMIN, { licenses: 1 });
    await bot.service.assign(ADMIN, 'carol@example.com');
    assert.equal(await answerTo('assign alice@example.com'), refusalMessage(new Refusal('no-licenses', { total: 1 }), 'en'));
    assert.equal(bot.service.deviceOf(ALICE), undefined);
  });

  it('no device: new code', async () => {
    assert.equal(await answerTo('code alice@example.com'), refusalMessage(new Refusal('no-device', { email: ALICE }), 'en'));
  });

  it('no device: status, lost/stolen and delete', async () => {
    assert.equal(await answerTo('status alice@example.com'), ADMIN_TEXT.noDevice(ALICE));
    assert.equal(await answerTo('lost alice@example.com'), ADMIN_TEXT.noDevice(ALICE));
    assert.equal(await answerTo('delete alice@example.com'), ADMIN_TEXT.noDevice(ALICE));
  });

  it('not pending: a new code for an Online device', async () => {
    await onPhone(bot);
    assert.equal(await answerTo('code alice@example.com'), refusalMessage(new Refusal('not-pending', { email: ALICE, status: 'online' }), 'en'));
    assert.match(refusalMessage(new Refusal('not-pending', { email: ALICE, status: 'online' }), 'en'), /device is Online\./);
    assert.equal(bot.service.deviceOf(ALICE)?.status, 'online');
  });

  it('not pending: a new code for an Offline device', async () => {
    await onPhone(bot, true);
    const expected = refusalMessage(new Refusal('not-pending', { email: ALICE, status: 'offline' }), 'en');
    assert.match(expected, /device is Offline\./);
    assert.equal(await answerTo('new code alice@example.com'), expected);
  });

  it('not pending: pressing "Generate new activation code" on a card of a device that went Online', async () => {
    const { device } = await bot.service.assign(ADMIN, ALICE);
    // The card was sent while Pending; the phone installs the line in the same instant, so the
    // card's version still matches and the domain rule is what stops it.
    await bot.service.download(bot.service.currentActivation(ALICE)!.qrPayload);
    const now = bot.service.deviceOf(ALICE)!;
    bot.forget();
    await bot.press(admin, GROUP, { command: 'code', args: ALICE, deviceId: device.id, version: now.lastChange.at });
    assert.deepEqual(bot.said(GROUP.id).map((m) => m.markdown), [refusalMessage(new Refusal('not-pending', { email: ALICE, status: 'online' }), 'en')]);
    assert.equal(bot.dms().length, 0, 'no code goes anywhere');
  });

  it('pool below the licenses in use', async () => {
    await bot.service.assign(ADMIN, ALICE);
    await bot.service.assign(ADMIN, 'carol@example.com');
    assert.equal(await answerTo('settings licenses 1'), refusalMessage(new Refusal('pool-below-in-use', { requested: 1, inUse: 2 }), 'en'));
    assert.equal(bot.service.settings().licenses, 10);
  });

  it('invalid code lifetime', async () => {
    const expected = refusalMessage(new Refusal('invalid-setting', { setting: 'ttl' }), 'en');
    assert.equal(await answerTo('settings ttl 0'), expected);
    assert.equal(await answerTo('settings ttl 366'), expected);
    assert.equal(bot.service.settings().codeTtlDays, 90);
  });

  it('invalid license pool size', async () => {
    assert.equal(await answerTo('settings licenses 2000000'), refusalMessage(new Refusal('invalid-setting', { setting: 'licenses' }), 'en'));
  });

  it('last admin', async () => {
    assert.equal(await answerTo('admins remove admin@example.com'), refusalMessage(new Refusal('last-admin', { email: ADMIN }), 'en'));
    assert.deepEqual(bot.service.admins(), [ADMIN]);
  });

  it('already admin', async () => {
    assert.equal(await answerTo('admins add Admin@Example.com'), refusalMessage(new Refusal('already-admin', { email: ADMIN }), 'en'));
  });

  it('not an admin, so nothing to remove', async () => {
    assert.equal(await answerTo('admins remove bob@example.com'), refusalMessage(new Refusal('not-an-admin', { email: 'bob@example.com' }), 'en'));
  });

  it('refusals are audited with their reason', async () => {
    await answerTo('admins remove admin@example.com');
    const [record] = await bot.service.auditTrail({ limit: 1 });
    assert.equal(record.outcome, 'refused');
    assert.equal(record.reason, 'last-admin');
  });

  it('a refusal in a 1:1 is answered in that 1:1', async () => {
    await bot.type(admin, DM_ADMIN, 'code alice@example.com');
    assert.deepEqual(
      bot.sent().map((s) => [s.kind, s.to, s.message.markdown]),
      [['say', DM_ADMIN.id, refusalMessage(new Refusal('no-device', { email: ALICE }), 'en')]],
    );
  });
});
