/**
 * The outbox. Messages that matter (activation details, the notice that a line was deleted, the
 * outcome of an action) are sent at once; one Webex could not take is kept in the store and sent
 * again with backoff until it is delivered or the give-up time (OUTBOX_GIVE_UP_MINUTES) passes,
 * when admins are told what was not delivered. It holds no code: an activation message is a
 * reference, drawn again from the device's current code when sent, and dropped once that code is
 * no longer the one to redeem.
 *
 * A send of unknown outcome (no answer, a 5xx: Webex may have posted it) is never repeated
 * blindly. In a 1:1 the sender first looks whether it arrived, and sends it again only if not; in
 * a group space, which a bot cannot read, it is not posted again and admins are told.
 */
import type { NewOutboxEntry, WebexGoService } from '../domain/service.js';
import type { Language, OutboxEntry, OutboxMessage } from '../domain/types.js';
import { adminText, type AdminText } from '../render/messages/adminText.js';
import { userText } from '../render/messages/userText.js';
import type { Messenger, OutgoingMessage, SendFailure } from './ports.js';
import { PeriodicPass, type Leases } from './periodicPass.js';
import type { CommandContext } from './types.js';

export interface OutboxDeps {
  service: WebexGoService;
  messenger: Messenger;
  log: (line: string) => void;
  qrPng: (payload: string) => Promise<Buffer>;
}

export interface OutboxTimings {
  /** How often the outbox is looked at. */
  pollMs: number;
  /** The wait before the second try; it doubles with each try, up to `maxRetryMs`. */
  firstRetryMs: number;
  maxRetryMs: number;
  /** After this long in the outbox a message is given up and admins are told. */
  giveUpMs: number;
}

export const OUTBOX_TIMINGS: Omit<OutboxTimings, 'giveUpMs'> = { pollMs: 5_000, firstRetryMs: 5_000, maxRetryMs: 5 * 60_000 };

/** Webex stamps messages with its own clock: a check looks this much further back than the try. */
const CLOCK_SKEW_MS = 60_000;

/** Where a message goes, what it is, and the admin whose action it came from. */
export type Outgoing = Pick<OutboxEntry, 'to' | 'message'> & { admin?: string };

export function sendFailureOf(error: unknown): SendFailure {
  const failure = (error as { sendFailure?: unknown } | undefined)?.sendFailure;
  return failure === 'safe-to-resend' || failure === 'outcome-unknown' ? failure : 'refused';
}

/**
 * The message as it is to be sent `to` now, in the reader's language; nothing when its activation
 * code is no longer the one to redeem.
 */
export async function renderQueued(deps: OutboxDeps, message: OutboxMessage, to: OutboxEntry['to']): Promise<OutgoingMessage | undefined> {
  if (message.kind === 'text') return { markdown: message.markdown };
  const details = deps.service.activationFor(message.deviceId, message.codeKey);
  if (!details) return undefined;
  const file = { filename: 'webex-go-qr.png', contentType: 'image/png', data: await deps.qrPng(details.qrPayload) };
  const lang = readerLanguage(deps, to);
  if (message.copy === 'user') return { markdown: userText(lang).activation(message.issue, details), file };
  const words = adminText(lang);
  const markdown =
    message.userGot === 'queued'
      ? words.activationQueued(message.issue, details)
      : words.activation(message.issue, details, message.userGot === 'reached', message.userGot === 'unreachable', words.via(message.via ?? []));
  return { markdown, file };
}

/** A 1:1 reads in its person's language, a group space in the space's. */
function readerLanguage(deps: Pick<OutboxDeps, 'service'>, to: OutboxEntry['to']): Language {
  return deps.service.languageOf('email' in to ? { person: to.email } : { space: to.roomId });
}

function send(messenger: Messenger, to: OutboxEntry['to'], message: OutgoingMessage): Promise<string> {
  return 'email' in to ? messenger.dm(to.email, message) : messenger.say(to.roomId, message);
}

/** How a message that matters fared: sent, kept for later, or failed for good (the caller tells the admin). */
export type SendOutcome = { outcome: 'sent' } | { outcome: 'queued' } | { outcome: 'failed'; error: Error };

/**
 * Sends now; if Webex could not take it, or may not have, keeps it for the OutboxSender. Failed
 * when Webex refused it for good or it could not be kept. Anything else (drawing the QR code,
 * say) is thrown. Activation details whose code is no longer current are not sent: that is done.
 */
