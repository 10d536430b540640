import { deliverActivation } from '../activation.js';
import { postOutcome } from '../outbox.js';
import { confirmedDevice, emailArg } from '../args.js';
import type { Command } from '../types.js';
import { deviceCard } from '../views.js';
import { adminText } from '../../render/messages/adminText.js';
import { languageHere } from '../language.js';
import { controlHubSteps } from '../orgCommands.js';

export const lostCommand: Command = {
  name: 'lost',
  phrases: ['lost', 'stolen', 'lost/stolen', 'lost stolen', 'lost-stolen', 'lost or stolen', 'изгубени/откраднати', 'изгубен', 'откраднат', 'изгубени', 'откраднати'],
  access: 'admin',
  audit: 'lost-stolen',
  usage: 'lost <email>',
  example: 'lost alice@example.com',
  async run(ctx) {
    const lang = languageHere(ctx);
    const words = adminText(lang);
    const email = await emailArg(ctx, this);
    if (!email) return;
    if (ctx.deps.org) return controlHubSteps(ctx, 'lost', email);
    const confirmed = await confirmedDevice(ctx, email, {
      command: 'lost',
      confirmTitle: words.confirmLostTitle,
      question: words.confirmLost(email),
    });
    if (!confirmed) return;
    const issued = await ctx.deps.service.lostStolen(ctx.actor.email, email);
    const notified = ctx.deps.service.settings().notifyUsers;
    await postOutcome(ctx, deviceCard(issued.device, lang, words.issuedPublic('lost-stolen', email, notified, ctx.actor.email)));
    await deliverActivation(ctx, 'lost-stolen', issued.activation);
  },
};
