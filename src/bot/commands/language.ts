import { isLanguage } from '../../domain/types.js';
import { commandText } from '../../render/messages/commandText.js';
import { translate } from '../../render/i18n/translate.js';
import { usageError } from '../args.js';
import { languageHere } from '../language.js';
import type { Command } from '../types.js';

/**
 * The language a person reads the bot in (typed in the 1:1) or a group space does (typed there,
 * admins only: the domain refuses anyone else).
 */
export const languageCommand: Command = {
  name: 'language',
  phrases: ['language', 'lang', 'език'],
  access: 'anyone',
  usage: 'language [en|bg]',
  example: 'language bg',
  async run(ctx) {
    const { service } = ctx.deps;
    const direct = ctx.space.type === 'direct';
    const arg = ctx.args.toLowerCase();
    if (arg === '') {
      if (!direct) {
        const lang = languageHere(ctx);
        return ctx.reply({ markdown: translate(lang, 'language.spaceNow', { language: translate(lang, 'language.name') }) });
      }
      // A person is told where their language came from: their choice, their Webex profile (org mode), the org's default.
      const { language: lang, source } = service.languageSourceOf({ person: ctx.actor.email });
      return ctx.reply({ markdown: translate(lang, 'language.personNow', { language: translate(lang, 'language.name'), source }) });
    }
    if (!isLanguage(arg)) return usageError(ctx, this, commandText(languageHere(ctx)).notALanguage(ctx.args));
    if (direct) await service.setPersonLanguage(ctx.actor.email, arg);
    else await service.setSpaceLanguage(ctx.actor.email, ctx.space.id, arg);
    // Said in the language just chosen.
    await ctx.reply({ markdown: translate(arg, direct ? 'language.personSet' : 'language.spaceSet', { language: translate(arg, 'language.name') }) });
  },
};
