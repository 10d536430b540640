import { BOT_TEXT } from '../../messages.js';
import { usageError } from '../args.js';
import type { Command } from '../types.js';
import { licensesCard } from '../views.js';

export const licensesCommand: Command = {
  name: 'licenses',
  phrases: ['licenses', 'license', 'licences', 'licence', 'pool'],
  access: 'admin',
  usage: 'licenses',
  example: 'licenses',
  summary: 'the license pool: total, in use, available',
  async run(ctx) {
    if (ctx.args) return usageError(ctx, this, BOT_TEXT.takesNothing('licenses'));
    await ctx.reply(licensesCard(ctx.deps.service.licensePool()));
  },
};
