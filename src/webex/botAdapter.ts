/**
 * The Webex side of the bot: webex-node-bot-framework in webhook or websocket mode, feeding
 * typed messages and card presses to the dispatcher; http/webhook.ts verifies what reaches it.
 */
import { createRequire } from 'node:module';
import type { Dispatcher } from '../bot/dispatcher.js';
import type { Actor, Space } from '../bot/types.js';
import type { WebexSdk } from './messenger.js';
import { BUNDLED, requireBundle } from '../vendorBundle.js';
import type { WebexClient } from './webexClient.js';

const require = createRequire(import.meta.url);

type FrameworkConstructor = new (config: Record<string, unknown>) => Framework;
type ProcessEvent = (framework: Framework, body: unknown) => Promise<unknown>;

/**
 * The framework's class and its webhook event handler, loaded on first use: compiled (dist/), from
 * the bundle the build made of them (vendorBundle.ts); from the sources, from node_modules.
 */
function frameworkModule(): { Framework: FrameworkConstructor; processEvent: ProcessEvent } {
  if (BUNDLED) return requireBundle('webex-framework') as { Framework: FrameworkConstructor; processEvent: ProcessEvent };
  return { Framework: require('webex-node-bot-framework') as FrameworkConstructor, processEvent: require('webex-node-bot-framework/lib/process-event') as ProcessEvent };
}

interface FrameworkTrigger {
  text?: string;
  message?: { id?: string; files?: string[] };
  person?: { emails?: string[]; id: string; type?: string };
  personId?: string;
  attachmentAction?: { id: string; messageId: string; inputs?: Record<string, unknown> };
}
interface FrameworkBot {
  room: { id: string; type: 'direct' | 'group' };
}
export interface Framework {
  webex: WebexSdk;
  person?: { displayName?: string; emails?: string[] };
  /** The bot's address, known once `start()` resolved; part of its webhooks' name. */
  email?: string;
  /** Its webhooks, as it registered them: it takes only events carrying this webhook's name. */
  webhook?: { name?: string } | false;
  cardsWebhook?: { name?: string };
  start(): Promise<unknown>;
  stop(): Promise<unknown>;
  /** Finds the spaces the bot is in, then emits `initialized`; `start()` runs it by itself. */
  initialize(): Promise<unknown>;
  hears(phrase: RegExp, action: (bot: FrameworkBot, trigger: FrameworkTrigger) => unknown): string;
  on(event: string, listener: (...args: never[]) => unknown): unknown;
  once(event: string, listener: (...args: unknown[]) => void): unknown;
}

export interface WebexBotOptions {
  token: string;
  webhookUrl?: string | undefined;
  webhookSecret?: string | undefined;
}

/** Start-up cannot go on: Webex refused the bot token. */
export class WebexStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebexStartError';
  }
}

/** The framework is loaded only now: the Webex SDK reads HYDRA_SERVICE_URL when first loaded. */
export function createFramework(options: WebexBotOptions): Framework {
  const { Framework: FrameworkClass } = frameworkModule();
  return new FrameworkClass({
    token: options.token,
    ...(options.webhookUrl ? { webhookUrl: options.webhookUrl } : {}),
    ...(options.webhookSecret ? { webhookSecret: options.webhookSecret } : {}),
    messageFormat: 'markdown',
  });
}

/** The REST API the SDK talks to: HYDRA_SERVICE_URL points it elsewhere (the local Webex, tests). */
export function webexApiBaseUrl(): string {
  return process.env.HYDRA_SERVICE_URL?.replace(/\/$/, '') ?? 'https://webexapis.com/v1';
}

function actorOf(trigger: FrameworkTrigger): Actor | undefined {
  const email = trigger.person?.emails?.[0];
  const personId = trigger.person?.id ?? trigger.personId;
  return email && personId ? { email: email.toLowerCase(), personId } : undefined;
}

