import type { Command } from '../types.js';
import { userText } from '../../render/messages/userText.js';
import { languageHere } from '../language.js';

export const resendCommand: Command = {
  name: 'resend',
  phrases: ['resend', 'send again', 'resend code', 'send code', 'my code', 'изпрати отново', 'моят код'],
  access: 'anyone',
  usage: 'resend',
  example: 'resend',
  async run(ctx) {
    const { service, messenger, qrPng } = ctx.deps;
    const here = userText(languageHere(ctx));
    if (!service.settings().notifyUsers) return ctx.reply({ markdown: here.resendSuppressed });
    const details = service.currentActivation(ctx.actor.email);
    if (!details) return ctx.reply({ markdown: here.resendNone });
    const file = { filename: 'webex-go-qr.png', contentType: 'image/png', data: await qrPng(details.qrPayload) };
    // Always to the caller's own 1:1, wherever they asked.
    await messenger.dm(details.email, { markdown: userText(service.languageOf({ person: details.email })).activation('assign', details), file });
    if (ctx.space.type === 'group') await ctx.reply({ markdown: here.resendSent });
  },
};
