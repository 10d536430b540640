/**
 * Each delivery acted on once across instances, and not lost when the one handling it dies:
 * Deliveries and InstanceHeartbeat over a fake shared store (claims and leases with the
 * semantics of Repository.claimDelivery and holdLease), on fake timers.
 */
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { Deliveries, deliveryTimings, type DeliveryStore } from '../../src/bot/deliveries.js';
import { InstanceHeartbeat, leaseTimings, storeLeases } from '../../src/bot/periodicPass.js';
import { instanceLease, type DeliveryClaim } from '../../src/domain/repository.js';

/** Leases and delivery claims as a shared store keeps them. */
class FakeSharedStore implements DeliveryStore {
  readonly leases = new Map<string, { holder: string; until: number }>();
  readonly claims = new Map<string, { holder: string; done: boolean }>();
  /** Instances whose calls fail (cut off from the store, or dead). */
  readonly unreachable = new Set<string>();
  asked = 0;

  holdLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    if (this.unreachable.has(holder)) return Promise.reject(new Error('store unreachable'));
    const row = this.leases.get(name);
    if (row && row.holder !== holder && row.until > Date.now()) return Promise.resolve(false);
    this.leases.set(name, { holder, until: Date.now() + ttlMs });
    return Promise.resolve(true);
  }

  async claimDelivery(id: string, holder: string): Promise<DeliveryClaim> {
    this.asked++;
    if (this.unreachable.has(holder)) throw new Error('store unreachable');
    const claim = this.claims.get(id);
    if (!claim) {
      this.claims.set(id, { holder, done: false });
      return 'mine';
    }
    if (claim.done) return 'done';
    const lease = this.leases.get(instanceLease(claim.holder));
    if (claim.holder !== holder && !(lease && lease.holder === claim.holder && lease.until > Date.now())) {
      claim.holder = holder;
      return 'mine';
    }
    return 'held';
  }

  async handleDelivery<T>(id: string, holder: string, act: () => Promise<T>): Promise<T> {
    try {
      return await act();
    } finally {
      const claim = this.claims.get(id);
      if (claim?.holder === holder) claim.done = true;
    }
  }
}

const TIMINGS = leaseTimings(3_000);

