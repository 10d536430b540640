import type { Command } from '../types.js';
import { noticeCard } from '../views.js';
import { adminText } from '../../render/messages/adminText.js';
import { languageHere } from '../language.js';

/** The Cancel button of a confirmation card. */
export const cancelCommand: Command = {
  name: 'cancel',
  phrases: ['cancel'],
  // Only admins see confirmations; anyone else pressing Cancel in a group space must not close one.
  access: 'admin',
  audit: 'cancel',
  usage: 'cancel',
  example: 'cancel',
  listed: false,
  async run(ctx) {
    const lang = languageHere(ctx);
    const words = adminText(lang);
    await ctx.reply(noticeCard(words.cancelled));
  },
};
