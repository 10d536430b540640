import { parseCopiedCode } from '../../domain/activationCode.js';
import { emailProblem, normalizeEmail } from '../../domain/email.js';
import { commandText } from '../../render/messages/commandText.js';
import { orgText } from '../../render/messages/orgText.js';
import { usageError } from '../args.js';
import { languageHere } from '../language.js';
import { deliverCode } from '../orgCommands.js';
import type { Command } from '../types.js';

/**
 * `deliver <email> <code>`: the code an admin copied from Control Hub, sent to the user privately
 * (org mode). The code is a credential: no answer here ever repeats what was typed after the
 * email, and in a group space it is not used at all (everyone there has seen it).
 */
export const deliverCommand: Command = {
  name: 'deliver',
  phrases: ['deliver', 'deliver code', 'изпрати код', 'достави'],
  access: 'admin',
  audit: 'deliver',
  secretArgs: true,
  usage: 'deliver <email> <code>',
  example: 'deliver alice@example.com <code>',
  async run(ctx) {
    const lang = languageHere(ctx);
    const words = orgText(lang);
    const org = ctx.deps.org;
    if (ctx.space.type === 'group') return ctx.say({ markdown: words.deliverInGroup });
    if (!org) return ctx.reply({ markdown: words.deliverOnlyOrg });
    const [first, code, ...rest] = ctx.args.split(' ').filter(Boolean);
    const email = first?.replace(/^mailto:/i, '');
    if (!email || emailProblem(email)) return usageError(ctx, this, commandText(lang).missingEmail);
    const normalized = normalizeEmail(email);
    if (ctx.botEmails.includes(normalized)) return usageError(ctx, this, commandText(lang).notYourself);
    if (!code) return usageError(ctx, this, words.deliverNeedsCode);
    const copied = rest.length === 0 ? parseCopiedCode(code, ctx.deps.service.settings().smdpAddress) : undefined;
    if (!copied) return usageError(ctx, this, words.deliverMalformed);
    await deliverCode(ctx, org, normalized, copied);
  },
};
