import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Hash64Index, Hash64Set, hashString, type Hash64 } from '../../src/calls/hash.js';

describe('calls: compact hash tables', () => {
  it('hashes 100,000 ids without a collision, and seeds apart', () => {
    const seen = new Set<string>();
    const h: Hash64 = { hi: 0, lo: 0 };
    for (let i = 0; i < 100_000; i++) {
      hashString(i % 2 ? randomUUID() : `call-${i}`, 1, h);
      seen.add(`${h.hi}:${h.lo & ~1}`);
    }
    assert.equal(seen.size, 100_000);
    const a = { ...hashString('same', 1, { hi: 0, lo: 0 }) };
    const b = { ...hashString('same', 2, { hi: 0, lo: 0 }) };
    assert.notDeepEqual(a, b);
  });

  it('Hash64Set keeps membership and a sticky flag through growth', () => {
    const set = new Hash64Set();
    const h: Hash64 = { hi: 0, lo: 0 };
    for (let i = 0; i < 50_000; i++) {
      hashString(`id-${i}`, 1, h);
      assert.equal(set.add(h.hi, h.lo, i % 3 === 0), true);
    }
    assert.equal(set.size, 50_000);
    for (let i = 0; i < 50_000; i++) {
      hashString(`id-${i}`, 1, h);
      assert.equal(set.add(h.hi, h.lo), false);
      assert.equal(set.flagged(h.hi, h.lo), i % 3 === 0);
    }
    hashString('id-1', 1, h);
    set.add(h.hi, h.lo, true);
    assert.equal(set.flagged(h.hi, h.lo), true);
    hashString('never', 1, h);
    assert.equal(set.flagged(h.hi, h.lo), false);
    // (0, 0) marks an empty slot; such a hash is still a member.
    assert.equal(set.add(0, 0), true);
    assert.equal(set.add(0, 1), false, 'the low bit is the flag, not part of the key');
    assert.equal(set.size, 50_001);
  });

  it('Hash64Set.reserve sizes once and keeps what it holds', () => {
    const set = new Hash64Set();
    set.add(1, 2);
    set.reserve(100_000);
    const bytes = set.bytes;
    assert.ok(bytes >= (100_000 / 0.75) * 8);
    const h: Hash64 = { hi: 0, lo: 0 };
    for (let i = 0; i < 100_000; i++) {
      hashString(`r${i}`, 1, h);
      set.add(h.hi, h.lo);
    }
    assert.equal(set.bytes, bytes, 'no growth within the reservation');
    assert.equal(set.add(1, 2), false);
  });

  it('Hash64Index numbers keys densely in order of first sight', () => {
    const index = new Hash64Index();
    const h: Hash64 = { hi: 0, lo: 0 };
    const insert = (key: string) => {
      hashString(key, 3, h);
      return index.insert(h.hi, h.lo);
    };
    for (let i = 0; i < 20_000; i++) assert.equal(insert(`k${i}`), i);
    for (let i = 0; i < 20_000; i += 7) assert.equal(insert(`k${i}`), i);
    assert.equal(index.size, 20_000);
    assert.equal(index.insert(0, 0), 20_000);
    assert.equal(index.insert(0, 0), 20_000);
  });
});