describe('Deliveries: each delivery acted on once, and not lost when its instance dies', () => {
  let clock: sinon.SinonFakeTimers;
  let store: FakeSharedStore;
  let logs: string[];
  let stops: (() => Promise<void>)[];

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: Date.parse('2026-12-01T00:00:00Z') });
    store = new FakeSharedStore();
    logs = [];
    stops = [];
  });

  afterEach(async () => {
    try {
      const stopping = Promise.all(stops.map((stop) => stop()));
      // What is still being handled finishes on the fake clock, or stop gives up waiting.
      await clock.tickAsync(10 * 60_000);
      await stopping;
    } finally {
      clock.restore();
    }
  });

  /** An instance: its heartbeat started, its deliveries. */
  async function instance(name: string, timings = deliveryTimings(TIMINGS)): Promise<{ deliveries: Deliveries; heartbeat: InstanceHeartbeat }> {
    const log = (line: string) => logs.push(`${name}: ${line}`);
    const heartbeat = new InstanceHeartbeat(storeLeases(store, name, log, TIMINGS), name);
    await heartbeat.start();
    const deliveries = new Deliveries(store, name, log, timings);
    stops.push(async () => {
      await deliveries.stop();
      await heartbeat.stop();
    });
    return { deliveries, heartbeat };
  }

  /** Records which instance acted on which delivery; `slowMs` makes each act take that long. */
  function acts(slowMs = 0) {
    const acted: string[] = [];
    const act = (who: string, id: string) => async () => {
      if (slowMs) await new Promise((resolve) => setTimeout(resolve, slowMs));
      acted.push(`${who} ${id}`);
    };
    return { acted, act };
  }

  it('the same delivery on two instances: one acts, the other waits until it is done, then drops it', async () => {
    const [a, b] = [await instance('a'), await instance('b')];
    const { acted, act } = acts(500);
    const first = a.deliveries.once('m1', act('a', 'm1'));
    await clock.tickAsync(0);
    await b.deliveries.once('m1', act('b', 'm1'));
    assert.equal(b.deliveries.waitingCount, 1);
    await clock.tickAsync(500);
    await first;
    await clock.tickAsync(TIMINGS.renewMs);
    assert.equal(b.deliveries.waitingCount, 0);
    await clock.tickAsync(60_000);
    assert.deepEqual(acted, ['a m1']);
    assert.equal(await store.claimDelivery('m1', 'c'), 'done');
  });

  it('a slow holder keeps its delivery for as long as it takes: its heartbeat goes on', async () => {
    const [a, b] = [await instance('a'), await instance('b')];
    const { acted, act } = acts(5 * 60_000);
    const slow = a.deliveries.once('m1', act('a', 'm1'));
    await clock.tickAsync(0);
    await b.deliveries.once('m1', act('b', 'm1'));
    await clock.tickAsync(5 * 60_000 - 1_000);
    assert.equal(b.deliveries.waitingCount, 1, 'still waited on while its holder works on it');
    assert.deepEqual(acted, []);
    await clock.tickAsync(1_000);
    await slow;
    await clock.tickAsync(TIMINGS.renewMs);
    assert.deepEqual(acted, ['a m1']);
    assert.equal(b.deliveries.waitingCount, 0);
  });

  it('the holder dies before it is done: the other takes the delivery over within the lease ttl and a third, and acts once', async () => {
    const [a, b, c] = [await instance('a'), await instance('b'), await instance('c')];
    const { acted, act } = acts();
    // a claims m1 and m2, then dies mid-handling (its store calls fail from now on, its acts never end).
    await store.claimDelivery('m1', 'a');
    await store.claimDelivery('m2', 'a');
    store.unreachable.add('a');
    const diedAt = Date.now();
    for (const id of ['m1', 'm2']) {
      await b.deliveries.once(id, act('b', id));
      await c.deliveries.once(id, act('c', id));
    }
    await clock.tickAsync(TIMINGS.ttlMs + TIMINGS.renewMs);
    assert.deepEqual(acted.map((line) => line.split(' ')[1]).sort(), ['m1', 'm2'], 'each acted on once');
    assert.ok(Date.now() - diedAt <= TIMINGS.ttlMs + TIMINGS.renewMs);
    await clock.tickAsync(60_000);
    assert.equal(acted.length, 2);
    assert.equal(b.deliveries.waitingCount + c.deliveries.waitingCount, 0);
    assert.ok(logs.some((line) => /: delivery m1: the instance handling it stopped before it was done; this instance takes it over$/.test(line)), logs.join('\n'));
    void a;
  });

  it('an instance that stops lets its heartbeat go: what it claimed and did not finish is taken over at the next check', async () => {
    const [a, b] = [await instance('a'), await instance('b')];
    const { acted, act } = acts();
    await store.claimDelivery('m1', 'a');
    await b.deliveries.once('m1', act('b', 'm1'));
    await a.heartbeat.stop();
    await clock.tickAsync(TIMINGS.renewMs);
    assert.deepEqual(acted, ['b m1']);
  });

  it('acts when the store cannot tell (as a bot that cannot write still answers); a failed check keeps the delivery waited on', async () => {
    const b = await instance('b');
    const { acted, act } = acts();
    store.unreachable.add('b');
    await b.deliveries.once('m1', act('b', 'm1'));
    assert.deepEqual(acted, ['b m1']);
    assert.ok(logs.includes('b: could not record delivery m1: store unreachable'));
    store.unreachable.delete('b');

    await store.claimDelivery('m2', 'nobody-alive');
    store.leases.set(instanceLease('nobody-alive'), { holder: 'nobody-alive', until: Date.now() + 60_000 });
    await b.deliveries.once('m2', act('b', 'm2'));
    store.unreachable.add('b');
    await clock.tickAsync(TIMINGS.renewMs * 3);
    assert.equal(b.deliveries.waitingCount, 1);
    store.unreachable.delete('b');
    store.leases.delete(instanceLease('nobody-alive'));
    await clock.tickAsync(TIMINGS.renewMs);
    assert.deepEqual(acted, ['b m1', 'b m2']);
  });

  it('waits on a bounded number of deliveries, each once, and not for ever', async () => {
    const b = await instance('b', { ...deliveryTimings(TIMINGS), maxWaiting: 3, giveUpMs: 60_000 });
    store.leases.set(instanceLease('a'), { holder: 'a', until: Date.now() + 10 * 60_000 });
    const { acted, act } = acts();
    for (const id of ['m1', 'm2', 'm3', 'm3', 'm4']) {
      if (!store.claims.has(id)) await store.claimDelivery(id, 'a');
      await b.deliveries.once(id, act('b', id));
    }
    assert.equal(b.deliveries.waitingCount, 3);
    assert.ok(logs.includes('b: delivery m1: no longer waited on (over 3 held by other instances); its holder handles it'));
    await clock.tickAsync(60_000 + TIMINGS.renewMs);
    assert.equal(b.deliveries.waitingCount, 0);
    assert.ok(logs.includes('b: delivery m2: still held by another instance after 1 minutes; no longer waited on'), logs.join('\n'));
    // Its holder dies later: nobody was waiting any more.
    store.leases.delete(instanceLease('a'));
    const asked = store.asked;
    await clock.tickAsync(60_000);
    assert.equal(store.asked, asked, 'no checks left running');
    assert.deepEqual(acted, []);
  });

  it('stop: no more checks, and the handlings under way finish (for a while) before it resolves', async () => {
    const b = await instance('b', { ...deliveryTimings(TIMINGS), stopWaitMs: 5_000 });
    store.leases.set(instanceLease('a'), { holder: 'a', until: Date.now() + 10 * 60_000 });
    await store.claimDelivery('m1', 'a');
    const { acted, act } = acts(2_000);
    await b.deliveries.once('m1', act('b', 'm1'));
    void b.deliveries.once('m2', act('b', 'm2'));
    await clock.tickAsync(0);
    let stopped = false;
    void b.deliveries.stop().then(() => (stopped = true));
    await clock.tickAsync(1_000);
    assert.equal(stopped, false, 'm2 is still being handled');
    await clock.tickAsync(1_000);
    assert.equal(stopped, true);
    assert.deepEqual(acted, ['b m2']);
    assert.equal(b.deliveries.waitingCount, 0);
    const asked = store.asked;
    store.leases.delete(instanceLease('a'));
    await clock.tickAsync(60_000);
    assert.equal(store.asked, asked);

    // A handling that outlasts the wait: stop resolves, and says so.
    const c = await instance('c', { ...deliveryTimings(TIMINGS), stopWaitMs: 5_000 });
    void c.deliveries.once('m3', acts(60_000).act('c', 'm3'));
    await clock.tickAsync(0);
    const stopping = c.deliveries.stop();
    await clock.tickAsync(5_000);
    await stopping;
    assert.ok(logs.includes('c: stopping with 1 deliveries still being handled: another instance that has them takes them over'), logs.join('\n'));
    await clock.tickAsync(60_000);
  });
});
