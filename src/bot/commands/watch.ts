import { usageError } from '../args.js';
import type { Command } from '../types.js';
import { COMMAND_TEXT } from '../../render/messages/commandText.js';
import { WATCH_TEXT } from '../../render/messages/watchText.js';

export const watchCommand: Command = {
  name: 'watch',
  phrases: ['watch', 'notifications', 'alerts'],
  access: 'admin',
  audit: 'watch',
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
    return usageError(ctx, this, COMMAND_TEXT.notWatchArg(ctx.args));
  },
};
