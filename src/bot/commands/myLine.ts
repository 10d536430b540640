import type { Command } from '../types.js';
import { userText } from '../../render/messages/userText.js';
import { languageHere } from '../language.js';

export const myLineCommand: Command = {
  name: 'my line',
  phrases: ['my line', 'myline', 'my status', 'my device', 'my phone', 'me', 'моята линия', 'моят телефон'],
  access: 'anyone',
  usage: 'my line',
  example: 'my line',
  async run(ctx) {
    const lang = languageHere(ctx);
    const view = ctx.deps.service.deviceOf(ctx.actor.email);
    const line = userText(lang).myLine(view);
    // Org mode: the status is the org's, as last read.
    await ctx.reply({ markdown: ctx.deps.org && view ? `${line}\n\n${ctx.deps.org.asOf(lang)}` : line });
  },
};
