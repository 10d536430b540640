/**
 * Offline mode: with no WEBEX_BOT_TOKEN the app serves its own Webex (REST API, signed
 * webhooks, a page to use it in a browser) on loopback, and the real framework talks to it.
 */
import { join } from 'node:path';
import express from 'express';
import type { AppDeps } from '../app.js';
import type { Config } from '../config.js';
import { FakeWebex } from './fakeWebex.js';
import { LocalMailbox } from './mailbox.js';
import { personUuidOfId } from '../calls/index.js';
import { FakeCdrFeed } from './cdrFeed.js';
import { localSecrets } from './localSecrets.js';
import { loopbackOnly } from './loopbackOnly.js';
import { DEMO_ADMIN, localWebexPage, seedDemo, seedOrgDemo, type LocalWebexPage } from './page/router.js';

export const LOCAL_BOT = { email: 'gobot@webex.bot', displayName: 'GoBot' } as const;
export const LOCAL_WEBEX_FILE = 'local-webex.json';
export const LOCAL_MAILBOX_FILE = 'local-mailbox.json';
/** The offline credentials (bot, call history, eSIM, webhook secret), random per data folder. */
export const LOCAL_SECRETS_FILE = 'local-secrets.json';

export interface LocalMode {
  config: Config;
  fake: FakeWebex;
  mailbox: LocalMailbox;
  /** What createApp gets on top of the config offline: the local Webex and its page, on loopback only. */
  appDeps: Required<Pick<AppDeps, 'host' | 'guard' | 'mounts' | 'beforeWebex' | 'cdrBaseUrl'>>;
  /** The network cuts the person's line off at once, as it does after Lost/stolen or Delete. */
  cutOffLine(email: string): void;
  close(): Promise<void>;
}

export async function prepareLocalMode(config: Config, log: (line: string) => void): Promise<LocalMode> {
  const secrets = localSecrets(join(config.dataDir, LOCAL_SECRETS_FILE));
  const fake = new FakeWebex({
    botToken: secrets.botToken,
    botEmail: LOCAL_BOT.email,
    botDisplayName: LOCAL_BOT.displayName,
    dataFile: join(config.dataDir, LOCAL_WEBEX_FILE),
    log,
    // The local org's admin is the same admin whose token reads the local call history.
    orgAdminToken: secrets.adminToken,
  });
  seedDemo(fake);
  seedOrgDemo(fake);
  // Activation emails land in a mailbox of our own, shown on the page.
  const mailbox = new LocalMailbox({ dataFile: join(config.dataDir, LOCAL_MAILBOX_FILE), log });
  const { url: smtpUrl } = await mailbox.listen();
  const esimToken = config.esimProviderToken ?? secrets.esimToken;
  let page: LocalWebexPage | undefined;
  let base: string | undefined;
  // A call history of the demo people, so `calls last 24h` works offline.
  const demoPeople = fake.people().filter((p) => p.id !== fake.bot.id);
  const callHistory = new FakeCdrFeed({
    token: secrets.adminToken,
    users: demoPeople.map((p) => p.emails[0]),
    people: demoPeople.map((p) => ({ email: p.emails[0], displayName: p.displayName, uuid: personUuidOfId(p.id) ?? p.id })),
  });
  // The page needs the port to reach the eSIM endpoints; it exists once the server listens.
  const pageGate = express.Router();
  pageGate.use((req, res, next) => (page ? page(req, res, next) : next()));
  return {
    config: {
      ...config,
      webexBotToken: secrets.botToken,
      webhookSecret: secrets.webhookSecret,
      esimProviderToken: esimToken,
      adminEmails: config.adminEmails.length > 0 ? config.adminEmails : [DEMO_ADMIN.email],
      smtpUrl: config.smtpUrl ?? smtpUrl,
      // Offline, `calls last 24h` reads the local call history, whatever token is set.
      webexAdminToken: secrets.adminToken,
      // Offline, org mode runs against the local org (its admin APIs are served with the bot's API).
      webexOrgToken: secrets.adminToken,
      // ...and a code copied from its Control Hub alone (`deliver <email> <code>`) is its SM-DP+'s, as ESIM_SMDP_ADDRESS says of a real org.
      ...(config.lineSource === 'registry' ? {} : { initialSettings: { ...config.initialSettings, smdpAddress: fake.org.smdpAddress } }),
      // Offline, show both ways in (unless mail was set up by hand): the 1:1 and the Mailbox tab.
      delivery: config.smtpUrl ? config.delivery : 'both',
    },
    fake,
    mailbox,
    appDeps: {
      host: '127.0.0.1',
      guard: loopbackOnly,
      mounts: [
        { path: '/v1', router: callHistory.router },
        { path: '/', router: fake.router },
        { path: '/', router: pageGate },
      ],
      cdrBaseUrl: () => (base ? `${base}/v1` : undefined),
      beforeWebex: (port) => {
        base = `http://127.0.0.1:${port}`;
        log('Loading the Webex SDK and connecting the bot to the local Webex\u2026');
        process.env.HYDRA_SERVICE_URL = `${base}/v1`;
        process.env.U2C_SERVICE_URL = `${base}/v1`;
        page = localWebexPage({ fake, esimToken, esimBaseUrl: `${base}/esim/v1`, mailbox });
        return `${base}/webex/webhook`;
      },
    },
    cutOffLine: (email) => {
      const phone = fake.phone(email);
      if (!phone?.line || phone.line.revokedAt) return;
      fake.setPhone(email, { ...phone, line: { ...phone.line, revokedAt: new Date().toISOString() } });
    },
    close: async () => {
      page?.close();
      await mailbox.close();
      await fake.close();
    },
  };
}
