import { randomUUID } from 'node:crypto';
import { isRefusal } from '../domain/refusal.js';
import { DeliveryTakenOver } from '../domain/repository.js';
import { Deliveries, deliveryTimings } from './deliveries.js';
import { LEASE_TIMINGS } from './periodicPass.js';
import type { OutgoingMessage } from './ports.js';
import { originSpace } from './notifier.js';
import { matchCommand, normalize, repeatable, suggestCommand, visibleCommands } from './parse.js';
import type { Actor, BotDeps, ButtonData, Command, CommandContext, Space } from './types.js';
import { commandText } from '../render/messages/commandText.js';
import { refusalMessage } from '../render/messages/refusals.js';
import { languageHere } from './language.js';

/** Cards remembered as answered by a press. */
const REMEMBERED_CARDS = 1000;

export interface IncomingPress {
  /** The attachment action's id: the same press delivered twice has the same id. */
  id: string;
  messageId: string;
  inputs: Record<string, unknown>;
}

/** Adds to a set that keeps only the newest REMEMBERED_CARDS entries. */
function remember(set: Set<string>, id: string): void {
  set.add(id);
  if (set.size > REMEMBERED_CARDS) set.delete(set.values().next().value!);
}

/**
 * Every way in — typed text and card buttons — goes through here: find the command, check the
 * caller may run it (deny by default), run it, and answer every failure in words.
 */
export class Dispatcher {
  /** Cards a press replaced with its outcome (by message id). */
  private readonly answeredCards = new Set<string>();
  /** Presses still running, per device (or card): the next one waits, then sees what the last one did. */
  private readonly pressesRunning = new Map<string, Promise<void>>();

  constructor(
    private readonly deps: BotDeps,
    private readonly commands: Command[],
    /** The bot's own names (as people @mention it) and addresses, once Webex has said. */
    private readonly bot: () => { names: string[]; emails: string[] },
    /** Which deliveries this instance acts on (by default as an instance of its own, for a store nobody else shares). */
    private readonly deliveries: Deliveries = new Deliveries(deps.service, `dispatcher/${randomUUID()}`, deps.log, deliveryTimings(LEASE_TIMINGS)),
  ) {}

  /**
   * `files` are the URLs of files attached to the message (Webex allows one); `messageId` is
   * Webex's id of the message, the same when Webex delivers it again.
   */
  async onText(actor: Actor, space: Space, text: string, files: string[], messageId: string): Promise<void> {
    await this.deliveries.once(messageId, () => this.text(actor, space, text, files));
  }

  async onPress(actor: Actor, space: Space, press: IncomingPress): Promise<void> {
    await this.deliveries.once(press.id, () => this.press(actor, space, press));
  }

  private async text(actor: Actor, space: Space, text: string, files: string[]): Promise<void> {
    // Only the bot's name (a bare @mention) is a request for help.
    const typed = normalize(text, this.bot().names) || 'help';
    const match = matchCommand(typed, this.commands.filter((c) => c.listed !== false));
    if (!match) {
      const suggestion = suggestCommand(typed, visibleCommands(this.commands, this.deps.service.isAdmin(actor.email)));
      // Whoever typed it: a mistyped `deliver` holds a code, which is never repeated.
      const shown = repeatable(typed, this.commands.filter((c) => c.listed !== false));
      await this.safely(actor, space, undefined, (ctx) => ctx.reply({ markdown: commandText(languageHere(ctx)).unknownCommand(shown, suggestion) }));
      return;
    }
    await this.run(match.command, actor, space, match.args, undefined, files);
  }

  private async press(actor: Actor, space: Space, press: IncomingPress): Promise<void> {
    const data: ButtonData = {};
    for (const [key, value] of Object.entries(press.inputs)) if (typeof value === 'string') data[key] = value;
    const command = this.commands.find((c) => c.name === data.command);
    if (!command) {
      await this.safely(actor, space, undefined, (ctx) => ctx.reply({ markdown: commandText(languageHere(ctx)).unknownButton }));
      return;
    }
    // Two presses of one button at once (a double click) must not both pass the card's version
    // check before either acts: presses on the same device run one after the other.
    const key = data.deviceId ?? press.messageId;
    const previous = this.pressesRunning.get(key) ?? Promise.resolve();
    const current = previous.then(() =>
      this.run(command, actor, space, (data.args ?? '').replace(/\s+/g, ' ').trim(), {
        messageId: press.messageId,
        data,
        cardAnswered: this.answeredCards.has(press.messageId),
      }),
    );
    this.pressesRunning.set(key, current);
    try {
      await current;
    } finally {
      if (this.pressesRunning.get(key) === current) this.pressesRunning.delete(key);
    }
  }

  private async run(
    command: Command,
    actor: Actor,
    space: Space,
    args: string,
    press?: CommandContext['press'],
    files: string[] = [],
  ): Promise<void> {
    await this.safely(actor, space, press, async (ctx) => {
      if (command.access === 'admin' && !this.deps.service.isAdmin(actor.email)) {
        await this.deps.service.recordDenied(actor.email, command.audit, args.split(' ')[0]);
        await ctx.say({ markdown: commandText(languageHere(ctx)).notAdmin });
        return;
      }
      // Only admin commands replace the card pressed (admins' cards): anyone else's answer is a new message.
      const inPlace = command.access === 'admin';
      await originSpace.run(space.id, () =>
        command.run({ ...ctx, args, files, reply: inPlace ? ctx.reply : ctx.say, refresh: inPlace ? ctx.refresh : ctx.say }),
      );
    });
  }

  /** Runs a handler so that no failure escapes: refusals are answered, surprises logged and answered. */
  private async safely(
    actor: Actor,
    space: Space,
    press: CommandContext['press'],
    handler: (ctx: CommandContext) => Promise<void>,
  ): Promise<void> {
    const { messenger } = this.deps;
    const say = async (message: OutgoingMessage) => {
      await messenger.say(space.id, message);
    };
    const ctx: CommandContext = {
      deps: this.deps,
      botEmails: this.bot().emails.map((e) => e.toLowerCase()),
      actor,
      space,
      args: '',
      files: [],
      ...(press ? { press } : {}),
      say,
      reply: press
        ? async (message) => {
            await messenger.update(space.id, press.messageId, message);
            remember(this.answeredCards, press.messageId);
          }
        : say,
      refresh: press
        ? async (message) => {
            await messenger.update(space.id, press.messageId, message);
          }
        : say,
    };
    try {
      await handler(ctx);
    } catch (error) {
      // Another instance took the delivery over (this one's store lost touch): it answers, not this one.
      if (error instanceof DeliveryTakenOver) {
        this.deps.log(error.message);
        return;
      }
      const lang = languageHere(ctx);
      const answer = isRefusal(error) ? refusalMessage(error, lang) : commandText(lang).internalError;
      if (!isRefusal(error)) this.deps.log(`command failed: ${(error as Error)?.message ?? String(error)}`);
      await say({ markdown: answer }).catch((e: unknown) => this.deps.log(`could not answer in the space: ${(e as Error).message}`));
    }
  }
}
