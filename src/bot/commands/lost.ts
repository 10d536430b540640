import { BOT_TEXT } from '../../messages.js';
import { renderCard } from '../../webex/cards/renderCard.js';
import { deliverActivation } from '../activation.js';
import { currentDevice, emailArg } from '../args.js';
import type { Command } from '../types.js';
import { deviceCard, deviceVersion } from '../views.js';

export const lostCommand: Command = {
  name: 'lost',
  phrases: ['lost', 'stolen', 'lost/stolen', 'lost stolen', 'lost-stolen', 'lost or stolen'],
  access: 'admin',
  usage: 'lost <email>',
  example: 'lost alice@example.com',
  summary: 'lost/stolen phone: switch its line off and issue a new code (asks first)',
  async run(ctx) {
    const email = await emailArg(ctx, this);
    if (!email) return;
    const view = await currentDevice(ctx, email);
    if (!view) {
      if (!ctx.press?.data.deviceId) await ctx.reply({ markdown: BOT_TEXT.noDevice(email) });
      return;
    }
    if (ctx.press?.data.confirm !== 'yes') {
      const question = BOT_TEXT.confirmLost(email);
      const card = renderCard('confirm', {
        question,
        raw: { confirmTitle: 'Yes, mark lost/stolen', command: 'lost', email, deviceId: view.id, version: deviceVersion(view) },
      });
      await ctx.say({ markdown: question, card });
      return;
    }
    const issued = await ctx.deps.service.lostStolen(ctx.actor.email, email);
    const notified = ctx.deps.service.settings().notifyUsers;
    await ctx.reply(deviceCard(issued.device, BOT_TEXT.issuedPublic('lost-stolen', email, notified, ctx.actor.email)));
    await deliverActivation(ctx, 'lost-stolen', issued.activation);
  },
};
