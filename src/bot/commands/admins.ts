import { emailArg, usageError } from '../args.js';
import type { Command } from '../types.js';
import { adminText } from '../../render/messages/adminText.js';
import { commandText } from '../../render/messages/commandText.js';
import { languageHere } from '../language.js';

export const adminsCommand: Command = {
  name: 'admins',
  phrases: ['admins', 'admin', 'администратори'],
  access: 'admin',
  audit: 'admins',
  usage: 'admins [add|remove <email>]',
  example: 'admins add bob@example.com',
  async run(ctx) {
    const lang = languageHere(ctx);
    const words = adminText(lang);
    const { service } = ctx.deps;
    if (!ctx.args) return ctx.reply({ markdown: words.admins(service.admins()) });
    const [verb, ...rest] = ctx.args.split(' ');
    const sub = { usage: `admins ${verb.toLowerCase()} <email>`, example: `admins ${verb.toLowerCase()} bob@example.com` };
    const email = ['add', 'remove', 'delete'].includes(verb.toLowerCase()) ? await emailArg({ ...ctx, args: rest.join(' ') }, sub) : undefined;
    if (!['add', 'remove', 'delete'].includes(verb.toLowerCase())) {
      return usageError(ctx, this, commandText(languageHere(ctx)).notAdminVerb(verb));
    }
    if (!email) return;
    if (verb.toLowerCase() === 'add') {
      // A typo would make an admin nobody can be: only people Webex knows become admins.
      if (!(await ctx.deps.messenger.findPerson(email))) return ctx.reply({ markdown: commandText(languageHere(ctx)).unknownPerson(email) });
      await service.addAdmin(ctx.actor.email, email);
      await ctx.reply({ markdown: words.adminAdded(email) });
    } else {
      await service.removeAdmin(ctx.actor.email, email);
      await ctx.reply({ markdown: words.adminRemoved(email) });
    }
  },
};
