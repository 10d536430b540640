/**
 * Reply latency: the time from a person's message reaching Webex (the fake on loopback starts the
 * webhook POST at that moment) to the bot's reply being stored there, for `status
 * alice@example.com` in an admin's 1:1. Three bots against the same fake, in one run:
 * - webex-go-bot: createApp, the real webex-node-bot-framework in webhook mode, signed webhook
 *   endpoint, store, device card;
 * - the floor bot: no framework, no SDK — a bare HTTP server that checks the signature, reads
 *   the message (`GET /messages/:id`, a webhook carries only ids) and posts a reply;
 * - a bare framework echo bot (framework.hears → bot.say), as the framework runs by default.
 * First one message at a time (blocks, alternating), then a paced load at 20, 80 and 160
 * commands/s (replies matched to commands in order), three rounds, alternating; each paced figure
 * is the median of the rounds (min–max). The fake runs in this process too: at the higher rates
 * its own work counts against every bot's capacity. Goals (issue 13): p50 ≤ 3× the floor bot;
 * p99 at 20 commands/s ≤ 100 ms.
 *
 * The bots share one bot token and the framework removes the token's webhooks when it starts,
 * so they take turns.
 *
 * Run: npx tsx bench/latency.ts
 */
// First: this module points HYDRA_SERVICE_URL at the fake before anything loads the framework.
import { sharedFakeWebex, startFramework, stopFramework, TEST_BOT_EMAIL, TEST_BOT_TOKEN } from '../test/support/sharedFakeWebex.js';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startBot } from '../test/support/botHarness.js';
import { ADMIN } from '../test/support/domain.js';
import { webhookSignature } from '../src/localwebex/delivery.js';
import type { Message } from '../src/localwebex/types.js';

const SAMPLES = 200;
const BLOCK = 50;
const WARMUP = 20;
const RATES = [20, 80, 160];
const PACED_SECONDS = 5;
/** Paced runs are repeated, alternating the bots: the machine is shared and capacity figures vary. */
const PACED_ROUNDS = 3;
const COMMAND = 'status alice@example.com';
const FLOOR_SECRET = 'bench-floor-secret';

// The e2e support shortens the SDK's people-batcher wait for speed; the bench measures what
// production gets, so it puts the SDK's own default (100 ms) back before any framework starts.
const require = createRequire(import.meta.url);
const sdkRequire = createRequire(createRequire(require.resolve('webex-node-bot-framework')).resolve('webex'));
(sdkRequire('@webex/plugin-people/dist/config') as { default: { people: { batcherWait: number } } }).default.people.batcherWait = 100;

const { fake, hydraUrl } = await sharedFakeWebex();
const room = fake.directSpace(ADMIN);

/** Resolves with the send → reply times of `count` commands sent at `rate` per second (0: one at a time). */
function run(count: number, rate: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const sent: number[] = [];
    const latencies: number[] = [];
    let timer: NodeJS.Timeout | undefined;
    const onMessage = (message: Message) => {
      if (message.roomId !== room.id || message.personEmail !== TEST_BOT_EMAIL) return;
      // In order: the n-th reply answers the n-th command.
      latencies.push(performance.now() - sent[latencies.length]!);
      if (rate === 0 && latencies.length < count) send();
      if (latencies.length === count) finish();
    };
    const finish = (error?: Error) => {
      clearTimeout(timer);
      fake.off('message', onMessage);
      if (error) reject(error);
      else resolve(latencies);
    };
    const send = () => {
      clearTimeout(timer);
      timer = setTimeout(() => finish(new Error(`${latencies.length} of ${count} replies (rate ${rate}/s) within 10 s of the last`)), 10_000);
      sent.push(performance.now());
      // postMessage stores the message and queues the signed webhook POST synchronously.
      fake.postMessage({ roomId: room.id, fromEmail: ADMIN, text: COMMAND });
    };
    fake.on('message', onMessage);
    if (rate === 0) return send();
    void (async () => {
      const start = performance.now();
      for (let i = 0; i < count; i++) {
        const wait = start + (i * 1000) / rate - performance.now();
        if (wait > 0) await sleep(wait);
        send();
      }
    })();
  });
}

