import type { SettingsPatch } from '../../domain/service.js';
import { usageError } from '../args.js';
import type { Command } from '../types.js';
import { settingsCard } from '../views.js';
import { adminText } from '../../render/messages/adminText.js';
import { commandText } from '../../render/messages/commandText.js';
import { languageHere } from '../language.js';
import { ORG_CAPABILITIES, type CapabilityState, type OrgCapability } from '../orgPorts.js';
import { orgText } from '../../render/messages/orgText.js';

const ON = ['on', 'yes', 'true'];
const OFF = ['off', 'no', 'false'];

/** Reads "notify off", "licenses 50", "ttl 30", "smdp host": a patch, or what is wrong. */
function parsePatch(args: string, words: ReturnType<typeof commandText>): SettingsPatch | string {
  const [name, value, ...rest] = args.toLowerCase().split(' ');
  if (rest.length > 0) return words.extraWords(rest.join(' '));
  if (value === undefined) return words.settingNeedsValue(name);
  switch (name) {
    case 'notify':
      if (ON.includes(value)) return { notifyUsers: true };
      if (OFF.includes(value)) return { notifyUsers: false };
      return words.notifyOnOff(value);
    case 'licenses':
    case 'license':
      return /^\d+$/.test(value) ? { licenses: Number(value) } : words.licensesNumber(value);
    case 'ttl':
      return /^\d+$/.test(value) ? { codeTtlDays: Number(value) } : words.ttlNumber(value);
    case 'smdp':
      return { smdpAddress: value.toUpperCase() };
    default:
      return words.notASetting(name);
  }
}

export const settingsCommand: Command = {
  name: 'settings',
  phrases: ['settings', 'setting', 'config', 'настройки'],
  access: 'admin',
  audit: 'settings',
  usage: 'settings [notify on|off | licenses <number> | ttl <days> | smdp <host>]',
  example: 'settings notify off',
  async run(ctx) {
    const lang = languageHere(ctx);
    const words = adminText(lang);
    const org = ctx.deps.org;
    // Org mode: one line per capability, available or why not.
    const states = org?.capabilities();
    const orgView = states ? { capabilities: ORG_CAPABILITIES.map((c): [OrgCapability, CapabilityState] => [c, states[c]]) } : undefined;
    if (!ctx.args) return ctx.reply(settingsCard(ctx.deps.service.settings(), lang, words.settingsTitle, orgView));
    const patch = parsePatch(ctx.args, commandText(lang));
    if (typeof patch === 'string') return usageError(ctx, this, patch);
    // The org's pool is Control Hub's: never a typed number.
    if (org && patch.licenses !== undefined) return ctx.reply({ markdown: orgText(lang).settingsLicenses });
    const saved = await ctx.deps.service.updateSettings(ctx.actor.email, patch);
    await ctx.reply(settingsCard(saved, lang, undefined, orgView));
  },
};