export async function sendOrQueue(deps: OutboxDeps, outgoing: Outgoing): Promise<SendOutcome> {
  const message = await renderQueued(deps, outgoing.message, outgoing.to);
  if (!message) return { outcome: 'sent' };
  return sentOrKept(deps, outgoing, () => send(deps.messenger, outgoing.to, message));
}

/**
 * Posts the outcome of an action where it was taken (for a press, in place of the card). If Webex
 * could not take it, its text goes through the outbox: a card would be out of date by then. A
 * failure for good is logged, so that what follows (the activation details) still goes out.
 */
export async function postOutcome(ctx: CommandContext, message: OutgoingMessage): Promise<void> {
  const outgoing: Outgoing = { to: { roomId: ctx.space.id }, message: { kind: 'text', markdown: message.markdown, what: 'outcome' }, admin: ctx.actor.email };
  const sent = await sentOrKept(ctx.deps, outgoing, () => ctx.reply(message));
  if (sent.outcome === 'failed') ctx.deps.log(`could not post the outcome of ${ctx.actor.email}'s action: ${sent.error.message}`);
}

async function sentOrKept(deps: OutboxDeps, outgoing: Outgoing, sendNow: () => Promise<unknown>): Promise<SendOutcome> {
  const triedAt = new Date();
  try {
    await sendNow();
    return { outcome: 'sent' };
  } catch (thrown) {
    const error = thrown as Error;
    const failure = sendFailureOf(error);
    if (failure === 'refused') return { outcome: 'failed', error };
    const entry: NewOutboxEntry = {
      ...outgoing,
      tries: 1,
      lastError: error.message,
      ...(failure === 'outcome-unknown' ? { uncertainSince: triedAt.toISOString() } : {}),
    };
    try {
      await deps.service.queueMessage(entry);
    } catch (storeError) {
      deps.log(`outbox: a message Webex did not take could not be kept either: ${(storeError as Error).message}`);
      return { outcome: 'failed', error };
    }
    deps.log(`outbox: Webex did not take a message (${error.message}); kept to send again`);
    return { outcome: 'queued' };
  }
}

/**
 * Sends what the outbox holds, until delivered or given up; started with the app, stopped with it.
 * With `leases` (instances sharing a store), only the instance holding the `outbox` lease sends.
 */
export class OutboxSender extends PeriodicPass {
  constructor(
    private readonly deps: OutboxDeps,
    private readonly timings: OutboxTimings,
    private readonly now: () => number = Date.now,
    leases?: Leases,
  ) {
    super(leases && { name: 'outbox', leases }, now);
  }

  start(): void {
    this.every(this.timings.pollMs);
  }

  protected async pass(): Promise<void> {
    for (const entry of this.deps.service.outbox()) {
      if (!this.holdsLease()) return;
      if (Date.parse(entry.nextTryAt) > this.now()) continue;
      try {
        await this.attempt(entry);
      } catch (error) {
        this.deps.log(`outbox: message ${entry.id} stays queued: ${(error as Error).message}`);
      }
    }
  }

  private async attempt(entry: OutboxEntry): Promise<void> {
    const { service, messenger, log } = this.deps;
    const message = await renderQueued(this.deps, entry.message, entry.to);
    if (!message) {
      log(`outbox: dropped message ${entry.id}: its activation code is no longer the one to redeem`);
      return service.dequeue(entry.id);
    }
    const triedAt = this.now();
    if (entry.uncertainSince) {
      let arrived: boolean | undefined;
      try {
        arrived = await this.arrived(entry, message);
      } catch (error) {
        return this.later(entry, error, triedAt);
      }
      if (arrived) return service.dequeue(entry.id);
      if (arrived === undefined) return this.giveUp(entry, (words) => words.perhapsPosted(entry.lastError ?? ''));
    }
    if (this.expired(entry, triedAt)) return this.giveUp(entry, (words) => words.gaveUpAfter(this.giveUpMinutes, entry.lastError ?? ''));
    // Written down before it is tried: should this instance die mid-send, the one taking the
    // outbox over finds it uncertain and looks before sending it again.
    if (!entry.uncertainSince) await service.updateQueued({ ...entry, uncertainSince: new Date(triedAt).toISOString() });
    try {
      await send(messenger, entry.to, message);
      await service.dequeue(entry.id);
    } catch (error) {
      const failure = sendFailureOf(error);
      if (failure === 'refused') return this.giveUp(entry, (words) => words.refusedBy((error as Error).message));
      const { uncertainSince: _earlier, ...rest } = entry;
      return this.later(failure === 'outcome-unknown' ? { ...rest, uncertainSince: new Date(triedAt).toISOString() } : rest, error, triedAt);
    }
  }

