/**
 * Start-up against a Webex that fails for a while: every call start-up makes (the bot's identity,
 * the webhooks list, delete and create, the spaces it is in) × a 429, server errors and a request
 * that is never answered. Each start ends connected: webhooks registered, /healthz 200, a message
 * answered. (A fault that lasts, and the token: startupNotReady.test.ts.)
 */
import '../support/sharedFakeWebex.js';
import type { FailureRule } from '../../src/localwebex/fakeWebex.js';
import { calls, startupHarness, transientFaults } from '../support/startupHarness.js';
import assert from 'node:assert/strict';

describe('e2e: start-up against a Webex that fails for a while', function () {
  this.timeout(40_000);
  const { startWith, assertConnected } = startupHarness();

  describe('a transient fault is waited out and ends connected', () => {
    for (const [call, rule] of calls) {
      for (const [fault, spec] of transientFaults) {
        it(`${call} × ${fault}`, async () => {
          const started = await startWith([{ ...rule, ...spec } as FailureRule], { staleWebhook: true });
          await assertConnected(started);
          assert.ok(!started.logs.some((l) => /unhandled/i.test(l)), started.logs.join('\n'));
        });
      }
    }
  });

});
