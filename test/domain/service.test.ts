import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Refusal, type RefusalReason } from '../../src/domain/refusal.js';
import { STATE_FILE, auditFileName } from '../../src/store/lowdbRepository.js';
import { ADMIN, openDomain, type DomainHarness } from '../support/domain.js';
import { refusalMessage } from '../../src/render/messages/refusals.js';

const DAY = 24 * 60 * 60 * 1000;

/** Awaits a refusal and returns the sentence a person would read. */
async function refused(action: Promise<unknown>, reason: RefusalReason): Promise<string> {
  const error = await action.then(
    () => assert.fail(`expected a refusal (${reason})`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof Refusal, `expected a Refusal, got ${String(error)}`);
  assert.equal(error.reason, reason);
  return refusalMessage(error, 'en');
}

describe('Webex Go line service', () => {
  let h: DomainHarness;
  beforeEach(async () => {
    h = await openDomain();
  });
  afterEach(async () => {
    await h.close();
  });

  describe('assign', () => {
    it('takes a license, creates a Pending activation (grey) device and issues its first code', async () => {
      const { device, activation } = await h.service.assign(ADMIN, 'Alice@Example.com');
      assert.equal(device.email, 'alice@example.com');
      assert.equal(device.status, 'pending');
      assert.equal(device.indicator, 'grey');
      assert.equal(activation.smdpAddress, 'SMDP.EXAMPLE.COM');
      assert.match(activation.matchingId, /^[0-9A-Z]{5}(-[0-9A-Z]{5}){3}$/);
      assert.equal(activation.qrPayload, `LPA:1$SMDP.EXAMPLE.COM$${activation.matchingId}`);
      assert.equal(activation.networkProviderCode, activation.qrPayload);
      assert.equal(activation.expiresAt, '2027-02-24T09:00:00.000Z');
      assert.deepEqual(h.service.licensePool(), { total: 10, inUse: 1, available: 9 });
    });

    it('refuses a second device for the same user, whatever the casing', async () => {
      await h.service.assign(ADMIN, 'alice@example.com');
      const message = await refused(h.service.assign(ADMIN, 'ALICE@example.com'), 'already-assigned');
      assert.equal(message, 'alice@example.com already has a Webex Go device. See it with "status alice@example.com", or use "code alice@example.com" for a new activation code.');
      assert.equal(h.service.licensePool().inUse, 1);
    });

    it('refuses when the pool is empty, saying how to free a license', async () => {
      const small = await openDomain({ licenses: 1 });
      try {
        await small.service.assign(ADMIN, 'a@example.com');
        const message = await refused(small.service.assign(ADMIN, 'b@example.com'), 'no-licenses');
        assert.match(message, /^No Webex Go license is free: all 1 are in use\. Delete a device/);
        assert.equal(small.service.deviceOf('b@example.com'), undefined);
      } finally {
        await small.close();
      }
    });

    it('refuses what is not an email address', async () => {
      const message = await refused(h.service.assign(ADMIN, 'alice'), 'invalid-email');
      assert.equal(message, '`alice` is not an email address. Type it like alice@example.com.');
    });

    it('refuses a non-admin, changes nothing, and audits the refusal', async () => {
      const message = await refused(h.service.assign('mallory@example.com', 'alice@example.com'), 'not-admin');
      assert.match(message, /^Only Webex Go admins can do that, and nothing was changed\./);
      assert.equal(h.service.deviceOf('alice@example.com'), undefined);
      const [last] = await h.service.auditTrail({ limit: 1 });
      assert.deepEqual(
        { actor: last.actor, action: last.action, email: last.email, outcome: last.outcome, reason: last.reason },
        { actor: 'mallory@example.com', action: 'assign', email: 'alice@example.com', outcome: 'refused', reason: 'not-admin' },
      );
    });
  });

  describe('generate new activation code', () => {
    it('is allowed while Pending activation and invalidates every earlier code', async () => {
      const first = await h.service.assign(ADMIN, 'alice@example.com');
      const second = await h.service.newCode(ADMIN, 'alice@example.com');
      const third = await h.service.newCode(ADMIN, 'alice@example.com');
      assert.notEqual(second.activation.matchingId, first.activation.matchingId);
      await refused(h.service.download(first.activation.qrPayload), 'code-invalidated');
      await refused(h.service.download(second.activation.qrPayload), 'code-invalidated');
      const { device } = await h.service.download(third.activation.qrPayload);
      assert.equal(device.status, 'online');
    });

    it('is refused while Online, naming the status and what to do', async () => {
      const { activation } = await h.service.assign(ADMIN, 'alice@example.com');
      await h.service.download(activation.qrPayload);
      const message = await refused(h.service.newCode(ADMIN, 'alice@example.com'), 'not-pending');
      assert.equal(
        message,
        "A new activation code can only be generated while the device is Pending activation, and alice@example.com's device is Online. " +
          'Ask the user to remove the Webex Go line from the phone first, or use "lost alice@example.com" if the phone is lost or stolen.',
      );
    });

    it('is refused while Offline, and for a user with no device', async () => {
      const { activation } = await h.service.assign(ADMIN, 'alice@example.com');
      const { iccid } = await h.service.download(activation.qrPayload);
      await h.service.phoneEvent(iccid, 'disabled');
      assert.match(await refused(h.service.newCode(ADMIN, 'alice@example.com'), 'not-pending'), /device is Offline\./);
      assert.equal(
        await refused(h.service.newCode(ADMIN, 'bob@example.com'), 'no-device'),
        'bob@example.com has no Webex Go device. Add one with "assign bob@example.com".',
      );
    });
  });

  describe('activation codes', () => {
    it('are single-use', async () => {
      const { activation } = await h.service.assign(ADMIN, 'alice@example.com');
      await h.service.download(activation.qrPayload);
      assert.match(await refused(h.service.download(activation.qrPayload), 'code-used'), /already been used/);
    });

    it('expire exactly at the configured lifetime', async () => {
      await h.service.updateSettings(ADMIN, { codeTtlDays: 7 });
      const { activation } = await h.service.assign(ADMIN, 'alice@example.com');
      h.clock.advance(7 * DAY - 1);
      assert.ok(h.service.currentActivation('alice@example.com'));
      h.clock.advance(1);
      assert.equal(h.service.currentActivation('alice@example.com'), undefined);
      assert.equal(h.service.deviceOf('alice@example.com')?.code?.expired, true);
      const message = await refused(h.service.download(activation.qrPayload), 'code-expired');
      assert.equal(message, 'This activation code expired on 2026-12-03. Ask your Webex admin for a new one.');
    });

    it('are accepted without the LPA: prefix, and unknown or malformed ones are refused', async () => {
      const { activation } = await h.service.assign(ADMIN, 'alice@example.com');
      await refused(h.service.download('1$SMDP.EXAMPLE.COM$00000-00000-00000-00000'), 'code-unknown');
      await refused(h.service.download(`1$OTHER.EXAMPLE.COM$${activation.matchingId}`), 'code-unknown');
      await refused(h.service.download('hello'), 'code-malformed');
      const { iccid } = await h.service.download(activation.qrPayload.slice('LPA:'.length));
      assert.match(iccid, /^89\d{18}$/);
    });
  });

  describe('phone-side events', () => {
    it('move the status: disabled → Offline (red), enabled → Online (green), deleted → Pending (grey)', async () => {
      const { activation } = await h.service.assign(ADMIN, 'alice@example.com');
      const { iccid, device } = await h.service.download(activation.qrPayload);
      assert.equal(device.indicator, 'green');
      assert.equal(h.service.deviceOf('alice@example.com')?.iccid, iccid);
      assert.equal((await h.service.phoneEvent(iccid, 'disabled')).indicator, 'red');
      assert.equal((await h.service.phoneEvent(iccid, 'enabled')).status, 'online');
      const removed = await h.service.phoneEvent(iccid, 'deleted');
      assert.equal(removed.status, 'pending');
      assert.equal(removed.code, undefined, 'the spent code is not offered again');
      assert.equal(removed.canGenerateCode, true);
      await refused(h.service.phoneEvent(iccid, 'enabled'), 'profile-revoked');
    });

    it('refuses unknown ICCIDs, malformed ones and unknown events', async () => {
      const { activation } = await h.service.assign(ADMIN, 'alice@example.com');
      const { iccid } = await h.service.download(activation.qrPayload);
      await refused(h.service.phoneEvent('89014103211118510720', 'disabled'), 'iccid-unknown');
      await refused(h.service.phoneEvent('1234', 'disabled'), 'iccid-malformed');
      assert.equal(
        await refused(h.service.phoneEvent(iccid, 'exploded'), 'unknown-event'),
        '`exploded` is not a phone event. Send "disabled", "enabled" or "deleted".',
      );
      assert.equal(h.service.deviceOf('alice@example.com')?.status, 'online');
    });
  });

  describe('lost/stolen', () => {
    it('works in any status: cuts the lost phone off for good and issues a new code', async () => {
      const { activation } = await h.service.assign(ADMIN, 'alice@example.com');
      const { iccid: lostPhone } = await h.service.download(activation.qrPayload);
      const lost = await h.service.lostStolen(ADMIN, 'alice@example.com');
      assert.equal(lost.device.status, 'pending');
      assert.equal(lost.revokedIccid, lostPhone);
      assert.ok(lost.device.code);
      await refused(h.service.phoneEvent(lostPhone, 'enabled'), 'profile-revoked');
      await refused(h.service.phoneEvent(lostPhone, 'deleted'), 'profile-revoked');
      assert.equal(h.service.deviceOf('alice@example.com')?.status, 'pending');
      const { iccid: newPhone } = await h.service.download(lost.activation.qrPayload);
      assert.notEqual(newPhone, lostPhone);
      // Lost/stolen again while still pending is allowed too.
      await h.service.lostStolen(ADMIN, 'alice@example.com');
      await refused(h.service.phoneEvent(newPhone, 'disabled'), 'profile-revoked');
    });
  });

  describe('delete', () => {
    it('returns the license, kills codes and profile, and reminds that the line must be removed by hand', async () => {
      const { activation } = await h.service.assign(ADMIN, 'alice@example.com');
      const { iccid } = await h.service.download(activation.qrPayload);
      const { activation: bobCode } = await h.service.assign(ADMIN, 'bob@example.com');
      assert.equal(h.service.licensePool().available, 8);
      const result = await h.service.deleteDevice(ADMIN, 'alice@example.com');
      assert.equal(result.userMustRemoveLine, true);
      assert.equal(h.service.licensePool().available, 9);
      assert.equal(h.service.deviceOf('alice@example.com'), undefined);
      await refused(h.service.phoneEvent(iccid, 'enabled'), 'profile-revoked');
      await h.service.deleteDevice(ADMIN, 'bob@example.com');
      await refused(h.service.download(bobCode.qrPayload), 'code-invalidated');
      await refused(h.service.deleteDevice(ADMIN, 'bob@example.com'), 'no-device');
      // The user can be given a fresh device afterwards.
      await h.service.assign(ADMIN, 'alice@example.com');
    });
  });

  describe('queries', () => {
    it('list every device with its real status, filterable by status', async () => {
      const a = await h.service.assign(ADMIN, 'alice@example.com');
      await h.service.assign(ADMIN, 'bob@example.com');
      const c = await h.service.assign(ADMIN, 'carol@example.com');
      await h.service.download(a.activation.qrPayload);
      const { iccid } = await h.service.download(c.activation.qrPayload);
      await h.service.phoneEvent(iccid, 'disabled');
      assert.deepEqual(
        h.service.devices().map((d) => [d.email, d.status]),
        [['alice@example.com', 'online'], ['bob@example.com', 'pending'], ['carol@example.com', 'offline']],
      );
      assert.deepEqual(h.service.devices('offline').map((d) => d.email), ['carol@example.com']);
    });
  });

  describe('org settings', () => {
    it('persist and refuse a pool smaller than the licenses in use', async () => {
      await h.service.assign(ADMIN, 'a@example.com');
      await h.service.assign(ADMIN, 'b@example.com');
      assert.equal(
        await refused(h.service.updateSettings(ADMIN, { licenses: 1 }), 'pool-below-in-use'),
        "The license pool can't shrink to 1: 2 licenses are in use. Delete devices first, or choose 2 or more.",
      );
      await h.service.updateSettings(ADMIN, { licenses: 2, notifyUsers: false, codeTtlDays: 30 });
      h = await h.reopen();
      assert.deepEqual(h.service.settings(), { licenses: 2, notifyUsers: false, codeTtlDays: 30, smdpAddress: 'SMDP.EXAMPLE.COM' });
    });

    it('refuse values out of range with the allowed range', async () => {
      assert.match(await refused(h.service.updateSettings(ADMIN, { codeTtlDays: 0 }), 'invalid-setting'), /from 1 to 365/);
      assert.match(await refused(h.service.updateSettings(ADMIN, { licenses: -1 }), 'invalid-setting'), /from 0 to 1000000/);
      assert.match(await refused(h.service.updateSettings(ADMIN, { smdpAddress: 'not a host' }), 'invalid-setting'), /host name/);
      assert.equal(h.service.settings().codeTtlDays, 90);
    });
  });

  describe('admins', () => {
    it('are added and removed by admins; the last one stays', async () => {
      assert.deepEqual(await h.service.addAdmin(ADMIN, 'Bob@Example.com'), ['admin@example.com', 'bob@example.com']);
      assert.ok(h.service.isAdmin('BOB@example.com'));
      assert.equal(await refused(h.service.addAdmin(ADMIN, 'bob@example.com'), 'already-admin'), 'bob@example.com is already an admin.');
      await h.service.removeAdmin('bob@example.com', ADMIN);
      assert.equal(
        await refused(h.service.removeAdmin('bob@example.com', 'bob@example.com'), 'last-admin'),
        "bob@example.com is the last admin and can't be removed. Add another admin first.",
      );
      await refused(h.service.removeAdmin('bob@example.com', 'carol@example.com'), 'not-an-admin');
      await refused(h.service.addAdmin(ADMIN, 'carol@example.com'), 'not-admin');
    });
  });

  describe('audit', () => {
    it('records who, what, which user and device, when and the outcome — never a Matching ID', async () => {
      const first = await h.service.assign(ADMIN, 'alice@example.com');
      const second = await h.service.newCode(ADMIN, 'alice@example.com');
      const { iccid } = await h.service.download(second.activation.qrPayload);
      await h.service.download(first.activation.qrPayload).catch(() => undefined);
      await h.service.phoneEvent(iccid, 'disabled');
      await h.service.newCode(ADMIN, 'alice@example.com').catch(() => undefined);
      const trail = await h.service.auditTrail({ email: 'alice@example.com', limit: 10 });
      assert.deepEqual(
        trail.map((r) => [r.actor, r.action, r.outcome, r.reason]),
        [
          [ADMIN, 'new-code', 'refused', 'not-pending'],
          ['phone', 'phone-disabled', 'ok', undefined],
          ['phone', 'download', 'refused', 'code-invalidated'],
          ['phone', 'download', 'ok', undefined],
          [ADMIN, 'new-code', 'ok', undefined],
          [ADMIN, 'assign', 'ok', undefined],
        ],
      );
      assert.ok(trail.every((r) => r.deviceId === first.device.id && r.at));
      const auditText = await readFile(join(h.dir, auditFileName(h.clock.now.toISOString().slice(0, 7))), 'utf8');
      for (const secret of [first.activation.matchingId, second.activation.matchingId]) {
        assert.ok(!auditText.includes(secret), 'a Matching ID leaked into the audit trail');
      }
      const stateText = await readFile(join(h.dir, STATE_FILE), 'utf8');
      assert.ok(!stateText.includes(first.activation.matchingId), 'spent codes are kept only as hashes');
    });
  });

  describe('concurrency and durability', () => {
    it('100 concurrent assigns against a pool of 50: exactly 50 succeed and the store holds exactly 50', async () => {
      await h.service.updateSettings(ADMIN, { licenses: 50 });
      const results = await Promise.allSettled(
        Array.from({ length: 100 }, (_, i) => h.service.assign(ADMIN, `user${i}@example.com`)),
      );
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 50);
      const refusals = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      assert.ok(refusals.every((r) => (r.reason as Refusal).reason === 'no-licenses'));
      h = await h.reopen();
      assert.equal(h.service.devices().length, 50);
      assert.deepEqual(h.service.licensePool(), { total: 50, inUse: 50, available: 0 });
    });

    it('keeps devices, codes and profiles across a restart', async () => {
      const { activation } = await h.service.assign(ADMIN, 'alice@example.com');
      const { activation: bob } = await h.service.assign(ADMIN, 'bob@example.com');
      const { iccid } = await h.service.download(activation.qrPayload);
      h = await h.reopen();
      assert.equal((await h.service.phoneEvent(iccid, 'disabled')).status, 'offline');
      assert.equal(h.service.currentActivation('bob@example.com')?.matchingId, bob.matchingId);
      await refused(h.service.download(activation.qrPayload), 'code-used');
    });
  });
});
