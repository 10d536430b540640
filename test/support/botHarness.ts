/**
 * Runs the whole app — real framework in webhook mode — against the shared fake Webex, as
 * production would run against Webex.
 */
import { sharedFakeWebex, TEST_BOT_EMAIL, TEST_BOT_TOKEN } from './sharedFakeWebex.js';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { FakeWebex } from '../../src/localwebex/fakeWebex.js';
import type { Message } from '../../src/localwebex/types.js';
import { LowdbRepository } from '../../src/store/lowdbRepository.js';
import { ADMIN, DEFAULT_SETTINGS, tempDir } from './domain.js';
import type { OrgSettings } from '../../src/domain/types.js';

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
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function startBot(
  options: { settings?: Partial<OrgSettings>; admins?: string[]; dir?: string; keepFake?: boolean } = {},
): Promise<RunningBot> {
  const { fake } = await sharedFakeWebex();
  if (!options.keepFake) fake.reset();
  const dir = options.dir ?? (await tempDir()).dir;
  const repo = await LowdbRepository.open(dir, {
    settings: { ...DEFAULT_SETTINGS, ...options.settings },
    admins: options.admins ?? [ADMIN],
  });
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: dir,
    WEBEX_BOT_TOKEN: TEST_BOT_TOKEN,
    WEBHOOK_URL: 'http://127.0.0.1/webex/webhook',
    WEBHOOK_SECRET,
    ESIM_PROVIDER_TOKEN: ESIM_TOKEN,
  });
  const logs: string[] = [];
  const app = createApp({
    config,
    repo,
    version: 'e2e',
    log: (line) => logs.push(line),
    host: '127.0.0.1',
    beforeWebex: (port) => `http://127.0.0.1:${port}/webex/webhook`,
  });
  const { port } = await app.start();
  const base = `http://127.0.0.1:${port}`;
  await waitFor(() => fake.webhooks().filter((w) => w.targetUrl.startsWith(base)).length >= 2, 'the bot to register its webhooks');

  const botMessages = (roomId: string) => fake.messages(roomId).filter((m) => m.personEmail === TEST_BOT_EMAIL);
  const nextFromBot = (predicate: (m: Message) => boolean, timeoutMs = 8000) => {
    const seen = new Set(fake.messages().map((m) => m.id));
    return fake.waitForMessage((m) => m.personEmail === TEST_BOT_EMAIL && !seen.has(m.id) && predicate(m), timeoutMs);
  };
  const running: RunningBot = {
    app,
    fake,
    base,
    dir,
    logs,
    botMessages,
    nextFromBot,
    type: (roomId, fromEmail, text, opts = {}) => {
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
