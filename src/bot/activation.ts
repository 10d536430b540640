/**
 * Where activation details go. Only two people ever see a code: the user it belongs to (in a
 * 1:1 with the bot) and the admin who issued it (in the admin's own 1:1). A group space gets the
 * outcome only.
 */
import type { ActivationDetails } from '../domain/types.js';
import { BOT_TEXT, type IssueKind } from '../messages.js';
import { renderCard } from '../webex/cards/renderCard.js';
import type { CommandContext } from './types.js';

function mailto(d: ActivationDetails): string {
  return `mailto:${encodeURIComponent(d.email)}?subject=${encodeURIComponent(BOT_TEXT.mailSubject)}&body=${encodeURIComponent(BOT_TEXT.mailBody(d))}`;
}

/** Sends the details privately; returns whether the user was notified. Failures are told to the admin. */
export async function deliverActivation(ctx: CommandContext, kind: IssueKind, details: ActivationDetails): Promise<boolean> {
  const { messenger, service, qrPng, sheetPdf } = ctx.deps;
  const notify = service.settings().notifyUsers;
  const qr = { filename: 'webex-go-qr.png', contentType: 'image/png', data: await qrPng(details.qrPayload) };
  const admin = ctx.actor.email;
  // A failure to reach the admin is said where the admin is; the state change stands either way.
  const toAdmin = (message: Parameters<typeof messenger.dm>[1]) =>
    messenger.dm(admin, message).then(
      () => undefined,
      (error: unknown) => ctx.say({ markdown: BOT_TEXT.dmFailed(admin, (error as Error).message) }),
    );

  const { mailer, deliverByWebex } = ctx.deps;
  const reached: ('webex' | 'email')[] = [];
  if (notify && deliverByWebex) {
    try {
      await messenger.dm(details.email, { markdown: BOT_TEXT.activationForUser(kind, details), file: qr });
      reached.push('webex');
    } catch (error) {
      await ctx.say({ markdown: BOT_TEXT.dmFailed(details.email, (error as Error).message) });
    }
  }
  if (notify && mailer) {
    try {
      await mailer.sendActivation(details, kind);
      reached.push('email');
    } catch (error) {
      await toAdmin({ markdown: BOT_TEXT.mailFailed(details.email, (error as Error).message) });
    }
  }
  const delivered = reached.length > 0;
  // Tell the admin what really happened: the user may not have the details even with notifications on.
  await toAdmin({
    markdown: BOT_TEXT.activationForAdmin(kind, details, delivered, notify && !delivered, BOT_TEXT.via(reached)),
    file: qr,
  });
  if (!notify) {
    const card = renderCard('handover', {
      text: BOT_TEXT.handoverCard(details.email),
      codeLabel: `Activation code (iPhone), SM-DP+ address ${details.smdpAddress}`,
      npcLabel: 'Network provider code (Android)',
      raw: { matchingId: details.matchingId, networkProviderCode: details.networkProviderCode, mailto: mailto(details) },
    });
    await toAdmin({ markdown: BOT_TEXT.handoverCard(details.email), card });
    const pdf = await sheetPdf(details);
    await toAdmin({
      markdown: BOT_TEXT.sheetAttached(details.email),
      file: { filename: `webex-go-activation-${details.email}.pdf`, contentType: 'application/pdf', data: pdf },
    });
  }
  return delivered;
}
