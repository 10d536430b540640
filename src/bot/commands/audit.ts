import { emailArg } from '../args.js';
import type { Command } from '../types.js';
import { adminText } from '../../render/messages/adminText.js';
import { languageHere } from '../language.js';

const SHOWN = 20;

export const auditCommand: Command = {
  name: 'audit',
  phrases: ['audit', 'history', 'log', 'одит', 'журнал'],
  access: 'admin',
  audit: 'audit',
  usage: 'audit [email]',
  example: 'audit alice@example.com',
  async run(ctx) {
    const lang = languageHere(ctx);
    const words = adminText(lang);
    const email = ctx.args ? await emailArg(ctx, this) : undefined;
    if (ctx.args && !email) return;
    const records = await ctx.deps.service.auditTrail({ email, limit: SHOWN });
    if (records.length === 0) return ctx.reply({ markdown: words.auditEmpty });
    await ctx.reply({ markdown: [words.auditTitle(email, records.length), ...records.map(words.auditLine)].join('\n') });
  },
};
