import { mkdirSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * A JSON file written atomically (temp file, then rename) and at most once per `debounceMs`
 * however often it is asked to save. Writes never overlap: each waits for the one before.
 */
export class JsonFile<T> {
  private timer: NodeJS.Timeout | undefined;
  private pending: (() => T) | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly onError: (error: unknown) => void,
    private readonly debounceMs = 100,
  ) {}

  /** The stored value, or undefined when there is no file yet. */
  load(): T | undefined {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new Error(`Cannot read ${this.path}: ${(error as Error).message}`);
    }
  }

  /** Saves what `read` returns when the debounce time has passed (read late, so it is current). */
  save(read: () => T): void {
    this.pending = read;
    this.timer ??= setTimeout(() => void this.flush(), this.debounceMs);
  }

  /** Writes any pending save now; resolves when every write so far is on disk. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const read = this.pending;
    this.pending = undefined;
    if (read) {
      this.writing = this.writing.then(() => this.write(JSON.stringify(read()))).catch(this.onError);
    }
    return this.writing;
  }

  private async write(text: string): Promise<void> {
    mkdirSync(dirname(this.path), { recursive: true });
    const temp = `${this.path}.${process.pid}.tmp`;
    // The local Webex's messages and the mailbox hold activation codes: for the owner's eyes only.
    await writeFile(temp, text, { mode: 0o600 });
    await rename(temp, this.path);
  }
}
