/**
 * The Matching IDs of the codes that can still be redeemed: the one file holding codes in clear.
 * A new code is an appended line (`<checksum> {"key","matchingId"}`), synced together with the
 * journal line that commits it (which names it, so a start can tell); a spent code's line is overwritten with spaces in place, so it is in clear
 * nowhere, without rewriting the file. Compaction rewrites it with the live codes alone.
 */
import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { AppendFile, UndoFailed, replaceDurably, syncFolder } from './durableFile.js';
import { dirname } from 'node:path';

/** Where a code's line is in the file. */
interface Placed {
  matchingId: string;
  at: number;
  length: number;
}

function checksum(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

function codeLine(key: string, matchingId: string): string {
  const text = JSON.stringify({ key, matchingId });
  return `${checksum(text)} ${text}\n`;
}

export class CodesFile {
  private readonly file: AppendFile;
  private readonly placed = new Map<string, Placed>();
  /** Lines of keys given another Matching ID, erased once that change is committed. */
  private readonly superseded = new Map<string, Placed>();

  private constructor(path: string) {
    this.file = new AppendFile(path);
  }

  /**
   * Reads the file (and the JSON object an older build kept in `legacyPath`, which moves here).
   * A line that cannot be read is one a crash cut short before its transaction was acknowledged.
   */
  static async open(path: string, legacyPath: string): Promise<{ file: CodesFile; secrets: Map<string, string>; legacy: boolean }> {
    const file = new CodesFile(path);
    const secrets = new Map<string, string>();
    const content = await readFile(path, 'utf8').catch(ignoreMissing);
    let at = 0;
    for (const line of content?.split('\n') ?? []) {
      const length = Buffer.byteLength(line);
      const space = line.indexOf(' ');
      const text = line.slice(space + 1);
      if (space > 0 && checksum(text) === line.slice(0, space)) {
        const { key, matchingId } = JSON.parse(text) as { key: string; matchingId: string };
        secrets.set(key, matchingId);
        file.placed.set(key, { matchingId, at, length });
      }
      at += length + 1;
    }
    // What follows the last newline is a line a crash cut short: the next line goes in its place.
    const whole = content === undefined ? 0 : Buffer.byteLength(content.slice(0, content.lastIndexOf('\n') + 1));
    if (content !== undefined && whole < Buffer.byteLength(content)) await file.file.truncate(whole);
    const legacyText = await readFile(legacyPath, 'utf8').catch(ignoreMissing);
    if (legacyText === undefined) return { file, secrets, legacy: false };
    const legacy: unknown = JSON.parse(legacyText);
    const entries = typeof legacy === 'object' && legacy !== null && !Array.isArray(legacy) ? Object.entries(legacy) : undefined;
    if (!entries?.every(([, id]) => typeof id === 'string')) throw new Error('it is not a webex-go-bot codes file');
    for (const [key, id] of entries as [string, string][]) if (!secrets.has(key)) secrets.set(key, id);
    return { file, secrets, legacy: true };
  }

  /**
   * Appends the lines of the codes it does not hold yet (synced by `sync`); resolves with those
   * codes. On failure the file is cut back.
   */
  async add(codes: Map<string, string>): Promise<Map<string, string>> {
    const lines = [...codes].filter(([key, id]) => this.placed.get(key)?.matchingId !== id).map(([key, id]) => ({ key, id, text: codeLine(key, id) }));
    const added = new Map(lines.map(({ key, id }) => [key, id]));
    if (!lines.length) return added;
    const before = this.file.size;
    try {
      let at = await this.file.append(lines.map((l) => l.text).join(''));
      for (const { key, id, text } of lines) {
        const length = Buffer.byteLength(text) - 1;
        const older = this.placed.get(key);
        if (older) this.superseded.set(key, older);
        this.placed.set(key, { matchingId: id, at, length });
        at += length + 1;
      }
    } catch (error) {
      await this.file.truncate(before, error);
      throw error;
    }
    return added;
  }

  /** The lines added are on disk. */
  sync(): Promise<void> {
    return this.file.sync();
  }

  /** Takes back the lines `add` wrote for a transaction that then failed because of `cause`. */
  async undo(codes: Map<string, string>, cause: unknown): Promise<void> {
    try {
      await this.takeBack(codes);
    } catch (undo) {
      throw new UndoFailed(this.file.path, cause, undo);
    }
  }

  private async takeBack(codes: Map<string, string>): Promise<void> {
    for (const [key, id] of codes) {
      const placed = this.placed.get(key);
      if (placed?.matchingId !== id) continue;
      await this.file.overwrite(placed.at, ' '.repeat(placed.length));
      const older = this.superseded.get(key);
      this.superseded.delete(key);
      if (older) this.placed.set(key, older);
      else this.placed.delete(key);
    }
    await this.file.sync();
  }

  /**
   * Overwrites the lines of codes that are no longer live. Not synced on its own: the next sync
   * or rewrite carries it, and a start erases any line a crash kept for a spent code.
   */
  async erase(keys: Iterable<string>, keep: (key: string, matchingId: string) => boolean): Promise<void> {
    for (const older of this.superseded.values()) await this.file.overwrite(older.at, ' '.repeat(older.length));
    this.superseded.clear();
    for (const key of keys) {
      const placed = this.placed.get(key);
      if (!placed || keep(key, placed.matchingId)) continue;
      await this.file.overwrite(placed.at, ' '.repeat(placed.length));
      this.placed.delete(key);
    }
  }

  /** Every line but the live codes' is overwritten: what a start does after a crash. */
  async eraseAllBut(live: Map<string, string>): Promise<void> {
    const stale = [...this.placed.keys()].filter((key) => live.get(key) !== this.placed.get(key)!.matchingId);
    if (!stale.length) return;
    await this.erase(stale, () => false);
    await this.file.sync();
  }

  /** Replaces the file with the live codes alone (compaction). */
  async rewrite(live: Map<string, string>): Promise<void> {
    const lines = [...live].map(([key, id]) => codeLine(key, id));
    await this.file.close();
    await replaceDurably(this.file.path, [lines.join('')]);
    this.placed.clear();
    this.superseded.clear();
    let at = 0;
    for (const [i, [key, matchingId]] of [...live].entries()) {
      const length = Buffer.byteLength(lines[i]!) - 1;
      this.placed.set(key, { matchingId, at, length });
      at += length + 1;
    }
    this.file.size = at;
  }

  /** Removes what an older build kept (after `rewrite` holds its codes). */
  static async removeLegacy(legacyPath: string): Promise<void> {
    await rm(legacyPath, { force: true });
    await syncFolder(dirname(legacyPath));
  }

  close(): Promise<void> {
    return this.file.close();
  }
}

function ignoreMissing(error: NodeJS.ErrnoException): undefined {
  if (error.code === 'ENOENT') return undefined;
  throw error;
}
