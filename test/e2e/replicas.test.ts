/**
 * Two bot processes on one PostgreSQL database and one fake Webex (test/support/replicas.ts), the
 * way a deployment runs them behind a load balancer: the same deliveries reaching both act once,
 * license counts stay right, and when one instance is killed (SIGKILL) the other keeps answering,
 * acts on what the dead one had taken and not finished, and takes its background work
 * (reminders) over.
 */
import assert from 'node:assert/strict';
import type { FakeWebex } from '../../src/localwebex/fakeWebex.js';
import type { Message } from '../../src/localwebex/types.js';
import { createTestDatabase, postgresAvailable, stopOwnPostgres } from '../support/postgresServer.js';
import { REPLICA_ADMIN, REPLICA_BOT_EMAIL, startReplicas, waitFor, type Replicas } from '../support/replicas.js';

const ADDED = /^Webex Go device added for (\S+)\. /;
const NO_LICENSE = /^No Webex Go license is free: all (\d+) are in use\./;
const REMINDER = /^\*\*Reminder: your Webex Go activation code expires on /;
/** Instances' leases in these tests: a dead one is taken over within this and a third. */
const SHORT_LEASE_SECONDS = '6';

describe('e2e: two instances on one PostgreSQL database', function () {
  this.timeout(180_000);
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

  const user = (i: number) => `user${i}@example.com`;
  const text = (m: Message) => m.markdown ?? m.text ?? '';
  const fromBot = (fake: FakeWebex, roomId: string) => fake.messages().filter((m) => m.roomId === roomId && m.personEmail === REPLICA_BOT_EMAIL);
  /** The bot's messages in a person's 1:1 (none when it never wrote to them). */
  const inDirect = (fake: FakeWebex, email: string) => {
    const person = fake.people().find((p) => p.emails[0] === email);
    const room = fake.rooms().find((r) => r.type === 'direct' && fake.isMember(r.id, person!.id));
    return room ? fromBot(fake, room.id) : [];
  };

  /** Two instances; people user0… exist, and the admins' space, so both find it at start. */
  async function twoInstances(people: number, env: Record<string, string>, proxied = false): Promise<Replicas> {
    replicas = await startReplicas({ databaseUrl: database!.url, instances: 2, fanout: 'all', run: 'sources', env, proxied }, (fake) => {
      opsId = fake.createGroupSpace('Webex Go admins', [REPLICA_ADMIN]).id;
      for (let i = 0; i < people; i++) fake.addPerson({ email: user(i) });
    });
    return replicas;
  }

  const assign = (fake: FakeWebex, i: number) => fake.postMessage({ roomId: opsId, fromEmail: REPLICA_ADMIN, text: `assign ${user(i)}`, mentionBot: true });

  it('the same 200 deliveries sent to both: every command acts once, the license count stays right', async () => {
    // A short lease: the instance that lost a claim asks about it again every two seconds. Not
    // shorter: a loaded machine can stall an instance long enough to let a live one's lease lapse.
    const { fake, forwarded, instances } = await twoInstances(200, { WEBEX_GO_LICENSES: '150', LEASE_TTL_SECONDS: SHORT_LEASE_SECONDS });
    for (let i = 0; i < 200; i++) assign(fake, i);
    await waitFor(() => fromBot(fake, opsId).length >= 200, '200 answers in the admins space', 120_000);
    // Anything acted on twice would show up now: both instances alive, nothing is taken over.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    for (const instance of instances) assert.ok(!instance.logs.some((line) => line.includes('takes it over')), instance.logs.join('\n'));
    assert.ok((forwarded.get('bot1') ?? 0) >= 200 && (forwarded.get('bot2') ?? 0) >= 200, `each instance got every delivery: ${JSON.stringify([...forwarded])}`);

    const answers = fromBot(fake, opsId).map(text);
    assert.equal(answers.length, 200, 'one answer per command');
    const added = answers.map((a) => ADDED.exec(a)?.[1]).filter((email): email is string => email !== undefined);
    assert.equal(added.length, 150, 'as many devices as licenses');
    assert.equal(new Set(added).size, 150, 'no device added twice');
    assert.equal(answers.filter((a) => NO_LICENSE.exec(a)?.[1] === '150').length, 50, 'the rest refused: no license free');
    for (let i = 0; i < 200; i++) {
      const dms = inDirect(fake, user(i));
      assert.equal(dms.length, added.includes(user(i)) ? 1 : 0, `${user(i)}: one activation message if added, none if not`);
    }

    fake.postMessage({ roomId: opsId, fromEmail: REPLICA_ADMIN, text: 'licenses', mentionBot: true });
    await waitFor(() => fromBot(fake, opsId).length === 201, 'the licenses answer', 20_000);
    assert.match(text(fromBot(fake, opsId).at(-1)!), /150 of 150 Webex Go licenses in use, 0 available/);
  });

  it('one instance killed (SIGKILL) in the middle: every command sent to both is answered once, and the other takes over reminders', async () => {
    // Codes that expire within REMIND_DAYS are due a reminder at the next reminders pass: on
    // this run, only at start (nothing assigned yet) and when an instance takes the job over.
    const { fake, instances } = await twoInstances(120, { WEBEX_GO_LICENSES: '1000', CODE_TTL_DAYS: '5', REMIND_DAYS: '7', LEASE_TTL_SECONDS: SHORT_LEASE_SECONDS }, true);
    const runsReminders = (i: number) => instances[i]!.logs.some((line) => line === 'reminders: this instance runs it now');
    await waitFor(() => runsReminders(0) || runsReminders(1), 'an instance running the reminders', 10_000);
    const owner = runsReminders(0) ? 0 : 1;
    const [victim, survivor] = [instances[owner]!, instances[1 - owner]!];
    assert.ok(!survivor.logs.includes('reminders: this instance runs it now'), 'one owner at a time');

    for (let i = 0; i < 60; i++) assign(fake, i);
    await waitFor(() => fromBot(fake, opsId).length >= 20, '20 answers', 60_000);
    // Killed while it holds deliveries it has not finished: first cut off from its store (what it
    // sends there from now on never arrives), then, once it has sent Webex all it still could,
    // killed. So each delivery it took is either committed and answered, or not committed: the
    // kill does not fall between an assign's commit and its answer, the one moment at which a
    // death loses an answer (README, "Several instances").
    victim.cutFromStore();
    await waitFor(() => Date.now() - victim.lastSentToWebex() > 1_000, 'the instance cut off to send Webex nothing more', 30_000);
    victim.child.kill('SIGKILL');
    await victim.exited;
    const killedAt = Date.now();
    const tookOver = waitFor(() => survivor.logs.includes('reminders: this instance runs it now'), 'the survivor taking the reminders over', 60_000).then(() => Date.now() - killedAt);
    const answeredAtKill = fromBot(fake, opsId).length;

    // Typed after the kill: they reach the survivor only.
    for (let i = 60; i < 120; i++) assign(fake, i);
    const added = () => fromBot(fake, opsId).map((m) => ADDED.exec(text(m))?.[1]).filter((e): e is string => e !== undefined);
    await waitFor(() => added().length >= 120, 'all 120 commands answered', 60_000);
    // Anything acted on twice would show up by then (the survivor asks about what it waits on every two seconds).
    const settled = new Promise((resolve) => setTimeout(resolve, 3000));
    const takenOver = survivor.logs.filter((line) => /^delivery \S+: the instance handling it stopped before it was done; this instance takes it over$/.test(line)).length;
    assert.ok(takenOver > 0, 'the killed instance held no delivery it had not finished: the test tested nothing');

    const tookOverMs = await tookOver;
    assert.ok(tookOverMs < 60_000, `taken over after ${tookOverMs} ms`);

    // Everyone assigned before the kill is reminded, once; nobody twice.
    const reminders = (email: string) => inDirect(fake, email).filter((m) => REMINDER.test(text(m))).length;
    const addedBefore = fromBot(fake, opsId)
      .slice(0, answeredAtKill)
      .map((m) => ADDED.exec(text(m))?.[1])
      .filter((e): e is string => e !== undefined);
    await waitFor(() => addedBefore.every((email) => reminders(email) === 1), 'a reminder to everyone assigned before the kill', 60_000);
    await settled;

    // What a user sees: each of the 120 commands answered exactly once, each user's activation
    // message sent once, nobody reminded twice; nothing refused or failed.
    const answers = fromBot(fake, opsId).map(text);
    assert.equal(answers.length, 120, `one answer per command, ${takenOver} of them taken over from the killed instance`);
    assert.deepEqual([...added()].sort(), Array.from({ length: 120 }, (_, i) => user(i)).sort(), 'each user added once');
    for (let i = 0; i < 120; i++) {
      assert.equal(inDirect(fake, user(i)).filter((m) => !REMINDER.test(text(m))).length, 1, `${user(i)}: one activation message`);
      assert.ok(reminders(user(i)) <= 1, `${user(i)} reminded ${reminders(user(i))} times`);
    }
    assert.ok(!survivor.logs.some((line) => /taken over by another instance|command failed/.test(line)), survivor.logs.join('\n'));
  });
});
