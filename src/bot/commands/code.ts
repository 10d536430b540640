import { deliverActivation } from '../activation.js';
import { postOutcome } from '../outbox.js';
import { currentDevice, emailArg } from '../args.js';
import type { Command } from '../types.js';
import { deviceCard } from '../views.js';
import { adminText } from '../../render/messages/adminText.js';
import { languageHere } from '../language.js';
import { controlHubSteps, tryActivationCodeApi } from '../orgCommands.js';

export const codeCommand: Command = {
  name: 'code',
  phrases: ['code', 'new code', 'newcode', 'generate', 'generate code', 'generate new activation code', 'new activation code', 'regenerate', 'reissue', 'нов код', 'генериране на нов код за активиране', 'генерирай'],
  access: 'admin',
  audit: 'new-code',
  usage: 'code <email>',
  example: 'code alice@example.com',
  async run(ctx) {
    const lang = languageHere(ctx);
    const words = adminText(lang);
    const email = await emailArg(ctx, this);
    if (!email) return;
    const org = ctx.deps.org;
    if (org) return org.options.tryActivationCodeApi ? tryActivationCodeApi(ctx, org, email) : controlHubSteps(ctx, 'code', email);
    if (!(await currentDevice(ctx, email)) && ctx.press?.data.deviceId) return;
    const issued = await ctx.deps.service.newCode(ctx.actor.email, email);
    const notified = ctx.deps.service.settings().notifyUsers;
    await postOutcome(ctx, deviceCard(issued.device, lang, words.issuedPublic('new-code', email, notified, ctx.actor.email)));
    await deliverActivation(ctx, 'new-code', issued.activation);
  },
};
