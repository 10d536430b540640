/**
 * The snapshot file, written a slice at a time: each slice of records is serialised and written
 * before the next, so the event loop keeps serving while a snapshot of 50,000 devices is written.
 * What it writes is the store as of one moment (`SnapshotView`), however the store changes meanwhile.
 */
import { readFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import type { Adapter } from 'lowdb';
import type { CodeRecord, Device, ProfileRecord } from '../domain/types.js';
import { replaceDurably } from './durableFile.js';
import type { StoreData } from './journal.js';

/** Work per slice: the event loop waits at most about this long for a slice to be serialised. */
const SLICE_MS = 4;

/** A record set as of the moment the view was taken; its keys are listed when it is written. */
export interface FrozenRecords<T> {
  keys(): string[];
  get(key: string): T;
}

/** The store as of one moment: the small parts copied, the record sets frozen. */
export interface SnapshotView {
  head: Omit<StoreData, 'devices' | 'codes' | 'profiles'>;
  devices: FrozenRecords<Device>;
  codes: FrozenRecords<CodeRecord>;
  profiles: FrozenRecords<ProfileRecord>;
}

/** A view of data nothing changes while it is written. */
export function viewOf(data: StoreData): SnapshotView {
  const { devices, codes, profiles, ...head } = data;
  const frozen = <T>(records: Record<string, T>): FrozenRecords<T> => ({ keys: () => Object.keys(records), get: (key) => records[key]! });
  return { head, devices: frozen(devices), codes: frozen(codes), profiles: frozen(profiles) };
}

/** Ends every snapshot this build writes: the CRC-32 of the bytes before it. */
const CHECKSUM_FIELD = ',"checksum":';

/** lowdb's adapter for the snapshot: read whole, written a slice at a time, durably; codes go without their Matching ID. */
export class SnapshotFile implements Adapter<StoreData> {
  constructor(readonly path: string) {}

  /** The parsed file; null when it is missing (or holds null). */
  async read(): Promise<StoreData | null> {
    return (await this.readChecked()).data;
  }

  /**
   * The parsed file, and whether it is byte for byte what this build wrote (its checksum
   * matches): then its records need no check of their shape, which would cost a start of
   * 50,000 devices a tenth of a second. A snapshot of an older build, or one edited, is checked.
   */
  async readChecked(): Promise<{ data: StoreData | null; intact: boolean }> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { data: null, intact: false };
      throw error;
    }
    const data = JSON.parse(bytes.toString('utf8')) as (StoreData & { checksum?: unknown }) | null;
    const at = bytes.lastIndexOf(CHECKSUM_FIELD);
    const intact = at > 0 && typeof data?.checksum === 'number' && crc32(bytes.subarray(0, at)) === data.checksum;
    if (data && typeof data === 'object') delete data.checksum;
    return { data, intact };
  }

  write(data: StoreData): Promise<void> {
    return this.writeView(viewOf(data));
  }

  writeView(view: SnapshotView): Promise<void> {
    return replaceDurably(this.path, checksummed(slices(view)));
  }
}

function* checksummed(chunks: Iterable<string>): Generator<string> {
  let sum = 0;
  for (const chunk of chunks) {
    sum = crc32(chunk, sum);
    yield chunk;
  }
  yield `${CHECKSUM_FIELD}${sum}}`;
}

/** The snapshot's JSON but its closing brace. */
function* slices(view: SnapshotView): Generator<string> {
  const head = JSON.stringify(view.head);
  yield head.slice(0, -1);
  yield* records('devices', view.devices, (d) => d);
  yield* records('codes', view.codes, withoutSecret);
  yield* records('profiles', view.profiles, (p) => p);
}

function* records<T>(name: string, set: FrozenRecords<T>, shown: (record: T) => unknown): Generator<string> {
  yield `,${JSON.stringify(name)}:{`;
  // Listed here, a set at a time: listing 50,000 keys is itself a pause.
  const keys = set.keys();
  for (let i = 0; i < keys.length; ) {
    const parts: string[] = [];
    const until = performance.now() + SLICE_MS;
    // The clock is read every 50 records: reading it costs more than serialising one.
    do {
      for (const end = Math.min(i + 50, keys.length); i < end; i++) parts.push(`${JSON.stringify(keys[i])}:${JSON.stringify(shown(set.get(keys[i]!)))}`);
    } while (i < keys.length && performance.now() < until);
    yield parts.join(',') + (i < keys.length ? ',' : '');
  }
  yield '}';
}

export function withoutSecret(code: CodeRecord): CodeRecord {
  const { matchingId: _secret, ...rest } = code;
  return rest;
}
