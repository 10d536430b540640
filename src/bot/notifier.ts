/**
 * Announces device changes in the watch space. A burst (a bulk activation morning) becomes one
 * message per window instead of a flood; a lone change goes out at once.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { WebexGoService } from '../domain/service.js';
import type { DeviceChange } from '../domain/types.js';
import type { Messenger } from './ports.js';
import { watchText } from '../render/messages/watchText.js';

/** The space a command runs in: an admin acting in the watch space itself needs no echo there. */
export const originSpace = new AsyncLocalStorage<string>();

export interface Timers {
  now: () => number;
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
}

export const REAL_TIMERS: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class StatusNotifier {
  private changes: DeviceChange[] = [];
  private pending: unknown;
  private lastPostAt = -Infinity;

  constructor(
    private readonly service: WebexGoService,
    private readonly messenger: Messenger,
    private readonly log: (line: string) => void,
    private readonly windowMs = 60_000,
    private readonly timers: Timers = REAL_TIMERS,
  ) {
    service.onChange((change) => this.handle(change));
  }

  private handle(change: DeviceChange): void {
    const space = this.service.settings().watchSpaceId;
    if (!space) return;
    if (change.actor !== 'phone' && originSpace.getStore() === space) return;
    this.changes.push(change);
    if (this.pending === undefined) {
      const wait = Math.max(0, this.lastPostAt + this.windowMs - this.timers.now());
      this.pending = this.timers.setTimeout(() => void this.flush(), wait);
    }
  }

  /** Posts what has gathered; resolves once it is posted (or the failure logged). */
  async flush(): Promise<void> {
    if (this.pending !== undefined) this.timers.clearTimeout(this.pending);
    this.pending = undefined;
    const changes = this.changes;
    this.changes = [];
    const space = this.service.settings().watchSpaceId;
    if (changes.length === 0 || !space) return;
    this.lastPostAt = this.timers.now();
    // Worded when posted, in the language the space reads now.
    const words = watchText(this.service.languageOf({ space }));
    const lines = changes.map(words.changeLine);
    const markdown = lines.length === 1 ? lines[0] : words.grouped(lines);
    await this.messenger.say(space, { markdown }).catch((e: unknown) => this.log(`could not post to the watch space: ${(e as Error).message}`));
  }
}
