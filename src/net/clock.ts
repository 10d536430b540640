import { setTimeout as delay } from 'node:timers/promises';

/**
 * Time as outgoing calls see it (Retry-After dates, backoff, pacing): injected so tests wait on a
 * fake instead of the wall clock. Per-try deadlines run on the timers themselves (sinon's fake
 * timers drive them in tests), so a fake whose sleep returns at once does not time out every try.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms) => {
    await delay(ms);
  },
};
