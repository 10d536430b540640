/** Argument checks shared by commands: a wrong argument gets its own answer, naming the right form. */
import { emailProblem, normalizeEmail } from '../domain/email.js';
import type { DeviceView } from '../domain/types.js';
import type { Command, CommandContext } from './types.js';
import { confirmCard, deviceCard, deviceVersion, noticeCard, type Confirmation } from './views.js';
import { adminText } from '../render/messages/adminText.js';
import { commandText } from '../render/messages/commandText.js';
import { languageHere } from './language.js';

export async function usageError(ctx: CommandContext, command: Pick<Command, 'usage' | 'example'>, problem: string): Promise<void> {
  await ctx.say({ markdown: commandText(languageHere(ctx)).usage(problem, command.usage, command.example) });
}

/** The one email argument a command takes, or an answer saying what is wrong. */
export async function emailArg(ctx: CommandContext, command: Pick<Command, 'usage' | 'example'>): Promise<string | undefined> {
  const words = commandText(languageHere(ctx));
  const [first, ...rest] = ctx.args.split(' ').filter(Boolean);
  if (!first) return void (await usageError(ctx, command, words.missingEmail));
  const email = first.replace(/^mailto:/i, '');
  const problem = emailProblem(email);
  if (problem) return void (await usageError(ctx, command, words.notEmail(first, problem)));
  if (rest.length > 0) return void (await usageError(ctx, command, words.extraWords(rest.join(' '))));
  const normalized = normalizeEmail(email);
  if (ctx.botEmails.includes(normalized)) return void (await usageError(ctx, command, words.notYourself));
  return normalized;
}

/**
 * A press on a device card acts only if the card still shows the device as it is: otherwise
 * nothing happens and the card is refreshed, unless an earlier press already replaced it with its
 * outcome (a double click or a late second press must not overwrite what was done).
 */
export async function currentDevice(ctx: CommandContext, email: string): Promise<DeviceView | undefined> {
  const view = ctx.deps.service.deviceOf(email);
  const press = ctx.press;
  if (!press?.data.deviceId) return view;
  const gone = !view || view.id !== press.data.deviceId;
  if (!gone && press.data.version === deviceVersion(view)) return view;
  if (press.cardAnswered) {
    ctx.deps.log(`a late press on card ${press.messageId} changed nothing; the card keeps the outcome it shows`);
    return undefined;
  }
  const lang = languageHere(ctx);
  const words = adminText(lang);
  await ctx.refresh(gone ? noticeCard(words.deviceGone(email)) : deviceCard(view, lang, words.outdatedCard(email)));
  return undefined;
}

/**
 * The device a destructive command acts on, once confirmed: typed, it posts a confirmation card
 * (whose button runs the command again with confirm=yes) and returns nothing.
 */
export async function confirmedDevice(
  ctx: CommandContext,
  email: string,
  confirmation: Confirmation,
): Promise<DeviceView | undefined> {
  const view = await currentDevice(ctx, email);
  if (!view) {
    if (!ctx.press?.data.deviceId) await ctx.reply({ markdown: adminText(languageHere(ctx)).noDevice(email) });
    return undefined;
  }
  // Only a Yes from a confirmation card, which names the device it asked about, acts at once.
  if (ctx.press?.data.confirm === 'yes' && ctx.press.data.deviceId) return view;
  await ctx.say(confirmCard(view, confirmation, languageHere(ctx)));
  return undefined;
}
