/**
 * Where activation details go. Only two people ever see a code: the user it belongs to (in a
 * 1:1 with the bot) and the admin who issued it (in the admin's own 1:1). A group space gets the
 * outcome only. Both 1:1 messages go through the outbox: one Webex cannot take now is sent later.
 */
import { codeKey } from '../domain/service.js';
import type { ActivationDetails, IssueKind, UserReach } from '../domain/types.js';
import { adminText } from '../render/messages/adminText.js';
import { languageHere, reasonIn } from './language.js';
import { sendOrQueue } from './outbox.js';
import type { OutgoingMessage } from './ports.js';
import type { CommandContext } from './types.js';
import { handoverCard } from './views.js';

/** Sends the details privately; returns whether the user was notified. Failures are told to the admin. */
export async function deliverActivation(ctx: CommandContext, kind: IssueKind, details: ActivationDetails): Promise<boolean> {
  const { messenger, service, sheetPdf, log } = ctx.deps;
  // One QR code for both messages, drawn once, before the first is sent.
  const qr = ctx.deps.qrPng(details.qrPayload);
  // Its failure is met where it is awaited; until then (an email sent first) it is not unhandled.
  qr.catch(() => undefined);
  const deps = { ...ctx.deps, qrPng: () => qr };
  const notify = service.settings().notifyUsers;
  const admin = ctx.actor.email;
  // The email, the sheet and the mailto reach the user, so they speak the user's language.
  const userLanguage = service.languageOf({ person: details.email });
  // What is said where the admin acted reads in that space's language; the admin's 1:1 in the admin's.
  const here = adminText(languageHere(ctx));
  const adminLanguage = service.languageOf({ person: admin });
  const toAdminWords = adminText(adminLanguage);
  const deviceId = service.deviceOf(details.email)?.id ?? '';
  const reference = { kind: 'activation', issue: kind, email: details.email, deviceId, codeKey: codeKey(details.matchingId) } as const;
  // A failure is said where the admin acted (or, failing that, logged); the state change stands either way.
  const tellHere = (markdown: string) => ctx.say({ markdown }).catch((error: unknown) => log(`could not tell ${admin} a delivery failed: ${(error as Error).message}`));

  const toUser = notify ? await sendToUser(ctx, kind, details, deps) : undefined;
  const reached = toUser?.via ?? [];
  const delivered = reached.length > 0;
  // Tell the admin what really happened: the user may not have the details even with notifications on.
  const userGot: UserReach = toUser?.reach ?? 'not-notified';
  const copy = await sendOrQueue(deps, { to: { email: admin }, message: { ...reference, copy: 'admin', userGot, via: reached }, admin });
  if (copy.outcome === 'failed') await tellHere(here.dmFailed(admin, copy.error.message));
  if (!notify) {
    // The copy above holds every detail; the card and the sheet only help hand them over.
    await toAdmin(handoverCard(details, adminLanguage, userLanguage));
    const pdf = await sheetPdf(details, userLanguage);
    await toAdmin({
      markdown: toAdminWords.sheetAttached(details.email),
      file: { filename: `webex-go-activation-${details.email}.pdf`, contentType: 'application/pdf', data: pdf },
    });
  }
  return delivered;

  async function toAdmin(message: OutgoingMessage): Promise<void> {
    await messenger.dm(admin, message).then(
      () => undefined,
      (error: unknown) => tellHere(here.dmFailed(admin, (error as Error).message)),
    );
  }
}

/** What became of the user's activation message, and how it reached them. */
export interface UserDelivery {
  reach: Exclude<UserReach, 'not-notified'>;
  via: ('webex' | 'email')[];
}

/**
 * Sends the user their activation details: the Webex 1:1 through the outbox (a reference to the
 * device's current code, never the code), and email when configured. A failure is told where
 * the admin acted (the 1:1) or in the admin's 1:1 (email), never with the code.
 */
export async function sendToUser(
  ctx: CommandContext,
  kind: IssueKind,
  details: ActivationDetails,
  deps: CommandContext['deps'] = ctx.deps,
): Promise<UserDelivery> {
  const { service, mailer, deliverByWebex, messenger, log } = ctx.deps;
  const admin = ctx.actor.email;
  const here = adminText(languageHere(ctx));
  const adminLanguage = service.languageOf({ person: admin });
  const deviceId = service.deviceOf(details.email)?.id ?? '';
  const reference = { kind: 'activation', issue: kind, email: details.email, deviceId, codeKey: codeKey(details.matchingId), copy: 'user' } as const;
  const via: ('webex' | 'email')[] = [];
  let queued = false;
  if (deliverByWebex) {
    const sent = await sendOrQueue(deps, { to: { email: details.email }, message: reference, admin });
    if (sent.outcome === 'sent') via.push('webex');
    if (sent.outcome === 'queued') queued = true;
    if (sent.outcome === 'failed') {
      await ctx.say({ markdown: here.dmFailed(details.email, sent.error.message) }).catch((error: unknown) => log(`could not tell ${admin} a delivery failed: ${(error as Error).message}`));
    }
  }
  if (mailer) {
    try {
      await mailer.sendActivation(details, kind, service.languageOf({ person: details.email }));
      via.push('email');
    } catch (error) {
      await messenger
        .dm(admin, { markdown: adminText(adminLanguage).mailFailed(details.email, reasonIn(error, adminLanguage)) })
        .catch((dmError: unknown) => ctx.say({ markdown: here.dmFailed(admin, (dmError as Error).message) }))
        .catch((e: unknown) => log(`could not tell ${admin} a mail failed: ${(e as Error).message}`));
    }
  }
  return { reach: via.length > 0 ? 'reached' : queued ? 'queued' : 'unreachable', via };
}
