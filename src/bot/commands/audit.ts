import { emailArg } from '../args.js';
import type { Command } from '../types.js';
import { ADMIN_TEXT } from '../../render/messages/adminText.js';

const SHOWN = 20;

export const auditCommand: Command = {
  name: 'audit',
  phrases: ['audit', 'history', 'log', 'одит', 'журнал'],
  access: 'admin',
  audit: 'audit',
  usage: 'audit [email]',
  example: 'audit alice@example.com',
  async run(ctx) {
    const email = ctx.args ? await emailArg(ctx, this) : undefined;
    if (ctx.args && !email) return;
    const records = await ctx.deps.service.auditTrail({ email, limit: SHOWN });
    if (records.length === 0) return ctx.reply({ markdown: ADMIN_TEXT.auditEmpty });
    await ctx.reply({ markdown: [ADMIN_TEXT.auditTitle(email, records.length), ...records.map(ADMIN_TEXT.auditLine)].join('\n') });
  },
};
