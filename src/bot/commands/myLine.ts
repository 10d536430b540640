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
    await ctx.reply({ markdown: userText(languageHere(ctx)).myLine(ctx.deps.service.deviceOf(ctx.actor.email)) });
  },
};
