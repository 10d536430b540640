/**
 * Detailed Call History analysis speed, memory and event-loop delay. Generates an export just
 * under the bot's upload cap (CALLS_MAX_UPLOAD_MB, 200 MB: ~370,000 records, ~30 of the real
 * columns, ~5% Webex Go, legs sharing Correlation IDs, quoted fields with commas, a few
 * duplicates) — or of N records if given — and one of a quarter of that, then, each in its own
 * child process so peak RSS (getrusage maxRSS) and the event loop are its own:
 *   raw          csv-parse alone, same options, records discarded (the floor)
 *   upload       the bot's own upload path: an admin types `calls` with the file attached; the
 *                dispatcher runs the command, the messenger downloads the file over HTTP from a
 *                loopback server (in the parent process) and it is analysed with the cap,
 *                charted and answered (to fake Webex ports)
 *   analyse      analyseExport (summary only) on a file stream, whose size it reads (as it reads
 *                a download's Content-Length) to size its tables once
 *   analyse+csv  the same, also writing the Webex Go CSV to a temp file
 *   no-hint      analyseExport on a stream of unknown size: its tables grow step by step
 * Each mode runs twice, interleaved; the faster run counts, and the larger peak RSS and stall.
 * Rates are given on wall time and on CPU time (user + system, less disturbed by other load on
 * the machine); the ratio to raw is taken on CPU time. The stall is the event loop's longest delay
 * while the mode ran (perf_hooks.monitorEventLoopDelay).
 * Goals (issue 13): upload ≥ 70% of raw's records/s, no stall over 100 ms; peak RSS not growing
 * with the size.
 * Run: npx tsx bench/cdr.ts [records]   (or --generate <file> [records] to keep an export)
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { mkdtemp, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse';
import { analyseExport, CSV_PARSE_OPTIONS, DEFAULT_MAX_BYTES } from '../src/calls/parseExport.js';
import { loadConfig } from '../src/config.js';
import { WebexClient } from '../src/webex/webexClient.js';
import { WebexMessenger } from '../src/webex/messenger.js';
import { RenderPool } from '../src/render/worker/renderPool.js';
import { admin, DM_ADMIN, openBot } from '../test/support/botFakes.js';

const COLUMNS = [
  'Report ID', 'Report time', 'Start time', 'Answer time', 'Release time', 'Duration', 'Ring duration',
  'Answered', 'Direction', 'Call type', 'Client type', 'Client version', 'Sub client type', 'OS type',
  'Device MAC', 'Model', 'Calling number', 'Called number', 'Dialed digits', 'User', 'User number',
  'User type', 'User UUID', 'Location', 'Site UUID', 'Org UUID', 'Call outcome', 'Call outcome reason',
  'Correlation ID', 'Local call ID', 'Remote call ID', 'Site timezone',
];

const MODES = ['raw', 'upload', 'analyse', 'analyse+csv', 'no-hint'];
/** Bytes a generated record takes, near enough to size an export under the cap. */
const BYTES_PER_RECORD = 546;


interface ChildFigures {
  records: number;
  ms: number;
  cpuMs: number;
  maxRssMb: number;
  /** The event loop's longest delay while the mode ran. */
  maxStallMs: number;
  webexGoCalls?: number;
  allCalls?: number;
}

// ---------------------------------------------------------------- generation

function pick<T>(items: readonly T[], i: number): T {
  return items[i % items.length];
}

