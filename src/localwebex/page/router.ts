/**
 * The browser page of the local Webex: people's side of the fake (pick who you are, read and
 * write in spaces, press card buttons) and each person's phone (scan the QR, install the Webex
 * Go line through the eSIM server, switch it off/on, remove it); with a LocalMailbox, each
 * person's Mailbox too; and the org admin's simulated Control Hub (the org's Webex Go devices).
 *
 * Served at `/` of the host app: the page and its files (routes/assets.ts), and a JSON API under
 * `/local/api/`, one router per job in routes/: spaces and messages, message files, the
 * Mailbox, phones, and the live event stream. It talks to the FakeWebex in-process; only the
 * phone's calls go over HTTP, to the eSIM endpoints.
 */
import express, { type Router } from 'express';
import type { FakeWebex } from '../fakeWebex.js';
import type { LocalMailbox } from '../mailbox.js';
import { apiErrors, PageError, sameSiteWrites } from './http.js';
import { assetRoutes } from './routes/assets.js';
import { controlHubRoutes } from './routes/controlHub.js';
import { eventRoutes } from './routes/events.js';
import { fileRoutes } from './routes/files.js';
import { mailboxRoutes } from './routes/mailbox.js';
import { phoneRoutes } from './routes/phone.js';
import { spaceRoutes } from './routes/spaces.js';

export { seedDemo, seedOrgDemo, DEMO_ADMIN, DEMO_USERS, DEMO_ADMIN_SPACE, DEMO_ORG_DEVICES } from './seed.js';
export type { MailSummary, MailView, MailAttachmentView } from './routes/mailbox.js';
export type { FileView, MessageView, PersonView, PhoneView, SpaceView } from './views.js';
export type { ControlHubView, OrgDeviceView } from './routes/controlHub.js';

export interface LocalWebexPageDeps {
  fake: FakeWebex;
  /** Bearer token the eSIM endpoints expect; used server-side only. */
  esimToken: string;
  /** e.g. `http://127.0.0.1:3000/esim/v1` (no trailing slash needed). */
  esimBaseUrl: string;
  /** How long a call to the eSIM server may take (default 10 s). */
  esimTimeoutMs?: number;
  /** Where the bot's emails land offline; without it the page has no Mailbox. */
  mailbox?: LocalMailbox;
}

/** The page's router; `close()` ends open event streams (call it before closing the server). */
export type LocalWebexPage = Router & { close(): void };

export function localWebexPage(deps: LocalWebexPageDeps): LocalWebexPage {
  const { fake, mailbox } = deps;
  const events = eventRoutes(fake, mailbox);
  const api = express.Router();
  api.use(sameSiteWrites);
  api.use(express.json({ limit: '256kb' }));
  api.use(spaceRoutes(fake));
  api.use(fileRoutes(fake));
  api.use(mailboxRoutes(mailbox));
  api.use(phoneRoutes(fake, { baseUrl: deps.esimBaseUrl, token: deps.esimToken, timeoutMs: deps.esimTimeoutMs ?? 10_000 }));
  api.use(controlHubRoutes(fake));
  api.use(events);
  api.use((_req, _res, next) => next(new PageError(404, 'No such page API.')));
  api.use(apiErrors);

  const router = express.Router();
  router.use(assetRoutes());
  router.use('/local/api', api);
  return Object.assign(router, { close: () => events.close() });
}
