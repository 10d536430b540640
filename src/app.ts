import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import express, { type Express } from 'express';
import { commandTable } from './bot/commands/index.js';
import { Dispatcher } from './bot/dispatcher.js';
import { StatusNotifier } from './bot/notifier.js';
import { OrgMode, capabilityLines } from './bot/org.js';
import type { OrgAdmin } from './bot/orgPorts.js';
import { OrgSync } from './bot/orgSync.js';
import { OUTBOX_TIMINGS, OutboxSender, type OutboxTimings } from './bot/outbox.js';
import { ReminderScheduler } from './bot/reminders.js';
import { Deliveries, deliveryTimings } from './bot/deliveries.js';
import { InstanceHeartbeat, leaseTimings, storeLeases } from './bot/periodicPass.js';
import { ConfigError, type Config } from './config.js';
import type { Clock, EsimProvider } from './domain/ports.js';
import type { Repository } from './domain/repository.js';
import type { ActivationDetails, Language } from './domain/types.js';
import { WebexGoService } from './domain/service.js';
import { createBuiltinEsimProvider } from './esim/builtinProvider.js';
import type { Renderer } from './render/renderer.js';
import { RenderPool } from './render/worker/renderPool.js';
import { HTTP_MESSAGES } from './render/messages/http.js';
import { createHttpApp } from './http/server.js';
import { webhookRouter } from './http/webhook.js';
import { createMailer } from './mail/mailer.js';
import { sendError } from './http/errors.js';
import type { LowdbRepository } from './store/lowdbRepository.js';
import { connectDispatcher, createFramework, frameworkWebhookDelivery, webexApiBaseUrl, type Framework } from './webex/botAdapter.js';
import { WEBEX_STARTUP_TIMINGS, WebexConnection, type StartupTimings } from './webex/connection.js';
import { type Messenger } from './bot/ports.js';
import { WebexMessenger } from './webex/messenger.js';
import { webexCallHistory } from './webex/callHistory/callHistory.js';
import { DEFAULT_RETRY_POLICY, WebexClient } from './webex/webexClient.js';

export interface AppDeps {
  config: Config;
  /** Either store (embedded or PostgreSQL); `describe` feeds /healthz. */
  repo: Repository & Pick<LowdbRepository, 'describe'>;
  version: string;
  log: (line: string) => void;
  clock?: Clock;
  esim?: EsimProvider;
  /** Replaces the Webex messenger (unit tests). */
  messenger?: Messenger;
  /** Where to listen; the local mode keeps to loopback. */
  host?: string;
  /** Runs before every route: the offline mode refuses requests not addressed to loopback. */
  guard?: express.RequestHandler;
  /** Routers mounted on the same server before the 404 (the local Webex and its page). */
  mounts?: { path: string; router: express.Router }[];
  /**
   * Runs once the port is known and before the Webex framework loads: the local mode points the
   * Webex SDK at itself here. Returns the webhook URL to register, if it decides it.
   */
  beforeWebex?: (port: number) => string | undefined;
  /** Where the Detailed Call History API is, once known (the offline mode serves its own). */
  cdrBaseUrl?: () => string | undefined;
  /** Draws QR codes and activation sheets; by default a pool of worker threads, off the event loop. */
  renderer?: Renderer;
  /** How often the outbox is looked at and how its tries back off (tests shorten them). */
  outboxTimings?: Partial<Omit<OutboxTimings, 'giveUpMs'>>;
  /** How long start-up waits for Webex, and how often it checks again (tests shorten them). */
  webexStartup?: Partial<StartupTimings>;
  /** How many times a message or file call is tried again after a 429 or a 5xx (tests that wait out outages lower it). */
  webexRetries?: number;
  /**
   * The org's Webex admin APIs: given, the bot runs in org mode (the org's own devices, statuses
   * and licenses) unless LINE_SOURCE=registry; not given, on its own registry.
   */
  orgAdmin?: OrgAdmin;
}

export interface App {
  service: WebexGoService;
  dispatcher: Dispatcher;
  notifier: StatusNotifier;
  reminders: ReminderScheduler;
  outbox: OutboxSender;
  /** Org mode's state and its sync; absent on the bot's own registry. */
  org?: OrgMode;
  orgSync?: OrgSync;
  http: Express;
  /**
   * Listens, then connects to Webex when a bot token is configured; resolves with the port once
   * connected or not ready (see /healthz), and rejects when Webex refuses the token.
   */
  start(): Promise<{ port: number }>;
  stop(): Promise<void>;
}

