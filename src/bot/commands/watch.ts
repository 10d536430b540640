import { BOT_TEXT } from '../../messages.js';
import { WATCH_TEXT } from '../../messages.js';
import { usageError } from '../args.js';
import type { Command } from '../types.js';

export const watchCommand: Command = {
  name: 'watch',
  phrases: ['watch', 'notifications', 'alerts'],
  access: 'admin',
  usage: 'watch here|off',
  example: 'watch here',
  summary: 'make this space get every status change and admin action (or stop)',
  async run(ctx) {
    const { service } = ctx.deps;
    const arg = ctx.args.toLowerCase();
    if (arg === '') {
      const current = service.settings().watchSpaceId;
      return ctx.reply({ markdown: WATCH_TEXT.watchState(current === ctx.space.id, Boolean(current)) });
    }
    if (arg === 'here' || arg === 'on') {
      await service.updateSettings(ctx.actor.email, { watchSpaceId: ctx.space.id });
      return ctx.reply({ markdown: WATCH_TEXT.watching });
    }
    if (arg === 'off' || arg === 'stop') {
      await service.updateSettings(ctx.actor.email, { watchSpaceId: undefined });
      return ctx.reply({ markdown: WATCH_TEXT.notWatching });
    }
    return usageError(ctx, this, BOT_TEXT.notWatchArg(ctx.args));
  },
};
