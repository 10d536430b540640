/**
 * Compact exact-membership tables for the call-history analysis.
 *
 * A record's Report ID and a call's Correlation ID are kept as a 64-bit hash in an open-addressed
 * Int32Array (linear probing, 8 bytes a slot, grown by half when 3/4 full, so 50–75% full, or
 * sized once with `reserve`) instead of as strings: ~11–16 bytes per distinct id, against ~100 for
 * a Set of 36-character strings.
 * The price is the chance that two different ids share a hash: with 63 bits and a million ids,
 * about 5·10⁻⁸ per file.
 */

/** The two 32-bit halves of a string's 64-bit hash; `hashString` fills it (no allocation). */
export interface Hash64 {
  hi: number;
  lo: number;
}

/**
 * Hashes `text` (after `seed`, so one id can be hashed into separate name spaces) into `out`.
 * Two multiplicative lanes over the UTF-16 code units, then a murmur-style finaliser on each.
 */
export function hashString(text: string, seed: number, out: Hash64): Hash64 {
  let a = 0x9e3779b9 ^ seed;
  let b = 0x85ebca6b ^ Math.imul(seed, 0x27d4eb2f);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a ^= text.length;
  // Cross the lanes so each half depends on the whole input, then finalise.
  a = Math.imul(a ^ (b >>> 16), 0x85ebca6b);
  a ^= a >>> 13;
  a = Math.imul(a, 0xc2b2ae35);
  a ^= a >>> 16;
  b = Math.imul(b ^ (a >>> 15), 0xcc9e2d51);
  b ^= b >>> 13;
  b = Math.imul(b, 0x1b873593);
  b ^= b >>> 16;
  out.hi = a | 0;
  out.lo = b | 0;
  return out;
}

const INITIAL_CAPACITY = 1024; // slots
const TWO_32 = 4294967296;
const FLAG = 1;
const KEY_BITS = ~FLAG; // the low bit of `lo` holds the flag, so 63 bits of the hash are kept

/**
 * A set of 63-bit hashes (the low bit of `lo` is dropped), each with one flag bit that can only be
 * set. An empty slot is (0, 0); a hash of (0, 0) is stored as (0, 2).
 */
export class Hash64Set {
  private keys = new Int32Array(INITIAL_CAPACITY * 2);
  private capacity = INITIAL_CAPACITY;
  private limit = (INITIAL_CAPACITY * 3) >>> 2;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Bytes held by the table. */
  get bytes(): number {
    return this.keys.byteLength;
  }

  /** Adds the hash (setting its flag when `flag`); true when it was not there yet. */
  add(hi: number, lo: number, flag = false): boolean {
    lo &= KEY_BITS;
    if (hi === 0 && lo === 0) lo = 2;
    const keys = this.keys;
    const capacity = this.capacity;
    let slot = Math.floor(((hi >>> 0) * capacity) / TWO_32);
    for (;;) {
      const at = slot << 1;
      const khi = keys[at];
      const klo = keys[at + 1];
      if (khi === 0 && klo === 0) {
        keys[at] = hi;
        keys[at + 1] = flag ? lo | FLAG : lo;
        if (++this.count > this.limit) this.grow();
        return true;
      }
      if (khi === hi && (klo & KEY_BITS) === lo) {
        if (flag) keys[at + 1] = klo | FLAG;
        return false;
      }
      if (++slot === capacity) slot = 0;
    }
  }

  /** Whether the hash is there with its flag set. */
  flagged(hi: number, lo: number): boolean {
    lo &= KEY_BITS;
    if (hi === 0 && lo === 0) lo = 2;
    const keys = this.keys;
    let slot = Math.floor(((hi >>> 0) * this.capacity) / TWO_32);
    for (;;) {
      const at = slot << 1;
      const khi = keys[at];
      const klo = keys[at + 1];
      if (khi === 0 && klo === 0) return false;
      if (khi === hi && (klo & KEY_BITS) === lo) return (klo & FLAG) !== 0;
      if (++slot === this.capacity) slot = 0;
    }
  }

  /**
   * Makes room for `entries` in all without growing again: growing leaves the old array as garbage
   * until V8 next collects, so sizing once up front keeps the peak down.
   */
  reserve(entries: number): void {
    const capacity = Math.ceil(entries / 0.7);
    if (capacity > this.capacity) this.grow(capacity);
  }

  private grow(to = Math.floor(this.capacity * 1.5)): void {
    const old = this.keys;
    const capacity = to;
    const keys = new Int32Array(capacity * 2);
    for (let at = 0; at < old.length; at += 2) {
      const hi = old[at];
      const lo = old[at + 1];
      if (hi === 0 && lo === 0) continue;
      let slot = Math.floor(((hi >>> 0) * capacity) / TWO_32);
      while (keys[slot << 1] !== 0 || keys[(slot << 1) + 1] !== 0) {
        if (++slot === capacity) slot = 0;
      }
      keys[slot << 1] = hi;
      keys[(slot << 1) + 1] = lo;
    }
    this.keys = keys;
    this.capacity = capacity;
    this.limit = Math.floor((capacity * 3) / 4);
  }
}

/**
 * Maps 64-bit hashes to dense numbers 0, 1, 2… in order of first sight, so facts about each key
 * can live in typed arrays indexed by that number. 12 bytes a slot, 50–75% full.
 */
export class Hash64Index {
  private keys = new Int32Array(INITIAL_CAPACITY * 2);
  private values = new Int32Array(INITIAL_CAPACITY);
  private capacity = INITIAL_CAPACITY;
  private limit = (INITIAL_CAPACITY * 3) >>> 2;
  private count = 0;

  get size(): number {
    return this.count;
  }

  get bytes(): number {
    return this.keys.byteLength + this.values.byteLength;
  }

  /** The key's number; a new key gets the next one (`size - 1` afterwards). */
  insert(hi: number, lo: number): number {
    if (hi === 0 && lo === 0) lo = 1;
    const keys = this.keys;
    const capacity = this.capacity;
    let slot = Math.floor(((hi >>> 0) * capacity) / TWO_32);
    for (;;) {
      const at = slot << 1;
      const khi = keys[at];
      const klo = keys[at + 1];
      if (khi === 0 && klo === 0) {
        const value = this.count++;
        keys[at] = hi;
        keys[at + 1] = lo;
        this.values[slot] = value;
        if (this.count > this.limit) this.grow();
        return value;
      }
      if (khi === hi && klo === lo) return this.values[slot];
      if (++slot === capacity) slot = 0;
    }
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    const capacity = Math.floor(this.capacity * 1.5);
    const keys = new Int32Array(capacity * 2);
    const values = new Int32Array(capacity);
    for (let old = 0; old < oldValues.length; old++) {
      const hi = oldKeys[old << 1];
      const lo = oldKeys[(old << 1) + 1];
      if (hi === 0 && lo === 0) continue;
      let slot = Math.floor(((hi >>> 0) * capacity) / TWO_32);
      while (keys[slot << 1] !== 0 || keys[(slot << 1) + 1] !== 0) {
        if (++slot === capacity) slot = 0;
      }
      keys[slot << 1] = hi;
      keys[(slot << 1) + 1] = lo;
      values[slot] = oldValues[old];
    }
    this.keys = keys;
    this.values = values;
    this.capacity = capacity;
    this.limit = Math.floor((capacity * 3) / 4);
  }
}
