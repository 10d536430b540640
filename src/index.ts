/** The composition root: read config, open the store, build the app, start it. */
import { readFileSync } from 'node:fs';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { LowdbRepository, StoreOpenError } from './store/lowdbRepository.js';

const log = (line: string) => console.log(`${new Date().toISOString()} ${line}`);

async function main(): Promise<void> {
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  const config = loadConfig();
  const repo = await LowdbRepository.open(config.dataDir, {
    settings: config.initialSettings,
    admins: config.adminEmails,
  });
  const app = createApp({ config, repo, version, log });
  const { port } = await app.start();
  log(`webex-go-bot ${version} listening on port ${port}`);
  if (!config.esimProviderToken) log('ESIM_PROVIDER_TOKEN is not set: the eSIM endpoints refuse every request.');
  const shutdown = () => {
    app.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  // Known start-up problems get one clear line, not a stack dump.
  if (error instanceof ConfigError || error instanceof StoreOpenError) console.error(`Cannot start: ${error.message}`);
  else console.error(`Cannot start: ${(error as Error)?.message ?? String(error)}`);
  process.exit(1);
});
