/**
 * For benchmarks (bench/storePostgres.ts, and bench/store.ts beside the embedded store): a
 * PostgreSQL server of their own, and stores on it filled with given data, opened as the bot
 * opens them.
 */
import pg from 'pg';
import type { AuditRecord } from '../../src/domain/types.js';
import type { StoreData } from '../../src/store/lowdbRepository.js';
import { PgRepository } from '../../src/store/postgres/pgRepository.js';
import { createTestDatabase, startPostgres } from './postgresServer.js';

export interface PgRepositoryFactory {
  /** A new database holding `data` and `audit` (written through the store itself), opened. */
  open(data: StoreData, audit?: Iterable<AuditRecord>): Promise<PgRepository>;
  /** Closes every store it opened, drops their databases, stops the server. */
  stop(): Promise<void>;
}

/** Audit records per transaction while filling a store. */
const AUDIT_BATCH = 10_000;

export async function pgRepositoryFactory(): Promise<PgRepositoryFactory> {
  const server = await startPostgres();
  const opened: { repo: PgRepository; drop: () => Promise<void> }[] = [];
  return {
    async open(data, audit = []) {
      const { url, drop } = await createTestDatabase('bench', server.url);
      const filling = await PgRepository.open(url, { settings: data.settings, admins: data.admins });
      await filling.transact((tx) => {
        for (const device of Object.values(data.devices)) tx.putDevice(device);
        for (const code of Object.values(data.codes)) tx.putCode(code);
        for (const profile of Object.values(data.profiles)) tx.putProfile(profile);
      });
      let batch: AuditRecord[] = [];
      const flush = async () => {
        const records = batch;
        batch = [];
        await filling.transact((tx) => records.forEach((record) => tx.audit(record)));
      };
      for (const record of audit) {
        batch.push(record);
        if (batch.length === AUDIT_BATCH) await flush();
      }
      if (batch.length) await flush();
      await filling.close();
      // As a database in use would be: autovacuum done with the bulk load, not racing the samples.
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query('VACUUM ANALYZE').finally(() => client.end());
      const repo = await PgRepository.open(url, { settings: data.settings, admins: data.admins });
      opened.push({ repo, drop });
      return repo;
    },
    async stop() {
      for (const { repo, drop } of opened.splice(0)) {
        await repo.close();
        await drop();
      }
      await server.stop();
    },
  };
}
