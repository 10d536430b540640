/**
 * Start-up against a Webex that keeps failing, or refuses the token: it ends not ready (/healthz
 * 503 saying why, the server up), never deaf but ok, and recovers by itself once Webex answers.
 */
import '../support/sharedFakeWebex.js';
import assert from 'node:assert/strict';
import type { FailureRule } from '../../src/localwebex/fakeWebex.js';
import { WebexStartError } from '../../src/webex/botAdapter.js';
import { CREATE_WEBHOOK, LIST_WEBHOOKS, PEOPLE_ME, eventually, startupHarness } from '../support/startupHarness.js';

describe('e2e: start-up against a Webex that keeps failing', function () {
  this.timeout(40_000);
  const { startWith, assertNotReady, assertConnected, fake } = startupHarness();

  describe('a fault that lasts ends not ready, never deaf but ok', () => {
    const lasting = [
      ['GET people/me × 503s', { ...PEOPLE_ME, status: 503, times: 1000 }, /503/],
      ['GET people/me × never answered', { ...PEOPLE_ME, status: 'hang', times: 1000 }, /no answer|did not finish/],
      ['GET webhooks × 502s', { ...LIST_WEBHOOKS, status: 502, times: 1000 }, /502/],
      ['GET webhooks × 429s', { ...LIST_WEBHOOKS, status: 429, retryAfterSeconds: 1, times: 1000 }, /429|did not finish/],
      ['POST webhooks × 500s', { ...CREATE_WEBHOOK, status: 500, times: 1000 }, /500/],
      ['POST webhooks × never answered', { ...CREATE_WEBHOOK, status: 'hang', times: 1000 }, /no answer|did not finish/],
    ] as const;
    for (const [what, rule, why] of lasting) {
      it(what, async () => {
        // Where the reason may be the start-up deadline itself, a shorter one shows it as well.
        const started = await startWith([rule as FailureRule], why.source.includes('did not finish') ? { startTimeoutMs: 1500 } : {});
        const health = await assertNotReady(started, why);
        assert.notEqual(health.webex.webex === 'answering' && health.webex.webhooks === 'registered', true);
        // The log says so too.
        assert.ok(started.logs.some((l) => /not ready/i.test(l)), started.logs.join('\n'));
      });
    }

    it('recovers by itself once Webex answers again', async () => {
      const started = await startWith([{ ...LIST_WEBHOOKS, status: 502, times: 1000 }], { recheckMs: 300 });
      await assertNotReady(started, /502/);
      fake().reset();
      await eventually(async () => (await started.health()).status === 200, 'ready after Webex recovered', 10_000);
      await assertConnected(started);
    });
  });

  describe('the token', () => {
    it('a token Webex refuses at start stops start-up with one clear error', async () => {
      await assert.rejects(startWith([], { token: 'not-the-bot-token' }), (error: Error) => {
        assert.ok(error instanceof WebexStartError);
        assert.match(error.message, /refused WEBEX_BOT_TOKEN/);
        return true;
      });
    });

    it('a token revoked at run time is logged once and shown in /healthz', async () => {
      const started = await startWith([], { recheckMs: 200 });
      await assertConnected(started);
      fake().failNext({ method: 'GET', path: '/v1/people/me', status: 401, times: 1000 });
      await eventually(async () => (await started.health()).status === 503, '/healthz to report the refused token', 10_000);
      const { body } = await started.health();
      assert.equal(body.webex.webex, 'refused');
      await new Promise((resolve) => setTimeout(resolve, 600));
      assert.equal(started.logs.filter((l) => /refused/i.test(l)).length, 1, started.logs.join('\n'));
    });
  });
});
