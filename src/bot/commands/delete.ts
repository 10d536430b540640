import { BOT_TEXT } from '../../messages.js';
import { renderCard } from '../../webex/cards/renderCard.js';
import { currentDevice, emailArg } from '../args.js';
import type { Command } from '../types.js';
import { deviceVersion, noticeCard } from '../views.js';

export const deleteCommand: Command = {
  name: 'delete',
  phrases: ['delete', 'remove', 'del', 'delete device', 'remove device', 'unassign'],
  access: 'admin',
  usage: 'delete <email>',
  example: 'delete alice@example.com',
  summary: 'delete the device and return its license to the pool (asks first)',
  async run(ctx) {
    const email = await emailArg(ctx, this);
    if (!email) return;
    const view = await currentDevice(ctx, email);
    if (!view) {
      if (!ctx.press?.data.deviceId) await ctx.reply({ markdown: BOT_TEXT.noDevice(email) });
      return;
    }
    if (ctx.press?.data.confirm !== 'yes') {
      const question = BOT_TEXT.confirmDelete(email);
      const card = renderCard('confirm', {
        question,
        raw: { confirmTitle: 'Yes, delete', command: 'delete', email, deviceId: view.id, version: deviceVersion(view) },
      });
      await ctx.say({ markdown: question, card });
      return;
    }
    await ctx.deps.service.deleteDevice(ctx.actor.email, email);
    const notified = ctx.deps.service.settings().notifyUsers;
    await ctx.reply(noticeCard(BOT_TEXT.deletedPublic(email, notified)));
    const { messenger, mailer, deliverByWebex } = ctx.deps;
    if (notified && deliverByWebex) {
      await messenger
        .dm(email, { markdown: BOT_TEXT.deletedForUser })
        .catch((error: unknown) => ctx.say({ markdown: BOT_TEXT.dmFailed(email, (error as Error).message) }));
    }
    if (notified && mailer) {
      await mailer
        .sendLineDeleted(email)
        .catch((error: unknown) => messenger.dm(ctx.actor.email, { markdown: BOT_TEXT.mailFailed(email, (error as Error).message) }))
        .catch((error: unknown) => ctx.deps.log(`could not tell the admin a mail failed: ${(error as Error).message}`));
    }
  },
};
