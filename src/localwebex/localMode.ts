/**
 * Offline mode: with no WEBEX_BOT_TOKEN the app serves its own Webex (REST API, signed
 * webhooks, a page to use it in a browser) on loopback, and the real framework talks to it.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import express from 'express';
import type { AppDeps } from '../app.js';
import type { Config } from '../config.js';
import { FakeWebex } from './fakeWebex.js';
import { DEMO_ADMIN, localWebexPage, seedDemo, type LocalWebexPage } from './page/router.js';

// Shaped like a Webex token (three fields joined by _) so the SDK does not warn about it.
export const LOCAL_BOT = { token: 'local_bot_token', email: 'gobot@webex.bot', displayName: 'GoBot' } as const;
export const LOCAL_WEBEX_FILE = 'local-webex.json';

export interface LocalMode {
  config: Config;
  fake: FakeWebex;
  mounts: NonNullable<AppDeps['mounts']>;
  beforeWebex: NonNullable<AppDeps['beforeWebex']>;
  close(): Promise<void>;
}

export function prepareLocalMode(config: Config, log: (line: string) => void): LocalMode {
  const fake = new FakeWebex({
    botToken: LOCAL_BOT.token,
    botEmail: LOCAL_BOT.email,
    botDisplayName: LOCAL_BOT.displayName,
    dataFile: join(config.dataDir, LOCAL_WEBEX_FILE),
    log,
  });
  seedDemo(fake);
  const esimToken = config.esimProviderToken ?? randomBytes(24).toString('hex');
  let page: LocalWebexPage | undefined;
  // The page needs the port to reach the eSIM endpoints; it exists once the server listens.
  const pageGate = express.Router();
  pageGate.use((req, res, next) => (page ? page(req, res, next) : next()));
  return {
    config: {
      ...config,
      webexBotToken: LOCAL_BOT.token,
      webhookSecret: randomBytes(24).toString('hex'),
      esimProviderToken: esimToken,
      adminEmails: config.adminEmails.length > 0 ? config.adminEmails : [DEMO_ADMIN.email],
    },
    fake,
    mounts: [
      { path: '/', router: fake.router },
      { path: '/', router: pageGate },
    ],
    beforeWebex: (port) => {
      const base = `http://127.0.0.1:${port}`;
      process.env.HYDRA_SERVICE_URL = `${base}/v1`;
      process.env.U2C_SERVICE_URL = `${base}/v1`;
      page = localWebexPage({ fake, esimToken, esimBaseUrl: `${base}/esim/v1` });
      return `${base}/webex/webhook`;
    },
    close: async () => {
      page?.close();
      await fake.close();
    },
  };
}
