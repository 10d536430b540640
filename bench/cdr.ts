/**
 * Detailed Call History analysis speed and memory. Generates an export of N records (default
 * 1,000,000; ~30 of the real columns, ~5% Webex Go, legs sharing Correlation IDs, quoted fields
 * with commas, a few duplicates) and one of N/4, then, each in its own child process so peak RSS
 * (getrusage maxRSS) is its own:
 *   raw          csv-parse alone, same options, records discarded
 *   analyse      analyseExport (summary only) on a file stream, whose size it reads (as it reads
 *                a download's Content-Length) to size its tables once
 *   analyse+csv  the same, also writing the Webex Go CSV to a temp file
 *   no-hint      analyseExport on a stream of unknown size: its tables grow step by step
 * Each mode runs twice, interleaved; the faster run counts, and the larger peak RSS. Rates are given
 * on wall time and on CPU time (user + system, less disturbed by other load on the machine); the
 * ratio to raw is taken on CPU time.
 * Goals: analyse ≥ 70% of raw's records/s; peak RSS not growing with the size.
 * Run: npx tsx bench/cdr.ts [records]   (or --generate <file> [records] to keep an export)
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse';
import { analyseExport, CSV_PARSE_OPTIONS } from '../src/calls/parseExport.js';

const COLUMNS = [
  'Report ID', 'Report time', 'Start time', 'Answer time', 'Release time', 'Duration', 'Ring duration',
  'Answered', 'Direction', 'Call type', 'Client type', 'Client version', 'Sub client type', 'OS type',
  'Device MAC', 'Model', 'Calling number', 'Called number', 'Dialed digits', 'User', 'User number',
  'User type', 'User UUID', 'Location', 'Site UUID', 'Org UUID', 'Call outcome', 'Call outcome reason',
  'Correlation ID', 'Local call ID', 'Remote call ID', 'Site timezone',
];

const MODES = ['raw', 'analyse', 'analyse+csv', 'no-hint'];


interface ChildFigures {
  records: number;
  ms: number;
  cpuMs: number;
  maxRssMb: number;
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

async function child(mode: string, file: string, outFile: string): Promise<void> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let records = 0;
  const figures: Partial<ChildFigures> = {};
  if (mode === 'raw') {
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
  process.stdout.write(JSON.stringify({ ...figures, records, ms, cpuMs, maxRssMb }));
}

function runChild(mode: string, file: string, outFile: string): ChildFigures {
  const self = fileURLToPath(import.meta.url);
  const output = execFileSync(process.execPath, ['--import', 'tsx', self, '--child', mode, file, outFile], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(output) as ChildFigures;
}

// ---------------------------------------------------------------- main

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function main(): Promise<void> {
  const records = Number(process.argv[2] ?? 1_000_000);
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
      console.log(`generated ${fmt(n)} records, ${fmt(bytes / 1e6)} MB, in ${fmt(performance.now() - g0)} ms`);
      // Alternate the modes and keep each one's fastest run (the disk cache is warm by then).
      const best = new Map<string, ChildFigures>();
      for (let round = 0; round < 2; round++) {
        for (const mode of MODES) {
          const figures = runChild(mode, file, join(dir, `webex-go-${n}.csv`));
          const previous = best.get(mode);
          const maxRssMb = Math.max(figures.maxRssMb, previous?.maxRssMb ?? 0);
          best.set(mode, previous === undefined || figures.cpuMs < previous.cpuMs ? { ...figures, maxRssMb } : { ...previous, maxRssMb });
        }
      }
      const raw = best.get('raw')!;
      for (const mode of MODES) {
        const f = best.get(mode)!;
        const rate = (f.records / f.ms) * 1000;
        const cpuRate = (f.records / f.cpuMs) * 1000;
        const rawCpuRate = (raw.records / raw.cpuMs) * 1000;
        rows.push(
          `${fmt(n).padStart(9)}  ${mode.padEnd(11)} ${fmt(rate).padStart(8)} rec/s  ${fmt(cpuRate).padStart(8)} rec/s` +
            `  ${((cpuRate / rawCpuRate) * 100).toFixed(0).padStart(4)}%  ${f.maxRssMb.toFixed(0).padStart(5)} MB` +
            (f.webexGoCalls !== undefined ? `   ${fmt(f.webexGoCalls)} of ${fmt(f.allCalls ?? 0)}` : ''),
        );
        byMode.set(mode, [...(byMode.get(mode) ?? []), f]);
      }
      await rm(file);
    }
    console.log('\n  records  mode           wall rate       CPU rate   vs raw  peak RSS   Webex Go calls of calls');
    for (const row of rows) console.log(row);
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
  await child(process.argv[3], process.argv[4], process.argv[5]);
} else if (process.argv[2] === '--generate') {
  // npx tsx bench/cdr.ts --generate <file> [records]: keep an export to try things on.
  console.log(`${fmt(await generate(process.argv[3], Number(process.argv[4] ?? 1_000_000)))} bytes`);
} else {
  await main();
}