/** Writes `records` records (plus header) and returns the file's size. */
async function generate(path: string, records: number): Promise<number> {
  const out = createWriteStream(path);
  out.write('\uFEFF' + COLUMNS.join(',') + '\r\n');
  const start = Date.UTC(2026, 2, 1);
  const orgUuid = randomUUID();
  const sites = Array.from({ length: 8 }, () => randomUUID());
  const locations = ['Oslo', '"Oslo, HQ"', 'Bergen', '"Trondheim, Floor 2"', 'Stavanger', 'Remote'];
  const users = Array.from({ length: 2_000 }, (_, i) => ({ name: `user${i}@example.com`, number: `+47220${String(i).padStart(5, '0')}`, uuid: randomUUID() }));
  let written = 0;
  let chunk = '';
  let lastRecord = '';
  let call = 0;
  while (written < records) {
    call++;
    const correlation = randomUUID();
    const legs = 1 + (call % 3); // 1, 2 or 3 legs
    const at = start + ((call * 7_919) % (30 * 86_400)) * 1000; // spread over 30 days
    const answered = call % 5 !== 0;
    for (let leg = 0; leg < legs && written < records; leg++) {
      // A few duplicates: every 997th record is written twice.
      if (written > 0 && written % 997 === 0 && lastRecord) {
        chunk += lastRecord;
        written++;
        if (written >= records) break;
      }
      const user = pick(users, call * 7 + leg);
      const webexGo = (call * 13 + leg * 41) % 100 < 5; // ~5% of legs
      const begin = new Date(at + leg * 1000).toISOString();
      const duration = answered ? 20 + ((call * 31) % 600) : 0;
      const fields = [
        randomUUID(),
        new Date(at + 3_600_000).toISOString(),
        begin,
        answered ? new Date(at + leg * 1000 + 6000).toISOString() : 'NA',
        new Date(at + leg * 1000 + 6000 + duration * 1000).toISOString(),
        String(duration),
        String(3 + (call % 20)),
        answered ? 'true' : 'false',
        leg === 0 ? 'ORIGINATING' : 'TERMINATING',
        pick(['SIP_ENTERPRISE', 'SIP_NATIONAL', 'SIP_MOBILE', 'SIP_INTERNATIONAL'], call),
        webexGo ? 'SIP' : pick(['WXC_CLIENT', 'WXC_DEVICE', 'SIP', 'TEAMS_WXC_CLIENT'], call + leg),
        webexGo ? 'NA' : '44.2.0.123',
        webexGo ? 'MOBILE_NETWORK' : '',
        webexGo ? 'NA' : pick(['windows', 'mac', 'ios', 'android'], call),
        webexGo ? 'NA' : 'A1B2C3D4E5F6',
        webexGo ? 'NA' : pick(['Cisco 8865', 'Webex App', 'Cisco 6871'], call),
        user.number,
        pick(users, call + 1).number,
        pick(users, call + 1).number,
        user.name,
        user.number,
        'User',
        user.uuid,
        pick(locations, call),
        pick(sites, call),
        orgUuid,
        answered ? 'Success' : 'Failure',
        answered ? 'Normal' : 'UserBusy',
        correlation,
        randomUUID(),
        randomUUID(),
        '60',
      ];
      lastRecord = fields.join(',') + '\r\n';
      chunk += lastRecord;
      written++;
      if (chunk.length > 1 << 20) {
        if (!out.write(chunk)) await once(out, 'drain');
        chunk = '';
      }
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  return statSync(path).size;
}

// ---------------------------------------------------------------- children

/** The bot, ready to take `calls` with the file attached from an admin in its 1:1; run() returns what it said. */
async function uploadingBot(url: string): Promise<{ run(): Promise<string>; close(): Promise<void> }> {
  const config = loadConfig({});
  // The chart is drawn as the app draws it: in the render pool, off the event loop.
  const renderer = new RenderPool();
  const bot = await openBot({}, undefined, { maxUploadBytes: config.maxUploadBytes, chartPng: renderer.callsChart.bind(renderer) });
  const noSdk = () => {
    throw new Error('the bench only downloads');
  };
  const messenger = new WebexMessenger(noSdk, new WebexClient(), () => 'bench-token', config.downloadTimeoutMs);
  bot.messenger.download.callsFake((fileUrl) => messenger.download(fileUrl));
  // A running bot has answered commands before an admin uploads: the card templating, which it
  // loads at its first card, is loaded here, before the clock (through tsx, from the sources, that
  // load alone held the event loop 300–500 ms; the compiled app loads it at its first card).
  await bot.type(admin, DM_ADMIN, 'devices');
  return {
    run: async () => {
      await bot.type(admin, DM_ADMIN, 'calls', [url]);
      // The result replaces the progress message: it is among the updates.
      return [...bot.said(DM_ADMIN.id), ...bot.updates().map((u) => u.message)].map((m) => m.markdown).join('\n');
    },
    close: async () => {
      await bot.close();
      await renderer.close();
    },
  };
}

async function child(mode: string, file: string, outFile: string, url: string): Promise<void> {
  // Opening the bot (its store, fakes) is not part of the upload: it is done before the clock starts.
  const bot = mode === 'upload' ? await uploadingBot(url) : undefined;
  const stalls = monitorEventLoopDelay({ resolution: 5 });
  stalls.enable();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let records = 0;
  const figures: Partial<ChildFigures> = {};
  if (bot) {
    const said = await bot.run();
    const read = /Records read: (\d[\d,. \u00a0\u202f]*\d|\d)/.exec(said);
    if (!read) throw new Error(`the bot did not summarise the upload:\n${said}`);
    records = Number(read[1]!.replace(/\D/g, ''));
  } else if (mode === 'raw') {
    const parser = createReadStream(file).pipe(parse(CSV_PARSE_OPTIONS));
    parser.on('data', () => {
      records++;
    });
    await once(parser, 'end');
    records -= 1; // the header
  } else {
    // A plain Readable for no-hint: analyseExport would take the size from a file stream itself.
    const input = mode === 'no-hint' ? Readable.from(createReadStream(file)) : createReadStream(file);
    const result = await analyseExport(input, {
      maxBytes: Number.MAX_SAFE_INTEGER,
      webexGoCsv: mode === 'analyse+csv' ? createWriteStream(outFile) : undefined,
    });
    if (!result.ok) throw new Error(`refused: ${JSON.stringify(result)}`);
    records = result.summary.recordsRead;
    figures.webexGoCalls = result.summary.webexGoCalls;
    figures.allCalls = result.summary.allCalls;
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  stalls.disable();
  await bot?.close();
  const maxStallMs = stalls.max / 1e6;
  process.stdout.write(JSON.stringify({ ...figures, records, ms, cpuMs, maxRssMb, maxStallMs }));
}

async function runChild(mode: string, file: string, outFile: string, url: string): Promise<ChildFigures> {
  const self = fileURLToPath(import.meta.url);
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', self, '--child', mode, file, outFile, url], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout) as ChildFigures;
}

/** Serves the export as Webex serves an attachment (`GET /contents/:id`), with its length and name. */
async function serveFile(file: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, {
      'content-type': 'text/csv',
      'content-length': statSync(file).size,
      'content-disposition': 'attachment; filename="detailed-call-history.csv"',
    });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/contents/export`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

// ---------------------------------------------------------------- main

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function main(): Promise<void> {
  const records = Number(process.argv[2] ?? Math.floor((0.95 * DEFAULT_MAX_BYTES) / BYTES_PER_RECORD));
  if (!Number.isInteger(records) || records < 100) throw new Error('records: a whole number ≥ 100');
  const dir = await mkdtemp(join(tmpdir(), 'cdr-bench-'));
  try {
    const sizes = [records, Math.floor(records / 4)];
    const rows: string[] = [];
    const byMode = new Map<string, ChildFigures[]>();
    for (const n of sizes) {
      const file = join(dir, `cdr-${n}.csv`);
      const g0 = performance.now();
      const bytes = await generate(file, n);
      console.log(`generated ${fmt(n)} records, ${fmt(bytes / 1e6)} MB (upload cap ${fmt(DEFAULT_MAX_BYTES / 1e6)} MB), in ${fmt(performance.now() - g0)} ms`);
      const served = await serveFile(file);
      // Alternate the modes and keep each one's fastest run (the disk cache is warm by then).
      const best = new Map<string, ChildFigures>();
      for (let round = 0; round < 2; round++) {
        for (const mode of MODES) {
          const figures = await runChild(mode, file, join(dir, `webex-go-${n}.csv`), served.url);
          const previous = best.get(mode);
          const maxRssMb = Math.max(figures.maxRssMb, previous?.maxRssMb ?? 0);
          const maxStallMs = Math.max(figures.maxStallMs, previous?.maxStallMs ?? 0);
          best.set(mode, previous === undefined || figures.cpuMs < previous.cpuMs ? { ...figures, maxRssMb, maxStallMs } : { ...previous, maxRssMb, maxStallMs });
        }
      }
      await served.close();
      const raw = best.get('raw')!;
      for (const mode of MODES) {
        const f = best.get(mode)!;
        const rate = (f.records / f.ms) * 1000;
        const cpuRate = (f.records / f.cpuMs) * 1000;
        const rawCpuRate = (raw.records / raw.cpuMs) * 1000;
        rows.push(
          `${fmt(n).padStart(9)}  ${mode.padEnd(11)} ${fmt(rate).padStart(8)} rec/s  ${fmt(cpuRate).padStart(8)} rec/s` +
            `  ${((cpuRate / rawCpuRate) * 100).toFixed(0).padStart(4)}%  ${f.maxRssMb.toFixed(0).padStart(5)} MB  ${f.maxStallMs.toFixed(0).padStart(5)} ms` +
            (f.webexGoCalls !== undefined ? `   ${fmt(f.webexGoCalls)} of ${fmt(f.allCalls ?? 0)}` : ''),
        );
        byMode.set(mode, [...(byMode.get(mode) ?? []), f]);
      }
      await rm(file);
    }
    console.log('\n  records  mode           wall rate       CPU rate   vs raw  peak RSS  max stall   Webex Go calls of calls');
    for (const row of rows) console.log(row);
    const [uploaded, raw] = [byMode.get('upload')![0]!, byMode.get('raw')![0]!];
    const share = (uploaded.records / uploaded.cpuMs / (raw.records / raw.cpuMs)) * 100;
    console.log(`\nupload at the cap: ${share.toFixed(0)}% of raw csv-parse (goal ≥ 70%), max stall ${uploaded.maxStallMs.toFixed(0)} ms (goal ≤ 100 ms)`);
    console.log(`\npeak RSS, ${fmt(sizes[1])} records → ${fmt(sizes[0])} (what grows is the de-duplication and call tables):`);
    for (const [mode, [full, quarter]] of byMode) {
      const delta = full.maxRssMb - quarter.maxRssMb;
      const perRecord = (delta * 1024 * 1024) / (sizes[0] - sizes[1]);
      console.log(
        `  ${mode.padEnd(11)} ${quarter.maxRssMb.toFixed(0).padStart(4)} MB → ${full.maxRssMb.toFixed(0).padStart(4)} MB` +
          `  (${delta >= 0 ? '+' : ''}${delta.toFixed(0)} MB, ${perRecord.toFixed(0)} bytes a record)`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  await child(process.argv[3], process.argv[4], process.argv[5], process.argv[6]);
} else if (process.argv[2] === '--generate') {
  // npx tsx bench/cdr.ts --generate <file> [records]: keep an export to try things on.
  console.log(`${fmt(await generate(process.argv[3], Number(process.argv[4] ?? 1_000_000)))} bytes`);
} else {
  await main();
}
