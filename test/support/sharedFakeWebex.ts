/**
 * One FakeWebex for the whole mocha process, and helpers to run the real
 * webex-node-bot-framework against it in webhook mode. Only end-to-end test files import it
 * (the unit tier must not: evaluating it starts a server).
 *
 * The Webex SDK reads HYDRA_SERVICE_URL once, when it is first loaded, so this module sets it
 * while it is evaluated. Import it before any module that loads the framework, e.g. as the
 * first import of a test file:
 *
 *   import { sharedFakeWebex, startFramework } from './support/sharedFakeWebex.js';
 *   import { createApp } from '../src/app.js';   // may load the framework: fine, it comes after
 *
 * If the framework was loaded first, sharedFakeWebex() and startFramework() reject and say so.
 */
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response } from 'express';
import { FakeWebex, type Change } from '../../src/localwebex/fakeWebex.js';

// Shaped like a Webex token (three fields joined by _), or the SDK logs that it is not.
export const TEST_BOT_TOKEN = 'test_bot_token';
export const TEST_BOT_EMAIL = 'gobot@webex.bot';
export const TEST_BOT_NAME = 'GoBot';
/** What the shared fake's simulated org accepts as its admin's token (org mode's WEBEX_ORG_TOKEN). */
export const TEST_ORG_TOKEN = 'test_org_admin_token';

const require = createRequire(import.meta.url);

const frameworkAlreadyLoaded = Object.keys(require.cache).some((path) =>
  /[\\/]node_modules[\\/](webex|webex-node-bot-framework)[\\/]/.test(path),
);

/** Lines the fake logged (failed webhook deliveries, mostly): kept quiet, readable when debugging. */
export const fakeWebexLog: string[] = [];

const fake = new FakeWebex({
  botToken: TEST_BOT_TOKEN,
  botEmail: TEST_BOT_EMAIL,
  botDisplayName: TEST_BOT_NAME,
  orgAdminToken: TEST_ORG_TOKEN,
  orgActivatingMs: 0,
  log: (line) => fakeWebexLog.push(line),
});
// Top-level await: every module importing this one runs after the fake listens and the URLs are set.
const { url } = await fake.listen();
const hydraUrl = `${url}/v1`;
process.env.HYDRA_SERVICE_URL = hydraUrl;
// The SDK asks the u2c catalog where Webex lives; the fake answers: here.
process.env.U2C_SERVICE_URL = hydraUrl;

/**
 * The SDK holds every people look-up for 100 ms to batch it with others (the framework looks up
 * the author of each message it reads): against Webex that saves requests, against a loopback
 * fake it is only waiting, most of an e2e test's time. 1 ms keeps the batching (the SDK refuses
 * 0). Like the URLs, it is read when the SDK is first loaded.
 */
const sdkRequire = createRequire(createRequire(require.resolve('webex-node-bot-framework')).resolve('webex'));
(sdkRequire('@webex/plugin-people/dist/config') as { default: { people: { batcherWait: number } } }).default.people.batcherWait = 1;

/** The one FakeWebex of this process (bot token TEST_BOT_TOKEN), listening on loopback. */
export async function sharedFakeWebex(): Promise<{ fake: FakeWebex; url: string; hydraUrl: string }> {
  if (frameworkAlreadyLoaded) {
    throw new Error(
      'webex-node-bot-framework was loaded before test/support/sharedFakeWebex.ts could point ' +
        'HYDRA_SERVICE_URL at the fake: import the support module first (or load the framework lazily).',
    );
  }
  recordFrameworkStarts();
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
  /** False once stopped. */
  active: boolean;
  options: { webhookUrl?: string };
}

type FrameworkConstructor = (new (options: Record<string, unknown>) => BotFramework) & { prototype: BotFramework };

/**
 * Every framework started in this process, oldest first. The app builds its framework inside
 * itself; wrapping `start` lets the harness find it (frameworkAt) and wait on its events.
 */
const startedFrameworks: BotFramework[] = [];
let recordingStarts = false;

function recordFrameworkStarts(): void {
  if (recordingStarts) return;
  recordingStarts = true;
  const { prototype } = require('webex-node-bot-framework') as FrameworkConstructor;
  const start = prototype.start;
  prototype.start = function (this: BotFramework) {
    startedFrameworks.push(this);
    return start.call(this);
  };
}

/** The running framework whose webhooks target this URL (the newest, should one have been restarted). */
export function frameworkAt(webhookUrl: string): BotFramework {
  const framework = startedFrameworks.filter((f) => f.active && f.options.webhookUrl === webhookUrl).at(-1);
  if (!framework) throw new Error(`no running framework has its webhooks at ${webhookUrl}`);
  return framework;
}

/**
 * Resolves once the framework emitted `initialized` AND both of its webhooks (everything, then
 * attachmentActions) target `webhookUrl` on the fake: `start()` resolves after `GET people/me`
 * alone and registers the webhooks without waiting, so events sent before that would be lost.
 */
export async function frameworkListening(framework: BotFramework, webhookUrl: string, timeoutMs = 10_000): Promise<void> {
  if (!framework.initialized) {
    await withTimeout(
      new Promise<void>((resolve) => framework.once('initialized', () => resolve())),
      timeoutMs,
      'the framework to emit "initialized"',
    );
  }
  const registered = () => fake.webhooks().filter((w) => w.targetUrl === webhookUrl).length >= 2;
  if (registered()) return;
  let onChange: ((change: Change) => void) | undefined;
  try {
    await withTimeout(
      new Promise<void>((resolve) => {
        onChange = (change) => {
          if (change.kind === 'webhook' && registered()) resolve();
        };
        fake.on('change', onChange);
      }),
      timeoutMs,
      `the framework to register its webhooks at ${webhookUrl}`,
    );
  } finally {
    if (onChange) fake.off('change', onChange);
  }
}
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
 * webhook handler. Resolves once the framework listens (frameworkListening).
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
  try {
    await framework.start();
    await frameworkListening(framework, webhookUrl, options.timeoutMs);
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

/** The framework's bot in a space: at once if spawned, else when it spawns. */
export async function botInSpace(framework: BotFramework, roomId: string, timeoutMs = 10_000): Promise<FrameworkBot> {
  const existing = framework.getBotByRoomId(roomId);
  if (existing) return existing;
  let onSpawn: FrameworkListener | undefined;
  try {
    return await withTimeout(
      new Promise<FrameworkBot>((resolve) => {
        onSpawn = (bot: FrameworkBot) => {
          if (bot.room.id === roomId) resolve(bot);
        };
        framework.on('spawn', onSpawn);
      }),
      timeoutMs,
      `the framework to spawn its bot in space ${roomId}`,
    );
  } finally {
    if (onSpawn) framework.removeListener('spawn', onSpawn);
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
