/**
 * One FakeWebex for the whole mocha process, and helpers to run the real
 * webex-node-bot-framework against it in webhook mode.
 *
 * The Webex SDK reads HYDRA_SERVICE_URL once, when it is first loaded, so this module sets it
 * (synchronously) the moment it is evaluated. Import it before any module that loads the
 * framework, e.g. as the first import of a test file:
 *
 *   import { sharedFakeWebex, startFramework } from './support/sharedFakeWebex.js';
 *   import { createApp } from '../src/app.js';   // may load the framework: fine, it comes after
 *
 * If the framework was loaded first, sharedFakeWebex() and startFramework() reject and say so.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response } from 'express';
import { FakeWebex } from '../../src/localwebex/fakeWebex.js';

export const TEST_BOT_TOKEN = 'test-bot-token';
export const TEST_BOT_EMAIL = 'gobot@webex.bot';
export const TEST_BOT_NAME = 'GoBot';

const require = createRequire(import.meta.url);

const frameworkAlreadyLoaded = Object.keys(require.cache).some((path) =>
  /[\\/]node_modules[\\/](webex|webex-node-bot-framework)[\\/]/.test(path),
);

/**
 * The URL must exist before the server does (see above), so a free loopback port is found now,
 * synchronously, by a short-lived child process; the fake listens on it right after.
 */
const port = Number(
  execFileSync(
    process.execPath,
    ['-e', "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})"],
    { encoding: 'utf8' },
  ),
);
const url = `http://127.0.0.1:${port}`;
const hydraUrl = `${url}/v1`;
process.env.HYDRA_SERVICE_URL = hydraUrl;
// The SDK does not need the u2c catalog for a bot in webhook mode; it may ask and get a 404.
process.env.U2C_SERVICE_URL = `${url}/u2c/api/v1`;

/** Lines the fake logged (failed webhook deliveries, mostly): kept quiet, readable when debugging. */
export const fakeWebexLog: string[] = [];

const fake = new FakeWebex({
  botToken: TEST_BOT_TOKEN,
  botEmail: TEST_BOT_EMAIL,
  botDisplayName: TEST_BOT_NAME,
  log: (line) => fakeWebexLog.push(line),
});
const listening = fake.listen(port);
// Surface a failure where it is awaited, not as an unhandled rejection at import time.
listening.catch(() => undefined);

/** The one FakeWebex of this process (bot token TEST_BOT_TOKEN), listening on loopback. */
export async function sharedFakeWebex(): Promise<{ fake: FakeWebex; url: string; hydraUrl: string }> {
  if (frameworkAlreadyLoaded) {
    throw new Error(
      'webex-node-bot-framework was loaded before test/support/sharedFakeWebex.ts could point ' +
        'HYDRA_SERVICE_URL at the fake: import the support module first (or load the framework lazily).',
    );
  }
  await listening;
  return { fake, url, hydraUrl };
}

// ------------------------------------------------------------------ the real framework

/** What tests use of webex-node-bot-framework (it ships no types). */
export interface FrameworkMessage {
  id: string;
  roomId: string;
  text?: string;
  markdown?: string;
  files?: string[];
  personId: string;
  personEmail: string;
}
export interface FrameworkTrigger {
  type: 'message' | 'attachmentAction';
  id: string;
  text?: string;
  args: string[];
  message?: FrameworkMessage & { mentionedPeople?: string[] };
  attachmentAction?: { id: string; messageId: string; personId: string; roomId: string; inputs: Record<string, unknown> };
  person: { id: string; emails: string[]; displayName: string };
  personId: string;
}
export interface FrameworkBot {
  room: { id: string; title: string; type: 'direct' | 'group' };
  isDirect: boolean;
  isGroup: boolean;
  say(message: string | Record<string, unknown>): Promise<FrameworkMessage>;
  say(format: 'text' | 'markdown', message: string): Promise<FrameworkMessage>;
  reply(replyTo: string | object, message: string | Record<string, unknown>): Promise<FrameworkMessage>;
  sendCard(card: object, fallbackText: string): Promise<FrameworkMessage>;
  dm(person: string, message: string | Record<string, unknown>): Promise<FrameworkMessage>;
}
export type FrameworkListener = (...args: any[]) => void;
export interface BotFramework {
  start(): Promise<unknown>;
  stop(): Promise<unknown>;
  hears(phrase: string | RegExp, action: (bot: FrameworkBot, trigger: FrameworkTrigger) => void, helpText?: string): string;
  clearHears(id: string): void;
  on(event: string, listener: FrameworkListener): this;
  once(event: string, listener: FrameworkListener): this;
  removeListener(event: string, listener: FrameworkListener): this;
  getBotByRoomId(roomId: string): FrameworkBot | undefined;
  bots: FrameworkBot[];
  initialized: boolean;
}

