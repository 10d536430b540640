/**
 * Files written so that what was acknowledged survives a crash or a power loss: appends through
 * one open handle and fdatasync; whole files replaced through a synced temp file, a rename and a
 * sync of the folder that names it.
 */
import { constants } from 'node:fs';
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

/** A failed write whose partial effect on a file could not be taken back. */
export class UndoFailed extends Error {
  constructor(path: string, cause: unknown, undo: unknown) {
    super(`${(cause as Error).message}; undoing it in ${path} failed too: ${(undo as Error).message}`);
  }
}

/** The store's files hold personal data and live codes: for the bot's own user only. */
export const FILE_MODE = 0o600;

/** Makes a folder's entries durable: a file created, renamed or removed in it. */
export async function syncFolder(path: string): Promise<void> {
  const folder = await open(path, 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}

/** Replaces a file whole, durably; `chunks` may take their time, the old file stays until the end. */
export async function replaceDurably(path: string, chunks: Iterable<string> | AsyncIterable<string>): Promise<void> {
  const temp = `${path}.tmp`;
  // A temp file left by a crash keeps its mode when written again: start from none.
  await rm(temp, { force: true });
  const file = await open(temp, 'w', FILE_MODE);
  try {
    // writeFile on a handle writes from where the last write ended, all of it.
    for await (const chunk of chunks) await file.writeFile(chunk);
    await file.datasync();
  } finally {
    await file.close();
  }
  await rename(temp, path);
  await syncFolder(dirname(path));
}

/**
 * A file appended to through one handle kept open. Each append checks that the path still names
 * the file the handle has (one stat): a file removed or replaced under the bot is opened again, so
 * writes never go to a file no start would read.
 */
export class AppendFile {
  private handle: FileHandle | undefined;
  private inode = -1;
  /** Bytes in the file, as far as this process wrote it. */
  size = 0;
  /** Written since the last sync. */
  private dirty = false;

  constructor(readonly path: string) {}

  /** Appends `text`; resolves with the offset it starts at. A failed append is cut back. */
  async append(text: string): Promise<number> {
    const handle = await this.current();
    const at = this.size;
    try {
      await writeAll(handle, Buffer.from(text), at);
    } catch (error) {
      await handle.truncate(at).catch((undo: unknown) => {
        throw new UndoFailed(this.path, error, undo);
      });
      throw error;
    }
    this.size += Buffer.byteLength(text);
    this.dirty = true;
    return at;
  }

  /** Overwrites bytes in place (the file does not grow). */
  async overwrite(position: number, text: string): Promise<void> {
    const handle = await this.current();
    await writeAll(handle, Buffer.from(text), position);
    this.dirty = true;
  }

  /** Everything appended so far is on disk. */
  async sync(): Promise<void> {
    if (!this.dirty || !this.handle) return;
    await this.handle.datasync();
    this.dirty = false;
  }

  /** Cuts the file back to `size` bytes, durably (a write that failed halfway); `cause` is why. */
  async truncate(size: number, cause?: unknown): Promise<void> {
    try {
      const handle = await this.current();
      await handle.truncate(size);
      await handle.datasync();
      this.size = size;
    } catch (undo) {
      if (cause === undefined) throw undo;
      throw new UndoFailed(this.path, cause, undo);
    }
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    if (!handle) return;
    try {
      await this.sync();
    } finally {
      await handle.close();
    }
  }

  private async current(): Promise<FileHandle> {
    const onDisk = await stat(this.path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (this.handle && onDisk?.ino === this.inode) return this.handle;
    const stale = this.handle;
    this.handle = undefined;
    await stale?.close().catch(() => undefined);
    // Not O_APPEND: Linux ignores the position of a write to a file opened for appending.
    const handle = await open(this.path, constants.O_RDWR | constants.O_CREAT, FILE_MODE);
    try {
      const opened = await handle.stat();
      // A new file is durable only once its folder names it.
      if (!onDisk) await syncFolder(dirname(this.path));
      this.inode = opened.ino;
      this.size = opened.size;
    } catch (error) {
      await handle.close();
      throw error;
    }
    this.handle = handle;
    return handle;
  }
}

async function writeAll(handle: FileHandle, bytes: Buffer, position: number): Promise<void> {
  for (let done = 0; done < bytes.length; ) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, position + done);
    done += bytesWritten;
  }
}
