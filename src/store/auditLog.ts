/**
 * The audit trail: one append-only file per month (`audit-2026-12.jsonl`, by the month of the
 * records' time), after the single `audit.jsonl` of a store written before months (still read,
 * never written). The newest records are read from the end of the newest files backwards; an
 * email's records through an index of each file (line positions by email), built the first time
 * that file is asked for, newest file first, and kept up with its appends.
 */
import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditQuery } from '../domain/repository.js';
import type { AuditRecord } from '../domain/types.js';
import { AppendFile } from './durableFile.js';
import { parseAuditLine, type JournalEntry } from './journal.js';

/** The audit file of a store written before months: read, never written. */
export const LEGACY_AUDIT_FILE = 'audit.jsonl';
const MONTH_FILE = /^audit-(\d{4}-\d{2})\.jsonl$/;
const CHUNK = 64 * 1024;

/** The audit file of a month (`YYYY-MM`); no month: the file of a store written before months. */
export function auditFileName(month?: string): string {
  return month ? `audit-${month}.jsonl` : LEGACY_AUDIT_FILE;
}

/** Whether a file in the data directory is an audit file. */
export function isAuditFile(name: string): boolean {
  return name === LEGACY_AUDIT_FILE || MONTH_FILE.test(name);
}

/** The month a transaction's records are filed under: that of the first one's time. */
export function auditMonth(records: AuditRecord[]): string {
  const at = records[0]?.at ?? '';
  return /^\d{4}-\d{2}/.test(at) ? at.slice(0, 7) : new Date().toISOString().slice(0, 7);
}

export function auditText(records: AuditRecord[]): string {
  return records.map((r) => JSON.stringify(r)).join('\n') + '\n';
}

/** Line positions by email in one audit file, up to `indexed` bytes. */
interface EmailIndex {
  indexed: number;
  /** Start and end of each line, in pairs, oldest first. */
  lines: Map<string, number[]>;
}

/** The audit file of a month holds fewer bytes than the journal knew it with. */
export class AuditFileCut extends Error {
  constructor(readonly path: string, readonly size: number, readonly expected: number) {
    super(`The audit file ${path} holds ${size} bytes, but the journal knew it with ${expected}: it was cut or replaced.`);
  }
}

export class AuditLog {
  /** Every audit file by name, with what this process knows of its size; oldest first. */
  private readonly files = new Map<string, AppendFile>();
  private readonly indexes = new Map<string, EmailIndex>();

  private constructor(private readonly dir: string) {}

  /**
   * Lists the audit files and appends the records that a crash kept out of them (their journal
   * lines hold them). Throws AuditFileCut for a file shorter than the journal knew it.
   */
  static async open(dir: string, entries: JournalEntry[]): Promise<AuditLog> {
    const log = new AuditLog(dir);
    const names = (await readdir(dir)).filter(isAuditFile).sort(byAge);
    for (const name of names) await log.file(name);
    const byFile = new Map<string, { from: number; text: string }[]>();
    for (const entry of entries) {
      if (!entry.audit) continue;
      const name = auditFileName(entry.audit.month);
      let appended = byFile.get(name);
      if (!appended) byFile.set(name, (appended = []));
      appended.push({ from: entry.audit.from, text: auditText(entry.audit.records) });
    }
    for (const [name, appended] of byFile) {
      const file = await log.file(name);
      const missing = appended.filter((a) => a.from + Buffer.byteLength(a.text) > file.size);
      const first = missing[0];
      if (!first) continue;
      if (first.from > file.size) throw new AuditFileCut(file.path, file.size, first.from);
      // A crash mid-append may have left part of the first missing records.
      if (file.size > first.from) await file.truncate(first.from);
      await file.append(missing.map((a) => a.text).join(''));
      await file.sync();
    }
    return log;
  }

  /** The size of a month's file: where its next records start. */
  async sizeOf(month: string): Promise<number> {
    return (await this.file(auditFileName(month))).size;
  }

  async append(month: string, text: string): Promise<void> {
    await (await this.file(auditFileName(month))).append(text);
  }

  async truncate(month: string, size: number, cause?: unknown): Promise<void> {
    await (await this.file(auditFileName(month))).truncate(size, cause);
  }

  /** Everything appended is on disk (before the journal lines that also hold it are dropped). */
  async sync(): Promise<void> {
    for (const file of this.files.values()) await file.sync();
  }

  async close(): Promise<void> {
    for (const file of this.files.values()) await file.close();
  }

  /** Newest first. */
  async newest(query: AuditQuery): Promise<AuditRecord[]> {
    const found: AuditRecord[] = [];
    for (const name of [...this.files.keys()].reverse()) {
      if (found.length >= query.limit) break;
      const want = query.limit - found.length;
      found.push(...(query.email ? await this.newestFor(name, query.email, want) : await this.newestIn(name, want)));
    }
    return found;
  }

