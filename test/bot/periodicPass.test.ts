/**
 * One owner for background work: passes gated by a lease in a shared store (a fake one here, with
 * the semantics of Repository.holdLease), on fake timers.
 */
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { LEASE_TIMINGS, PeriodicPass, storeLeases, type Leases } from '../../src/bot/periodicPass.js';

/** Leases as a shared store keeps them: one holder per name until its grant lapses. */
class FakeLeaseStore {
  readonly rows = new Map<string, { holder: string; until: number }>();
  failing = false;

  holdLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    if (this.failing) return Promise.reject(new Error('store unreachable'));
    const row = this.rows.get(name);
    if (row && row.holder !== holder && row.until > Date.now()) return Promise.resolve(false);
    this.rows.set(name, { holder, until: Date.now() + ttlMs });
    return Promise.resolve(true);
  }
}

/** Counts its passes; a pass works through `items`, one per second, while it holds the lease. */
class CountingPass extends PeriodicPass {
  passes = 0;
  done: number[] = [];
  /** When each item was started and finished (the fake clock). */
  spans: { from: number; to: number }[] = [];
  constructor(
    leases: Leases | undefined,
    private readonly items: number[] = [],
  ) {
    super(leases && { name: 'job', leases });
  }
  start(intervalMs: number): void {
    this.every(intervalMs);
  }
  protected async pass(): Promise<void> {
    this.passes++;
    for (const item of this.items) {
      if (!this.holdsLease()) return;
      const from = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      this.done.push(item);
      this.spans.push({ from, to: Date.now() });
    }
  }
}

describe('PeriodicPass: one owner for background work', () => {
  let clock: sinon.SinonFakeTimers;
  let store: FakeLeaseStore;
  let logs: string[];
  const running: CountingPass[] = [];
  const leasesOf = (instance: string) => storeLeases(store, instance, (line) => logs.push(`${instance}: ${line}`));

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: Date.parse('2026-12-01T00:00:00Z') });
    store = new FakeLeaseStore();
    logs = [];
  });

  afterEach(async () => {
    const stopping = running.splice(0).map((pass) => pass.stop());
    // A pass in flight finishes on the fake clock.
    await clock.tickAsync(10 * 60_000);
    await Promise.all(stopping);
    clock.restore();
  });

  function started(instance: string | undefined, intervalMs: number, items: number[] = []): CountingPass {
    const pass = new CountingPass(instance === undefined ? undefined : leasesOf(instance), items);
    running.push(pass);
    pass.start(intervalMs);
    return pass;
  }

  it('without a lease every pass runs, as before', async () => {
    const pass = started(undefined, 5_000);
    await clock.tickAsync(20_000);
    assert.equal(pass.passes, 5);
  });

  it('two instances on one store: only the one holding the lease runs passes, and keeps it while it runs', async () => {
    const a = started('a', 5_000);
    await clock.tickAsync(1);
    const b = started('b', 5_000);
    await clock.tickAsync(10 * 60_000);
    assert.equal(b.passes, 0);
    assert.equal(a.passes, 121);
    assert.equal(store.rows.get('job')!.holder, 'a');
  });

  it('an instance that dies is taken over within a minute, and the taker runs a pass at once', async () => {
    const hourly = 60 * 60_000;
    const a = started('a', hourly);
    await clock.tickAsync(1);
    const b = started('b', hourly);
    await clock.tickAsync(60_000);
    assert.deepEqual([a.passes, b.passes], [1, 0]);
    // a dies: its timers stop, its lease is neither renewed nor let go (the store never hears from it again).
    const hold = store.holdLease.bind(store);
    store.holdLease = (name, holder, ttlMs) => (holder === 'a' ? Promise.reject(new Error('a is dead')) : hold(name, holder, ttlMs));
    await a.stop();
    const diedAt = Date.now();
    while (b.passes === 0) await clock.tickAsync(1_000);
    const tookMs = Date.now() - diedAt;
    assert.ok(tookMs <= LEASE_TIMINGS.ttlMs + LEASE_TIMINGS.renewMs, `taken over after ${tookMs} ms`);
    assert.ok(tookMs < 60_000);
    assert.ok(tookMs > LEASE_TIMINGS.renewMs, 'only once the dead instance\'s lease lapsed');
    assert.equal(store.rows.get('job')!.holder, 'b');
    assert.ok(logs.some((line) => /b: job: this instance runs it now/.test(line)), logs.join('\n'));
  });

  it('an instance stopped (a rolling update) lets its lease go: another takes over at its next renewal', async () => {
    const hourly = 60 * 60_000;
    const a = started('a', hourly);
    await clock.tickAsync(1);
    const b = started('b', hourly);
    await clock.tickAsync(30_000);
    const stoppedAt = Date.now();
    await a.stop();
    while (b.passes === 0) await clock.tickAsync(100);
    assert.ok(Date.now() - stoppedAt <= LEASE_TIMINGS.renewMs, `taken over after ${Date.now() - stoppedAt} ms`);
  });

  it('a holder whose store stops answering stops between two items before its lease can pass on, and the other goes on', async () => {
    const items = Array.from({ length: 120 }, (_, i) => i);
    const a = started('a', 10 * 60_000, items);
    await clock.tickAsync(1);
    const b = started('b', 10 * 60_000, items);
    await clock.tickAsync(5_000);
    // The store stops answering a, not b: a cannot renew.
    const hold = store.holdLease.bind(store);
    store.holdLease = (name, holder, ttlMs) => (holder === 'a' ? Promise.reject(new Error('store unreachable')) : hold(name, holder, ttlMs));
    await clock.tickAsync(120_000);
    assert.ok(a.done.length > 0 && a.done.length < items.length, `a did ${a.done.length}`);
    assert.equal(b.passes, 1);
    assert.ok(b.done.length > 0);
    // Never both at once: a's last item ended before b's first began.
    assert.ok(a.spans.at(-1)!.to <= b.spans[0]!.from, JSON.stringify({ a: a.spans.at(-1), b: b.spans[0] }));
    assert.ok(logs.some((line) => /a: job: could not hold its lease: store unreachable/.test(line)));
  });
});
