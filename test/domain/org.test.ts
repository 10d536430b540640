import assert from 'node:assert/strict';
import { parseCopiedCode } from '../../src/domain/activationCode.js';
import {
  DEFAULT_ORG_STATUS_MAP,
  LAST_SEEN_GRANULARITY_MS,
  orgStatus,
  parseOrgStatusMap,
  planOrgSync,
  type ListedDevice,
} from '../../src/domain/org.js';
import type { Device, DeviceChange } from '../../src/domain/types.js';
import { ADMIN, openDomain, type DomainHarness } from '../support/domain.js';

const NOW = '2026-11-26T09:00:00.000Z';
const LATER = '2026-11-26T09:01:00.000Z';

function listed(email: string, status: ListedDevice['status'], org: Partial<ListedDevice['org']> = {}, id = `go-${email}`): ListedDevice {
  return { id, email, status, org: { personId: `person-${email}`, connectionStatus: 'connected', ...org } };
}

describe('org mode: the status mapping', () => {
  // The table, row by row: connectionStatus (the listing) and activationState (a person's calling devices).
  const rows: [string | undefined, string | undefined, string][] = [
    ['activating', undefined, 'pending'],
    [undefined, 'activating', 'pending'],
    ['connected', 'activating', 'pending'],
    [undefined, 'deactivated', 'pending'],
    ['disconnected', 'deactivated', 'pending'],
    ['connected', undefined, 'online'],
    ['connected', 'activated', 'online'],
    ['connected_with_issues', undefined, 'online'],
    ['disconnected', undefined, 'offline'],
    ['offline_expired', undefined, 'offline'],
    ['offline_deep_sleep', undefined, 'offline'],
    ['unknown', undefined, 'unknown'],
    ['unknown', 'activated', 'unknown'],
    [undefined, undefined, 'unknown'],
    [undefined, 'activated', 'unknown'],
    ['something_new', undefined, 'unknown'],
  ];
  for (const [connectionStatus, activationState, status] of rows) {
    it(`connectionStatus ${connectionStatus ?? '(missing)'}, activationState ${activationState ?? '(missing)'} → ${status}`, () => {
      assert.equal(orgStatus(connectionStatus, activationState), status);
    });
  }

  it('reads the values in any case', () => {
    assert.equal(orgStatus('CONNECTED', undefined), 'online');
    assert.equal(orgStatus(undefined, 'Activating'), 'pending');
  });

  it('is overridden row by row from ORG_STATUS_MAP, the other rows kept', () => {
    const map = parseOrgStatusMap('offline_deep_sleep:unknown, connected_with_issues:offline');
    assert.ok(typeof map !== 'string');
    assert.equal(orgStatus('offline_deep_sleep', undefined, map), 'unknown');
    assert.equal(orgStatus('connected_with_issues', undefined, map), 'offline');
    assert.equal(orgStatus('connected', undefined, map), 'online');
    assert.deepEqual(parseOrgStatusMap(''), DEFAULT_ORG_STATUS_MAP);
  });

  it('refuses an override that is not value:status', () => {
    assert.match(String(parseOrgStatusMap('connected:green')), /connected:green.*pending, online, offline, unknown/);
    assert.equal(typeof parseOrgStatusMap('connected'), 'string');
    assert.equal(typeof parseOrgStatusMap('a:online:b'), 'string');
  });
});

describe('org mode: a code copied from Control Hub', () => {
  it('is the activation code alone (the org SM-DP+ address) or a whole LPA string', () => {
    assert.deepEqual(parseCopiedCode('04386-agyft-a74y8-3f815', 'SMDP.EXAMPLE.COM'), { smdpAddress: 'SMDP.EXAMPLE.COM', matchingId: '04386-AGYFT-A74Y8-3F815' });
    assert.deepEqual(parseCopiedCode('LPA:1$smdp.other.com$ABC123', 'SMDP.EXAMPLE.COM'), { smdpAddress: 'smdp.other.com', matchingId: 'ABC123' });
  });

  it('is refused when it is neither', () => {
    for (const bad of ['', '---', 'LPA:1$not a host$X', 'hello world', 'code!', 'LPA:1$smdp.example.com$X$$1']) {
      assert.equal(parseCopiedCode(bad, 'SMDP.EXAMPLE.COM'), undefined, bad);
    }
  });
});

