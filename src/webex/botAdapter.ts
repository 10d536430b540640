/**
 * The Webex side of the bot: webex-node-bot-framework in webhook or websocket mode, feeding
 * typed messages and card presses to the dispatcher; http/webhook.ts verifies what reaches it.
 */
import { createRequire } from 'node:module';
import type { Dispatcher } from '../bot/dispatcher.js';
import type { Actor, Space } from '../bot/types.js';
import type { WebexSdk } from './messenger.js';

const require = createRequire(import.meta.url);

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
  start(): Promise<unknown>;
  stop(): Promise<unknown>;
  hears(phrase: RegExp, action: (bot: FrameworkBot, trigger: FrameworkTrigger) => unknown): string;
  on(event: string, listener: (...args: never[]) => unknown): unknown;
  once(event: string, listener: (...args: unknown[]) => void): unknown;
}

export interface WebexBotOptions {
  token: string;
  webhookUrl?: string;
  webhookSecret?: string;
  log: (line: string) => void;
  /** How long start-up may wait for Webex before giving up. */
  startTimeoutMs?: number;
}

export class WebexStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebexStartError';
  }
}

/** The framework is loaded only now: the Webex SDK reads HYDRA_SERVICE_URL when first loaded. */
export function createFramework(options: WebexBotOptions): Framework {
  const FrameworkClass = require('webex-node-bot-framework') as new (config: Record<string, unknown>) => Framework;
  return new FrameworkClass({
    token: options.token,
    ...(options.webhookUrl ? { webhookUrl: options.webhookUrl } : {}),
    ...(options.webhookSecret ? { webhookSecret: options.webhookSecret } : {}),
    messageFormat: 'markdown',
  });
}

function actorOf(trigger: FrameworkTrigger): Actor | undefined {
  const email = trigger.person?.emails?.[0];
  const personId = trigger.person?.id ?? trigger.personId;
  return email && personId ? { email: email.toLowerCase(), personId } : undefined;
}

/** Routes what the framework hears to the dispatcher; nothing thrown here may reach the framework. */
export function connectDispatcher(framework: Framework, dispatcher: Dispatcher, log: (line: string) => void): void {
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

/** Starts the framework; a wrong token or an unreachable Webex ends in one clear error. */
export async function startFramework(framework: Framework, options: WebexBotOptions): Promise<void> {
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Webex did not answer within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  const initialized = new Promise<void>((resolve) => framework.once('initialized', () => resolve()));
  try {
    await Promise.race([framework.start().then(() => initialized), timeout]);
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    const reason =
      status === 401 || status === 403
        ? 'Webex refused WEBEX_BOT_TOKEN (check that it is the bot\'s access token)'
        : `cannot reach Webex: ${(error as Error).message?.split('\n')[0] ?? String(error)}`;
    throw new WebexStartError(reason);
  } finally {
    clearTimeout(timer);
  }
}

/** Hands one webhook event (already verified) to the framework, as its own webhook handler would. */
export function frameworkWebhookDelivery(framework: Framework): (event: unknown) => Promise<unknown> {
  const processEvent = require('webex-node-bot-framework/lib/process-event') as (framework: Framework, body: unknown) => Promise<unknown>;
  return (event) => Promise.resolve(processEvent(framework, event));
}