/** The part of the Webex SDK the framework looks people up with. */
interface PeopleSdk {
  config: { people: { batcherWait: number } };
  people: { get(person: unknown): Promise<unknown> };
}

/** People looked up are kept this long (a person's address rarely changes) ... */
export const PEOPLE_CACHE_TTL_MS = 10 * 60_000;
/** ... and at most this many, the least recently used dropped first. */
export const PEOPLE_CACHE_SIZE = 1000;

/**
 * The framework looks up the author of every message and button press it reads (`people.get`,
 * twice per message), and the SDK holds each look-up 100 ms to batch it with others: a fixed wait
 * before every reply. Here a person is looked up once (then kept, bounded, for a while, or until
 * the look-up fails), and a look-up that must go to Webex waits the least the SDK allows (1 ms;
 * it refuses 0) for a batch. Call when the framework has just made its SDK (its `start` event),
 * before the first look-up: the SDK reads the wait then.
 */
export function cachePeopleLookups(webex: unknown, now: () => number = Date.now): void {
  const sdk = webex as PeopleSdk;
  sdk.config.people.batcherWait = 1;
  const lookUp = sdk.people.get.bind(sdk.people);
  const people = new Map<string, { person: Promise<unknown>; until: number }>();
  sdk.people.get = (id: unknown) => {
    // 'me' and person objects (the framework passes ids) go to the SDK as they are.
    if (typeof id !== 'string' || id === 'me') return lookUp(id);
    const known = people.get(id);
    people.delete(id);
    if (known && known.until > now()) {
      people.set(id, known);
      return known.person;
    }
    const person = lookUp(id);
    people.set(id, { person, until: now() + PEOPLE_CACHE_TTL_MS });
    if (people.size > PEOPLE_CACHE_SIZE) people.delete(people.keys().next().value!);
    person.catch(() => {
      if (people.get(id)?.person === person) people.delete(id);
    });
    return person;
  };
}

/** Routes what the framework hears to the dispatcher; nothing thrown here may reach the framework. */
export function connectDispatcher(framework: Framework, dispatcher: Dispatcher, log: (line: string) => void): void {
  framework.on('start', () => cachePeopleLookups(framework.webex));
  const spaceOf = (bot: FrameworkBot): Space => ({ id: bot.room.id, type: bot.room.type === 'direct' ? 'direct' : 'group' });
  framework.hears(/[\s\S]*/, (bot, trigger) => {
    const actor = actorOf(trigger);
    if (!actor || trigger.person?.type === 'bot') return;
    const messageId = trigger.message?.id;
    if (!messageId) return;
    dispatcher.onText(actor, spaceOf(bot), trigger.text ?? '', trigger.message?.files ?? [], messageId).catch((e: unknown) => log(`message handling failed: ${(e as Error).message}`));
  });
  framework.on('attachmentAction', (bot: FrameworkBot, trigger: FrameworkTrigger) => {
    const actor = actorOf(trigger);
    const action = trigger.attachmentAction;
    if (!actor || !action) return;
    dispatcher
      .onPress(actor, spaceOf(bot), { id: action.id, messageId: action.messageId, inputs: action.inputs ?? {} })
      .catch((e: unknown) => log(`button handling failed: ${(e as Error).message}`));
  });
}

/** The name the framework gives both its webhooks (framework.js): base64 of "<host of the URL> <bot email>". */
export function frameworkWebhookName(webhookUrl: string, botEmail: string): string {
  return Buffer.from(`${webhookUrl.split('/')[2]} ${botEmail}`).toString('base64');
}

/** Whether a webhook name is one the framework gives this bot's webhooks, at whatever host (an earlier URL). */
export function isFrameworkWebhookName(name: string, botEmail: string): boolean {
  const decoded = Buffer.from(name, 'base64').toString('utf8');
  return decoded.endsWith(` ${botEmail}`) && Buffer.from(decoded).toString('base64') === name;
}

