import type { Clock } from './clock.js';

/** One request's place in the pace: it counts from when it was sent until `finished()` moves it to when its answer came. */
export interface PaceSlot {
  finished(): void;
}

/**
 * At most `limit` requests in any `intervalMs`, waiting on the injected clock. (p-throttle does
 * this too, but reads `Date.now` and `setTimeout` itself, so tests could not drive it with a fake
 * clock; this sliding window is the part we need.) A server counts a request when it arrives,
 * which is some time after it was sent: a slot whose request has finished counts from then, so
 * the server sees the requests at least the interval apart however long each took to arrive.
 */
export class Pacer {
  /** When the requests still inside the interval were sent (or answered), oldest first. */
  private readonly sent: { at: number }[] = [];

  constructor(
    private readonly limit: number,
    private readonly intervalMs: number,
    private readonly clock: Clock,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`a pace needs a limit of at least 1, not ${limit}`);
    if (!(intervalMs >= 0)) throw new RangeError(`a pace needs an interval of at least 0 ms, not ${intervalMs}`);
  }

  /** Waits until one more request keeps to the limit, then counts it as sent. */
  async take(): Promise<PaceSlot> {
    // Measured again after each wait: another caller may have taken the slot meanwhile.
    for (let wait = this.waitNeeded(); wait > 0; wait = this.waitNeeded()) await this.clock.sleep(wait);
    return this.count();
  }

  /** Counts a request sent without waiting its turn (a retry the server itself timed). */
  count(): PaceSlot {
    const slot = { at: this.clock.now() };
    this.sent.push(slot);
    this.forgetOld(slot.at);
    return {
      finished: () => {
        slot.at = Math.max(slot.at, this.clock.now());
        this.sent.sort((a, b) => a.at - b.at);
      },
    };
  }

  private waitNeeded(): number {
    const now = this.clock.now();
    this.forgetOld(now);
    if (this.sent.length < this.limit) return 0;
    const oldestThatCounts = this.sent[this.sent.length - this.limit]?.at ?? now;
    return oldestThatCounts + this.intervalMs - now;
  }

  private forgetOld(now: number): void {
    while (this.sent.length > 0 && (this.sent[0]?.at ?? now) <= now - this.intervalMs) this.sent.shift();
  }
}