/** The least a bot must do: a webhook server, one GET for the message, one POST for the reply. */
async function startFloorBot(): Promise<{ stop(): Promise<void> }> {
  const headers = { authorization: `Bearer ${TEST_BOT_TOKEN}`, 'content-type': 'application/json' };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const valid = req.headers['x-spark-signature'] === webhookSignature(FLOOR_SECRET, raw);
      res.writeHead(valid ? 200 : 401).end();
      const event = JSON.parse(raw.toString('utf8')) as { data: { id: string; personEmail: string } };
      if (!valid || event.data.personEmail === TEST_BOT_EMAIL) return;
      void (async () => {
        const message = (await (await fetch(`${hydraUrl}/messages/${event.data.id}`, { headers })).json()) as { roomId: string; text: string };
        await fetch(`${hydraUrl}/messages`, { method: 'POST', headers, body: JSON.stringify({ roomId: message.roomId, markdown: message.text }) });
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const targetUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
  const created = await fetch(`${hydraUrl}/webhooks`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ name: 'floor bot', targetUrl, resource: 'messages', event: 'created', secret: FLOOR_SECRET }),
  });
  const { id } = (await created.json()) as { id: string };
  return {
    stop: async () => {
      await fetch(`${hydraUrl}/webhooks/${id}`, { method: 'DELETE', headers });
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function echoBot() {
  const running = await startFramework({ webhookSecret: 'bench-echo-secret' });
  running.framework.hears(/[\s\S]*/, (bot, trigger) => void bot.say(trigger.text ?? ''));
  return { stop: () => stopFramework(running.framework) };
}

/** Our app, as the e2e tests run it; alice has a device, so `status` renders her card. */
let app = await startBot({ keepFake: true });
await app.app.service.assign(ADMIN, 'alice@example.com');
const ourBot = async () => {
  app = await startBot({ keepFake: true, dir: app.dir });
  await run(2, 0); // the restarted framework's first messages settle its state
  return { stop: () => app.stop() };
};
await app.stop();

type Bot = () => Promise<{ stop(): Promise<void> }>;
const bots: Array<{ label: string; start: Bot; oneAtATime: number[]; paced: Map<number, number[][]> }> = [
  { label: 'webex-go-bot (createApp, real framework)', start: ourBot, oneAtATime: [], paced: new Map() },
  { label: 'floor bot (no framework)', start: startFloorBot, oneAtATime: [], paced: new Map() },
  { label: 'bare framework echo bot', start: echoBot, oneAtATime: [], paced: new Map() },
];

for (const bot of bots) {
  const running = await bot.start();
  await run(WARMUP, 0); // JIT, connection pools, the framework's discovery of the space
  await running.stop();
}
for (let done = 0; done < SAMPLES; done += BLOCK) {
  for (const bot of bots) {
    const running = await bot.start();
    bot.oneAtATime.push(...(await run(BLOCK, 0)));
    await running.stop();
  }
}
/** `GET /people` requests (the framework's look-ups of authors) made while `work` ran; the fake keeps the last 5,000 requests. */
async function peopleLookUpsDuring<T>(work: () => Promise<T>): Promise<{ result: T; lookUps: number }> {
  const last = fake.requests.at(-1);
  const result = await work();
  const since = last ? fake.requests.lastIndexOf(last) + 1 : 0;
  const lookUps = fake.requests.slice(since).filter((r) => r.method === 'GET' && r.path.startsWith('/v1/people') && !r.path.endsWith('/me')).length;
  return { result, lookUps };
}
let ourCommands = 0;
let ourLookUps = 0;
for (let round = 0; round < PACED_ROUNDS; round++) {
  for (const bot of bots.slice(0, 2)) {
    const running = await bot.start();
    for (const rate of RATES) {
      const { result, lookUps } = await peopleLookUpsDuring(() => run(rate * PACED_SECONDS, rate));
      bot.paced.set(rate, [...(bot.paced.get(rate) ?? []), result]);
      if (bot === bots[0]) [ourCommands, ourLookUps] = [ourCommands + result.length, ourLookUps + lookUps];
      await sleep(500);
    }
    await running.stop();
  }
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const figures = (samples: number[]) =>
  `p50 ${percentile(samples, 50).toFixed(1).padStart(7)} ms   p99 ${percentile(samples, 99).toFixed(1).padStart(7)} ms   max ${Math.max(...samples).toFixed(1).padStart(7)} ms   (n=${samples.length})`;
/** The median round's figure, with the least and the most of the rounds. */
const acrossRounds = (rounds: number[][], p: number) => {
  const values = rounds.map((samples) => percentile(samples, p)).sort((a, b) => a - b);
  return `${values[Math.floor(values.length / 2)]!.toFixed(1).padStart(7)} (${values[0]!.toFixed(0)}–${values.at(-1)!.toFixed(0)}) ms`;
};
const pacedFigures = (rounds: number[][]) => `p50 ${acrossRounds(rounds, 50)}   p99 ${acrossRounds(rounds, 99)}   (n=${rounds[0]!.length} × ${rounds.length})`;

console.log(`Webhook → reply stored in the fake Webex, "${COMMAND}" in an admin's 1:1.`);
console.log('One at a time:');
for (const bot of bots) console.log(`  ${bot.label.padEnd(42)} ${figures(bot.oneAtATime)}`);
for (const rate of RATES) {
  console.log(`Paced, ${rate} commands/s for ${PACED_SECONDS} s:`);
  for (const bot of bots.slice(0, 2)) console.log(`  ${bot.label.padEnd(42)} ${pacedFigures(bot.paced.get(rate)!)}`);
}
console.log(`people looked up at Webex by webex-go-bot during the paced runs: ${ourLookUps} for ${ourCommands} commands`);
const [ours, floor] = bots as [(typeof bots)[0], (typeof bots)[0]];
const ratio = percentile(ours.oneAtATime, 50) / percentile(floor.oneAtATime, 50);
console.log(`reply p50: ${ratio.toFixed(1)}x the floor bot (goal ≤ 3x)`);
console.log(`reply p99 at 20 commands/s: ${acrossRounds(ours.paced.get(20)!, 99).trim()} (goal ≤ 100 ms)`);

await fake.close();
// The Webex SDK keeps timers and sockets; the numbers are out.
process.exit(0);
