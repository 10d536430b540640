import { setTimeout as delay } from 'node:timers/promises';

/** Time as outgoing calls see it: injected so tests wait on a fake instead of the wall clock. */
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
