import type { Command, CommandContext } from '../types.js';
import { commandText } from '../../render/messages/commandText.js';
import { translate } from '../../render/i18n/translate.js';
import { languageHere } from '../language.js';

/** Built with the table so it lists exactly what the caller may run, explained in the reader's language. */
export function helpCommand(visibleTo: (ctx: CommandContext) => Command[]): Command {
  return {
    name: 'help',
    phrases: ['help', '?', 'hi', 'hello', 'commands', 'menu', 'помощ', 'команди'],
    access: 'anyone',
    usage: 'help',
    example: 'help',
    async run(ctx) {
      const lang = languageHere(ctx);
      const words = commandText(lang);
      const admin = ctx.deps.service.isAdmin(ctx.actor.email);
      const lines = visibleTo(ctx).map((c) => words.helpLine(c.usage, translate(lang, `summary.${c.name}`), c.example));
      // English readers type in their own language already; others learn that the commands stay English.
      const typedInEnglish = lang === 'en' ? [] : ['', translate(lang, 'help.language')];
      await ctx.reply({ markdown: [words.helpIntro(admin), ...lines, ...typedInEnglish].join('\n') });
    },
  };
}
