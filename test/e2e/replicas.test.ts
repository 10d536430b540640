/**
 * Two bot processes on one PostgreSQL database and one fake Webex (test/support/replicas.ts), the
 * way a deployment runs them behind a load balancer: the same deliveries reaching both act once
 * and license counts stay right. (One of them killed: replicasKill.test.ts, a file of its own so
 * that the two long tests run side by side.)
 */
import assert from 'node:assert/strict';
import { REPLICA_ADMIN, waitFor } from '../support/replicas.js';
import { ADDED, SHORT_LEASE_SECONDS, fromBot, inDirect, text, twoInstanceSuite, user } from '../support/twoInstances.js';

const NO_LICENSE = /^No Webex Go license is free: all (\d+) are in use\./;

describe('e2e: two instances on one PostgreSQL database', function () {
  this.timeout(180_000);
  const { twoInstances, opsId: ops, assign } = twoInstanceSuite();

  it('the same 200 deliveries sent to both: every command acts once, the license count stays right', async () => {
    // A short lease: the instance that lost a claim asks about it again every two seconds. Not
    // shorter: a loaded machine can stall an instance long enough to let a live one's lease lapse.
    const { fake, forwarded, instances } = await twoInstances(200, { WEBEX_GO_LICENSES: '150', LEASE_TTL_SECONDS: SHORT_LEASE_SECONDS });
    const opsId = ops();
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
});
