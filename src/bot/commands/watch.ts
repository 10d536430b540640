import { usageError } from '../args.js';
import type { Command } from '../types.js';
import { commandText } from '../../render/messages/commandText.js';
import { watchText } from '../../render/messages/watchText.js';
import { languageHere } from '../language.js';

export const watchCommand: Command = {
  name: 'watch',
  phrases: ['watch', 'notifications', 'alerts', 'наблюдавай', 'наблюдение'],
  access: 'admin',
  audit: 'watch',
  usage: 'watch here|off',
  example: 'watch here',
  async run(ctx) {
    const { service } = ctx.deps;
    const arg = ctx.args.toLowerCase();
    const words = watchText(languageHere(ctx));
    if (arg === '') {
      const current = service.settings().watchSpaceId;
      return ctx.reply({ markdown: words.watchState(current === ctx.space.id, Boolean(current)) });
    }
    if (arg === 'here' || arg === 'on') {
      await service.updateSettings(ctx.actor.email, { watchSpaceId: ctx.space.id });
      return ctx.reply({ markdown: words.watching });
    }
    if (arg === 'off' || arg === 'stop') {
      await service.updateSettings(ctx.actor.email, { watchSpaceId: undefined });
      return ctx.reply({ markdown: words.notWatching });
    }
    return usageError(ctx, this, commandText(languageHere(ctx)).notWatchArg(ctx.args));
  },
};