/**
 * The SDK calls the framework makes on its own: at start its spaces, and for each webhook event
 * the message or button press it announces.
 */
interface FrameworkStartupSdk {
  memberships: Record<'list', (...args: unknown[]) => Promise<unknown>>;
  messages: Record<'get', (...args: unknown[]) => Promise<unknown>>;
  attachmentActions: Record<'get', (...args: unknown[]) => Promise<unknown>>;
}

export interface FrameworkCallHooks {
  /** While true, a call that still fails after its retries never settles (see below). */
  dropping(): boolean;
  /** A call failed after its retries; `dropped`: it was left pending. */
  gaveUp(what: string, error: unknown, dropped: boolean): void;
  /** A message or press a webhook announced could not be read: the framework drops it without a word. */
  unread(what: string, error: unknown): void;
}

/**
 * Puts the calls the framework makes by itself (it retries nothing, and hangs on a request that is
 * never answered) under the outgoing-call policy. Call right after `framework.start()`: its
 * first, synchronous part creates `framework.webex`. The framework finds its spaces on a promise
 * chain nobody handles, so a call failing for good at start would be an unhandled rejection;
 * while `hooks.dropping()` such a call is reported and left pending instead, and the start-up
 * check repairs what the framework left undone.
 */
export function retryFrameworkCalls(framework: Framework, client: WebexClient, hooks: FrameworkCallHooks): void {
  const sdk = framework.webex as unknown as FrameworkStartupSdk;
  const listSpaces = sdk.memberships.list.bind(sdk.memberships);
  sdk.memberships.list = async (...args: unknown[]) => {
    try {
      return await client.call('list the spaces', () => listSpaces(...args), { method: 'GET' });
    } catch (error) {
      const dropped = hooks.dropping();
      hooks.gaveUp('list the spaces', error, dropped);
      if (!dropped) throw error;
      return new Promise<never>(() => undefined);
    }
  };
  // The framework waits for ever on a read never answered, and drops an event it cannot read
  // without a word: under the policy the read has a deadline, and `unread` says what was lost.
  const readOnEvent = (api: Record<'get', (...args: unknown[]) => Promise<unknown>>, what: string) => {
    const original = api.get.bind(api);
    api.get = (...args: unknown[]) =>
      client.call(what, () => original(...args), { method: 'GET' }).catch((error: unknown) => {
        hooks.unread(what, error);
        throw error;
      });
  };
  readOnEvent(sdk.messages, 'read a message a webhook announced (the command was not run)');
  readOnEvent(sdk.attachmentActions, 'read a button press a webhook announced (it was not acted on)');
}

interface WebhooksSdk {
  list(...args: unknown[]): Promise<{ items: unknown[] }>;
  create(webhook: Record<string, unknown>): Promise<unknown>;
  remove(...args: unknown[]): Promise<unknown>;
}

/**
 * The framework in webhook mode deletes the token's webhooks when it starts and when it stops,
 * then creates its own: with several instances behind one URL, one restarting would silence the
 * others for a while, one stopping for good. Here its webhook calls never reach Webex: it lists
 * none (so deletes none) and a create hands back what it asked for (the name is all it reads).
 * WebexConnection registers, checks and repairs the real ones. Call right after `framework.start()`.
 */
export function keepFrameworkOffWebhooks(framework: Framework): void {
  const webhooks = (framework.webex as unknown as { webhooks: WebhooksSdk }).webhooks;
  webhooks.list = () => Promise.resolve({ items: [] });
  webhooks.create = (webhook) => Promise.resolve({ ...webhook });
  webhooks.remove = () => Promise.resolve();
}

/** Hands one webhook event (already verified) to the framework, as its own webhook handler would. */
export function frameworkWebhookDelivery(framework: Framework): (event: unknown) => Promise<unknown> {
  const { processEvent } = frameworkModule();
  return (event) => Promise.resolve(processEvent(framework, event));
}
