import type { Clock } from './clock.js';

/**
 * At most `limit` requests in any `intervalMs`, waiting on the injected clock. (p-throttle does
 * this too, but reads `Date.now` and `setTimeout` itself, so tests could not drive it with a fake
 * clock; this sliding window is the part we need.)
 */
export class Pacer {
  /** When the requests still inside the interval were sent, oldest first. */
  private readonly sent: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly intervalMs: number,
    private readonly clock: Clock,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`a pace needs a limit of at least 1, not ${limit}`);
    if (!(intervalMs >= 0)) throw new RangeError(`a pace needs an interval of at least 0 ms, not ${intervalMs}`);
  }

  /** Waits until one more request keeps to the limit, then counts it as sent. */
  async take(): Promise<void> {
    // Measured again after each wait: another caller may have taken the slot meanwhile.
    for (let wait = this.waitNeeded(); wait > 0; wait = this.waitNeeded()) await this.clock.sleep(wait);
    this.count();
  }

  /** Counts a request sent without waiting its turn (a retry the server itself timed). */
  count(): void {
    this.sent.push(this.clock.now());
    this.forgetOld(this.clock.now());
  }

  private waitNeeded(): number {
    const now = this.clock.now();
    this.forgetOld(now);
    if (this.sent.length < this.limit) return 0;
    const oldestThatCounts = this.sent[this.sent.length - this.limit] ?? now;
    return oldestThatCounts + this.intervalMs - now;
  }

  private forgetOld(now: number): void {
    while (this.sent.length > 0 && (this.sent[0] ?? now) <= now - this.intervalMs) this.sent.shift();
  }
}
