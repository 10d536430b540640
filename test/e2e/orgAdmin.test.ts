/**
 * The org admin client (webex/org) against the local Webex's admin APIs on loopback: paging by
 * `Link`, every failure's `orgFailure`, a listing that fails part way, the people budget, license
 * matching, capabilities, Service App renewal; and the local API's shapes against the public
 * documentation's examples (test/fixtures/webexAdmin).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { orgFailureOf, type OrgAdmin } from '../../src/bot/orgPorts.js';
import { FakeCdrFeed } from '../../src/localwebex/cdrFeed.js';
import { FakeWebex } from '../../src/localwebex/fakeWebex.js';
import { hydraId } from '../../src/localwebex/ids.js';
import { ORG_SCOPES } from '../../src/webex/org/orgAdmin.js';
import type { ConnectionStatus } from '../../src/localwebex/org/simulatedOrg.js';
import type { Clock } from '../../src/net/clock.js';
import { createOrgAdmin, DEVICE_PAGE_SIZE, PEOPLE_IDS_PER_REQUEST, type OrgAdminOptions } from '../../src/webex/org/orgAdmin.js';
import { serviceAppToken, staticOrgToken } from '../../src/webex/org/orgToken.js';

const ORG_TOKEN = 'local_org_admin_token_for_tests_0123456789';
const SERVICE_APP = { clientId: 'app-client-id', clientSecret: 'app-client-secret-0123456789', refreshToken: 'app-refresh-token-0123456789' };

const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(`test/fixtures/webexAdmin/${name}.json`, 'utf8')) as Record<string, unknown>;

/** Every field the local API sends is one the documentation's example has, with the same JSON type. */
function assertSameShape(served: Record<string, unknown>, documented: Record<string, unknown>, what: string): void {
  for (const [key, value] of Object.entries(served)) {
    assert.ok(key in documented, `${what}: "${key}" is not in the documented example`);
    const kind = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
    assert.equal(kind(value), kind(documented[key]), `${what}: "${key}" is a ${kind(value)}, documented as a ${kind(documented[key])}`);
  }
}

