/**
 * cachePeopleLookups: the framework's look-ups of message authors go to Webex once per person
 * (bounded, for a while), and the SDK's batching wait is cut to its least.
 */
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { cachePeopleLookups, PEOPLE_CACHE_SIZE, PEOPLE_CACHE_TTL_MS } from '../../src/webex/botAdapter.js';

function fakeSdk() {
  const get = sinon.stub().callsFake(async (id: unknown) => ({ id, emails: [`${String(id)}@example.com`] }));
  const sdk = { config: { people: { batcherWait: 100 } }, people: { get: get as (person: unknown) => Promise<unknown> } };
  let time = 0;
  cachePeopleLookups(sdk, () => time);
  return { sdk, get, advance: (ms: number) => (time += ms) };
}

describe('cachePeopleLookups', () => {
  it('cuts the SDK batching wait to 1 ms', () => {
    assert.equal(fakeSdk().sdk.config.people.batcherWait, 1);
  });

  it('asks Webex once per person, while the first look-up is still running too', async () => {
    const { sdk, get } = fakeSdk();
    const [first, second] = await Promise.all([sdk.people.get('p1'), sdk.people.get('p1')]);
    assert.deepEqual(await sdk.people.get('p1'), first);
    assert.equal(first, second);
    assert.equal(get.callCount, 1);
  });

  it('asks again once a person has been kept for the TTL', async () => {
    const { sdk, get, advance } = fakeSdk();
    await sdk.people.get('p1');
    advance(PEOPLE_CACHE_TTL_MS - 1);
    await sdk.people.get('p1');
    advance(1);
    await sdk.people.get('p1');
    assert.equal(get.callCount, 2);
  });

  it('keeps at most PEOPLE_CACHE_SIZE people, dropping the least recently used', async () => {
    const { sdk, get } = fakeSdk();
    for (let i = 0; i < PEOPLE_CACHE_SIZE; i++) await sdk.people.get(`p${i}`);
    await sdk.people.get('p0'); // used again: p1 is now the least recently used
    await sdk.people.get('newcomer');
    get.resetHistory();
    await sdk.people.get('p0');
    await sdk.people.get('p1');
    assert.deepEqual(get.args, [['p1']]);
  });

  it('does not keep a failed look-up, and passes "me" through', async () => {
    const { sdk, get } = fakeSdk();
    get.onFirstCall().rejects(new Error('HTTP 503'));
    await assert.rejects(sdk.people.get('p1'), /503/);
    await sdk.people.get('p1');
    await sdk.people.get('me');
    await sdk.people.get('me');
    assert.deepEqual(get.args, [['p1'], ['p1'], ['me'], ['me']]);
  });
});
