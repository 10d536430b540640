import assert from 'node:assert/strict';
import type { DeviceChange } from '../../src/domain/types.js';
import { ADMIN, openDomain, type DomainHarness } from '../support/domain.js';

const DAY = 24 * 60 * 60 * 1000;

describe('reminders and change announcements', () => {
  let h: DomainHarness;
  beforeEach(async () => {
    h = await openDomain({ codeTtlDays: 30 });
  });
  afterEach(() => h.close());

  it('names a pending code once when it is about to expire, and once when it expired', async () => {
    await h.service.assign(ADMIN, 'alice@example.com');
    assert.deepEqual(h.service.remindersDue(7), []);
    h.clock.advance(23 * DAY);
    const [due] = h.service.remindersDue(7);
    assert.equal(due.kind, 'expiring');
    assert.equal(due.email, 'alice@example.com');
    await h.service.markReminded(due.codeKey, 'expiring');
    assert.deepEqual(h.service.remindersDue(7), []);
    h = await h.reopen();
    assert.deepEqual(h.service.remindersDue(7), [], 'a restart does not send it again');
    h.clock.advance(7 * DAY);
    const [expired] = h.service.remindersDue(7);
    assert.equal(expired.kind, 'expired');
    await h.service.markReminded(expired.codeKey, 'expired');
    assert.deepEqual(h.service.remindersDue(7), []);
    const trail = await h.service.auditTrail({ email: 'alice@example.com', limit: 5 });
    assert.deepEqual(trail.slice(0, 2).map((r) => r.action), ['notice-expired', 'reminder-expiring']);
  });

  it('finds a reminder that fell due while the bot was down, and none for a device that went Online', async () => {
    const { activation } = await h.service.assign(ADMIN, 'alice@example.com');
    await h.service.assign(ADMIN, 'bob@example.com');
    await h.service.download(activation.qrPayload);
    h = await h.reopen();
    h.clock.advance(40 * DAY);
    assert.deepEqual(h.service.remindersDue(7).map((d) => [d.email, d.kind]), [['bob@example.com', 'expired']]);
  });

  it('a new code starts its own reminders', async () => {
    await h.service.assign(ADMIN, 'alice@example.com');
    h.clock.advance(25 * DAY);
    const [due] = h.service.remindersDue(7);
    await h.service.markReminded(due.codeKey, 'expiring');
    await h.service.newCode(ADMIN, 'alice@example.com');
    h.clock.advance(25 * DAY);
    assert.equal(h.service.remindersDue(7)[0]?.kind, 'expiring');
  });

  it('announces every device change after it is stored, admin and phone alike', async () => {
    const changes: DeviceChange[] = [];
    h.service.onChange((c) => changes.push(c));
    const { activation } = await h.service.assign(ADMIN, 'alice@example.com');
    const { iccid } = await h.service.download(activation.qrPayload);
    await h.service.phoneEvent(iccid, 'disabled');
    await h.service.deleteDevice(ADMIN, 'alice@example.com');
    await h.service.addAdmin(ADMIN, 'bob@example.com');
    await h.service.assign('mallory@example.com', 'x@example.com').catch(() => undefined);
    assert.deepEqual(
      changes.map((c) => [c.actor, c.action, c.email, c.status]),
      [
        [ADMIN, 'assign', 'alice@example.com', 'pending'],
        ['phone', 'download', 'alice@example.com', 'online'],
        ['phone', 'phone-disabled', 'alice@example.com', 'offline'],
        [ADMIN, 'delete', 'alice@example.com', undefined],
      ],
    );
    assert.ok(!JSON.stringify(changes).includes(activation.matchingId));
  });
});
