/**
 * Throughput of webhook deliveries through one and through two bot instances on one database:
 * `node dist/index.js` processes (test/support/replicas.ts) against one fake Webex, a front in
 * this process handing each delivery to the next instance in turn (a load balancer). A burst of
 * commands typed by an admin in a group space; the figure is commands answered per second, from
 * the first message to the last answer. Two kinds: `status <email>` (reads) and `assign <email>`
 * (a write, the activation message and its QR code). Goal (issue 15): two ≥ 1.6× one.
 *
 * Everything shares this machine's cores: the fake Webex and the front (this process),
 * PostgreSQL and every instance. With 2 cores, two instances cannot have a core each beside the
 * rest, so the ratio is printed beside the core count, as measured.
 *
 * The database: DATABASE_URL if set (each run works in it, on addresses of its own), otherwise a
 * PostgreSQL server of its own (Debian's, as the tests start it), a fresh database per run.
 * Builds dist/ first, as `npm install` does.
 *
 * Run: npx tsx bench/replicas.ts
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Message } from '../src/localwebex/types.js';
import { REPLICA_ADMIN, REPLICA_BOT_EMAIL, startReplicas, waitFor } from '../test/support/replicas.js';
import { createTestDatabase, stopOwnPostgres } from '../test/support/postgresServer.js';

const BURST = 100;
const WARMUP = 20;
const ROUNDS = 3;
const KINDS = ['status', 'assign'] as const;

const ROOT = fileURLToPath(new URL('../', import.meta.url));
execFileSync(process.execPath, [`${ROOT}scripts/build.mjs`], { stdio: 'inherit' });

async function database(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, drop: async () => undefined };
  return createTestDatabase('bench_replicas');
}

let runs = 0;

/** Commands answered per second through `instances` instances, for each kind. */
async function throughput(instances: number): Promise<Record<(typeof KINDS)[number], number>> {
  const db = await database();
  const run = ++runs;
  let opsId = '';
  const replicas = await startReplicas(
    { databaseUrl: db.url, instances, fanout: 'one', run: 'dist', env: { WEBEX_GO_LICENSES: '1000000', REMINDER_CHECK_MINUTES: '1440' } },
    (fake) => {
      opsId = fake.createGroupSpace('Webex Go admins', [REPLICA_ADMIN]).id;
    },
  );
  const { fake } = replicas;
  const answers = () => fake.messages().filter((m: Message) => m.roomId === opsId && m.personEmail === REPLICA_BOT_EMAIL).length;
  /** Types `count` commands at once; resolves with the seconds until every one is answered. */
  const burst = async (count: number, command: (i: number) => string): Promise<number> => {
    const before = answers();
    const started = performance.now();
    for (let i = 0; i < count; i++) fake.postMessage({ roomId: opsId, fromEmail: REPLICA_ADMIN, text: command(i), mentionBot: true });
    await waitFor(() => answers() >= before + count, `${count} answers`, 300_000);
    return (performance.now() - started) / 1000;
  };
  const email = (kind: string, round: number, i: number) => `${kind}.r${run}.${round}.${i}@example.com`;
  try {
    // Each instance reads and writes a few first (connections, caches, the QR workers).
    await burst(WARMUP, (i) => `assign ${email('warm', 0, i)}`);
    await burst(WARMUP, (i) => `status ${email('warm', 0, i)}`);
    const rates = {} as Record<(typeof KINDS)[number], number>;
    for (const kind of KINDS) {
      const perRound: number[] = [];
      for (let round = 1; round <= ROUNDS; round++) {
        // `status` reads the devices the warm-up assigned.
        const seconds = await burst(BURST, (i) => (kind === 'status' ? `status ${email('warm', 0, i % WARMUP)}` : `assign ${email(kind, round, i)}`));
        perRound.push(BURST / seconds);
      }
      rates[kind] = perRound.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
    }
    const spread = [...replicas.forwarded.entries()].map(([name, n]) => `${name} ${n}`).join(', ');
    console.log(`  ${instances} instance${instances > 1 ? 's' : ''}: deliveries forwarded ${spread}`);
    return rates;
  } finally {
    await replicas.stop();
    await db.drop();
  }
}

console.log(`bench/replicas: ${BURST} commands at once, median of ${ROUNDS} rounds; ${cpus().length} CPU cores shared by PostgreSQL, the fake Webex and the instances`);
const one = await throughput(1);
const two = await throughput(2);
for (const kind of KINDS) {
  console.log(`${kind.padEnd(6)}  one instance ${one[kind].toFixed(1)} commands/s   two instances ${two[kind].toFixed(1)} commands/s   two/one ${(two[kind] / one[kind]).toFixed(2)}x (goal ≥ 1.6x; ${cpus().length} cores)`);
}
await stopOwnPostgres();
