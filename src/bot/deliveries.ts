/**
 * Each Webex delivery (a typed message, a button press) acted on once across the instances that
 * share a store, and not lost when the instance handling it dies.
 *
 * The first instance to claim a delivery handles it (Repository.handleDelivery: its first change
 * committed marks it done with it). Another that gets the same delivery (the proxy sent it on,
 * Webex retried it) finds it `held` and keeps it, in memory, asking again every `recheckMs`:
 * once it is done it is dropped; if the holder died before it was done (its instance lease,
 * renewed by InstanceHeartbeat, lapsed), the claim is taken over, by one instance only, and that
 * instance acts on it. A live holder, however slow, keeps its claim: nothing about a claim lapses
 * but its holder's heartbeat.
 */
import type { DeliveryClaim } from '../domain/repository.js';
import type { LeaseTimings } from './periodicPass.js';

/** What deliveries are claimed and handled through (the service). */
export interface DeliveryStore {
  claimDelivery(id: string, holder: string): Promise<DeliveryClaim>;
  handleDelivery<T>(id: string, holder: string, act: () => Promise<T>): Promise<T>;
}

export interface DeliveryTimings {
  /** How often a delivery another instance holds is asked about again. */
  recheckMs: number;
  /** A delivery still held after this long (its holder alive but stuck) is no longer waited on. */
  giveUpMs: number;
  /** Deliveries waited on at once, at most: past it, the one waited on longest is let go. */
  maxWaiting: number;
  /** How long stop waits for the handlings under way. */
  stopWaitMs: number;
}

/**
 * Asked again as often as a lease is renewed, so a dead holder's deliveries are taken over
 * within the lease's ttl and a third (40 s by default), as its background jobs are.
 */
export function deliveryTimings(lease: LeaseTimings): DeliveryTimings {
  return { recheckMs: lease.renewMs, giveUpMs: 15 * 60_000, maxWaiting: 1000, stopWaitMs: 5_000 };
}

interface Waiting {
  act: () => Promise<void>;
  since: number;
}

export class Deliveries {
  /** Deliveries another instance holds, by id, oldest first. */
  private readonly waiting = new Map<string, Waiting>();
  /** Handlings under way, which stop waits for. */
  private readonly running = new Set<Promise<unknown>>();
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  private stopped = false;
  /** What a claim waits for first (the instance's first heartbeat). */
  private ready: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: DeliveryStore,
    /** This instance, as the holder of its claims (the id its heartbeat holds the instance lease for). */
    readonly holder: string,
    private readonly log: (line: string) => void,
    private readonly timings: DeliveryTimings,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * Acts on delivery `id` with `act` if this instance is to: at once when it claims it; later if
   * another instance holds it and dies before it is done; never when it was handled already. If
   * the store cannot tell, it is handled: a bot that cannot write still answers what needs no write.
   */
  async once(id: string, act: () => Promise<void>): Promise<void> {
    await this.ready;
    let claim: DeliveryClaim;
    try {
      claim = await this.store.claimDelivery(id, this.holder);
    } catch (error) {
      this.log(`could not record delivery ${id}: ${(error as Error).message}`);
      return this.track(act());
    }
    if (claim === 'mine') return this.handle(id, act);
    if (claim === 'held') this.wait(id, act);
  }

  /** Claims wait for `beat` to settle first: this instance's heartbeat held, so its claims are not taken over as a dead instance's. */
  after(beat: Promise<unknown>): void {
    this.ready = beat.catch(() => undefined);
  }

  /** How many deliveries held elsewhere this instance waits on. */
  get waitingCount(): number {
    return this.waiting.size;
  }

  /** Waits on nothing more (what others hold is theirs, or the next instance's), and lets the handlings under way finish, for a while. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    this.waiting.clear();
    await this.checking;
    const until = this.clock() + this.timings.stopWaitMs;
    while (this.running.size && this.clock() < until) {
      let timeout: NodeJS.Timeout | undefined;
      const waited = new Promise<void>((resolve) => (timeout = setTimeout(resolve, Math.max(0, until - this.clock()))));
      await Promise.race([Promise.allSettled([...this.running]), waited]);
      clearTimeout(timeout);
    }
    if (this.running.size) this.log(`stopping with ${this.running.size} deliveries still being handled: another instance that has them takes them over`);
  }

  private handle(id: string, act: () => Promise<void>): Promise<void> {
    return this.track(this.store.handleDelivery(id, this.holder, act));
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    const untrack = () => this.running.delete(work);
    work.then(untrack, untrack);
    return work;
  }

  private wait(id: string, act: () => Promise<void>): void {
    if (this.stopped || this.waiting.has(id)) return;
    this.waiting.set(id, { act, since: this.clock() });
    if (this.waiting.size > this.timings.maxWaiting) {
      const [oldest] = this.waiting.keys();
      this.waiting.delete(oldest!);
      this.log(`delivery ${oldest}: no longer waited on (over ${this.timings.maxWaiting} held by other instances); its holder handles it`);
    }
    this.timer ??= setInterval(() => void this.recheck(), this.timings.recheckMs).unref();
  }

  /** One round of asking again; an overlapping tick waits for the next. */
  recheck(): Promise<void> {
    this.checking ??= this.askAgain().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async askAgain(): Promise<void> {
    for (const [id, waiting] of [...this.waiting]) {
      if (this.stopped) return;
      if (this.clock() - waiting.since > this.timings.giveUpMs) {
        this.waiting.delete(id);
        this.log(`delivery ${id}: still held by another instance after ${Math.round(this.timings.giveUpMs / 60_000)} minutes; no longer waited on`);
        continue;
      }
      let claim: DeliveryClaim;
      try {
        claim = await this.store.claimDelivery(id, this.holder);
      } catch {
        continue;
      }
      // Stopped meanwhile: a claim taken now is let go with the heartbeat.
      if (this.stopped) return;
      if (claim === 'held') continue;
      this.waiting.delete(id);
      if (claim === 'mine') {
        this.log(`delivery ${id}: the instance handling it stopped before it was done; this instance takes it over`);
        this.handle(id, waiting.act).catch((error: Error) => this.log(`delivery ${id}: handling failed: ${error.message}`));
      }
    }
    if (!this.waiting.size) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}
