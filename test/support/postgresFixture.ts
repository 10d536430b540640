/**
 * Mocha global fixture of the e2e tier: one PostgreSQL server for the whole run, started before
 * the workers are, which find its URL in their environment (postgresServer.ts).
 */
import { postgresInstalled, SERVER_ENV, startPostgres, type PostgresServer } from './postgresServer.js';

let server: PostgresServer | undefined;

export async function mochaGlobalSetup(): Promise<void> {
  // Without PostgreSQL the PG test files say so themselves (and fail in CI).
  if (!postgresInstalled()) return;
  server = await startPostgres();
  process.env[SERVER_ENV] = server.url;
}

export async function mochaGlobalTeardown(): Promise<void> {
  await server?.stop();
}
