import { deliverActivation } from '../activation.js';
import { postOutcome } from '../outbox.js';
import { emailArg } from '../args.js';
import type { Command } from '../types.js';
import { deviceCard } from '../views.js';
import { adminText } from '../../render/messages/adminText.js';
import { commandText } from '../../render/messages/commandText.js';
import { languageHere } from '../language.js';
import { controlHubSteps } from '../orgCommands.js';

export const assignCommand: Command = {
  name: 'assign',
  phrases: ['assign', 'add', 'add device', 'provision', 'new device', 'добави', 'добави устройство', 'възложи'],
  access: 'admin',
  audit: 'assign',
  usage: 'assign <email>',
  example: 'assign alice@example.com',
  async run(ctx) {
    const lang = languageHere(ctx);
    const words = adminText(lang);
    const email = await emailArg(ctx, this);
    if (!email) return;
    if (ctx.deps.org) return controlHubSteps(ctx, 'assign', email);
    // A typo would use a license on a line nobody can receive: only people Webex knows get one.
    if (!(await ctx.deps.messenger.findPerson(email))) return ctx.reply({ markdown: commandText(lang).unknownPerson(email) });
    const issued = await ctx.deps.service.assign(ctx.actor.email, email);
    const notified = ctx.deps.service.settings().notifyUsers;
    await postOutcome(ctx, deviceCard(issued.device, lang, words.issuedPublic('assign', email, notified, ctx.actor.email)));
    await deliverActivation(ctx, 'assign', issued.activation);
  },
};
