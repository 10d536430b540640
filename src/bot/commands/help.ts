import type { Command, CommandContext } from '../types.js';
import { COMMAND_TEXT } from '../../render/messages/commandText.js';

/** Built with the table so it lists exactly what the caller may run. */
export function helpCommand(visibleTo: (ctx: CommandContext) => Command[]): Command {
  return {
    name: 'help',
    phrases: ['help', '?', 'hi', 'hello', 'commands', 'menu'],
    access: 'anyone',
    usage: 'help',
    example: 'help',
    summary: 'what you can ask me',
    async run(ctx) {
      const admin = ctx.deps.service.isAdmin(ctx.actor.email);
      const lines = visibleTo(ctx).map((c) => COMMAND_TEXT.helpLine(c.usage, c.summary, c.example));
      await ctx.reply({ markdown: [COMMAND_TEXT.helpIntro(admin), ...lines].join('\n') });
    },
  };
}