describe('org mode: what a listing changes (planOrgSync)', () => {
  const stored = (email: string, status: Device['status'], org: Partial<NonNullable<Device['org']>> = {}): Device => ({
    id: `go-${email}`,
    email,
    status,
    statusSince: NOW,
    createdAt: NOW,
    lastChange: { at: NOW, cause: 'org-added', by: 'webex' },
    org: { personId: `person-${email}`, connectionStatus: 'connected', ...org },
  });

  it('adds devices new in Control Hub, changes those whose status moved, removes those gone from a complete listing', () => {
    const before = [stored('a@x.com', 'online'), stored('b@x.com', 'online'), stored('gone@x.com', 'offline')];
    const plan = planOrgSync(before, [listed('a@x.com', 'online'), listed('b@x.com', 'offline', { connectionStatus: 'disconnected' }), listed('new@x.com', 'pending')], { kind: 'complete' }, LATER);
    assert.deepEqual(plan.changes.map((c) => [c.kind, c.device.email]), [
      ['org-status', 'b@x.com'],
      ['org-added', 'new@x.com'],
      ['org-removed', 'gone@x.com'],
    ]);
    assert.deepEqual(plan.put.map((d) => d.email), ['b@x.com', 'new@x.com']);
    const b = plan.put[0];
    assert.equal(b.status, 'offline');
    assert.equal(b.statusSince, LATER);
    assert.deepEqual(b.lastChange, { at: LATER, cause: 'org-status', by: 'webex' });
    assert.deepEqual(plan.remove.map((d) => d.email), ['gone@x.com']);
  });

  it('writes nothing when nothing changed', () => {
    const plan = planOrgSync([stored('a@x.com', 'online')], [listed('a@x.com', 'online')], { kind: 'complete' }, LATER);
    assert.deepEqual(plan, { put: [], remove: [], changes: [], skipped: [] });
  });

  it('a partial listing removes nothing', () => {
    const plan = planOrgSync([stored('a@x.com', 'online'), stored('b@x.com', 'online')], [listed('a@x.com', 'offline')], { kind: 'partial' }, LATER);
    assert.deepEqual(plan.remove, []);
    assert.deepEqual(plan.changes.map((c) => c.kind), ['org-status']);
  });

  it("one person's live read removes only that person's device", () => {
    const before = [stored('a@x.com', 'online'), stored('b@x.com', 'online')];
    const plan = planOrgSync(before, [], { kind: 'person', personId: 'person-a@x.com' }, LATER);
    assert.deepEqual(plan.remove.map((d) => d.email), ['a@x.com']);
  });

  it("never removes a device of the bot's own registry, unless the org lists a device for the same person", () => {
    const registry: Device = { ...stored('r@x.com', 'online'), id: 'registry-1', org: undefined };
    assert.deepEqual(planOrgSync([registry], [], { kind: 'complete' }, LATER).remove, []);
    const plan = planOrgSync([registry], [listed('r@x.com', 'online')], { kind: 'complete' }, LATER);
    assert.deepEqual(plan.remove.map((d) => d.id), ['registry-1']);
    assert.deepEqual(plan.put.map((d) => d.id), ['go-r@x.com']);
  });

  it('stores a new name, product or raw state without announcing it, and last seen only when it moved 15 minutes', () => {
    const before = [stored('a@x.com', 'online', { lastSeen: NOW })];
    const moved = (ms: number) => new Date(Date.parse(NOW) + ms).toISOString();
    assert.deepEqual(planOrgSync(before, [listed('a@x.com', 'online', { lastSeen: moved(60_000) })], { kind: 'complete' }, LATER).put, []);
    const seen = planOrgSync(before, [listed('a@x.com', 'online', { lastSeen: moved(LAST_SEEN_GRANULARITY_MS) })], { kind: 'complete' }, LATER);
    assert.equal(seen.put.length, 1);
    assert.deepEqual(seen.changes, []);
    const renamed = planOrgSync(before, [listed('a@x.com', 'online', { lastSeen: NOW, displayName: 'Ada' })], { kind: 'complete' }, LATER);
    assert.equal(renamed.put[0].org?.displayName, 'Ada');
    assert.equal(renamed.put[0].statusSince, NOW);
  });

  it("keeps the person's stored Webex language when a listing did not read it; a read replaces it", () => {
    const read = { preferredLanguage: 'bg_BG', languageReadAt: NOW };
    const before = [stored('a@x.com', 'online', read)];
    assert.deepEqual(planOrgSync(before, [listed('a@x.com', 'online')], { kind: 'complete' }, LATER).put, [], 'not read now: nothing changed');
    const offline = planOrgSync(before, [listed('a@x.com', 'offline')], { kind: 'complete' }, LATER).put[0];
    assert.deepEqual([offline?.org?.preferredLanguage, offline?.org?.languageReadAt], ['bg_BG', NOW]);
    const reread = planOrgSync(before, [listed('a@x.com', 'online', { languageReadAt: LATER })], { kind: 'complete' }, LATER).put[0];
    assert.deepEqual([reread?.org?.preferredLanguage, reread?.org?.languageReadAt], [undefined, LATER], 'read again: none set any more');
    // Another person behind the same device id does not inherit it.
    const other = planOrgSync(before, [listed('a@x.com', 'online', { personId: 'someone-else' })], { kind: 'complete' }, LATER).put[0];
    assert.equal(other?.org?.languageReadAt, undefined);
    // A new device of the same person (the old one gone) keeps it.
    const replaced = planOrgSync(before, [listed('a@x.com', 'online', {}, 'go-new')], { kind: 'complete' }, LATER).put[0];
    assert.deepEqual([replaced?.id, replaced?.org?.preferredLanguage], ['go-new', 'bg_BG']);
  });

  it("keeps one device per person: the stored one, else the first by id; the other is skipped", () => {
    const two = [listed('a@x.com', 'online', {}, 'go-2'), listed('a@x.com', 'offline', {}, 'go-1')];
    const fresh = planOrgSync([], two, { kind: 'complete' }, LATER);
    assert.deepEqual(fresh.put.map((d) => d.id), ['go-1']);
    assert.deepEqual(fresh.skipped.map((d) => d.id), ['go-2']);
    const kept = planOrgSync([{ ...stored('a@x.com', 'online'), id: 'go-2' }], two, { kind: 'complete' }, LATER);
    assert.deepEqual(kept.put, []);
    assert.deepEqual(kept.skipped.map((d) => d.id), ['go-1']);
  });
});

