/**
 * Reply latency: the time from a person's message reaching Webex (the fake on loopback starts the
 * webhook POST at that moment) to the bot's reply being stored there, for 200 `status
 * alice@example.com` commands in an admin's 1:1 — our app (createApp, the real
 * webex-node-bot-framework in webhook mode, signed webhook endpoint, store, device card) beside a
 * bare framework echo bot (framework.hears → bot.say) measured the same way in the same run.
 * Goal (issue 3): our p50 within 1.2× of the echo bot's.
 *
 * Both bots share one bot token, and the framework removes the token's webhooks when it starts,
 * so they take turns: blocks of 50 messages, alternating, after a warm-up of each.
 *
 * Run: npx tsx bench/latency.ts
 */
// First: this module points HYDRA_SERVICE_URL at the fake before anything loads the framework.
import { sharedFakeWebex, startFramework, stopFramework, TEST_BOT_EMAIL } from '../test/support/sharedFakeWebex.js';
import { startBot } from '../test/support/botHarness.js';
import { ADMIN } from '../test/support/domain.js';
import type { FakeWebex } from '../src/localwebex/fakeWebex.js';
import type { Message } from '../src/localwebex/types.js';

const SAMPLES = 200;
const BLOCK = 50;
const WARMUP = 20;
const COMMAND = 'status alice@example.com';
const GOAL_RATIO = 1.2;

const { fake } = await sharedFakeWebex();
const room = fake.directSpace(ADMIN);

/** Posts as the admin and resolves with the ms until the bot's next message in the room is stored. */
function roundTrip(fake: FakeWebex, text: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let start = 0;
    const timer = setTimeout(() => {
      fake.off('message', onMessage);
      reject(new Error(`no reply to "${text}" within 10 s`));
    }, 10_000);
    const onMessage = (message: Message) => {
      if (message.roomId !== room.id || message.personEmail !== TEST_BOT_EMAIL) return;
      const ms = performance.now() - start;
      clearTimeout(timer);
      fake.off('message', onMessage);
      resolve(ms);
    };
    fake.on('message', onMessage);
    start = performance.now();
    // postMessage stores the message and queues the signed webhook POST synchronously.
    fake.postMessage({ roomId: room.id, fromEmail: ADMIN, text });
  });
}

async function measure(count: number, text: string, into?: number[]): Promise<void> {
  for (let i = 0; i < count; i++) {
    const ms = await roundTrip(fake, text);
    into?.push(ms);
  }
}

/** Our app, as the e2e tests run it; alice has a device, so `status` renders her card. */
let app = await startBot({ keepFake: true });
await app.app.service.assign(ADMIN, 'alice@example.com');
const ours: number[] = [];

async function echoBot() {
  const running = await startFramework({ webhookSecret: 'bench-echo-secret' });
  running.framework.hears(/[\s\S]*/, (bot, trigger) => void bot.say(trigger.text ?? ''));
  return running;
}
const echo: number[] = [];

// Warm up both (JIT, connection pools, the framework's discovery of the space).
await measure(WARMUP, COMMAND);
await app.stop();
let echoing = await echoBot();
await measure(WARMUP, COMMAND);
await stopFramework(echoing.framework);

for (let done = 0; done < SAMPLES; done += BLOCK) {
  app = await startBot({ keepFake: true, dir: app.dir });
  await measure(2, COMMAND); // the restarted framework's first messages settle its state
  await measure(BLOCK, COMMAND, ours);
  await app.stop();

  echoing = await echoBot();
  await measure(2, COMMAND);
  await measure(BLOCK, COMMAND, echo);
  await stopFramework(echoing.framework);
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const row = (label: string, samples: number[]) =>
  `${label.padEnd(44)} p50 ${percentile(samples, 50).toFixed(1).padStart(7)} ms   p99 ${percentile(samples, 99).toFixed(1).padStart(7)} ms   (n=${samples.length})`;

const ratio = percentile(ours, 50) / percentile(echo, 50);
console.log(`Webhook → reply stored in the fake Webex, "${COMMAND}" in an admin's 1:1:`);
console.log(row('webex-go-bot (createApp, real framework)', ours));
console.log(row('bare framework echo bot', echo));
console.log(
  `p50 ratio ${ratio.toFixed(2)}× (goal ≤ ${GOAL_RATIO}×): ${ratio <= GOAL_RATIO ? 'met' : 'NOT met'}; ` +
    `p99 ratio ${(percentile(ours, 99) / percentile(echo, 99)).toFixed(2)}×`,
);

await fake.close();
// The Webex SDK keeps timers and sockets; the numbers are out.
process.exit(0);
