/** Who reads in which language, where a command runs. */
import type { Language } from '../domain/types.js';
import type { CommandContext } from './types.js';

/** Why something failed, for a reader of `lang`: in their words when the error can say it so (a mail error can). */
export function reasonIn(error: unknown, lang: Language): string {
  const worded = error as { inLanguage?: (lang: Language) => string; message?: unknown } | null | undefined;
  if (typeof worded?.inLanguage === 'function') return worded.inLanguage(lang);
  return String(worded?.message ?? error);
}

/** The language of where a person acts: their own in a 1:1 with the bot, the space's in a group space. */
export function languageHere(ctx: Pick<CommandContext, 'deps' | 'space' | 'actor'>): Language {
  const { service } = ctx.deps;
  return ctx.space.type === 'direct' ? service.languageOf({ person: ctx.actor.email }) : service.languageOf({ space: ctx.space.id });
}
