/** The language of where a person acts: their own in a 1:1 with the bot, the space's in a group space. */
import type { Language } from '../domain/types.js';
import type { CommandContext } from './types.js';

export function languageHere(ctx: Pick<CommandContext, 'deps' | 'space' | 'actor'>): Language {
  const { service } = ctx.deps;
  return ctx.space.type === 'direct' ? service.languageOf({ person: ctx.actor.email }) : service.languageOf({ space: ctx.space.id });
}
