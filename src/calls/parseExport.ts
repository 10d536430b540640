/**
 * Streams a Detailed Call History — the Control Hub CSV export, or the API's records as JSON
 * (`{"items": […]}` or an array; told apart by the first character, not the file name) — into a
 * CallSummaryBuilder, optionally copying the Webex Go records to a CSV.
 *
 * Tolerates what real exports carry: a BOM, CRLF or LF, quoted fields holding commas, quotes and
 * line breaks, header names in any casing or order, "NA" and empty values, the same record twice
 * (Report ID is the key), a title line or few above the header (up to 5 rows are tried as the
 * header), blank lines, stray quotes, a file re-saved with semicolons or tabs. Broken records are
 * counted and sampled, never fatal.
 */
import { statSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream';
import { parse, type CsvError, type Parser } from 'csv-parse';
import { JsonRecordScanner, looksLikeJson } from './jsonRecords.js';
import { fieldText, recordValue } from './record.js';
import { requiredColumnsOnly, resolveColumns, type CallColumns } from './records.js';
import { CallSummaryBuilder, type BrokenReason, type CallSummary, type SummaryOptions } from './summary.js';

/** The default for the largest export the bot reads: 200 MiB. */
export const DEFAULT_MAX_BYTES = 200 * 1024 * 1024;

/** Rows tried as the header before the file is declared not a call history. */
const MAX_HEADER_ROWS = 5;
const MAX_BROKEN_SAMPLES = 5;
/** A record longer than this (in characters) is a quote that never closes. */
const MAX_RECORD_CHARS = 1 << 20;

/**
 * The csv-parse options analyseExport reads with (plus its `on_skip`). Arrays, not objects, per
 * record (`columns` off); a stray quote stays in its field and the row is judged by its fields,
 * instead of csv-parse reading on in quote mode and swallowing the rows after it.
 */
export const CSV_PARSE_OPTIONS = {
  bom: true,
  relax_column_count: true,
  relax_quotes: true,
  skip_empty_lines: true,
  skip_records_with_error: true,
  max_record_size: MAX_RECORD_CHARS,
} as const;

/** Bytes looked at to tell the delimiter. */
const FIRST_LINE_MAX = 64 * 1024;

/**
 * The delimiter of the first line: a comma unless semicolons or tabs outnumber commas there (a
 * file re-saved by Excel in many European locales uses semicolons). Quoted text is not counted.
 */
export function sniffDelimiter(start: Buffer): string {
  let commas = 0;
  let semicolons = 0;
  let tabs = 0;
  let quoted = false;
  for (let i = 0; i < start.length && i < FIRST_LINE_MAX; i++) {
    const c = start[i];
    if (c === 0x22) quoted = !quoted;
    else if (quoted) continue;
    else if (c === 0x0a) break;
    else if (c === 0x2c) commas++;
    else if (c === 0x3b) semicolons++;
    else if (c === 0x09) tabs++;
  }
  if (semicolons > commas && semicolons >= tabs) return ';';
  if (tabs > commas && tabs > semicolons) return '\t';
  return ',';
}

/** The size of a download (Content-Length) or a file being read, when the stream tells it. */
function knownSize(input: Readable): number | undefined {
  const headers = (input as { headers?: Record<string, unknown> }).headers;
  const length = Number(headers?.['content-length']);
  if (Number.isSafeInteger(length) && length > 0) return length;
  const path = (input as { path?: unknown }).path;
  if (typeof path === 'string') {
    try {
      return statSync(path).size;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
/** Records read before the tables are sized from `expectedBytes` (fewer than fill the first ones). */
const SIZE_SAMPLE_ROWS = 500;
/**
 * Reading hands the event loop back at least this often. A download read through fetch delivers
 * the chunks it holds one after another in microtasks, and each is parsed as it comes, so without a
 * break a burst of chunks buffered on a fast link held the loop for 100–500 ms at a time.
 */
const SLICE_MS = 10;
/**
 * csv-parse gets a chunk (up to 128 KiB from fetch) this much at a time, the slice checked between
 * pieces: before the parser's code is compiled (the first upload after start) one chunk took 70–100 ms.
 */
const PIECE_BYTES = 8 * 1024;

export interface BrokenRow {
  /**
   * The record's row as a spreadsheet shows the file: 1 is the first record (normally the header);
   * a quoted field with line breaks stays one row. (csv-parse's own line count is not used: it
   * counts a CRLF inside a quoted field twice.)
   */
  row: number;
  reason: BrokenReason;
  /** What was wrong, in a few words: "31 fields, the header has 30", csv-parse's message… */
  detail: string;
}

export type AnalyseResult =
  | {
      ok: true;
      summary: CallSummary;
      /** The header row as the file spells it. */
      header: string[];
      bytesRead: number;
      /** The first few broken records; `summary.brokenRows` counts them all. */
      brokenSamples: BrokenRow[];
      /** Data rows written to `webexGoCsv` (Webex Go records without duplicates and broken rows). */
      webexGoCsvRows: number;
      /**
       * Set when a quote opened at `row` never closes (or a record passes 1 MiB): CSV cannot tell
       * where such a record ends, so the rest of the file was not read. The figures cover the rows
       * before it.
       */
      stoppedAt?: { row: number; detail: string };
    }
  | { ok: false; reason: 'too-large'; maxBytes: number; bytesRead: number }
  /** No row at all: a zero-byte file, only blank lines, only a BOM. */
  | { ok: false; reason: 'empty'; bytesRead: number }
  /**
   * CSV: no row of the first five names the required columns; JSON: no record array, or its first
   * record lacks required fields. `missing` names those of the best candidate.
   */
  | { ok: false; reason: 'not-call-history'; format: 'csv' | 'json'; missing: string[]; header: string[]; bytesRead: number };

/** What analyseExport gives for a file it read. */
export type AcceptedExport = Extract<AnalyseResult, { ok: true }>;

export interface AnalyseOptions {
  /** Refuse once more bytes than this have come in (reading then stops); DEFAULT_MAX_BYTES. */
  maxBytes?: number;
  /**
   * Receives the Webex Go records as CSV: the input's header and columns, in order, with their
   * original values; CRLF line ends; a BOM when the input had one. Duplicates and broken records
   * are left out. analyseExport ends it, also when it refuses (then it holds at most a header).
   */
  webexGoCsv?: Writable;
  summary?: SummaryOptions;
  /** Only records this accepts are read (`recordsOf(person)`: one person's); the others are skipped, uncounted. */
  keepRecord?: (row: readonly string[], columns: CallColumns) => boolean;
  /**
   * The file's size in bytes when known (a download's Content-Length, a file's size): after the
   * first 500 records the de-duplication and call tables are sized for the whole file at once,
   * which keeps peak memory lower than growing them step by step. Taken from the stream itself
   * when it is an HTTP response with a Content-Length or a file read stream.
   */
  expectedBytes?: number;
}

const NEEDS_QUOTES = /[",\r\n]/;
/** What a spreadsheet reads as the start of a formula (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;
/**
 * A number or phone number (`+16505551234`, `+47 22 00 00 01`, `-5`): digits, spaces, dots,
 * hyphens and parentheses name no function or cell, so a spreadsheet can run nothing from it.
 */
const PLAIN_NUMBER = /^[+-]?[\d ().-]*\d[\d ().-]*$/;

/**
 * A cell a spreadsheet would run as a formula (`=HYPERLINK(…)`, `+cmd|…`, `@SUM(…)`, a leading tab
 * or CR) gets a leading `'`, which makes it text; numbers and phone numbers stay as they are.
 */
export function neutraliseFormula(field: string): string {
  return FORMULA_START.test(field) && !PLAIN_NUMBER.test(field) ? `'${field}` : field;
}

/**
 * One CSV line for a file the admin opens in a spreadsheet (RFC 4180, CRLF): formulas
 * neutralised, fields holding a quote, comma or line break quoted.
 */
export function toCsvLine(fields: readonly string[]): string {
  let line = '';
  for (let i = 0; i < fields.length; i++) {
    const field = neutraliseFormula(fields[i] ?? '');
    if (i > 0) line += ',';
    line += NEEDS_QUOTES.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
  }
  return line + '\r\n';
}

/**
 * Reads `input` to the end (or until refused) and summarises it. Resolves with a typed refusal for
 * an oversized, empty or non-call-history file; rejects only when `input` or `webexGoCsv` fails.
 * On a refusal `input` is destroyed so a download stops.
 */
export function analyseExport(input: Readable, options: AnalyseOptions = {}): Promise<AnalyseResult> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const out = options.webexGoCsv;
  const expectedBytes = options.expectedBytes ?? knownSize(input);

  return new Promise<AnalyseResult>((resolve, reject) => {
    let settled = false;
    let bytesRead = 0;
    let inputHadBom: boolean | undefined;
    const head: number[] = [];
    let builder: CallSummaryBuilder | undefined;
    let header: string[] = [];
    let best: { header: string[]; missing: string[] } | undefined;
    let headerRowsTried = 0;
    let pending = '';
    let outRows = 0;
    let pauses = 0;
    /** Records csv-parse produced or gave up on so far, header rows included. */
    let rows = 0;
    const samples: BrokenRow[] = [];

    let stoppedAt: { row: number; detail: string } | undefined;
    /** Bytes held until the first line is complete, to tell JSON from CSV and the delimiter; then the reader. */
    let firstBytes: Buffer[] | undefined = [];
    let parser: Parser | undefined;
    let json: JsonRecordScanner | undefined;
    const format = () => (json ? 'json' : 'csv');
    const options_ = (delimiter: string) => ({
      ...CSV_PARSE_OPTIONS,
      delimiter,
      on_skip: (err: CsvError | undefined) => {
        if (settled || stoppedAt !== undefined) return undefined;
        rows++;
        if (err?.code === 'CSV_MAX_RECORD_SIZE' || err?.code === 'CSV_QUOTE_NOT_CLOSED') {
          // csv-parse cannot find the end of this record: nothing after it can be read.
          stoppedAt = { row: rows, detail: 'a quoted field starts here and never ends, so the rest of the file could not be read' };
        }
        if (builder === undefined) return undefined;
        builder.addBroken('csv-syntax');
        sample(rows, 'csv-syntax', stoppedAt?.detail ?? err?.message ?? 'unreadable CSV');
        return undefined;
      },
    });

    /** Starts the JSON scanner or csv-parse (with the delimiter the first line shows) and gives it the bytes held. */
    const startReading = (): void => {
      const held = Buffer.concat(firstBytes ?? []);
      firstBytes = undefined;
      if (looksLikeJson(held)) {
        json = new JsonRecordScanner({ record: onJsonRecord, broken: onJsonBroken });
        json.write(held);
        return;
      }
      const started = parse(options_(sniffDelimiter(held)));
      parser = started;
      started.on('data', onRow);
      started.on('end', onParsed);
      started.on('error', fail);
      writeInPieces(started, held);
    };

    /** A JSON record as a row: its fields in the order of the first record's keys. */
    const onJsonRecord = (record: Record<string, unknown>) => {
      if (settled) return;
      if (builder === undefined) {
        const keys = Object.keys(record);
        tryHeader(keys);
        if (builder === undefined) {
          settle({ ok: false, reason: 'not-call-history', format: 'json', missing: best?.missing ?? [], header: keys, bytesRead }, true);
          return;
        }
      }
      rows++;
      useRecord(header.map((key) => fieldText(Object.hasOwn(record, key) ? record[key] : recordValue(record, key))));
    };

    const onJsonBroken = (detail: string) => {
      if (settled) return;
      rows++;
      if (builder === undefined) return;
      builder.addBroken('csv-syntax');
      sample(rows, 'csv-syntax', detail);
    };

    const write = (target: Parser, buffer: Buffer) => {
      if (buffer.length > 0 && !target.write(buffer)) {
        pause();
        target.once('drain', unpause);
      }
    };

    const sample = (row: number, reason: BrokenReason, detail: string) => {
      if (samples.length < MAX_BROKEN_SAMPLES) samples.push({ row, reason, detail });
    };

    let sliceStart = performance.now();
    const sliceUsed = () => performance.now() - sliceStart >= SLICE_MS;
    /** Pauses the input until the event loop has had a turn, once a slice of reading is used up. */
    const yieldWhenSliceUsed = () => {
      if (!sliceUsed()) return;
      pause();
      setImmediate(() => {
        sliceStart = performance.now();
        unpause();
      });
    };
    /** The part of a chunk csv-parse has not had yet, when the slice ran out inside the chunk. */
    let unwritten: Buffer | undefined;
    /** The input ended while part of its last chunk was unwritten: csv-parse ends after that part. */
    let endWhenWritten = false;

    /**
     * Gives csv-parse `buffer` a piece at a time; when the slice is used up between two pieces, the
     * rest waits (the input paused) until the event loop has had a turn.
     */
    const writeInPieces = (target: Parser, buffer: Buffer): void => {
      for (let at = 0; at < buffer.length; at += PIECE_BYTES) {
        if (at > 0 && sliceUsed()) {
          unwritten = buffer.subarray(at);
          pause();
          setImmediate(() => {
            sliceStart = performance.now();
            const rest = unwritten!;
            unwritten = undefined;
            if (settled) return;
            writeInPieces(target, rest);
            afterReading();
            unpause();
            if (endWhenWritten && unwritten === undefined && !settled) target.end();
          });
          return;
        }
        write(target, buffer.subarray(at, at + PIECE_BYTES));
        if (settled) return;
      }
    };

    const pause = () => {
      if (pauses++ === 0) input.pause();
    };
    const unpause = () => {
      if (--pauses === 0 && !settled) input.resume();
    };

    const flush = () => {
      if (out === undefined || pending.length === 0) return;
      const more = out.write(pending);
      pending = '';
      if (!more) {
        pause();
        out.once('drain', unpause);
      }
    };

    const cleanUp = () => {
      input.off('data', onData);
      input.off('end', onEnd);
      parser?.off('data', onRow);
      parser?.off('end', onParsed);
    };

    /** Ends the output, waits for it to be written, then resolves. */
    const settle = (result: AnalyseResult, stopReading: boolean) => {
      if (settled) return;
      settled = true;
      cleanUp();
      if (stopReading) {
        input.destroy();
        parser?.destroy();
      }
      if (out === undefined) {
        resolve(result);
        return;
      }
      if (result.ok) flush();
      finished(out, { readable: false }, (err) => (err ? reject(err) : resolve(result)));
      out.end();
    };

    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      cleanUp();
      input.destroy();
      parser?.destroy();
      out?.destroy();
      reject(err);
    };

    const tryHeader = (row: string[]) => {
      const resolution = resolveColumns(row);
      if (resolution.ok) {
        header = row;
        builder = new CallSummaryBuilder(resolution.columns, options.summary);
        if (out !== undefined) pending += (inputHadBom ? '\uFEFF' : '') + toCsvLine(row);
        return;
      }
      if (best === undefined || resolution.missing.length < best.missing.length) {
        best = { header: row, missing: resolution.missing };
      }
      if (++headerRowsTried >= MAX_HEADER_ROWS) {
        settle({ ok: false, reason: 'not-call-history', format: format(), missing: best.missing, header: best.header, bytesRead }, true);
      }
    };

    const onRow = (row: string[]) => {
      if (settled) return;
      rows++;
      // A line of spaces is a blank line, not a record.
      if (row.length === 1 && row[0].trim() === '') return;
      if (builder === undefined) {
        tryHeader(row);
        return;
      }
      useRecord(row);
    };

    /** A data row (CSV) or record (JSON) after the header. */
    const useRecord = (row: string[]) => {
      if (builder === undefined) return;
      const bytesSoFar = parser !== undefined ? parser.info.bytes : bytesRead;
      if (rows === SIZE_SAMPLE_ROWS && expectedBytes !== undefined && bytesSoFar > 0) {
        const bytesPerRecord = bytesSoFar / rows;
        builder.reserve(Math.ceil((Math.min(expectedBytes, maxBytes) / bytesPerRecord) * 1.05));
      }
      if (options.keepRecord !== undefined && !options.keepRecord(row, builder.columns)) return;
      const outcome = builder.addRow(row);
      if (outcome === 'other') return;
      if (outcome === 'webex-go') {
        if (out !== undefined) {
          pending += toCsvLine(row);
          outRows++;
        }
      } else if (outcome === 'broken-field-count') {
        sample(rows, 'field-count', `${row.length} fields, the header has ${header.length}`);
      } else if (outcome === 'broken-start-time') {
        const value = row[builder.columns.startTime];
        sample(rows, 'start-time', `Start time "${value.slice(0, 40)}" is not a date`);
      }
    };

    const onData = (chunk: Buffer | string) => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (inputHadBom === undefined) {
        for (let i = 0; i < buffer.length && head.length < 3; i++) head.push(buffer[i]);
        if (head.length === 3) inputHadBom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
      }
      bytesRead += buffer.length;
      if (bytesRead > maxBytes) {
        settle({ ok: false, reason: 'too-large', maxBytes, bytesRead }, true);
        return;
      }
      if (parser !== undefined) {
        writeInPieces(parser, buffer);
      } else if (json !== undefined) {
        json.write(buffer);
      } else {
        firstBytes?.push(buffer);
        // Wait for the end of the first line (or 64 KiB) to tell JSON from CSV and the delimiter.
        if (buffer.includes(0x0a) || bytesRead >= FIRST_LINE_MAX) startReading();
      }
      afterReading();
      yieldWhenSliceUsed();
    };

    /** After bytes were read: answer if nothing more can be, else pass on the Webex Go rows found. */
    const afterReading = () => {
      if (settled) return;
      if (stoppedAt !== undefined) {
        // Nothing more can be read: answer with what was, and stop the download.
        settle(conclusion(), true);
        return;
      }
      flush();
    };

    const onEnd = () => {
      if (parser === undefined && json === undefined) startReading();
      if (parser !== undefined) {
        if (unwritten === undefined) parser.end();
        else endWhenWritten = true;
      } else if (json !== undefined) {
        json.end();
        onParsed();
      }
    };

    /** The answer for what has been read. */
    const conclusion = (): AnalyseResult => {
      if (builder === undefined && json?.found) {
        // An empty record array: a call history without calls.
        builder = new CallSummaryBuilder(requiredColumnsOnly(), options.summary);
      }
      if (builder === undefined && json !== undefined) {
        const nothing = resolveColumns([]);
        return { ok: false, reason: 'not-call-history', format: 'json', missing: nothing.ok ? [] : nothing.missing, header: [], bytesRead };
      }
      if (builder === undefined) {
        if (best === undefined && stoppedAt !== undefined) {
          // Not one row could be read: nothing in it resembles a call history.
          const nothing = resolveColumns([]);
          best = { header: [], missing: nothing.ok ? [] : nothing.missing };
        }
        return best === undefined
          ? { ok: false, reason: 'empty', bytesRead }
          : { ok: false, reason: 'not-call-history', format: 'csv', missing: best.missing, header: best.header, bytesRead };
      }
      const result: AnalyseResult = {
        ok: true,
        summary: builder.result(),
        header,
        bytesRead,
        brokenSamples: samples,
        webexGoCsvRows: outRows,
      };
      if (stoppedAt !== undefined) result.stoppedAt = stoppedAt;
      return result;
    };

    const onParsed = () => settle(conclusion(), false);

    input.on('error', fail);
    out?.on('error', fail);
    input.on('data', onData);
    input.on('end', onEnd);
  });
}
