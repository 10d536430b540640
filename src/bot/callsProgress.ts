/**
 * "Working on it" for long `calls` work: one message, posted at once when the work is known to be
 * long (a large upload, a paced pull) or after a few seconds otherwise, edited with progress now
 * and then, and finally replaced by the result. Short work posts nothing but the result.
 */
import type { OutgoingMessage } from './ports.js';
import type { CommandContext } from './types.js';

/** Work still running after this gets its "working on it" message. */
export const PROGRESS_AFTER_MS = 2_000;
/** The message is edited at most this often (Webex allows few edits of a message). */
const EDIT_EVERY_MS = 5_000;

export class CallsProgress {
  private messageId: string | undefined;
  private latest: string;
  private shown = '';
  private lastEdit = 0;
  /** Posting and editing, one after another. */
  private chain: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout | undefined;
  private done = false;

  constructor(
    private readonly ctx: CommandContext,
    first: string,
    { now }: { now: boolean },
  ) {
    this.latest = first;
    if (now) this.post();
    else this.timer = setTimeout(() => this.post(), PROGRESS_AFTER_MS);
  }

  /** The latest progress; shown when the message is up and the last edit is a while ago, or `urgent` (a wait). */
  report(text: string, urgent = false): void {
    this.latest = text;
    if (this.messageId === undefined || this.done) return;
    if (!urgent && Date.now() - this.lastEdit < EDIT_EVERY_MS) return;
    this.edit();
  }

  /** The result: it replaces the "working on it" message, or is posted when there was none. */
  async finish(message: OutgoingMessage): Promise<void> {
    this.done = true;
    clearTimeout(this.timer);
    await this.chain;
    const { messenger } = this.ctx.deps;
    if (this.messageId === undefined) return this.ctx.say(message);
    await messenger.update(this.ctx.space.id, this.messageId, message);
  }

  private post(): void {
    if (this.done) return;
    this.chain = this.chain.then(async () => {
      if (this.done) return;
      try {
        this.shown = this.latest;
        this.lastEdit = Date.now();
        this.messageId = await this.ctx.deps.messenger.say(this.ctx.space.id, { markdown: this.shown });
      } catch (error) {
        this.ctx.deps.log(`calls: could not post progress: ${(error as Error).message}`);
      }
    });
  }

  private edit(): void {
    this.lastEdit = Date.now();
    this.chain = this.chain.then(async () => {
      if (this.done || this.messageId === undefined || this.latest === this.shown) return;
      this.shown = this.latest;
      try {
        this.messageId = await this.ctx.deps.messenger.update(this.ctx.space.id, this.messageId, { markdown: this.shown });
      } catch (error) {
        this.ctx.deps.log(`calls: could not update progress: ${(error as Error).message}`);
      }
    });
  }
}
