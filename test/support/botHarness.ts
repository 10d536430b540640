/**
 * Runs the whole app — real framework in webhook mode — against the shared fake Webex, as
 * production would run against Webex.
 */
import { botInSpace, frameworkAt, frameworkListening, sharedFakeWebex, TEST_BOT_EMAIL, TEST_BOT_TOKEN, TEST_ORG_TOKEN } from './sharedFakeWebex.js';
import { createApp, type App, type AppDeps } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { FakeWebex } from '../../src/localwebex/fakeWebex.js';
import type { Message, Room } from '../../src/localwebex/types.js';
import { LowdbRepository } from '../../src/store/lowdbRepository.js';
import { ADMIN, DEFAULT_SETTINGS, tempDir } from './domain.js';
import type { OrgSettings } from '../../src/domain/types.js';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { FakeCdrFeed } from '../../src/localwebex/cdrFeed.js';
import type { OrgAdmin } from '../../src/bot/orgPorts.js';
import { createOrgAdmin, type OrgAdminOptions } from '../../src/webex/org/orgAdmin.js';
import { staticOrgToken } from '../../src/webex/org/orgToken.js';

export const WEBHOOK_SECRET = 'e2e-webhook-secret';
export const ESIM_TOKEN = 'e2e-esim-token';

export interface RunningBot {
  app: App;
  fake: FakeWebex;
  base: string;
  dir: string;
  logs: string[];
  /** Restarts the app on the same data directory. */
  restart(): Promise<RunningBot>;
  stop(): Promise<void>;
  /** Everything the bot posted to a space, in order. */
  botMessages(roomId: string): Message[];
  /** Sends text as a person and waits for the bot's next message in that space. */
  type(roomId: string, fromEmail: string, text: string, opts?: { mentionBot?: boolean }): Promise<Message>;
  /** Waits for the bot's next message matching, after what is there now. */
  nextFromBot(predicate: (m: Message) => boolean, timeoutMs?: number): Promise<Message>;
  /**
   * Creates a group space with the bot and these people (the first one adds the bot) and waits
   * until the framework has spawned its bot there: it drops messages that arrive before.
   */
  groupSpace(title: string, memberEmails: string[]): Promise<Room>;
  /**
   * Waits until the framework is done discovering a space it was told about (a 1:1 the bot
   * just wrote in for the first time, say): a message arriving meanwhile would be dropped.
   */
  ready(roomId: string): Promise<void>;
}

/**
 * The org admin client of org mode against the shared fake's simulated org, as the composition
 * root builds it from WEBEX_ORG_TOKEN; the call-history capability is checked against a local
 * Detailed Call History feed that takes the same token, as Webex's would.
 */
export async function fakeOrgAdmin(options: Partial<OrgAdminOptions> = {}): Promise<OrgAdmin> {
  const { hydraUrl } = await sharedFakeWebex();
  cdrFeedBase ??= serveCdrFeed();
  return createOrgAdmin({ token: staticOrgToken(TEST_ORG_TOKEN), baseUrl: hydraUrl, cdrBaseUrl: await cdrFeedBase, ...options });
}

let cdrFeedBase: Promise<string> | undefined;

/** One feed for the whole process, never stopped (it keeps no process alive). */
async function serveCdrFeed(): Promise<string> {
  const app = express();
  app.use('/v1', new FakeCdrFeed({ token: TEST_ORG_TOKEN, users: [ADMIN] }).router);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  server.unref();
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

const webhookUrlAt = (port: number) => `http://127.0.0.1:${port}/webex/webhook`;

export async function startBot(
  options: {
    settings?: Partial<OrgSettings>;
    admins?: string[];
    dir?: string;
    keepFake?: boolean;
    env?: Record<string, string>;
    /** Shorter outbox and start-up timings and fewer retries, for tests that wait on them. */
    timings?: Pick<AppDeps, 'outboxTimings' | 'webexStartup' | 'webexRetries'>;
    /** Org mode: the org's admin APIs (see `fakeOrgAdmin`). */
    orgAdmin?: OrgAdmin;
    /** How often the org sync runs, shorter than ORG_SYNC_SECONDS allows, for tests that wait on it. */
    orgSyncMs?: number;
    /** The app's clock, for tests that let time pass (how old the org data shown is). */
    clock?: AppDeps['clock'];
  } = {},
): Promise<RunningBot> {
  const { fake } = await sharedFakeWebex();
  if (!options.keepFake) fake.reset();
  const dir = options.dir ?? (await tempDir()).dir;
  const repo = await LowdbRepository.open(dir, {
    settings: { ...DEFAULT_SETTINGS, ...options.settings },
    admins: options.admins ?? [ADMIN],
  });
  const loaded = loadConfig({
    PORT: '0',
    DATA_DIR: dir,
    WEBEX_BOT_TOKEN: TEST_BOT_TOKEN,
    WEBHOOK_URL: 'http://127.0.0.1/webex/webhook',
    WEBHOOK_SECRET,
    ESIM_PROVIDER_TOKEN: ESIM_TOKEN,
    ...options.env,
  });
  const config = options.orgSyncMs === undefined ? loaded : { ...loaded, orgSyncMs: options.orgSyncMs };
  const logs: string[] = [];
  const app = createApp({
    config,
    repo,
    version: 'e2e',
    log: (line) => logs.push(line),
    host: '127.0.0.1',
    beforeWebex: webhookUrlAt,
    ...options.timings,
    ...(options.orgAdmin ? { orgAdmin: options.orgAdmin } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const { port } = await app.start();
  const base = `http://127.0.0.1:${port}`;
  const framework = frameworkAt(webhookUrlAt(port));
  await frameworkListening(framework, webhookUrlAt(port));

  const botMessages = (roomId: string) => fake.messages(roomId).filter((m) => m.personEmail === TEST_BOT_EMAIL);
  const nextFromBot = (predicate: (m: Message) => boolean, timeoutMs = 8000) => {
    const seen = new Set(fake.messages().map((m) => m.id));
    return fake.waitForMessage((m) => m.personEmail === TEST_BOT_EMAIL && !seen.has(m.id) && predicate(m), timeoutMs);
  };
  const ready = async (roomId: string) => {
    const room = fake.room(roomId);
    if (!room) throw new Error(`no space ${roomId}`);
    // The framework spawns its bot in a group space when told the bot was added, and in a 1:1
    // when the first message there reaches it. A 1:1 nobody wrote in yet is discovered by its
    // first message, which then goes through; a space the bot is not in never spawns.
    const told =
      fake.isMember(roomId, fake.bot.id) &&
      (room.type === 'group' || fake.messages(roomId).some((m) => fake.botCanSee(m)));
    if (told) await botInSpace(framework, roomId);
  };
  const running: RunningBot = {
    app,
    fake,
    base,
    dir,
    logs,
    botMessages,
    nextFromBot,
    ready,
    groupSpace: async (title, memberEmails) => {
      const room = fake.createGroupSpace(title, memberEmails);
      await ready(room.id);
      return room;
    },
    type: async (roomId, fromEmail, text, opts = {}) => {
      await ready(roomId);
      const next = nextFromBot((m) => m.roomId === roomId);
      fake.postMessage({ roomId, fromEmail, text, ...(opts.mentionBot ? { mentionBot: true } : {}) });
      return next;
    },
    restart: async () => {
      await app.stop();
      return startBot({ ...options, dir, keepFake: true });
    },
    stop: () => app.stop(),
  };
  return running;
}
