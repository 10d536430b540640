import { emailArg } from '../args.js';
import type { Command } from '../types.js';
import { deviceCard } from '../views.js';
import { adminText } from '../../render/messages/adminText.js';
import { languageHere } from '../language.js';
import { liveDeviceCard } from '../orgCommands.js';

export const statusCommand: Command = {
  name: 'status',
  phrases: ['status', 'show', 'device', 'user', 'състояние', 'статус', 'устройство'],
  access: 'admin',
  audit: 'status',
  usage: 'status <email>',
  example: 'status alice@example.com',
  async run(ctx) {
    const lang = languageHere(ctx);
    const words = adminText(lang);
    const email = await emailArg(ctx, this);
    if (!email) return;
    if (ctx.deps.org) return liveDeviceCard(ctx, ctx.deps.org, email);
    const view = ctx.deps.service.deviceOf(email);
    await ctx.reply(view ? deviceCard(view, lang) : { markdown: words.noDevice(email) });
  },
};
