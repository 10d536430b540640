/**
 * Where activation details go. Only two people ever see a code: the user it belongs to (in a
 * 1:1 with the bot) and the admin who issued it (in the admin's own 1:1). A group space gets the
 * outcome only.
 */
import type { ActivationDetails, IssueKind } from '../domain/types.js';
import { ADMIN_TEXT } from '../render/messages/adminText.js';
import { USER_TEXT } from '../render/messages/userText.js';
import type { CommandContext } from './types.js';
import { handoverCard } from './views.js';

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
      (error: unknown) => ctx.say({ markdown: ADMIN_TEXT.dmFailed(admin, (error as Error).message) }),
    );

  const { mailer, deliverByWebex } = ctx.deps;
  const reached: ('webex' | 'email')[] = [];
  if (notify && deliverByWebex) {
    try {
      await messenger.dm(details.email, { markdown: USER_TEXT.activation(kind, details), file: qr });
      reached.push('webex');
    } catch (error) {
      await ctx.say({ markdown: ADMIN_TEXT.dmFailed(details.email, (error as Error).message) });
    }
  }
  if (notify && mailer) {
    try {
      await mailer.sendActivation(details, kind);
      reached.push('email');
    } catch (error) {
      await toAdmin({ markdown: ADMIN_TEXT.mailFailed(details.email, (error as Error).message) });
    }
  }
  const delivered = reached.length > 0;
  // Tell the admin what really happened: the user may not have the details even with notifications on.
  await toAdmin({
    markdown: ADMIN_TEXT.activation(kind, details, delivered, notify && !delivered, ADMIN_TEXT.via(reached)),
    file: qr,
  });
  if (!notify) {
    await toAdmin(handoverCard(details));
    const pdf = await sheetPdf(details);
    await toAdmin({
      markdown: ADMIN_TEXT.sheetAttached(details.email),
      file: { filename: `webex-go-activation-${details.email}.pdf`, contentType: 'application/pdf', data: pdf },
    });
  }
  return delivered;
}
