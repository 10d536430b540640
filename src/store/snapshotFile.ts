/**
 * The snapshot file, written a slice at a time: each slice of records is serialised and written
 * before the next, so the event loop keeps serving while a snapshot of 50,000 devices is written.
 * What it writes is the store as of one moment (`SnapshotView`), however the store changes meanwhile.
 */
import { readFile } from 'node:fs/promises';
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

/** lowdb's adapter for the snapshot: read whole, written a slice at a time, durably; codes go without their Matching ID. */
export class SnapshotFile implements Adapter<StoreData> {
  constructor(readonly path: string) {}

  /** The parsed file; null when it is missing (or holds null). */
  async read(): Promise<StoreData | null> {
    try {
      return JSON.parse(await readFile(this.path, 'utf8')) as StoreData | null;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  write(data: StoreData): Promise<void> {
    return this.writeView(viewOf(data));
  }

  writeView(view: SnapshotView): Promise<void> {
    return replaceDurably(this.path, slices(view));
  }
}

function* slices(view: SnapshotView): Generator<string> {
  const head = JSON.stringify(view.head);
  yield head.slice(0, -1);
  yield* records('devices', view.devices, (d) => d);
  yield* records('codes', view.codes, withoutSecret);
  yield* records('profiles', view.profiles, (p) => p);
  yield '}';
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
