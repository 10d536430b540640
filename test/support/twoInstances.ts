/**
 * The frame of the two-instance e2e files: a database per test, two bot processes on it behind
 * one fake Webex (startReplicas), and what a test reads of what the bot wrote.
 */
import type { FakeWebex } from '../../src/localwebex/fakeWebex.js';
import type { Message } from '../../src/localwebex/types.js';
import { createTestDatabase, postgresAvailable, stopOwnPostgres } from './postgresServer.js';
import { REPLICA_ADMIN, REPLICA_BOT_EMAIL, startReplicas, type Replicas } from './replicas.js';

export const ADDED = /^Webex Go device added for (\S+)\. /;
/** Instances' leases in these tests: a dead one is taken over within this and a third. */
export const SHORT_LEASE_SECONDS = '6';

export const user = (i: number) => `user${i}@example.com`;
export const text = (m: Message) => m.markdown ?? m.text ?? '';
export const fromBot = (fake: FakeWebex, roomId: string) => fake.messages().filter((m) => m.roomId === roomId && m.personEmail === REPLICA_BOT_EMAIL);
/** The bot's messages in a person's 1:1 (none when it never wrote to them). */
export const inDirect = (fake: FakeWebex, email: string) => {
  const person = fake.people().find((p) => p.emails[0] === email);
  const room = fake.rooms().find((r) => r.type === 'direct' && fake.isMember(r.id, person!.id));
  return room ? fromBot(fake, room.id) : [];
};

/** Registers the hooks of a two-instance file (inside its describe) and returns how to start its instances. */
export function twoInstanceSuite() {
  let database: { url: string; drop: () => Promise<void> } | undefined;
  let replicas: Replicas | undefined;
  let opsId = '';

  before(function () {
    if (!postgresAvailable()) this.skip();
  });
  // A database per test: the leases of one test's instances must not outlive it into the next.
  beforeEach(async () => {
    database = await createTestDatabase('replicas');
  });
  afterEach(async () => {
    await replicas?.stop();
    replicas = undefined;
    await database?.drop();
    database = undefined;
  });
  after(() => stopOwnPostgres());

  return {
    /** Two instances; people user0… exist, and the admins' space, so both find it at start. */
    async twoInstances(people: number, env: Record<string, string>, proxied = false): Promise<Replicas> {
      replicas = await startReplicas({ databaseUrl: database!.url, instances: 2, fanout: 'all', run: 'sources', env, proxied }, (fake) => {
        opsId = fake.createGroupSpace('Webex Go admins', [REPLICA_ADMIN]).id;
        for (let i = 0; i < people; i++) fake.addPerson({ email: user(i) });
      });
      return replicas;
    },
    /** The admins' space of the instances started last. */
    opsId: () => opsId,
    /** The admin types `assign user<i>@example.com` there. */
    assign: (fake: FakeWebex, i: number) => fake.postMessage({ roomId: opsId, fromEmail: REPLICA_ADMIN, text: `assign ${user(i)}`, mentionBot: true }),
  };
}