const WEBHOOK_PATH_LOCAL = '/webex/webhook';

/** Builds everything and starts nothing, so tests can build it with fakes. */
export function createApp(deps: AppDeps): App {
  const { config, log } = deps;
  const clock = deps.clock ?? (() => new Date());
  if (config.lineSource === 'org' && !deps.orgAdmin) {
    throw new ConfigError("LINE_SOURCE=org needs the org's Webex admin APIs: set WEBEX_ORG_TOKEN, or LINE_SOURCE=registry for the bot's own registry.");
  }
  const org =
    deps.orgAdmin && config.lineSource !== 'registry'
      ? new OrgMode(
          deps.orgAdmin,
          {
            statusMap: config.orgStatusMap,
            activationReadsPerSync: config.orgActivationReadsPerSync,
            languageReadsPerSync: config.orgLanguageReadsPerSync,
            tryActivationCodeApi: config.orgTryActivationCodeApi,
          },
          clock,
        )
      : undefined;
  const service = new WebexGoService({
    repo: deps.repo,
    clock,
    esim: deps.esim ?? createBuiltinEsimProvider(),
    newId: randomUUID,
    breakGlassAdmins: config.adminEmails,
    defaultLanguage: config.defaultLanguage,
  });
  let framework: Framework | undefined;
  let connection: WebexConnection | undefined;
  const client = new WebexClient({ ...DEFAULT_RETRY_POLICY, retries: deps.webexRetries ?? DEFAULT_RETRY_POLICY.retries }, undefined, log);
  const messenger =
    deps.messenger ??
    new WebexMessenger(() => {
      if (!framework) throw new Error('Webex is not connected');
      return framework.webex;
    }, client, () => config.webexBotToken ?? '', config.downloadTimeoutMs);
  const renderer = deps.renderer ?? new RenderPool();
  const qrPng = (payload: string) => renderer.qrPng(payload);
  const mailer = config.smtpUrl && config.delivery !== 'webex' ? createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, qrPng }) : undefined;
  const callHistory = config.webexAdminToken
    ? webexCallHistory({
        token: config.webexAdminToken,
        baseUrl: deps.cdrBaseUrl ?? (() => config.cdrBaseUrl),
        paceMs: config.cdrPaceMs,
      })
    : undefined;
  const botDeps = {
    service,
    messenger,
    log,
    qrPng,
    sheetPdf: (details: ActivationDetails, lang: Language) => renderer.activationSheet(details, lang),
    chartPng: renderer.callsChart.bind(renderer),
    deliverByWebex: config.delivery !== 'email',
    maxUploadBytes: config.maxUploadBytes,
    ...(config.callsTimeZone ? { callsTimeZone: config.callsTimeZone } : {}),
    ...(mailer ? { mailer } : {}),
    ...(callHistory ? { callHistory } : {}),
    ...(org ? { org } : {}),
  };
  // One instance at a time runs each background job; a holder id is never shared by two processes.
  const instanceId = `${config.instanceId}/${process.pid}/${randomUUID().slice(0, 8)}`;
  const timings = leaseTimings(config.leaseTtlMs);
  const leases = storeLeases(deps.repo, instanceId, log, timings);
  // The deliveries this instance claims are its own while its heartbeat lasts.
  const heartbeat = new InstanceHeartbeat(leases, instanceId);
  const deliveries = new Deliveries(service, instanceId, log, deliveryTimings(timings));
  const dispatcher = new Dispatcher(
    botDeps,
    commandTable(),
    () => ({
      names: [framework?.person?.displayName].filter((n): n is string => Boolean(n)),
      emails: framework?.person?.emails ?? [],
    }),
    deliveries,
  );

  const notifier = new StatusNotifier(service, messenger, log, config.watchWindowMs);
  const reminders = new ReminderScheduler({ service, messenger, log, qrPng, remindDays: config.remindDays, leases });
  const repo: Repository = deps.repo;
  const orgSync = org
    ? new OrgSync({ service, org, messenger, log, holdLease: (name, holder, ttlMs) => repo.holdLease(name, holder, ttlMs), instanceId })
    : undefined;
  if (org && orgSync) org.syncNow = () => orgSync.runOnce();
  const outbox = new OutboxSender({ service, messenger, log, qrPng }, { ...OUTBOX_TIMINGS, ...deps.outboxTimings, giveUpMs: config.outboxGiveUpMs }, Date.now, leases);

  // The webhook route exists from the start and answers once the framework is up.
  let webhook: express.Router | undefined;
  const webhookPath = config.webhookUrl ? new URL(config.webhookUrl).pathname : WEBHOOK_PATH_LOCAL;
  const webhookGate = express.Router();
  let stopping = false;
  webhookGate.use((req, res, next) => {
    if (stopping) sendError(res, 503, 'stopping', HTTP_MESSAGES.webhookStopping);
    else if (webhook) webhook(req, res, next);
    else sendError(res, 503, 'not-ready', HTTP_MESSAGES.webhookNotReady);
  });

  const http = createHttpApp({
    service,
    esimProviderToken: config.esimProviderToken,
    version: deps.version,
    storeState: () => deps.repo.describe(),
    webexState: () => connection?.readiness() ?? { ready: true, webex: 'not-configured' },
    log,
    ...(deps.guard ? { guard: deps.guard } : {}),
    mounts: [{ path: webhookPath, router: webhookGate }, ...(deps.mounts ?? [])],
  });

  let server: Server | undefined;
  const listen = () =>
    new Promise<number>((resolve, reject) => {
      const listening = deps.host ? http.listen(config.port, deps.host) : http.listen(config.port);
      listening.once('listening', () => {
        const address = listening.address();
        resolve(typeof address === 'object' && address ? address.port : config.port);
      });
      listening.once('error', reject);
      server = listening;
    });

  return {
    service,
    dispatcher,
    notifier,
    reminders,
    outbox,
    ...(org ? { org } : {}),
    ...(orgSync ? { orgSync } : {}),
    http,
    async start() {
      // Claims wait for the heartbeat's first beat (a claim is taken over while its holder has none); the start does not.
      deliveries.after(heartbeat.start());
      const port = await listen();
      const webhookUrl = deps.beforeWebex?.(port) ?? config.webhookUrl;
      // Checked beside the Webex connection (offline, the local org answers once beforeWebex ran).
      const orgChecked = org && checkOrgCapabilities(org, log);
      if (config.webexBotToken) {
        const options = { token: config.webexBotToken, webhookUrl, webhookSecret: config.webhookSecret };
        const created = createFramework(options);
        framework = created;
        connectDispatcher(created, dispatcher, log);
        connection = new WebexConnection(created, { ...options, ...WEBEX_STARTUP_TIMINGS, ...deps.webexStartup, apiBaseUrl: webexApiBaseUrl(), log }, () => {
          if (webhookUrl) webhook = webhookRouter(config.webhookSecret, frameworkWebhookDelivery(created), log);
          reminders.start(config.reminderIntervalMs);
          outbox.start();
          orgSync?.start(config.orgSyncMs);
        });
        await connection.start();
      }
      await orgChecked;
      return { port };
    },
    async stop() {
      connection?.stop();
      // New deliveries go elsewhere (a 503: the proxy hands them to the next instance); those
      // under way finish, for a while; then the heartbeat goes, so another instance takes over at
      // once whatever this one claimed and did not finish.
      stopping = true;
      await deliveries.stop();
      await heartbeat.stop();
      await reminders.stop();
      await outbox.stop();
      await orgSync?.stop();
      await notifier.flush();
      await framework?.stop().catch(() => undefined);
      await new Promise<void>((resolve) => {
        if (!server) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await renderer.close();
      await deps.repo.close();
    },
  };
}

/** Once at start: the token and each capability, one line each (available, or why not). */
async function checkOrgCapabilities(org: OrgMode, log: (line: string) => void): Promise<void> {
  try {
    const states = await org.admin.capabilities();
    org.setCapabilities(states);
    for (const line of capabilityLines(states)) log(line);
  } catch (error) {
    log(`Org mode: could not check what the org token may do: ${(error as Error).message}`);
  }
}