  private async newestIn(name: string, limit: number): Promise<AuditRecord[]> {
    const file = this.files.get(name)!;
    const found: AuditRecord[] = [];
    if (!file.size) return found;
    const handle = await open(file.path, 'r');
    try {
      let carry: Buffer = Buffer.alloc(0);
      for (let end = file.size; end > 0 && found.length < limit; ) {
        const start = Math.max(0, end - CHUNK);
        const read = Buffer.alloc(end - start);
        await handle.read(read, 0, read.length, start);
        const chunk = Buffer.concat([read, carry]);
        let lineEnd = chunk.length;
        for (let i = chunk.length - 1; i >= 0 && found.length < limit; i--) {
          if (chunk[i] !== 0x0a) continue;
          pushRecord(found, chunk.toString('utf8', i + 1, lineEnd));
          lineEnd = i;
        }
        carry = chunk.subarray(0, lineEnd);
        end = start;
        if (end === 0 && found.length < limit) pushRecord(found, carry.toString('utf8'));
      }
    } finally {
      await handle.close();
    }
    return found;
  }

  private async newestFor(name: string, email: string, limit: number): Promise<AuditRecord[]> {
    const file = this.files.get(name)!;
    const index = await this.indexed(name, file);
    const lines = index.lines.get(email) ?? [];
    const found: AuditRecord[] = [];
    if (!lines.length) return found;
    const handle = await open(file.path, 'r');
    try {
      for (let i = lines.length - 2; i >= 0 && found.length < limit; i -= 2) {
        const bytes = Buffer.alloc(lines[i + 1]! - lines[i]!);
        await handle.read(bytes, 0, bytes.length, lines[i]!);
        const record = parseAuditLine(bytes.toString('utf8'));
        if (record?.email === email) found.push(record);
      }
    } finally {
      await handle.close();
    }
    return found;
  }

  /** The file's email index, brought up to its size (streamed: the event loop keeps serving). */
  private async indexed(name: string, file: AppendFile): Promise<EmailIndex> {
    let index = this.indexes.get(name);
    if (!index) this.indexes.set(name, (index = { indexed: 0, lines: new Map() }));
    const end = file.size;
    if (index.indexed >= end) return index;
    let at = index.indexed;
    let carry: Buffer = Buffer.alloc(0);
    for await (const read of createReadStream(file.path, { start: at, end: end - 1, highWaterMark: CHUNK })) {
      const chunk = carry.length ? Buffer.concat([carry, read as Buffer]) : (read as Buffer);
      let lineStart = 0;
      for (let nl = chunk.indexOf(0x0a); nl >= 0; nl = chunk.indexOf(0x0a, lineStart)) {
        const email = emailIn(chunk, lineStart, nl);
        if (email) {
          let lines = index.lines.get(email);
          if (!lines) index.lines.set(email, (lines = []));
          lines.push(at + lineStart, at + nl);
        }
        lineStart = nl + 1;
      }
      carry = chunk.subarray(lineStart);
      at += lineStart;
    }
    // Only whole lines are indexed; a part written meanwhile waits for the next query.
    index.indexed = at;
    return index;
  }

  private async file(name: string): Promise<AppendFile> {
    let file = this.files.get(name);
    if (file) return file;
    file = new AppendFile(join(this.dir, name));
    file.size = await stat(file.path).then(
      (s) => s.size,
      () => 0,
    );
    // Kept in age order: the legacy file first, then the months.
    const ordered = [...this.files.entries(), [name, file] as const].sort(([a], [b]) => byAge(a, b));
    this.files.clear();
    for (const [key, value] of ordered) this.files.set(key, value);
    return file;
  }
}

function byAge(a: string, b: string): number {
  if (a === LEGACY_AUDIT_FILE) return -1;
  if (b === LEGACY_AUDIT_FILE) return 1;
  return a.localeCompare(b);
}

function pushRecord(found: AuditRecord[], line: string): void {
  if (!line) return;
  const record = parseAuditLine(line);
  if (record) found.push(record);
}

const EMAIL_FIELD = Buffer.from('"email":"');

/** The record's email, read without parsing the line (emails need no JSON escapes). */
function emailIn(chunk: Buffer, start: number, end: number): string | undefined {
  const field = chunk.indexOf(EMAIL_FIELD, start);
  if (field < 0 || field >= end) return undefined;
  const from = field + EMAIL_FIELD.length;
  const to = chunk.indexOf(0x22, from);
  return to < 0 || to > end ? undefined : chunk.toString('utf8', from, to);
}
