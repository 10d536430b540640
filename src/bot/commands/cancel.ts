import { BOT_TEXT } from '../../messages.js';
import type { Command } from '../types.js';
import { noticeCard } from '../views.js';

/** The Cancel button of a confirmation card. */
export const cancelCommand: Command = {
  name: 'cancel',
  phrases: ['cancel'],
  access: 'anyone',
  usage: 'cancel',
  example: 'cancel',
  summary: 'close a confirmation without acting',
  listed: false,
  async run(ctx) {
    await ctx.reply(noticeCard(BOT_TEXT.cancelled));
  },
};
