/**
 * Which delivery the code running now handles (Repository.handleDelivery), so that a store's
 * transaction can mark it done together with the change it commits: the command's code calls
 * the service, which calls `transact`, and none of them needs to carry the delivery along.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** One delivery being handled by `holder`; `done` once a commit (or the end of the handling) marked it. */
export class Handling {
  done = false;
  constructor(
    readonly id: string,
    readonly holder: string,
  ) {}
}

const current = new AsyncLocalStorage<Handling>();

/** The delivery the caller handles and that no commit has marked done yet, if any. */
export function openHandling(): Handling | undefined {
  const handling = current.getStore();
  return handling && !handling.done ? handling : undefined;
}

/**
 * Runs `act` as the handling of a delivery; `finish` marks it done afterwards unless a commit did
 * (whatever `act` did, as a claim left open would be taken over only when this instance died).
 */
export async function runHandling<T>(handling: Handling, act: () => Promise<T>, finish: () => Promise<void>): Promise<T> {
  try {
    return await current.run(handling, act);
  } finally {
    if (!handling.done) {
      handling.done = true;
      await finish();
    }
  }
}
