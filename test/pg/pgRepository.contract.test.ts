import pg from 'pg';
import { PgRepository } from '../../src/store/postgres/pgRepository.js';
import { usePostgres } from '../support/postgresServer.js';
import { CONTRACT_DELIVERIES_KEPT, repositoryContract } from '../store/repositoryContract.js';

describe('PostgreSQL store', () => {
  const database = usePostgres('contract');

  repositoryContract('PgRepository', {
    open: (seed) => PgRepository.open(database.url, seed, { deliveriesKept: CONTRACT_DELIVERIES_KEPT }),
    // A new store for the next test: an empty schema, which the next open migrates again.
    cleanup: async () => {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
      } finally {
        await client.end();
      }
    },
    persistent: true,
    shared: true,
  });
});
