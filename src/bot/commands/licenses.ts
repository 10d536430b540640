import { usageError } from '../args.js';
import type { Command } from '../types.js';
import { licensesCard } from '../views.js';
import { COMMAND_TEXT } from '../../render/messages/commandText.js';

export const licensesCommand: Command = {
  name: 'licenses',
  phrases: ['licenses', 'license', 'licences', 'licence', 'pool'],
  access: 'admin',
  audit: 'licenses',
  usage: 'licenses',
  example: 'licenses',
  summary: 'the license pool: total, in use, available',
  async run(ctx) {
    if (ctx.args) return usageError(ctx, this, COMMAND_TEXT.takesNothing('licenses'));
    await ctx.reply(licensesCard(ctx.deps.service.licensePool()));
  },
};
