import assert from 'node:assert/strict';
import { StatusNotifier } from '../../src/bot/notifier.js';
import type { OrgMode } from '../../src/bot/org.js';
import { capabilityLines } from '../../src/bot/org.js';
import type { OrgDevice } from '../../src/bot/orgPorts.js';
import { LANGUAGE_REREAD_MS, OrgSync } from '../../src/bot/orgSync.js';
import { fakeMessenger, fakePersonId } from '../support/botFakes.js';
import { ADMIN, openDomain, type DomainHarness } from '../support/domain.js';
import { fakeOrgAdmin, goDevice, orgError, orgMode, person, type FakeOrgAdmin } from './orgFakes.js';

const WATCH = 'watch-space';
const MINUTE = 60_000;

describe('org mode: the sync', () => {
  let h: DomainHarness;
  let messenger: ReturnType<typeof fakeMessenger>;
  let devices: OrgDevice[];
  let admin: FakeOrgAdmin;
  let org: OrgMode;
  let sync: OrgSync;
  let logs: string[];
  let lease: boolean;

  const people = [person('alice@example.com', 'Alice Andersen'), person('bob@example.com', 'Bob Berg'), person('carol@example.com'), person('dave@example.com')];

  function build(options: Partial<OrgMode['options']> = {}) {
    admin = fakeOrgAdmin(devices, people);
    org = orgMode(admin, h.clock.read, options);
    sync = new OrgSync({ service: h.service, org, messenger, log: (l) => logs.push(l), holdLease: async () => lease, instanceId: 'test' });
  }

  beforeEach(async () => {
    h = await openDomain({}, [ADMIN, 'second@example.com']);
    messenger = fakeMessenger();
    logs = [];
    lease = true;
    devices = [goDevice('alice@example.com', 'connected'), goDevice('bob@example.com', 'disconnected')];
    build();
  });
  afterEach(() => h.close());

  const watchPosts = () => messenger.say.getCalls().filter((c) => c.args[0] === WATCH).map((c) => c.args[1].markdown);

  it("stores the org's devices with the person's name, product and last seen; people are looked up once", async () => {
    await sync.runOnce();
    const alice = h.service.deviceOf('alice@example.com');
    assert.equal(alice?.status, 'online');
    assert.equal(alice?.id, 'go-alice@example.com');
    assert.deepEqual(alice?.org, {
      personId: fakePersonId('alice@example.com'),
      displayName: 'Alice Andersen',
      product: 'Webex Go',
      connectionStatus: 'connected',
      firstSeen: '2026-11-01T09:00:00.000Z',
      lastSeen: '2026-11-26T08:55:00.000Z',
      // Her Webex language was read: she has none.
      languageReadAt: '2026-11-26T09:00:00.000Z',
    });
    assert.equal(h.service.deviceOf('bob@example.com')?.status, 'offline');
    assert.deepEqual(admin.people.firstCall.args[0], [fakePersonId('alice@example.com'), fakePersonId('bob@example.com')]);

    devices.push(goDevice('carol@example.com', 'activating'));
    await sync.runOnce();
    assert.equal(admin.people.callCount, 2);
    assert.deepEqual(admin.people.secondCall.args[0], [fakePersonId('carol@example.com')], 'only the person not met before');
    assert.equal(h.service.deviceOf('carol@example.com')?.status, 'pending');
    await sync.runOnce();
    assert.equal(admin.people.callCount, 2, 'nobody new: no look-up');
  });

  it('reads activation states only for unknown statuses, a bounded number per sync, taking turns', async () => {
    devices = [goDevice('alice@example.com', 'unknown'), goDevice('bob@example.com', undefined), goDevice('carol@example.com', 'unknown'), goDevice('dave@example.com', 'connected')];
    build({ activationReadsPerSync: 2 });
    admin.callingDevicesOf.callsFake(async (id) =>
      id === fakePersonId('carol@example.com') ? [{ id: 'c1', modelType: 'ESIM', activationState: 'activating' }, { id: 'c2', modelType: 'DESK_PHONE', activationState: 'activated' }] : [{ id: 'x', modelType: 'ESIM', activationState: 'activated' }],
    );
    await sync.runOnce();
    assert.equal(admin.callingDevicesOf.callCount, 2);
    assert.ok(!admin.callingDevicesOf.getCalls().some((c) => c.args[0] === fakePersonId('dave@example.com')), 'a known status needs no read');
    await sync.runOnce();
    assert.equal(admin.callingDevicesOf.callCount, 4);
    const read = admin.callingDevicesOf.getCalls().map((c) => c.args[0]);
    assert.deepEqual(read.slice(0, 2), [fakePersonId('alice@example.com'), fakePersonId('bob@example.com')]);
    assert.equal(read[2], fakePersonId('carol@example.com'), 'the one not read yet goes first');
    assert.equal(h.service.deviceOf('carol@example.com')?.status, 'pending', 'activating → Pending activation');
    assert.equal(h.service.deviceOf('carol@example.com')?.org?.activationState, 'activating');
    assert.equal(h.service.deviceOf('alice@example.com')?.status, 'unknown', 'activated says nothing of online/offline: Status unknown');
  });

  it("reads people's Webex language a bounded number a sync: newcomers first, then people never read, then a week later", async () => {
    build({ languageReadsPerSync: 1 });
    const webex: Record<string, string> = { 'alice@example.com': 'bg_BG', 'bob@example.com': 'en_US', 'carol@example.com': 'bg-BG' };
    admin.preferredLanguage.callsFake(async (id) => webex[people.find((p) => p.id === id)!.emails[0]!]);
    const readOf = () => admin.preferredLanguage.getCalls().map((c) => people.find((p) => p.id === c.args[0])!.emails[0]);
    await sync.runOnce();
    assert.deepEqual(readOf(), ['alice@example.com']);
    assert.equal(h.service.languageOf({ person: 'alice@example.com' }), 'bg', 'Webex says Bulgarian, she chose nothing');
    assert.equal(h.service.languageOf({ person: 'bob@example.com' }), 'en', 'not read yet: DEFAULT_LANGUAGE');
    devices.push(goDevice('carol@example.com', 'connected'));
    await sync.runOnce();
    assert.deepEqual(readOf(), ['alice@example.com', 'carol@example.com'], 'the newcomer before Bob, stored but never read');
    assert.equal(h.service.languageOf({ person: 'carol@example.com' }), 'bg');
    await sync.runOnce();
    await sync.runOnce();
    assert.deepEqual(readOf(), ['alice@example.com', 'carol@example.com', 'bob@example.com'], 'everyone read: no more reads');
    // Alice sets her language in Webex to English; the bot reads it again a week after it last did.
    webex['alice@example.com'] = 'en_US';
    h.clock.advance(LANGUAGE_REREAD_MS);
    await sync.runOnce();
    assert.equal(readOf().length, 4);
    assert.equal(h.service.languageOf({ person: 'alice@example.com' }), 'en');
    // Her own choice wins over whatever Webex says.
    await h.service.setPersonLanguage('alice@example.com', 'bg');
    assert.equal(h.service.languageOf({ person: 'alice@example.com' }), 'bg');
  });

  it('a refused language read (403) switches only that capability off, with one log line; the sync goes on, nobody is read again', async () => {
    admin.preferredLanguage.rejects(orgError('forbidden', 'Webex answered 403 to read a person’s language: the org token lacks the identity:people_read scope.'));
    await sync.runOnce();
    await sync.runOnce();
    assert.equal(admin.preferredLanguage.callCount, 1);
    const lines = logs.filter((l) => /Webex languages/.test(l));
    assert.equal(lines.length, 1, logs.join('\n'));
    assert.match(lines[0]!, /not read any more .*identity:people_read/);
    const state = org.capabilities().language;
    assert.ok(!state.available && /identity:people_read/.test(state.reason));
    assert.equal(org.tokenRefused, false);
    assert.equal(org.capabilities().status.available, true);
    assert.equal(h.service.deviceOf('alice@example.com')?.status, 'online', 'the listing is stored');
    assert.equal(h.service.languageOf({ person: 'alice@example.com' }), 'en');
  });

  it('a language read that fails otherwise ends this pass’s reads; the next pass reads them', async () => {
    admin.preferredLanguage.onFirstCall().rejects(orgError('unavailable', 'Webex answered 503'));
    admin.preferredLanguage.resolves('bg_BG');
    await sync.runOnce();
    assert.equal(admin.preferredLanguage.callCount, 1);
    assert.ok(logs.some((l) => /could not read people's Webex languages \(unavailable\)/.test(l)));
    assert.equal(h.service.languageOf({ person: 'alice@example.com' }), 'en');
    await sync.runOnce();
    assert.equal(admin.preferredLanguage.callCount, 3);
    assert.equal(h.service.languageOf({ person: 'alice@example.com' }), 'bg');
    assert.equal(org.capabilities().language.available, true);
  });

  it('announces what a later sync finds in the watch space: a new status, a device added, one deleted', async () => {
    await h.service.updateSettings(ADMIN, { watchSpaceId: WATCH });
    const notifier = new StatusNotifier(h.service, messenger, () => undefined, 0);
    await sync.runOnce();
    await notifier.flush();
    assert.deepEqual(watchPosts(), [], 'the first sync is the org as it was');
    devices.splice(0, 2, goDevice('alice@example.com', 'disconnected'), goDevice('dave@example.com', 'connected'));
    await sync.runOnce();
    await notifier.flush();
    assert.equal(watchPosts().length, 1);
    const post = watchPosts()[0];
    assert.match(post, /alice@example\.com went \*\*Offline\*\* \(as Webex reports it\)/);
    assert.match(post, /dave@example\.com went \*\*Online\*\* \(added in Control Hub\)/);
    assert.match(post, /The Webex Go device of bob@example\.com was deleted in Control Hub\./);
  });

  it('a device the bot deletes while a sync reads the org stays deleted: not stored again, not announced as added', async () => {
    await h.service.updateSettings(ADMIN, { watchSpaceId: WATCH });
    const notifier = new StatusNotifier(h.service, messenger, () => undefined, 0);
    await sync.runOnce();
    const bob = h.service.deviceOf('bob@example.com')!;
    const listedBeforeTheDelete = [...devices];
    admin.webexGoDevices.callsFake(async () => {
      // The admin's delete goes through while Webex answers the listing that still has Bob.
      org.noteDeleted(bob.id);
      await h.service.deleteDevice(ADMIN, 'bob@example.com');
      return listedBeforeTheDelete;
    });
    await sync.runOnce();
    await notifier.flush();
    assert.equal(h.service.deviceOf('bob@example.com'), undefined);
    assert.ok(!watchPosts().some((p) => /bob@example\.com went/.test(p)), watchPosts().join('\n'));
    assert.equal(h.service.deviceOf('alice@example.com')?.status, 'online', 'the rest of the listing is stored');
  });

  it('a failed listing (5xx, timeout) removes and changes nothing, and the views say how old the data is', async () => {
    await sync.runOnce();
    admin.webexGoDevices.rejects(orgError('unavailable', 'Webex answered 503'));
    h.clock.advance(3 * MINUTE);
    await sync.runOnce();
    assert.equal(h.service.devices().length, 2);
    assert.equal(org.asOf('en'), 'From the organization’s Webex data, read 3 minutes ago.');
    assert.equal(org.asOf('bg'), 'По данните на организацията в Webex, прочетени преди 3 минути.');
    assert.ok(logs.some((l) => /org sync failed, keeping the devices as last read: Webex answered 503/.test(l)));
    h.clock.advance(3 * 60 * MINUTE);
    assert.equal(org.asOf('en'), 'From the organization’s Webex data, read 3 hours ago.');
  });

  it("people Webex cannot look up now wait for the next sync; the others are stored and the gone removed", async () => {
    await sync.runOnce();
    devices.splice(1, 1, goDevice('carol@example.com', 'connected'));
    admin.people.rejects(orgError('unavailable', 'Webex answered 502'));
    await sync.runOnce();
    assert.deepEqual(h.service.devices().map((d) => d.email), ['alice@example.com']);
  });

  it('a refused token (401) is told once, in the watch space, until a sync succeeds again', async () => {
    await h.service.updateSettings(ADMIN, { watchSpaceId: WATCH });
    await sync.runOnce();
    admin.webexGoDevices.rejects(orgError('unauthorized', 'Webex answered 401'));
    await sync.runOnce();
    await sync.runOnce();
    assert.equal(watchPosts().length, 1);
    assert.match(watchPosts()[0], /Webex refused the org token \(expired or revoked\)/);
    assert.equal(org.tokenRefused, true);
    assert.equal(h.service.devices().length, 2, 'the devices as last read stay');
    admin.webexGoDevices.resolves(devices);
    await sync.runOnce();
    assert.equal(org.tokenRefused, false);
    admin.webexGoDevices.rejects(orgError('unauthorized', 'Webex answered 401'));
    await sync.runOnce();
    assert.equal(watchPosts().length, 2, 'told again after it had worked');
  });

  it("without a watch space, a refused token is told in each admin's 1:1, in their language", async () => {
    await h.service.setPersonLanguage('second@example.com', 'bg');
    admin.webexGoDevices.rejects(orgError('unauthorized', 'Webex answered 401'));
    await sync.runOnce();
    const dms = messenger.dm.getCalls().map((c) => [c.args[0], c.args[1].markdown.slice(0, 30)]);
    assert.deepEqual(dms.map(([to]) => to).sort(), [ADMIN, 'second@example.com']);
    assert.match(messenger.dm.getCalls().find((c) => c.args[0] === 'second@example.com')!.args[1].markdown, /Webex отказа токена/);
  });

  it('a 403 on the listing switches the status capability off, with its reason; a later listing switches it on', async () => {
    admin.webexGoDevices.rejects(orgError('forbidden', 'Webex answered 403: the token lacks spark-admin:devices_read'));
    await sync.runOnce();
    assert.deepEqual(org.capabilities().status, { available: false, reason: 'Webex answered 403: the token lacks spark-admin:devices_read', httpStatus: 403 });
    assert.deepEqual(org.capabilities().delete, { available: true });
    assert.equal(org.blocked('status', 'en'), 'Device status is not available in this organization: Webex answered 403: the token lacks spark-admin:devices_read.');
    admin.webexGoDevices.resolves(devices);
    await sync.runOnce();
    assert.deepEqual(org.capabilities().status, { available: true });
  });

  it('a 401 found at start is the token refused, not capabilities off: the next successful sync clears it', async () => {
    const refused = { available: false as const, reason: 'Webex answered 401', httpStatus: 401 };
    org.setCapabilities({ status: refused, delete: refused, licenses: refused, callHistory: { available: true }, language: refused });
    assert.equal(org.tokenRefused, true);
    assert.match(String(org.blocked('delete', 'en')), /Webex refused the org token/);
    await sync.runOnce();
    assert.equal(org.tokenRefused, false);
    assert.equal(org.blocked('delete', 'en'), undefined);
  });

  it('a store that cannot write ends the pass, logged; the next one tries again', async () => {
    const transact = h.repo.transact.bind(h.repo);
    h.repo.transact = (() => Promise.reject(new Error('disk full'))) as typeof h.repo.transact;
    await sync.runOnce();
    assert.ok(logs.includes('org sync failed: disk full'));
    h.repo.transact = transact;
    await sync.runOnce();
    assert.equal(h.service.devices().length, 2);
  });

  it('does nothing while another instance holds the lease', async () => {
    lease = false;
    await sync.runOnce();
    assert.equal(admin.webexGoDevices.callCount, 0);
    assert.equal(h.service.devices().length, 0);
  });

  it('prints one line per capability at start: available, or why not', () => {
    const lines = capabilityLines({
      status: { available: true },
      delete: { available: false, reason: 'Webex answered 403: the token lacks spark-admin:devices_write.', httpStatus: 403 },
      licenses: { available: true },
      callHistory: { available: false, reason: 'Webex answered 403: the token lacks spark-admin-analytics:read' },
      language: { available: true, note: 'not checked: Webex lists no person to read' },
    });
    assert.deepEqual(lines, [
      'Org mode: Device status: available',
      'Org mode: Delete devices: not available: Webex answered 403: the token lacks spark-admin:devices_write',
      'Org mode: Licenses: available',
      'Org mode: Call history: not available: Webex answered 403: the token lacks spark-admin-analytics:read',
      'Org mode: Languages from Webex: available (not checked: Webex lists no person to read)',
    ]);
  });
});
