import { DEVICE_STATUSES, type DeviceStatus } from '../../domain/types.js';
import { usageError } from '../args.js';
import type { Command } from '../types.js';
import { devicesCard } from '../views.js';
import { commandText } from '../../render/messages/commandText.js';
import { languageHere } from '../language.js';

const FILTER_WORDS: Record<string, DeviceStatus> = {
  pending: 'pending',
  online: 'online',
  offline: 'offline',
  'pending activation': 'pending',
  unknown: 'unknown',
  'status unknown': 'unknown',
};

export const devicesCommand: Command = {
  name: 'devices',
  phrases: ['devices', 'list', 'users', 'lines', 'устройства', 'потребители'],
  access: 'admin',
  audit: 'devices',
  usage: 'devices [pending|online|offline]',
  example: 'devices offline',
  async run(ctx) {
    const match = /^(?:(pending activation|pending|online|offline|status unknown|unknown)\s*)?(?:page\s+(\d{1,6}))?$/i.exec(ctx.args);
    if (!match) return usageError(ctx, this, commandText(languageHere(ctx)).notAStatus(ctx.args));
    const filter = match[1] ? FILTER_WORDS[match[1].toLowerCase()] : undefined;
    if (filter && !DEVICE_STATUSES.includes(filter)) return usageError(ctx, this, commandText(languageHere(ctx)).notAStatus(ctx.args));
    const page = match[2] ? Number(match[2]) : 1;
    const lang = languageHere(ctx);
    // Org mode: the devices as last read from the org, saying how old that is (and why, if Webex cannot be read now).
    const org = ctx.deps.org;
    const source = org ? [org.blocked('status', lang), org.asOf(lang)].filter(Boolean).join(' ') : undefined;
    await ctx.reply(devicesCard(ctx.deps.service.devices(filter), filter, page, lang, source));
  },
};
