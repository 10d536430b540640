/** The composition root: read config, open the store, build the app, start it. */
import { existsSync, readFileSync } from 'node:fs';
import { createApp, type AppDeps } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { prepareLocalMode } from './localwebex/localMode.js';
import { createLog } from './log.js';
import { LowdbRepository, StoreOpenError } from './store/lowdbRepository.js';
import { WebexStartError, webexApiBaseUrl } from './webex/botAdapter.js';
import { createOrgAdmin } from './webex/org/orgAdmin.js';
import { serviceAppToken, staticOrgToken } from './webex/org/orgToken.js';

const log = createLog();

async function main(): Promise<void> {
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  // Settings may live in .env (see .env.example); the environment wins over the file.
  if (existsSync('.env')) process.loadEnvFile('.env');
  const loaded = loadConfig();
  // Start-up takes seconds (the Webex SDK is large): say so at once.
  log(`Starting webex-go-bot ${version}${loaded.webexBotToken ? '' : ' offline'}\u2026`);
  const local = loaded.webexBotToken ? undefined : await prepareLocalMode(loaded, log);
  const config = local?.config ?? loaded;
  const seed = { settings: config.initialSettings, admins: config.adminEmails };
  const repo = config.databaseUrl
    ? // Loaded only when used: pg is not needed on the embedded store.
      await (await import('./store/postgres/pgRepository.js')).PgRepository.open(config.databaseUrl, seed, { log, retentionDays: config.storeRetentionDays })
    : await LowdbRepository.open(config.dataDir, seed, log, { retentionDays: config.storeRetentionDays });
  const app = createApp({
    config,
    repo,
    version,
    log,
    orgAdmin: orgAdminOf(config, local?.appDeps.cdrBaseUrl),
    ...local?.appDeps,
  });

  if (local) {
    app.service.onChange((change) => {
      if (change.action === 'lost-stolen' || change.action === 'delete') local.cutOffLine(change.email);
    });
  }

  // After start-up nothing may end the process: log, and keep serving.
  process.on('unhandledRejection', (reason) => log(`unhandled failure: ${(reason as Error)?.message ?? String(reason)}`));
  const { port } = await app.start();
  log(`webex-go-bot ${version} listening on port ${port}`);
  if (local) {
    log('No WEBEX_BOT_TOKEN: running offline with a local Webex.');
    console.log(`\n  Open http://localhost:${port}\n`);
  } else if (!config.esimProviderToken) {
    log('ESIM_PROVIDER_TOKEN is not set: the eSIM endpoints refuse every request.');
  }
  if (app.service.admins().length === 0) log('No admins: set ADMIN_EMAILS before the first start so someone can administer Webex Go.');

  const shutdown = () => {
    app
      .stop()
      .then(() => local?.close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

/** The org's admin APIs, when a token or a Service App's refresh set is configured (offline: the local org's). */
function orgAdminOf(config: Config, cdrBaseUrl: (() => string | undefined) | undefined): AppDeps['orgAdmin'] {
  const refresh = config.webexOrgRefresh;
  const token = refresh
    ? serviceAppToken({
        ...refresh,
        baseUrl: webexApiBaseUrl(),
        onRefreshTokenChanged: () => log('Webex issued a new Service App refresh token (kept in memory until the next start).'),
      })
    : config.webexOrgToken
      ? staticOrgToken(config.webexOrgToken)
      : undefined;
  if (!token) return undefined;
  const license = config.webexGoLicense;
  return createOrgAdmin({
    token,
    // Asked at each request: offline, HYDRA_SERVICE_URL is set once the local Webex listens.
    baseUrl: webexApiBaseUrl,
    ...(cdrBaseUrl ? { cdrBaseUrl } : config.cdrBaseUrl ? { cdrBaseUrl: config.cdrBaseUrl } : {}),
    ...(config.orgScimBaseUrl ? { scimBaseUrl: config.orgScimBaseUrl } : {}),
    scimIds: config.orgScimIds,
    licenses: {
      ...(license.id ? { licenseId: license.id } : {}),
      ...(license.subscriptionId ? { subscriptionId: license.subscriptionId } : {}),
      namePattern: new RegExp(license.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i'),
    },
    log,
  });
}

main().catch((error: unknown) => {
  // Known start-up problems get one clear line, not a stack dump.
  const known = error instanceof ConfigError || error instanceof StoreOpenError || error instanceof WebexStartError;
  console.error(`Cannot start: ${known ? (error as Error).message : ((error as Error)?.message ?? String(error)).split('\n')[0]}`);
  process.exit(1);
});
