import { usageError } from '../args.js';
import type { Command } from '../types.js';
import { licensesCard } from '../views.js';
import { commandText } from '../../render/messages/commandText.js';
import { languageHere } from '../language.js';
import { orgLicenses } from '../orgCommands.js';

export const licensesCommand: Command = {
  name: 'licenses',
  phrases: ['licenses', 'license', 'licences', 'licence', 'pool', 'лицензи', 'лиценз'],
  access: 'admin',
  audit: 'licenses',
  usage: 'licenses',
  example: 'licenses',
  async run(ctx) {
    if (ctx.args) return usageError(ctx, this, commandText(languageHere(ctx)).takesNothing('licenses'));
    if (ctx.deps.org) return orgLicenses(ctx, ctx.deps.org);
    await ctx.reply(licensesCard(ctx.deps.service.licensePool(), languageHere(ctx)));
  },
};
