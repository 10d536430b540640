import type { Command } from '../types.js';
import { noticeCard } from '../views.js';
import { ADMIN_TEXT } from '../../render/messages/adminText.js';

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
    await ctx.reply(noticeCard(ADMIN_TEXT.cancelled));
  },
};
