import type { Pool } from 'pg';

/** One step of the schema; applied once, in order, and recorded in `schema_migrations`. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * The schema, oldest step first. A step is never edited once released: a change is a new step.
 * Rows keep the domain's records as jsonb (the bot reads them whole into memory); the columns
 * beside them are what the database itself looks up or constrains.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'the store',
    sql: `
      -- Settings and the admin list: one row each.
      CREATE TABLE singletons (name text PRIMARY KEY, value jsonb NOT NULL);
      CREATE TABLE devices (id text PRIMARY KEY, email text NOT NULL, status text NOT NULL, data jsonb NOT NULL);
      -- A code without its Matching ID: the key is the Matching ID's hash.
      CREATE TABLE codes (key text PRIMARY KEY, device_id text NOT NULL, state text NOT NULL, data jsonb NOT NULL);
      -- The Matching IDs of the codes that can still be redeemed, and only those.
      CREATE TABLE code_secrets (key text PRIMARY KEY REFERENCES codes ON DELETE CASCADE, matching_id text NOT NULL);
      CREATE TABLE profiles (iccid text PRIMARY KEY, data jsonb NOT NULL);
      CREATE TABLE outbox (id text PRIMARY KEY, data jsonb NOT NULL);
      CREATE TABLE languages (holder text PRIMARY KEY, language text NOT NULL);
      -- id is commit order (writers hold one lock): the trail's time order, newest = highest.
      CREATE TABLE audit (id bigserial PRIMARY KEY, email text, record jsonb NOT NULL);
      CREATE INDEX audit_by_email ON audit (email, id);
      -- What each transaction changed (keys only), so other instances refresh just that.
      CREATE TABLE change_log (seq bigserial PRIMARY KEY, changes jsonb NOT NULL);
      CREATE TABLE deliveries (id text PRIMARY KEY, seq bigserial NOT NULL UNIQUE);
      CREATE TABLE leases (name text PRIMARY KEY, holder text NOT NULL, expires_at timestamptz NOT NULL);
    `,
  },
  {
    version: 2,
    name: 'delivery claims with a holder, done when handled',
    sql: `
      -- Who claimed a delivery (an instance's id) and whether its handling is done; until then
      -- another instance takes the claim over once the holder's instance lease lapsed. A claim
      -- made before this step, or by a build before it (which sets neither), counts as done.
      ALTER TABLE deliveries ADD COLUMN holder text, ADD COLUMN done boolean NOT NULL DEFAULT true;
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Key of the session lock that lets one instance at a time migrate. */
const MIGRATION_LOCK = 0x5765_6278_4d69;

/**
 * Brings the schema up to date. Instances starting at once on an empty database queue on a
 * session advisory lock, so the first applies every step and the others find them recorded.
 * Each step commits with its record, so a failed step leaves the one before it in place.
 */
export async function migrate(pool: Pool): Promise<number[]> {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const done = new Set(rows.map((row) => row.version));
    const newest = Math.max(0, ...done);
    if (newest > SCHEMA_VERSION) {
      throw new Error(`the database has schema version ${newest}; this build knows up to version ${SCHEMA_VERSION}`);
    }
    for (const step of MIGRATIONS) {
      if (done.has(step.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(step.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [step.version, step.name]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
      applied.push(step.version);
    }
  } finally {
    // A session lock outlives a failed query: release it, or drop the connection that holds it.
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).then(
      () => client.release(),
      (error: Error) => client.release(error),
    );
  }
  return applied;
}
