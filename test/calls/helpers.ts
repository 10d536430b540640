import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { analyseExport, type AnalyseOptions, type AnalyseResult } from '../../src/calls/parseExport.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'cdr');

export function fixture(name: string): Buffer {
  return readFileSync(join(FIXTURES, name));
}

/** The bytes as a stream of `chunkSize`-byte chunks (all at once by default). */
export function streamOf(data: string | Buffer, chunkSize?: number): Readable {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  if (chunkSize === undefined) return Readable.from([bytes]);
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += chunkSize) chunks.push(bytes.subarray(at, at + chunkSize));
  return Readable.from(chunks);
}

/** analyseExport with the Webex Go CSV collected into a string. */
export async function analyse(
  data: string | Buffer,
  options: Omit<AnalyseOptions, 'webexGoCsv'> & { chunkSize?: number } = {},
): Promise<{ result: AnalyseResult; csv: string }> {
  const out = new PassThrough();
  let csv = '';
  out.setEncoding('utf8');
  out.on('data', (chunk: string) => (csv += chunk));
  const result = await analyseExport(streamOf(data, options.chunkSize), { ...options, webexGoCsv: out });
  return { result, csv };
}

/** A CSV line from fields, quoting the ones that need it (test-side, independent of toCsvLine). */
export function line(...fields: string[]): string {
  return fields.map((f) => (/[",\r\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f)).join(',');
}

export function ok(result: AnalyseResult): Extract<AnalyseResult, { ok: true }> {
  if (!result.ok) throw new Error(`expected an accepted file, got ${JSON.stringify(result)}`);
  return result;
}
