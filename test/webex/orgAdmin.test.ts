/**
 * The org admin client's pure parts: the documentation's example bodies read into the port's
 * shapes, license matching, and the Service App token's renewal on a fake clock.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { OrgLicense } from '../../src/bot/orgPorts.js';
import { orgFailureOf } from '../../src/bot/orgPorts.js';
import { webexGoLicensesAmong } from '../../src/webex/org/licenseMatch.js';
import { createOrgAdmin } from '../../src/webex/org/orgAdmin.js';
import { serviceAppToken, staticOrgToken } from '../../src/webex/org/orgToken.js';
import { listOf, orgCallingDevice, orgDevice, orgLicense, orgPerson } from '../../src/webex/org/shapes.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(`test/fixtures/webexAdmin/${name}.json`, 'utf8'));

describe('org admin shapes: the documented examples', () => {
  it('a device keeps the port’s fields and nothing else', () => {
    const [item] = listOf(fixture('devices'));
    assert.deepEqual(orgDevice(item!, 'webexgo'), {
      id: 'Y2lzY29zcGFyazovL3VybjpURUFNOnVzLWVhc3QtMV9pbnQxMy9ERVZJQ0UvNTEwMUIwN0ItNEY4Ri00RUY3LUI1NjUtREIxOUM3QjcyM0Y3',
      type: 'roomdesk',
      personId: 'Y2lzY29zcGFyazovL3VzL1BFT1BMRS83MTZlOWQxYy1jYTQ0LTRmZWQtOGZjYS05ZGY0YjRmNDE3ZjU',
      displayName: 'SFO12-3-PanHandle',
      product: 'Cisco Webex DX80',
      connectionStatus: 'connected',
      created: '2016-04-21T17:00:00.000Z',
      firstSeen: '2021-02-24T09:08:38.822Z',
      lastSeen: '2023-08-15T14:04:00.444Z',
      errorCodes: ['sipprofileregistration'],
    });
  });

  it('what Webex leaves out stays out; an item without an id is dropped', () => {
    assert.deepEqual(orgDevice({ id: 'd1' }, 'webexgo'), { id: 'd1', type: 'webexgo' });
    assert.equal(orgDevice({ personId: 'p' }, 'webexgo'), undefined);
    assert.deepEqual(orgDevice({ id: 'd1', connectionStatus: 7, errorCodes: ['a', 3] }, 'webexgo'), { id: 'd1', type: 'webexgo', errorCodes: ['a'] });
  });

  it('a license, a person, a calling device', () => {
    assert.deepEqual(orgLicense(listOf(fixture('licenses'))[0]!), {
      id: 'Y2lzY29zcGFyazovL3VzL0xJQ0VOU0UvOTZhYmMyYWEtM2RjYy0xMWU1LWExNTItZmUzNDgxOWNkYzlh',
      name: 'Meeting - Webex Meeting Center',
      totalUnits: 50,
      consumedUnits: 5,
      subscriptionId: 'Sub-hydraOct26a',
    });
    assert.deepEqual(orgPerson(listOf(fixture('people'))[0]!), {
      id: 'Y2lzY29zcGFyazovL3VzL1BFT1BMRS9mNWIzNjE4Ny1jOGRkLTQ3MjctOGIyZi1mOWM0NDdmMjkwNDY',
      emails: ['john.andersen@example.com'],
      displayName: 'John Andersen',
    });
    assert.deepEqual(orgCallingDevice(listOf(fixture('personDevices'), 'devices')[0]!), {
      id: 'Y2lzY29zcGFyazovL3VybjpURUFNOnVzLWVhc3QtMV9pbnQxMy9DQUxMSU5HX0RFVklDRS8zMDAyZWJiZi1iMTVmLTQ1ODktYWNiZS1kZjY3OTA3MTU5NWE=',
      model: 'DMS Cisco 8875',
      modelType: 'MPP',
    });
  });
});

describe('webexGoLicensesAmong', () => {
  const pool: OrgLicense[] = [
    { id: 'l1', name: 'Webex Calling - Professional', totalUnits: 10, consumedUnits: 1, subscriptionId: 's1' },
    { id: 'l2', name: 'WEBEX GO - Mobile', totalUnits: 5, consumedUnits: 2, subscriptionId: 's2' },
    { id: 'l3', name: 'Webex Go', totalUnits: 3, consumedUnits: 0, subscriptionId: 's3' },
  ];

  it('by name, any case, by default', () => {
    assert.deepEqual(webexGoLicensesAmong(pool).map((l) => l.id), ['l2', 'l3']);
  });

  it('a configured license id wins over a subscription id, which wins over the name', () => {
    assert.deepEqual(webexGoLicensesAmong(pool, { licenseId: 'l1', subscriptionId: 's3' }).map((l) => l.id), ['l1']);
    assert.deepEqual(webexGoLicensesAmong(pool, { subscriptionId: 's3', namePattern: /calling/i }).map((l) => l.id), ['l3']);
    assert.deepEqual(webexGoLicensesAmong(pool, { namePattern: /professional/i }).map((l) => l.id), ['l1']);
  });

  it('a global pattern matches every license, not every other one', () => {
    assert.deepEqual(webexGoLicensesAmong(pool, { namePattern: /webex/gi }).map((l) => l.id), ['l1', 'l2', 'l3']);
  });
});

describe('serviceAppToken', () => {
  function harness(answers: Array<{ status: number; body: unknown }>) {
    let now = 1_000_000;
    const bodies: URLSearchParams[] = [];
    const fetch = (async (_url: string, init: RequestInit) => {
      bodies.push(new URLSearchParams(String(init.body)));
      const answer = answers.shift() ?? { status: 500, body: {} };
      return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { 'content-type': 'application/json' } });
    }) as unknown as typeof globalThis.fetch;
    const changed: string[] = [];
    const token = serviceAppToken({
      clientId: 'cid',
      clientSecret: 'S3CR3T-VALUE',
      refreshToken: 'r1',
      baseUrl: 'https://webexapis.example/v1/',
      fetch,
      clock: { now: () => now, sleep: async () => undefined },
      onRefreshTokenChanged: (t) => changed.push(t),
    });
    return { token, bodies, changed, advance: (ms: number) => (now += ms) };
  }

  it('renews at first use, keeps the token until 5 minutes before it expires, then renews with the newest refresh token', async () => {
    const { token, bodies, changed, advance } = harness([
      { status: 200, body: { access_token: 'a1', expires_in: 3600, refresh_token: 'r1' } },
      { status: 200, body: { access_token: 'a2', expires_in: 3600, refresh_token: 'r2' } },
      { status: 200, body: { access_token: 'a3', expires_in: 3600, refresh_token: 'r2' } },
    ]);
    assert.equal(await token.accessToken(), 'a1');
    assert.deepEqual(Object.fromEntries(bodies[0]!), { grant_type: 'refresh_token', client_id: 'cid', client_secret: 'S3CR3T-VALUE', refresh_token: 'r1' });
    advance(3600_000 - 5 * 60_000 - 1);
    assert.equal(await token.accessToken(), 'a1');
    advance(1);
    assert.equal(await token.accessToken(), 'a2');
    assert.deepEqual(changed, ['r2']);
    advance(3600_000);
    assert.equal(await token.accessToken(), 'a3');
    assert.equal(bodies[2]!.get('refresh_token'), 'r2');
  });

  it('callers during a renewal share it', async () => {
    const { token, bodies } = harness([{ status: 200, body: { access_token: 'a1', expires_in: 3600 } }]);
    assert.deepEqual(await Promise.all([token.accessToken(), token.accessToken(), token.accessToken()]), ['a1', 'a1', 'a1']);
    assert.equal(bodies.length, 1);
  });

  it('a refused renewal is unauthorized and says nothing secret; the next call tries again', async () => {
    const { token, bodies } = harness([
      { status: 400, body: { message: 'invalid refresh token r1' } },
      { status: 200, body: { access_token: 'a1', expires_in: 3600 } },
    ]);
    await assert.rejects(token.accessToken(), (error: Error & { orgFailure?: string }) => {
      assert.equal(error.orgFailure, 'unauthorized');
      assert.doesNotMatch(error.message, /S3CR3T-VALUE|\br1\b|cid/);
      return true;
    });
    assert.equal(await token.accessToken(), 'a1');
    assert.equal(bodies.length, 2);
  });
});

describe('createOrgAdmin: an activation code', () => {
  const noWait = { now: () => Date.now(), sleep: async () => undefined };

  function answering(supported: unknown) {
    const requests: Array<{ url: string; method: string; body?: unknown }> = [];
    const fetch = (async (url: string, init: RequestInit) => {
      requests.push({ url, method: String(init.method), ...(init.body ? { body: JSON.parse(String(init.body)) } : {}) });
      const body = url.includes('/supportedDevices') ? supported : fixture('activationCode');
      return new Response(JSON.stringify(body), { status: 200 });
    }) as unknown as typeof globalThis.fetch;
    return { requests, admin: createOrgAdmin({ token: staticOrgToken('t'), baseUrl: 'https://webex.example/v1', fetch, clock: noWait }) };
  }

  it('asks with the ESIM model Webex lists, and reads the documented answer', async () => {
    const { admin, requests } = answering({ devices: [{ model: 'DMS Cisco 8875', type: 'MPP' }, { model: 'Webex Go eSIM', type: 'ESIM' }] });
    assert.deepEqual(await admin.requestActivationCode('p1'), { code: '5414011256173816', expiryTime: '2017-11-16T23:38:03.215Z' });
    assert.deepEqual(requests, [
      { url: 'https://webex.example/v1/telephony/config/supportedDevices?type=ESIM', method: 'GET' },
      { url: 'https://webex.example/v1/devices/activationCode', method: 'POST', body: { personId: 'p1', model: 'Webex Go eSIM' } },
    ]);
  });

  it('no ESIM model listed (the documented example has none): refused, nothing asked', async () => {
    const { admin, requests } = answering(fixture('supportedDevices'));
    await assert.rejects(admin.requestActivationCode('p1'), (error: Error) => orgFailureOf(error) === 'refused' && /no eSIM \(ESIM\) model/.test(error.message));
    assert.equal(requests.length, 1);
  });
});

describe('createOrgAdmin failures', () => {
  const noWait = { now: () => Date.now(), sleep: async () => undefined };

  it('a refusal quoting an activation code is quoted without it', async () => {
    const fetch = (async () =>
      new Response(JSON.stringify({ message: 'Code LPA:1$smdp.example.com$ABCDE-FGHIJ-KLMNO-PQRST is not valid for TOKEN_X' }), { status: 400 })) as unknown as typeof globalThis.fetch;
    const admin = createOrgAdmin({ token: staticOrgToken('TOKEN_X'), baseUrl: 'https://webex.example/v1', fetch, clock: noWait });
    await assert.rejects(admin.requestActivationCode('p1'), (error: Error) => {
      assert.equal(orgFailureOf(error), 'refused');
      assert.doesNotMatch(error.message, /ABCDE-FGHIJ|smdp\.example\.com/);
      assert.match(error.message, /\[activation code\]/);
      return true;
    });
  });

  it('no answer within the deadline: unavailable, the try aborted, tried again', async () => {
    let tries = 0;
    const fetch = ((_url: string, init: RequestInit) => {
      tries += 1;
      return new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    }) as unknown as typeof globalThis.fetch;
    const admin = createOrgAdmin({
      token: staticOrgToken('t'),
      baseUrl: 'https://webex.example/v1',
      fetch,
      clock: noWait,
      policy: { retries: 1, maxRetryAfterMs: 1000, backoffMs: 1, timeoutMs: 20 },
    });
    await assert.rejects(admin.webexGoDevices(), (error: Error) => {
      assert.equal(orgFailureOf(error), 'unavailable');
      assert.match(error.message, /no answer within 0\.02 s \(tried 2 times\)/);
      return true;
    });
    assert.equal(tries, 2);
    assert.equal(admin.requestCount(), 2);
  });

  it('a next link back to a page already read fails the listing', async () => {
    const fetch = (async (url: string) =>
      new Response(JSON.stringify({ items: [{ id: 'd1' }] }), {
        status: 200,
        headers: { link: url.includes('start=100') ? '<https://webex.example/v1/devices?type=webexgo&max=100>; rel="next"' : '</v1/devices?start=100>; rel="next"' },
      })) as unknown as typeof globalThis.fetch;
    const admin = createOrgAdmin({ token: staticOrgToken('t'), baseUrl: 'https://webex.example/v1', fetch, clock: noWait });
    await assert.rejects(admin.webexGoDevices(), (error: Error) => orgFailureOf(error) === 'unavailable' && /not complete/.test(error.message));
    assert.equal(admin.requestCount(), 2);
  });

  it('a next link to another host is not followed (it would get the token)', async () => {
    const fetch = (async () =>
      new Response(JSON.stringify({ items: [] }), { status: 200, headers: { link: '<https://evil.example/v1/devices?start=100>; rel="next"' } })) as unknown as typeof globalThis.fetch;
    const admin = createOrgAdmin({ token: staticOrgToken('t'), baseUrl: 'https://webex.example/v1', fetch, clock: noWait });
    await assert.rejects(admin.webexGoDevices(), /another host \(evil\.example\)/);
    assert.equal(admin.requestCount(), 1);
  });
});
