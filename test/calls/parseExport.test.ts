import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { analyseExport, sniffDelimiter, toCsvLine } from '../../src/calls/parseExport.js';
import { analyse, fixture, FIXTURES, line, ok, streamOf } from './helpers.js';

const HEADER = ['Report ID', 'Start time', 'Duration', 'Answered', 'Direction', 'User', 'Sub client type', 'Correlation ID', 'Location'];

function csv(rows: string[][], eol = '\n'): string {
  return rows.map((r) => line(...r)).join(eol) + eol;
}

function goRow(id: string, correlation = `c-${id}`, location = 'Oslo'): string[] {
  return [id, '2026-03-02T09:00:00Z', '60', 'true', 'ORIGINATING', 'ann@example.com', 'MOBILE_NETWORK', correlation, location];
}

function otherRow(id: string, correlation = `c-${id}`): string[] {
  return [id, '2026-03-02T09:00:00Z', '60', 'true', 'TERMINATING', 'bo@example.com', 'NA', correlation, 'Oslo'];
}

describe('calls: reading the export', () => {
  describe('messy.csv: what real exports carry', () => {
    const data = fixture('messy.csv');

    it('is the file the test means (BOM, CRLF, a quoted line break)', () => {
      assert.deepEqual([...data.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
      assert.ok(data.includes('\r\n'));
      assert.ok(!/[^\r]\n/.test(data.toString()), 'every line ends in CRLF');
      assert.ok(data.includes('"Bergen\r\nsite 2"'));
    });

    it('reads every record despite BOM, CRLF, header casing, quoted commas and line breaks, NA', async () => {
      const result = ok((await analyse(data)).result);
      const { summary } = result;
      assert.equal(result.header[0], 'Report id', 'the BOM is not part of the first column name');
      assert.equal(summary.recordsRead, 7);
      assert.equal(summary.duplicates, 1);
      assert.equal(summary.brokenRows, 2);
      assert.equal(summary.webexGoRecords, 3);
      assert.equal(summary.webexGoCalls, 3);
      assert.equal(summary.allCalls, 3);
      assert.deepEqual([summary.answered, summary.notAnswered], [2, 1]);
      assert.deepEqual([summary.outbound, summary.inbound], [2, 1]);
      assert.equal(summary.totalSeconds, 150, 'Duration NA reads as 0');
      assert.equal(summary.totalMinutes, 2.5);
      assert.equal(summary.periodStart, '2026-03-05T08:00:00.000Z');
      assert.equal(summary.periodEnd, '2026-03-06T11:00:00.000Z');
    });

    it('counts and reports broken rows, by the row a spreadsheet shows', async () => {
      const result = ok((await analyse(data)).result);
      assert.deepEqual(result.brokenSamples, [
        { row: 6, reason: 'field-count', detail: '10 fields, the header has 11' },
        { row: 7, reason: 'start-time', detail: 'Start time "yesterday" is not a date' },
      ]);
    });

    it('gives the same answer however the bytes are chunked', async () => {
      const whole = ok((await analyse(data)).result);
      for (const chunkSize of [1, 2, 7, 64]) {
        const { result, csv: out } = await analyse(data, { chunkSize });
        assert.deepEqual(ok(result).summary, whole.summary, `chunks of ${chunkSize}`);
        assert.ok(out.startsWith('\uFEFFReport id,'), `BOM kept with chunks of ${chunkSize}`);
      }
    });

    it('writes only the Webex Go records, with the input’s columns and values', async () => {
      const { result, csv: out } = await analyse(data);
      assert.equal(ok(result).webexGoCsvRows, 3);
      assert.ok(out.startsWith('\uFEFF'), 'a BOM, as the input had');
      assert.ok(out.endsWith('\r\n'));
      const written: string[][] = parse(out, { bom: true });
      const input: string[][] = parse(data, { bom: true, relax_column_count: true });
      assert.deepEqual(written[0], input[0], 'the header as the file spells it');
      assert.deepEqual(
        written.slice(1),
        [input[1], input[4], input[7]],
        'r1 (once), r3 and r6 — not the duplicate, not the broken Webex Go rows, not r2',
      );
      assert.equal(written[1][8], 'Oslo, HQ');
    });
  });

  it('reads LF and CRLF files alike', async () => {
    const rows = [HEADER, goRow('a'), otherRow('b'), goRow('c', 'c-a')];
    const lf = ok((await analyse(csv(rows, '\n'))).result).summary;
    const crlf = ok((await analyse(csv(rows, '\r\n'))).result).summary;
    assert.deepEqual(crlf, lf);
    assert.deepEqual([lf.recordsRead, lf.webexGoRecords, lf.webexGoCalls, lf.allCalls], [3, 2, 1, 2]);
  });

  it('copies quoted commas, quotes and line breaks into the Webex Go CSV intact', async () => {
    const awkward = 'Bergen, "Sjøsiden"\nfloor 2';
    const { result, csv: out } = await analyse(csv([HEADER, goRow('a', 'c1', awkward), otherRow('b')]));
    assert.equal(ok(result).webexGoCsvRows, 1);
    assert.ok(!out.startsWith('\uFEFF'), 'no BOM when the input had none');
    assert.deepEqual(parse(out), [HEADER, goRow('a', 'c1', awkward)]);
    assert.equal(toCsvLine(['a', 'b,c', 'say "hi"', 'x\ny', '']), 'a,"b,c","say ""hi""","x\ny",\r\n');
  });

  it('neutralises spreadsheet formulas in the Webex Go CSV, and keeps phone numbers as numbers', async () => {
    const hostile = goRow('a', 'c1', '=HYPERLINK("http://evil.example","x")');
    const { csv: out } = await analyse(csv([HEADER, hostile]));
    const [, row] = parse(out) as string[][];
    assert.equal(row[8], `'=HYPERLINK("http://evil.example","x")`);
    for (const cell of ['+cmd|calc', '-2+3', '@SUM(A1)', '\tx', '\rx', '=1']) {
      assert.ok(toCsvLine([cell]).replace(/^"/, '').startsWith("'"), JSON.stringify(cell));
    }
    for (const cell of ['+16505551234', '+47 22 00 00 01', '-5', '12.5', 'Oslo', '']) assert.equal(toCsvLine([cell]), `${cell}\r\n`);
  });

  it('refuses a file that is not a call history, naming the columns it lacks', async () => {
    const { result, csv: out } = await analyse(fixture('not-call-history.csv'));
    assert.deepEqual(result, {
      ok: false,
      reason: 'not-call-history',
      format: 'csv',
      missing: ['Report ID', 'Start time', 'Sub client type', 'Correlation ID', 'Direction', 'Answered', 'Duration', 'User'],
      header: ['email', 'status', 'since'],
      bytesRead: fixture('not-call-history.csv').length,
    });
    assert.equal(out, '', 'nothing written, and the output ended');
  });

  it('names only what is missing when a column or two are', async () => {
    const header = HEADER.filter((h) => h !== 'Duration' && h !== 'Correlation ID');
    const { result } = await analyse(csv([header, ['a', 'b', 'c', 'd', 'e', 'f', 'g']]));
    assert.ok(!result.ok && result.reason === 'not-call-history');
    assert.deepEqual(result.missing, ['Correlation ID', 'Duration']);
  });

  it('reads a file re-saved with semicolons or tabs between fields', async () => {
    const rows = [HEADER, goRow('a', 'c1', 'Oslo, HQ'), otherRow('b', 'c1'), goRow('c')];
    const comma = ok((await analyse(csv(rows))).result).summary;
    for (const delimiter of [';', '\t']) {
      const text = rows.map((r) => r.map((f) => (/[";\t,\n]/.test(f) ? `"${f}"` : f)).join(delimiter)).join('\r\n') + '\r\n';
      const { result, csv: out } = await analyse(text, { chunkSize: 5 });
      assert.deepEqual(ok(result).summary, comma, JSON.stringify(delimiter));
      assert.deepEqual((parse(out) as string[][])[1], goRow('a', 'c1', 'Oslo, HQ'), 'written with commas');
    }
    assert.equal(sniffDelimiter(Buffer.from('"a;b;c",d,e\nx;y;z;w')), ',');
    assert.equal(sniffDelimiter(Buffer.from('Detailed Call History\n')), ',');
  });

  it('finds the header below a title line or two', async () => {
    const text = 'Detailed Call History,,\nOrg: Example,,\n' + csv([HEADER, goRow('a')]);
    const { summary } = ok((await analyse(text)).result);
    assert.equal(summary.recordsRead, 1);
    assert.equal(summary.webexGoCalls, 1);
  });

  it('stops reading a long file that is not a call history after a few rows', async () => {
    let pulled = 0;
    const endless = new Readable({
      read() {
        pulled++;
        this.push('name,score\nann,1\nbo,2\n');
      },
    });
    const result = await analyseExport(endless, {});
    assert.ok(!result.ok && result.reason === 'not-call-history');
    assert.ok(pulled < 10, `read ${pulled} chunks`);
    assert.ok(endless.destroyed);
  });

  it('refuses an empty file', async () => {
    for (const empty of ['', '\uFEFF', '\n\n\r\n', '   \n']) {
      const { result } = await analyse(empty);
      assert.equal(result.ok, false, JSON.stringify(empty));
      assert.equal(!result.ok && result.reason, 'empty', JSON.stringify(empty));
    }
  });

  it('accepts a header without records, with nothing to count', async () => {
    const { result, csv: out } = await analyse(csv([HEADER]));
    const accepted = ok(result);
    assert.equal(accepted.summary.recordsRead, 0);
    assert.equal(accepted.summary.periodStart, null);
    assert.equal(out, toCsvLine(HEADER));
  });

  it('refuses an oversized file politely and stops reading it', async () => {
    let pulled = 0;
    const chunk = csv([goRow('x')]).repeat(100);
    const endless = new Readable({
      read() {
        this.push(pulled++ === 0 ? csv([HEADER]) + chunk : chunk);
      },
    });
    const result = await analyseExport(endless, { maxBytes: 50_000 });
    assert.ok(!result.ok && result.reason === 'too-large');
    assert.equal(result.maxBytes, 50_000);
    assert.ok(result.bytesRead > 50_000 && result.bytesRead <= 50_000 + Buffer.byteLength(chunk) + 200);
    assert.ok(endless.destroyed, 'the input is destroyed, so a download stops');
    const before = pulled;
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(pulled, before, 'no more reading after the refusal');

    const exact = csv([HEADER, goRow('a')]);
    assert.ok(ok((await analyse(exact, { maxBytes: Buffer.byteLength(exact) })).result));
  });

  it('reads on past a stray quote: the row is judged by its fields', async () => {
    const text =
      csv([HEADER, goRow('a')]) +
      'b,"2026-03-02T09:00:00Z"x,1,true,ORIGINATING,u,MOBILE_NETWORK,c-b,Oslo\n' +
      'c,2026-03-02T09:00:00Z,1,true,ORIGINATING,u,MOBILE_NETWORK,c-c,Os"lo\n' +
      csv([goRow('d')]);
    const { result, csv: out } = await analyse(text);
    const accepted = ok(result);
    assert.equal(accepted.summary.recordsRead, 4);
    assert.equal(accepted.summary.brokenRows, 1);
    assert.equal(accepted.summary.webexGoCalls, 3);
    assert.deepEqual(accepted.brokenSamples, [
      { row: 3, reason: 'start-time', detail: 'Start time ""2026-03-02T09:00:00Z"x" is not a date' },
    ]);
    assert.equal(accepted.stoppedAt, undefined);
    assert.deepEqual((parse(out) as string[][])[2][8], 'Os"lo', 'the value as it was');
  });

  it('reports where it had to stop when a quote never closes', async () => {
    const text = csv([HEADER, goRow('a')]) + 'b,"2026-03-02T09:00:00Z,1,true,ORIGINATING,u,MOBILE_NETWORK,c-b,Oslo\n' + csv([goRow('c')]);
    const accepted = ok((await analyse(text)).result);
    assert.equal(accepted.summary.webexGoCalls, 1, 'the rows before it count');
    assert.equal(accepted.summary.brokenRows, 1);
    assert.deepEqual(accepted.stoppedAt, {
      row: 3,
      detail: 'a quoted field starts here and never ends, so the rest of the file could not be read',
    });
    assert.equal(accepted.brokenSamples[0].reason, 'csv-syntax');
  });

  it('stops reading, with memory bounded, when a quote opens a record that goes on for megabytes', async () => {
    let pulled = 0;
    const filler = 'x,'.repeat(32 * 1024);
    const endless = new Readable({
      read() {
        this.push(pulled++ === 0 ? csv([HEADER, goRow('a')]) + 'b,"' : filler);
      },
    });
    const result = await analyseExport(endless, {});
    const accepted = ok(result);
    assert.equal(accepted.stoppedAt?.row, 3);
    assert.equal(accepted.summary.webexGoCalls, 1);
    assert.ok(endless.destroyed);
    assert.ok(accepted.bytesRead < 4 * 1024 * 1024, `read ${accepted.bytesRead} bytes`);
  });

  it('refuses a file that opens a quote on its first line and never closes it', async () => {
    let pulled = 0;
    const endless = new Readable({
      read() {
        this.push(pulled++ === 0 ? '"Report ID,' : 'x'.repeat(64 * 1024));
      },
    });
    const result = await analyseExport(endless, {});
    assert.ok(!result.ok && result.reason === 'not-call-history');
    assert.equal(result.missing.length, 8);
    assert.ok(endless.destroyed);
  });

  it('counts a row with too many fields (an unquoted comma) as broken', async () => {
    const text = csv([HEADER, goRow('a')]) + 'b,2026-03-02T09:00:00Z,1,true,ORIGINATING,u,MOBILE_NETWORK,c-b,Oslo,HQ\n';
    const result = ok((await analyse(text)).result);
    assert.deepEqual([result.summary.recordsRead, result.summary.brokenRows, result.summary.webexGoCalls], [2, 1, 1]);
    assert.deepEqual(result.brokenSamples, [{ row: 3, reason: 'field-count', detail: '10 fields, the header has 9' }]);
  });

  it('keeps only the first broken rows as samples but counts them all', async () => {
    const rows = [HEADER];
    for (let i = 0; i < 12; i++) rows.push([`b${i}`, 'not a date', '1', 'true', 'ORIGINATING', 'u', 'MOBILE_NETWORK', 'c', 'x']);
    const result = ok((await analyse(csv(rows))).result);
    assert.equal(result.summary.brokenRows, 12);
    assert.equal(result.brokenSamples.length, 5);
  });

  it('waits for a slow Webex Go CSV reader and loses nothing', async () => {
    const rows = [HEADER];
    for (let i = 0; i < 3000; i++) rows.push(i % 3 === 0 ? goRow(`g${i}`) : otherRow(`o${i}`));
    let written = '';
    let writes = 0;
    const slow = new Writable({
      highWaterMark: 256,
      write(chunk: Buffer, _encoding, done) {
        written += chunk.toString();
        writes++;
        setImmediate(done);
      },
    });
    const result = await analyseExport(streamOf(csv(rows), 4096), { webexGoCsv: slow, expectedBytes: 1 });
    assert.ok(slow.writableFinished, 'the output is ended and flushed when the promise resolves');
    assert.equal(ok(result).webexGoCsvRows, 1000);
    assert.ok(writes > 1);
    const back: string[][] = parse(written);
    assert.equal(back.length, 1001);
    assert.deepEqual(back[1000], goRow('g2997'));
  });

  it('gives the same summary when told the file’s size', async () => {
    const rows = [HEADER];
    for (let i = 0; i < 2000; i++) rows.push(i % 4 === 0 ? goRow(`g${i}`, `c${i >> 1}`) : otherRow(`o${i}`, `c${i >> 1}`));
    const text = csv(rows);
    const plain = ok((await analyse(text)).result).summary;
    const sized = ok((await analyse(text, { expectedBytes: Buffer.byteLength(text) })).result).summary;
    assert.deepEqual(sized, plain);
    assert.equal(plain.allCalls, 1000);
  });

  it('reads a file stream, and a download stream that tells its Content-Length', async () => {
    const fromFile = ok(await analyseExport(createReadStream(join(FIXTURES, 'summary.csv')), {}));
    assert.equal(fromFile.summary.webexGoCalls, 4);
    const rows = [HEADER];
    for (let i = 0; i < 1200; i++) rows.push(goRow(`g${i}`));
    const text = csv(rows);
    const download = Object.assign(streamOf(text, 8192), { headers: { 'content-length': String(Buffer.byteLength(text)) } });
    assert.equal(ok(await analyseExport(download, {})).summary.webexGoCalls, 1200);
  });

  it('reads a large chunk in pieces, across turns of the event loop, as it reads small chunks', async () => {
    const rows = [HEADER];
    for (let i = 0; i < 40_000; i++) rows.push(i % 5 === 0 ? goRow(`g${i}`, `c${i >> 1}`, 'Oslo, "HQ"\r\nfloor 2') : otherRow(`o${i}`, `c${i >> 1}`));
    const text = csv(rows, '\r\n');
    const small = await analyse(text, { chunkSize: 4096 });
    let turns = 0;
    const turning = setInterval(() => turns++, 0);
    const whole = await analyse(text).finally(() => clearInterval(turning));
    assert.deepEqual(ok(whole.result).summary, ok(small.result).summary);
    assert.equal(whole.csv, small.csv);
    assert.equal(ok(whole.result).webexGoCsvRows, 8000);
    assert.ok(turns > 0, 'timers ran while the one chunk was read');
  });

  it('rejects when the input fails', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('download failed'));
      },
    });
    await assert.rejects(analyseExport(failing, {}), /download failed/);
  });
});

describe('calls: JSON records, told from CSV by their content', () => {
  const page = fixture('api-records.json');
  const items = (JSON.parse(page.toString('utf8')) as { items: Record<string, unknown>[] }).items;

  it('reads the API page (items[]), an array of records and the same records as CSV alike, in any chunking', async () => {
    const fromPage = ok((await analyse(page)).result).summary;
    const fromArray = ok((await analyse(JSON.stringify(items), { chunkSize: 7 })).result).summary;
    const fromCsv = ok((await analyse(fixture('api-records.csv'))).result).summary;
    const fromTinyChunks = ok((await analyse(page, { chunkSize: 1 })).result).summary;
    assert.deepEqual(fromArray, fromPage);
    assert.deepEqual(fromCsv, fromPage);
    assert.deepEqual(fromTinyChunks, fromPage);
    assert.deepEqual([fromPage.recordsRead, fromPage.webexGoRecords, fromPage.webexGoCalls, fromPage.allCalls], [6, 5, 5, 6]);
    assert.deepEqual([fromPage.firstDay, fromPage.lastDay], ['2020-05-14', '2020-05-14'], 'days in Richardson, UTC−05:00');
  });

  it('writes the Webex Go records of JSON as CSV with the record’s fields as columns, formulas neutralised', async () => {
    const { csv: out } = await analyse(page);
    const [header, ...rows] = parse(out) as string[][];
    assert.deepEqual(header, Object.keys(items[0]));
    assert.equal(rows.length, 5);
    assert.equal(rows[0][header.indexOf('Duration')], '36');
    assert.ok(rows.some((row) => row[header.indexOf('Location')] === `'=HYPERLINK("http://evil.example","Richardson")`));
  });

  it('accepts an empty record array and refuses JSON that holds no records, saying what it expected', async () => {
    assert.equal(ok((await analyse('{"items": []}')).result).summary.recordsRead, 0);
    const noArray = (await analyse('{"message": "Not found"}')).result;
    assert.ok(!noArray.ok && noArray.reason === 'not-call-history' && noArray.format === 'json');
    const wrongRecords = (await analyse('[{"email": "a@example.com"}]')).result;
    assert.ok(!wrongRecords.ok && wrongRecords.reason === 'not-call-history' && wrongRecords.format === 'json');
    assert.deepEqual(!wrongRecords.ok && wrongRecords.reason === 'not-call-history' && wrongRecords.header, ['email']);
  });

  it('counts an element that is no record, and a record cut short, as broken', async () => {
    const text = JSON.stringify({ items: [items[0], 42, items[1]] });
    const summary = ok((await analyse(text.slice(0, -40), { chunkSize: 100 })).result).summary;
    assert.deepEqual([summary.recordsRead, summary.brokenRows], [3, 2]);
  });
});