  /** Whether a send of unknown outcome arrived; undefined when that cannot be known (a group space). */
  private async arrived(entry: OutboxEntry, message: OutgoingMessage): Promise<boolean | undefined> {
    const { messenger } = this.deps;
    if (!('email' in entry.to) || !messenger.sentInDirect || !entry.uncertainSince) return undefined;
    const since = new Date(Date.parse(entry.uncertainSince) - CLOCK_SKEW_MS);
    return (await messenger.sentInDirect(entry.to.email, since)).includes(message.markdown);
  }

  /** Another try later, with backoff; past the give-up time, the end. */
  private later(entry: OutboxEntry, error: unknown, triedAt: number): Promise<void> {
    const reason = (error as Error).message;
    if (this.expired(entry, triedAt)) {
      // Only a 1:1 stays queued with an unknown outcome: its check failed until now.
      const minutes = this.giveUpMinutes;
      return this.giveUp(entry, (words) => (entry.uncertainSince ? words.gaveUpUnsure(minutes, reason) : words.gaveUpAfter(minutes, reason)));
    }
    const { firstRetryMs, maxRetryMs } = this.timings;
    const wait = Math.min(maxRetryMs, firstRetryMs * 2 ** Math.max(0, entry.tries - 1));
    return this.deps.service.updateQueued({ ...entry, tries: entry.tries + 1, nextTryAt: new Date(triedAt + wait).toISOString(), lastError: reason });
  }

  private get giveUpMinutes(): number {
    return Math.round(this.timings.giveUpMs / 60_000);
  }

  private expired(entry: OutboxEntry, at: number): boolean {
    return at - Date.parse(entry.queuedAt) >= this.timings.giveUpMs;
  }

  /**
   * Takes it out of the outbox and tells the admins, in the same write, each in their language
   * (the log in English); a notice to admins is only logged.
   */
  private giveUp(entry: OutboxEntry, why: (words: AdminText) => string): Promise<void> {
    const { service, log } = this.deps;
    const inEnglish = adminText('en');
    const what = describe(entry, inEnglish);
    if (what === undefined) {
      log(`outbox: a notice to admins was not delivered either: ${why(inEnglish)}`);
      return service.dequeue(entry.id);
    }
    log(`outbox: not delivered: ${what}. ${why(inEnglish)}`);
    const notice = (to: OutboxEntry['to']): OutboxMessage => {
      const words = adminText(readerLanguage(this.deps, to));
      return { kind: 'text', markdown: words.undelivered(describe(entry, words) ?? what, why(words)), what: 'admin-notice' };
    };
    return service.dequeue(
      entry.id,
      this.adminTargets(entry).map((to) => ({ to, message: notice(to), tries: 0 })),
    );
  }


  /** The watch space if there is one, else the admin who acted, else every admin. */
  private adminTargets(entry: OutboxEntry): OutboxEntry['to'][] {
    const space = this.deps.service.settings().watchSpaceId;
    if (space) return [{ roomId: space }];
    if (entry.admin) return [{ email: entry.admin }];
    return this.deps.service.admins().map((email) => ({ email }));
  }
}

/** What a message was, in the admins' words; nothing for a notice to admins. */
function describe(entry: OutboxEntry, ADMIN_TEXT: AdminText): string | undefined {
  const { message, to } = entry;
  if (message.kind === 'activation') {
    if (message.copy === 'user') return ADMIN_TEXT.undeliveredActivation(message.email);
    return ADMIN_TEXT.undeliveredActivationCopy('email' in to ? to.email : entry.admin ?? '', message.email);
  }
  switch (message.what) {
    case 'line-deleted':
      return ADMIN_TEXT.undeliveredLineDeleted('email' in to ? to.email : '');
    case 'outcome':
      return ADMIN_TEXT.undeliveredOutcome(message.markdown);
    case 'admin-notice':
      return undefined;
  }
}