describe('org mode: the service applies a listing', () => {
  let h: DomainHarness;
  let changes: DeviceChange[];
  beforeEach(async () => {
    h = await openDomain();
    changes = [];
    h.service.onChange((c) => changes.push(c));
  });
  afterEach(() => h.close());

  it('stores the first listing without announcing or auditing it, then announces and audits what changed', async () => {
    const first = await h.service.applyOrgListing([listed('a@x.com', 'online'), listed('b@x.com', 'unknown', { connectionStatus: 'unknown' })], { kind: 'complete' });
    assert.deepEqual(first, { added: 2, changed: 0, removed: 0, updated: 0, skipped: 0 });
    assert.equal(changes.length, 0);
    assert.ok(!(await h.service.auditTrail({ limit: 10 })).some((r) => r.action === 'org-added'), 'nor audited');
    assert.equal(h.service.deviceOf('b@x.com')?.status, 'unknown');
    assert.equal(h.service.deviceOf('b@x.com')?.indicator, 'none');
    assert.equal(h.service.deviceOf('b@x.com')?.lastChange.cause, 'org-read', 'there before the bot looked: not "added in Control Hub"');

    await h.service.applyOrgListing([listed('a@x.com', 'offline', { connectionStatus: 'disconnected' }), listed('c@x.com', 'pending')], { kind: 'complete' });
    assert.deepEqual(
      changes.map((c) => [c.actor, c.action, c.email, c.status]),
      [
        ['webex', 'org-status', 'a@x.com', 'offline'],
        ['webex', 'org-added', 'c@x.com', 'pending'],
        ['webex', 'org-removed', 'b@x.com', undefined],
      ],
    );
    assert.equal(h.service.deviceOf('c@x.com')?.lastChange.cause, 'org-added');
    assert.equal(h.service.deviceOf('b@x.com'), undefined);
    const trail = await h.service.auditTrail({ limit: 10 });
    assert.deepEqual(trail.slice(0, 3).map((r) => [r.actor, r.action, r.email]).sort(), [
      ['webex', 'org-added', 'c@x.com'],
      ['webex', 'org-removed', 'b@x.com'],
      ['webex', 'org-status', 'a@x.com'],
    ]);
    assert.equal(trail.find((r) => r.action === 'org-status')?.detail, 'connectionStatus disconnected');
  });

  it('writes one transaction per listing, and none of the unchanged devices', async () => {
    await h.service.applyOrgListing([listed('a@x.com', 'online'), listed('b@x.com', 'online')], { kind: 'complete' });
    const transact = h.repo.transact.bind(h.repo);
    let transactions = 0;
    h.repo.transact = ((fn: Parameters<typeof transact>[0]) => {
      transactions++;
      return transact(fn);
    }) as typeof h.repo.transact;
    const outcome = await h.service.applyOrgListing([listed('a@x.com', 'online'), listed('b@x.com', 'offline')], { kind: 'complete' });
    assert.equal(transactions, 1);
    assert.deepEqual(outcome, { added: 0, changed: 1, removed: 0, updated: 0, skipped: 0 });
  });

  it('a delivered code becomes the device’s current one: resend and reminders use it, an earlier one dies', async () => {
    await h.service.applyOrgListing([listed('a@x.com', 'pending', { connectionStatus: 'activating' })], { kind: 'complete' });
    const issued = await h.service.recordDeliveredCode(ADMIN, 'a@x.com', { smdpAddress: 'SMDP.EXAMPLE.COM', matchingId: 'AAAA-BBBB' });
    assert.equal(issued.activation.qrPayload, 'LPA:1$SMDP.EXAMPLE.COM$AAAA-BBBB');
    assert.equal(issued.activation.expiresAt, '2027-02-24T09:00:00.000Z');
    assert.equal(h.service.currentActivation('a@x.com')?.matchingId, 'AAAA-BBBB');
    await h.service.recordDeliveredCode(ADMIN, 'a@x.com', { smdpAddress: 'SMDP.EXAMPLE.COM', matchingId: 'CCCC-DDDD' });
    assert.equal(h.service.currentActivation('a@x.com')?.matchingId, 'CCCC-DDDD');
    await assert.rejects(h.service.recordDeliveredCode(ADMIN, 'a@x.com', { smdpAddress: 'SMDP.EXAMPLE.COM', matchingId: 'AAAA-BBBB' }), /code-reused/);
    const trail = await h.service.auditTrail({ limit: 5 });
    assert.ok(trail.some((r) => r.action === 'deliver' && r.outcome === 'ok'));
    await h.service.applyOrgListing([listed('a@x.com', 'online')], { kind: 'complete' });
    assert.equal(h.service.currentActivation('a@x.com'), undefined, 'Online: the line is installed, the code was used');
    assert.equal(h.service.deviceOf('a@x.com')?.code, undefined);
    assert.ok(!JSON.stringify(trail).includes('AAAA-BBBB') && !JSON.stringify(trail).includes('CCCC-DDDD'), 'no code in the audit trail');
  });
});
