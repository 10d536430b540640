/**
 * Work done in passes: one now, then one every interval; overlapping calls share the pass in
 * flight, and stop waits for it. With a lease, only the instance holding it (in the shared store)
 * runs the passes: it renews the lease while it runs, another takes it over when it lapses.
 */
import { instanceLease, type Repository } from '../domain/repository.js';

export interface LeaseTimings {
  /** How long a grant lasts: an instance that dies is taken over at most this plus `renewMs` later. */
  ttlMs: number;
  /** How often the holder renews it, and the others try to take it. */
  renewMs: number;
}

/** Renewed three times per grant, so one slow store answer loses nothing. */
export function leaseTimings(ttlMs: number): LeaseTimings {
  return { ttlMs, renewMs: ttlMs / 3 };
}

/** A dead instance's job is taken over within 40 s. */
export const LEASE_TIMINGS = leaseTimings(30_000);

/** This instance's claim on background jobs, one lease per job name. */
export interface Leases extends LeaseTimings {
  /** True while this instance holds the job `name` for `ttlMs` from now; false while another does. */
  hold(name: string, ttlMs: number): Promise<boolean>;
  log: (line: string) => void;
}

/** Leases kept in the shared store (`Repository.holdLease`) for the holder `instanceId`. */
export function storeLeases(repo: Pick<Repository, 'holdLease'>, instanceId: string, log: (line: string) => void, timings: LeaseTimings = LEASE_TIMINGS): Leases {
  return { ...timings, log, hold: (name, ttlMs) => repo.holdLease(name, instanceId, ttlMs) };
}

/** Which job a pass is, and whose leases it holds it with. */
export interface PassLease {
  name: string;
  leases: Leases;
}

export abstract class PeriodicPass {
  private timer: NodeJS.Timeout | undefined;
  private renewer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /** Until when (this process's clock) the lease is surely this instance's: measured from before it was asked for. */
  private heldUntil = -Infinity;

  constructor(
    private readonly lease?: PassLease,
    private readonly clock: () => number = Date.now,
  ) {}

  protected abstract pass(): Promise<void>;

  protected every(intervalMs: number): void {
    void this.runOnce();
    this.timer = setInterval(() => void this.runOnce(), intervalMs).unref();
    this.renewOften();
  }

  /** Renews the lease every `renewMs` (taking it when free), with no passes of its own. */
  protected renewOften(): void {
    if (this.lease) this.renewer = setInterval(() => void this.renew(), this.lease.leases.renewMs).unref();
  }

  /** Stops the timers and waits for the pass in flight; a lease held is let go, so another instance takes over at its next renewal. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.renewer);
    await this.running;
    if (!this.lease || !this.holdsLease()) return;
    this.heldUntil = -Infinity;
    // Held until now: lapsed at once (a rolling update hands the job over in seconds, not a ttl).
    await this.lease.leases.hold(this.lease.name, 0).catch(() => undefined);
  }

  /** A pass now, if this instance holds the job (or nothing is shared). */
  runOnce(): Promise<void> {
    this.running ??= this.passIfHeld().finally(() => (this.running = undefined));
    return this.running;
  }

  /**
   * Whether this instance still holds the job: a pass checks it between two items, so an instance
   * whose store stopped answering stops before the lease can pass to another.
   */
  protected holdsLease(): boolean {
    return !this.lease || this.clock() < this.heldUntil;
  }

  private async passIfHeld(): Promise<void> {
    if (await this.hold()) await this.pass();
  }

  /** Takes or renews the lease, and says when it changes hands; a store that fails keeps what was held until it lapses. */
  private async hold(): Promise<boolean> {
    if (!this.lease) return true;
    const { name, leases } = this.lease;
    const askedAt = this.clock();
    const had = this.holdsLease();
    try {
      const held = await leases.hold(name, leases.ttlMs);
      this.heldUntil = held ? askedAt + leases.ttlMs : -Infinity;
      if (held !== had) leases.log(held ? `${name}: this instance runs it now` : `${name}: another instance runs it now`);
      return held;
    } catch (error) {
      leases.log(`${name}: could not hold its lease: ${(error as Error).message}`);
      return false;
    }
  }

  /** Renews while holding; an instance that takes the job over runs a pass at once. */
  private async renew(): Promise<void> {
    const had = this.holdsLease();
    if ((await this.hold()) && !had) void this.runOnce();
  }
}

/**
 * That this instance is alive: it holds its own lease (instanceLease(instanceId)) while it runs,
 * renewed as every lease is, and lets it go when it stops. The deliveries it claimed are taken
 * over by another instance only once this lease lapsed (Repository.claimDelivery).
 */
export class InstanceHeartbeat extends PeriodicPass {
  constructor(leases: Leases, instanceId: string) {
    // Its own lease changes hands only when it lapses: the only lines worth logging are failures.
    super({ name: instanceLease(instanceId), leases: { ...leases, log: (line) => (line.endsWith(' runs it now') ? undefined : leases.log(line)) } });
  }

  /** Holds the lease before the first delivery is claimed, then renews it. */
  async start(): Promise<void> {
    await this.runOnce();
    this.renewOften();
  }

  protected async pass(): Promise<void> {}
}
