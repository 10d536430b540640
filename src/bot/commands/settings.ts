import type { SettingsPatch } from '../../domain/service.js';
import { usageError } from '../args.js';
import type { Command } from '../types.js';
import { settingsCard } from '../views.js';
import { ADMIN_TEXT } from '../../render/messages/adminText.js';
import { COMMAND_TEXT } from '../../render/messages/commandText.js';

const ON = ['on', 'yes', 'true'];
const OFF = ['off', 'no', 'false'];

/** Reads "notify off", "licenses 50", "ttl 30", "smdp host": a patch, or what is wrong. */
function parsePatch(args: string): SettingsPatch | string {
  const [name, value, ...rest] = args.toLowerCase().split(' ');
  if (rest.length > 0) return COMMAND_TEXT.extraWords(rest.join(' '));
  if (value === undefined) return COMMAND_TEXT.settingNeedsValue(name);
  switch (name) {
    case 'notify':
      if (ON.includes(value)) return { notifyUsers: true };
      if (OFF.includes(value)) return { notifyUsers: false };
      return COMMAND_TEXT.notifyOnOff(value);
    case 'licenses':
    case 'license':
      return /^\d+$/.test(value) ? { licenses: Number(value) } : COMMAND_TEXT.licensesNumber(value);
    case 'ttl':
      return /^\d+$/.test(value) ? { codeTtlDays: Number(value) } : COMMAND_TEXT.ttlNumber(value);
    case 'smdp':
      return { smdpAddress: value.toUpperCase() };
    default:
      return COMMAND_TEXT.notASetting(name);
  }
}

export const settingsCommand: Command = {
  name: 'settings',
  phrases: ['settings', 'setting', 'config'],
  access: 'admin',
  audit: 'settings',
  usage: 'settings [notify on|off | licenses <number> | ttl <days> | smdp <host>]',
  example: 'settings notify off',
  summary: 'show or change the org settings',
  async run(ctx) {
    if (!ctx.args) return ctx.reply(settingsCard(ctx.deps.service.settings(), ADMIN_TEXT.settingsTitle));
    const patch = parsePatch(ctx.args);
    if (typeof patch === 'string') return usageError(ctx, this, patch);
    const saved = await ctx.deps.service.updateSettings(ctx.actor.email, patch);
    await ctx.reply(settingsCard(saved));
  },
};