type FrameworkConstructor = new (options: Record<string, unknown>) => BotFramework;
type WebhookHandlerFactory = (framework: BotFramework) => (req: Request, res: Response) => Promise<unknown>;

/** A framework running in webhook mode against the shared fake, with its webhook receiver. */
export interface RunningFramework {
  framework: BotFramework;
  /** Where the fake delivers webhooks: a loopback express server feeding the framework. */
  webhookUrl: string;
  /** Raw bodies and signatures of the deliveries the receiver got, oldest first. */
  deliveries: Array<{ rawBody: string; signature: string | undefined }>;
}

const receivers = new WeakMap<BotFramework, Server>();

/**
 * Starts the real framework against the shared fake in webhook mode: a loopback express
 * server receives the webhooks (keeping each raw body) and hands them to the framework's own
 * webhook handler. Resolves once the framework emitted `initialized` AND both of its webhooks
 * exist on the fake: `start()` resolves after `GET people/me` alone and registers the webhooks
 * without waiting, so events sent before that would be lost.
 */
export async function startFramework(options: {
  webhookSecret?: string;
  token?: string;
  /** More framework options (messageFormat, membership rules, ...). */
  frameworkOptions?: Record<string, unknown>;
  timeoutMs?: number;
} = {}): Promise<RunningFramework> {
  await sharedFakeWebex();
  const Framework = require('webex-node-bot-framework') as FrameworkConstructor;
  const webhookHandler = require('webex-node-bot-framework/webhook') as WebhookHandlerFactory;

  const deliveries: RunningFramework['deliveries'] = [];
  let handle: ((req: Request, res: Response) => Promise<unknown>) | undefined;
  const app = express();
  app.post(
    '/webhook',
    express.json({
      verify: (req, _res, buf) => {
        deliveries.push({ rawBody: buf.toString('utf8'), signature: req.headers['x-spark-signature'] as string | undefined });
      },
    }),
    (req, res) => void handle?.(req, res),
  );
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;

  const framework = new Framework({
    token: options.token ?? TEST_BOT_TOKEN,
    webhookUrl,
    ...(options.webhookSecret === undefined ? {} : { webhookSecret: options.webhookSecret }),
    ...options.frameworkOptions,
  });
  handle = webhookHandler(framework);
  receivers.set(framework, server);
  const initialized = new Promise<void>((resolve) => framework.once('initialized', () => resolve()));
  const timeoutMs = options.timeoutMs ?? 10_000;
  try {
    await framework.start();
    await withTimeout(initialized, timeoutMs, 'the framework to emit "initialized"');
    // The framework creates a firehose webhook, then one for attachmentActions.
    await waitUntil(
      () => fake.webhooks().filter((w) => w.targetUrl === webhookUrl).length >= 2,
      timeoutMs,
      'the framework to register its webhooks',
    );
  } catch (error) {
    await closeServer(server);
    receivers.delete(framework);
    throw error;
  }
  return { framework, webhookUrl, deliveries };
}

/** Stops the framework (it deletes its webhooks on the fake) and its webhook receiver. */
export async function stopFramework(framework: BotFramework): Promise<void> {
  await framework.stop();
  const server = receivers.get(framework);
  receivers.delete(framework);
  if (server) await closeServer(server);
}

/**
 * The next bot the framework spawns that matches, e.g. `(bot) => bot.room.title === 'Admins'`.
 * Call it before creating the space. Wait for it before writing in a new group space: the
 * framework drops a message that arrives while it is still spawning the bot for that space.
 */
export function nextSpawn(framework: BotFramework, matches: (bot: FrameworkBot) => boolean): Promise<FrameworkBot> {
  return new Promise((resolve) => {
    const onSpawn = (bot: FrameworkBot) => {
      if (!matches(bot)) return;
      framework.removeListener('spawn', onSpawn);
      resolve(bot);
    };
    framework.on('spawn', onSpawn);
  });
}

async function waitUntil(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