describe('org admin client against the local admin API', function () {
  this.timeout(30_000);
  let fake: FakeWebex;
  let server: Server;
  let base: string;
  let waits: number[];
  const cdr = new FakeCdrFeed({ token: ORG_TOKEN, users: ['alice@example.com'] });
  const clock: Clock = {
    now: () => Date.now(),
    sleep: async (ms) => {
      waits.push(ms);
    },
  };
  // The bases as functions, as the composition root passes them offline (known once the server listens).
  const admin = (options: Partial<OrgAdminOptions> = {}): OrgAdmin =>
    createOrgAdmin({ token: staticOrgToken(ORG_TOKEN), baseUrl: () => `${base}/v1`, cdrBaseUrl: () => `${base}/v1`, clock, ...options });

  /** `n` people, each with a Webex Go device in `status`. */
  function seed(n: number, status: ConnectionStatus = 'connected'): string[] {
    const ids: string[] = [];
    fake.org.setWebexGoLicenses(fake.org.devices().length + n + 10);
    for (let i = 0; i < n; i++) {
      const person = fake.addPerson({ email: `user${i}@example.com` });
      fake.org.addDevice(person.id, person.displayName, { connectionStatus: status });
      ids.push(person.id);
    }
    return ids;
  }

  before(async () => {
    fake = new FakeWebex({ botToken: 'bot_token_x', botEmail: 'gobot@webex.bot', botDisplayName: 'GoBot', orgAdminToken: ORG_TOKEN, serviceApp: SERVICE_APP, orgActivatingMs: 0, log: () => undefined });
    const app = express();
    app.use('/v1', cdr.router);
    app.use(fake.router);
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  beforeEach(() => {
    fake.reset();
    waits = [];
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await fake.close();
  });

  it('lists every Webex Go device across pages by following Link, at the largest page size', async () => {
    const ids = seed(2 * DEVICE_PAGE_SIZE + 17);
    const client = admin();
    const devices = await client.webexGoDevices();
    assert.equal(devices.length, ids.length);
    assert.deepEqual(new Set(devices.map((d) => d.personId)), new Set(ids));
    assert.equal(client.requestCount(), 3);
    const [first] = devices;
    assert.equal(first?.type, 'webexgo');
    assert.equal(first?.product, 'Webex Go');
    assert.equal(first?.connectionStatus, 'connected');
  });

  it('reads one person live, and their calling device with its activation state', async () => {
    const [alice] = seed(3, 'activating');
    const client = admin();
    const mine = await client.webexGoDevicesOf(alice!);
    assert.equal(mine.length, 1);
    assert.equal(mine[0]?.personId, alice);
    const calling = await client.callingDevicesOf(alice!);
    assert.deepEqual(
      calling.map((d) => [d.modelType, d.activationState]),
      [['ESIM', 'activating']],
    );
  });

  it('a listing that fails part way rejects: never a partial list', async () => {
    seed(DEVICE_PAGE_SIZE + 5);
    let calls = 0;
    const failSecondPage: typeof fetch = async (input, init) => {
      calls += 1;
      if (calls === 2) fake.orgApi.failNext({ scope: ORG_SCOPES.devicesRead, status: 500, times: Infinity });
      return fetch(input, init);
    };
    await assert.rejects(admin({ fetch: failSecondPage }).webexGoDevices(), (error: unknown) => {
      assert.equal(orgFailureOf(error), 'unavailable');
      assert.match((error as Error).message, /Webex answered 500/);
      return true;
    });
  });

  it('401: unauthorized, and the message names no token', async () => {
    const client = createOrgAdmin({ token: staticOrgToken('a_wrong_token_0123456789'), baseUrl: `${base}/v1`, clock });
    await assert.rejects(client.webexGoDevices(), (error: unknown) => {
      assert.equal(orgFailureOf(error), 'unauthorized');
      assert.doesNotMatch((error as Error).message, /a_wrong_token|local_org_admin/);
      return true;
    });
  });

  it('403: forbidden, naming the scope; the capability check switches off only that capability', async () => {
    seed(1);
    fake.orgApi.failNext({ scope: ORG_SCOPES.devicesWrite, status: 403, times: Infinity });
    const client = admin();
    const [device] = await client.webexGoDevices();
    await assert.rejects(client.deleteDevice(device!.id), (error: unknown) => {
      assert.equal(orgFailureOf(error), 'forbidden');
      assert.match((error as Error).message, /spark-admin:devices_write/);
      return true;
    });
    fake.orgApi.clearFaults();
    fake.orgApi.failNext({ scope: ORG_SCOPES.licensesRead, status: 403, times: Infinity });
    const states = await client.capabilities();
    assert.equal(states.status.available, true);
    assert.equal(states.callHistory.available, true);
    assert.deepEqual(states.delete, { available: true, note: 'not checked until the first delete: Webex has no dry run; it needs spark-admin:devices_write' });
    assert.equal(states.licenses.available, false);
    assert.ok(!states.licenses.available && states.licenses.httpStatus === 403 && /spark-admin:licenses_read/.test(states.licenses.reason));
  });

  it('capabilities with a revoked token: every one says the token itself was refused', async () => {
    const client = createOrgAdmin({ token: staticOrgToken('revoked_token_0123456789'), baseUrl: `${base}/v1`, cdrBaseUrl: `${base}/v1`, clock });
    const states = await client.capabilities();
    for (const state of Object.values(states)) {
      assert.equal(state.available, false);
      assert.ok(!state.available && state.httpStatus === 401 && /expired or was revoked/.test(state.reason));
    }
  });

  it('429: waits as Retry-After says and goes on; still 429 after the retries: rate-limited', async () => {
    seed(1);
    fake.orgApi.failNext({ scope: ORG_SCOPES.licensesRead, status: 429, retryAfterSeconds: 7, times: 2 });
    const client = admin();
    assert.equal((await client.webexGoLicenses()).length, 1);
    assert.deepEqual(waits, [7000, 7000]);
    fake.orgApi.failNext({ scope: ORG_SCOPES.licensesRead, status: 429, retryAfterSeconds: 1, times: Infinity });
    await assert.rejects(client.webexGoLicenses(), (error: unknown) => orgFailureOf(error) === 'rate-limited');
  });

  it('5xx after the retries: unavailable; another 4xx: refused, quoting Webex', async () => {
    fake.orgApi.failNext({ scope: ORG_SCOPES.licensesRead, status: 503, times: Infinity });
    await assert.rejects(admin().webexGoLicenses(), (error: unknown) => orgFailureOf(error) === 'unavailable');
    fake.orgApi.clearFaults();
    await assert.rejects(admin().deleteDevice('no-such-device'), (error: unknown) => {
      assert.equal(orgFailureOf(error), 'refused');
      assert.match((error as Error).message, /HTTP 404\)\. Webex said: "The requested device could not be found\."/);
      return true;
    });
  });

  it("FakeWebex's failNext and request log cover the admin paths too", async () => {
    seed(1);
    fake.failNext({ path: '/v1/devices', status: 503, retryAfterSeconds: 2 });
    assert.equal((await admin().webexGoDevices()).length, 1);
    assert.deepEqual(waits, [2000]);
    assert.deepEqual(
      fake.requests.map((r) => [r.method, r.path, r.status]),
      [
        ['GET', '/v1/devices', 503],
        ['GET', '/v1/devices', 200],
      ],
    );
  });

  it('deletes a device (204): it is gone and its license is back in the pool', async () => {
    seed(2);
    const client = admin();
    const before = (await client.webexGoLicenses())[0]!;
    const [device] = await client.webexGoDevices();
    await client.deleteDevice(device!.id);
    assert.equal((await client.webexGoDevices()).length, 1);
    assert.equal((await client.webexGoLicenses())[0]!.consumedUnits, before.consumedUnits - 1);
  });

  it('finds the Webex Go license by name, by subscription id or by license id', async () => {
    const pool = fake.org.licenses();
    const go = pool.find((l) => l.name === 'Webex Go')!;
    const calling = pool.find((l) => l.name.startsWith('Webex Calling'))!;
    assert.deepEqual((await admin().webexGoLicenses()).map((l) => l.id), [go.id]);
    assert.deepEqual((await admin({ licenses: { subscriptionId: calling.subscriptionId } }).webexGoLicenses()).map((l) => l.id), [calling.id]);
    assert.deepEqual((await admin({ licenses: { licenseId: calling.id } }).webexGoLicenses()).map((l) => l.id), [calling.id]);
    assert.deepEqual(await admin({ licenses: { namePattern: /go mobile/i } }).webexGoLicenses(), []);
  });

  it('people: a few by id (85 a request); many by listing the org', async () => {
    const ids = seed(400);
    const few = admin();
    const found = await few.people([...ids.slice(0, 170), 'unknown-person-id']);
    assert.equal(found.length, 170);
    assert.equal(few.requestCount(), Math.ceil(171 / PEOPLE_IDS_PER_REQUEST));
    const many = admin();
    assert.equal((await many.people(ids)).length, 400);
    // The org's 400 people fit one page of 1,000 (by id: 5 requests).
    assert.equal(many.requestCount(), 1);
  });

  it('people of a big org: at most one page more than asking by id', async () => {
    const everyone = seed(0);
    for (let i = 0; i < 4000; i++) everyone.push(fake.addPerson({ email: `staff${i}@example.com` }).id);
    // 300 Webex Go users spread through 4,000 people: by id it would be 4 requests.
    const wanted = everyone.filter((_, i) => i % 13 === 0).slice(0, 300);
    const client = admin();
    assert.equal((await client.people(wanted)).length, 300);
    // One page of 1,000 finds about 77 of them, fewer than a by-id request would: ids for the rest.
    assert.equal(client.requestCount(), 1 + Math.ceil((300 - 77) / PEOPLE_IDS_PER_REQUEST));
  });

  it('personByEmail', async () => {
    seed(1);
    assert.equal((await admin().personByEmail('user0@example.com'))?.emails[0], 'user0@example.com');
    assert.equal(await admin().personByEmail('nobody@example.com'), undefined);
  });

  it("a person's Webex language from the identity service (SCIM), by the UUIDs; none set or unknown: none", async () => {
    const [ivan, ann] = seed(2);
    fake.org.setPreferredLanguage(ivan!, 'bg_BG');
    const client = admin();
    assert.equal(await client.preferredLanguage(ivan!), 'bg_BG');
    // The org's id came with the first person read; every read after it is one request.
    const before = client.requestCount();
    assert.equal(await client.preferredLanguage(ann!), undefined, 'none set');
    assert.equal(client.requestCount(), before + 1);
    assert.equal(await client.preferredLanguage(hydraId('PEOPLE')), undefined, 'Webex knows nobody by that id (404): no preference, no failure');
    const scim = fake.requests.filter((r) => r.path.startsWith('/identity/scim/'));
    const uuid = (id: string) => Buffer.from(id, 'base64').toString().split('/').at(-1);
    assert.equal(scim[0]?.path, `/identity/scim/${uuid(fake.bot.orgId)}/v2/Users/${uuid(ivan!)}`);
    fake.orgApi.failNext({ scope: ORG_SCOPES.identityPeopleRead, status: 403 });
    await assert.rejects(client.preferredLanguage(ivan!), (error: unknown) => {
      assert.equal(orgFailureOf(error), 'forbidden');
      assert.match((error as Error).message, /identity:people_read/);
      return true;
    });
  });

  it('capabilities: languages are checked on one listed person; a 403 there switches off only them; ids SCIM does not know: not confirmed', async () => {
    seed(1);
    assert.deepEqual((await admin().capabilities()).language, { available: true });
    fake.orgApi.failNext({ scope: ORG_SCOPES.identityPeopleRead, status: 403 });
    const states = await admin().capabilities();
    assert.ok(!states.language.available && states.language.httpStatus === 403 && /identity:people_read/.test(states.language.reason));
    assert.equal(states.status.available, true);
    assert.equal(states.licenses.available, true);
    const hydra = await admin({ scimIds: 'hydra' }).capabilities();
    assert.ok(hydra.language.available && /^not confirmed: Webex's identity service did not find a person the People API lists/.test(hydra.language.note ?? ''));
  });

  it("an activation code for Webex Go: Webex's refusal quoted, never a code", async () => {
    const [alice] = seed(1);
    await assert.rejects(admin().requestActivationCode(alice!), (error: unknown) => {
      assert.equal(orgFailureOf(error), 'refused');
      assert.match((error as Error).message, /Webex said: "Activation codes cannot be generated for the device model Webex Go\./);
      return true;
    });
  });

  it('a Service App token is renewed before it expires, and the renewed one is used', async () => {
    seed(1);
    let now = Date.now();
    const appClock: Clock = { now: () => now, sleep: async () => undefined };
    const renewals: string[] = [];
    const counting: typeof fetch = async (input, init) => {
      if (String(input).endsWith('/access_token')) renewals.push(String(input));
      return fetch(input, init);
    };
    const token = serviceAppToken({ ...SERVICE_APP, baseUrl: `${base}/v1`, fetch: counting, clock: appClock });
    const client = createOrgAdmin({ token, baseUrl: `${base}/v1`, clock: appClock });
    await client.webexGoDevices();
    await client.webexGoDevices();
    assert.equal(renewals.length, 1);
    now += 3600_000 - 4 * 60_000; // within 5 minutes of the hour's expiry
    assert.equal((await client.webexGoDevices()).length, 1);
    assert.equal(renewals.length, 2);
    const wrong = serviceAppToken({ ...SERVICE_APP, refreshToken: 'revoked-refresh-token', baseUrl: `${base}/v1`, clock: appClock });
    await assert.rejects(wrong.accessToken(), (error: unknown) => {
      assert.equal(orgFailureOf(error), 'unauthorized');
      assert.doesNotMatch((error as Error).message, /revoked-refresh-token|app-client-secret/);
      return true;
    });
    // Every capability says the token could not be renewed.
    const states = await createOrgAdmin({ token: wrong, baseUrl: `${base}/v1`, cdrBaseUrl: `${base}/v1`, clock: appClock }).capabilities();
    for (const state of Object.values(states)) assert.ok(!state.available && /Webex refused to renew the org token/.test(state.reason), JSON.stringify(state));
  });

  describe('the local API serves the documented shapes', () => {
    const get = async (path: string) => {
      const response = await fetch(`${base}/v1${path}`, { headers: { authorization: `Bearer ${ORG_TOKEN}` } });
      assert.equal(response.status, 200, path);
      return (await response.json()) as Record<string, unknown>;
    };
    const first = (body: Record<string, unknown>, field = 'items') => (body[field] as Record<string, unknown>[])[0]!;

    it('devices, licenses, people, person devices, supported devices', async () => {
      const [alice] = seed(1);
      const device = fake.org.deviceOf(alice!)!;
      // Redeemed: the device has firstSeen and lastSeen too.
      fake.org.redeem(fake.org.generateCode(device.id).activationCode);
      assertSameShape(first(await get('/devices?type=webexgo')), first(fixture('devices')), 'device');
      assertSameShape(first(await get('/licenses')), first(fixture('licenses')), 'license');
      assertSameShape(first(await get(`/people?id=${alice}`)), first(fixture('people')), 'person');
      const personDevices = await get(`/telephony/config/people/${alice}/devices`);
      assertSameShape(personDevices, fixture('personDevices'), 'person devices');
      const documentedDevice = first(fixture('personDevices'), 'devices');
      // activationState is in the schema, not in the example.
      assertSameShape(first(personDevices, 'devices'), { ...documentedDevice, activationState: 'activated' }, 'calling device');
      const supported = await get('/telephony/config/supportedDevices?type=ESIM');
      assertSameShape(supported, fixture('supportedDevices'), 'supported devices');
      assertSameShape(first(supported, 'devices'), first(fixture('supportedDevices'), 'devices'), 'supported device');
    });

    it("the identity service's user (SCIM 2)", async () => {
      const [ivan] = seed(1);
      fake.org.setPreferredLanguage(ivan!, 'bg_BG');
      const uuid = (id: string) => Buffer.from(id, 'base64').toString().split('/').at(-1);
      const response = await fetch(`${base}/identity/scim/${uuid(fake.bot.orgId)}/v2/Users/${uuid(ivan!)}`, { headers: { authorization: `Bearer ${ORG_TOKEN}` } });
      assert.equal(response.status, 200);
      const user = (await response.json()) as Record<string, unknown>;
      const documented = fixture('scimUser');
      assertSameShape(user, documented, 'SCIM user');
      assertSameShape((user.emails as Record<string, unknown>[])[0]!, (documented.emails as Record<string, unknown>[])[1]!, 'SCIM email');
      assertSameShape(user.name as Record<string, unknown>, documented.name as Record<string, unknown>, 'SCIM name');
      assertSameShape(user.meta as Record<string, unknown>, documented.meta as Record<string, unknown>, 'SCIM meta');
      assert.equal(user.preferredLanguage, 'bg_BG');
      assert.equal(user.id, uuid(ivan!));
    });
  });
});
