/**
 * Two bot processes on one PostgreSQL database and one fake Webex (test/support/replicas.ts), one
 * of them killed (SIGKILL) in the middle: the other keeps answering, acts on what the dead one had
 * taken and not finished, and takes its background work (reminders) over.
 */
import assert from 'node:assert/strict';
import { waitFor } from '../support/replicas.js';
import { ADDED, SHORT_LEASE_SECONDS, fromBot, inDirect, text, twoInstanceSuite, user } from '../support/twoInstances.js';

const REMINDER = /^\*\*Reminder: your Webex Go activation code expires on /;

describe('e2e: two instances on one PostgreSQL database, one killed', function () {
  this.timeout(180_000);
  const { twoInstances, opsId: ops, assign } = twoInstanceSuite();

  it('one instance killed (SIGKILL) in the middle: every command sent to both is answered once, and the other takes over reminders', async () => {
    // Codes that expire within REMIND_DAYS are due a reminder at the next reminders pass: on
    // this run, only at start (nothing assigned yet) and when an instance takes the job over.
    const { fake, instances } = await twoInstances(120, { WEBEX_GO_LICENSES: '1000', CODE_TTL_DAYS: '5', REMIND_DAYS: '7', LEASE_TTL_SECONDS: SHORT_LEASE_SECONDS }, true);
    const opsId = ops();
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
