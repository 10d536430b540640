import { confirmedDevice, emailArg } from '../args.js';
import type { Command } from '../types.js';
import { postOutcome, sendOrQueue } from '../outbox.js';
import { noticeCard } from '../views.js';
import { adminText } from '../../render/messages/adminText.js';
import { languageHere, reasonIn } from '../language.js';
import { userText } from '../../render/messages/userText.js';
import { poolAfterDelete } from '../orgCommands.js';

export const deleteCommand: Command = {
  name: 'delete',
  phrases: ['delete', 'remove', 'del', 'delete device', 'remove device', 'unassign', 'изтрий', 'изтриване', 'изтрий устройство'],
  access: 'admin',
  audit: 'delete',
  usage: 'delete <email>',
  example: 'delete alice@example.com',
  async run(ctx) {
    const lang = languageHere(ctx);
    const words = adminText(lang);
    const email = await emailArg(ctx, this);
    if (!email) return;
    const confirmed = await confirmedDevice(ctx, email, {
      command: 'delete',
      confirmTitle: words.confirmDeleteTitle,
      question: words.confirmDelete(email),
    });
    if (!confirmed) return;
    // Org mode: the org's device is deleted in Webex first; only then here, so a refusal changes nothing.
    const org = confirmed.org ? ctx.deps.org : undefined;
    if (org) {
      const blocked = org.blocked('delete', lang);
      if (blocked) return ctx.say({ markdown: blocked });
      try {
        await org.admin.deleteDevice(confirmed.id);
        org.noteSuccess();
        org.noteDeleted(confirmed.id);
      } catch (error) {
        return ctx.say({ markdown: org.failure(error, 'delete', lang) });
      }
    }
    await ctx.deps.service.deleteDevice(ctx.actor.email, email);
    const notified = ctx.deps.service.settings().notifyUsers;
    const pool = org ? await poolAfterDelete(ctx, org) : undefined;
    await postOutcome(ctx, noticeCard([words.deletedPublic(email, notified), pool].filter(Boolean).join(' ')));
    const { messenger, mailer, deliverByWebex, service } = ctx.deps;
    const userLanguage = service.languageOf({ person: email });
    if (notified && deliverByWebex) {
      const sent = await sendOrQueue(ctx.deps, { to: { email }, message: { kind: 'text', markdown: userText(userLanguage).deleted, what: 'line-deleted' }, admin: ctx.actor.email });
      if (sent.outcome === 'failed') {
        await ctx
          .say({ markdown: words.dmFailed(email, sent.error.message) })
          .catch((error: unknown) => ctx.deps.log(`could not tell the admin a 1:1 failed: ${(error as Error).message}`));
      }
    }
    if (notified && mailer) {
      await mailer
        .sendLineDeleted(email, userLanguage)
        .catch((error: unknown) => {
          const adminLanguage = service.languageOf({ person: ctx.actor.email });
          return messenger.dm(ctx.actor.email, { markdown: adminText(adminLanguage).mailFailed(email, reasonIn(error, adminLanguage)) });
        })
        .catch((error: unknown) => ctx.deps.log(`could not tell the admin a mail failed: ${(error as Error).message}`));
    }
  },
};
