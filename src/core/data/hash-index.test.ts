// Tests of the compact duplicate table: first location kept, growth keeps entries, dead sources replaced.
import { describe, expect, it } from 'vitest';
import { contentHash } from './quality';
import { HashIndex, hashWords } from './hash-index';

describe('HashIndex', () => {
  it('hashWords are the words contentHash prints', () => {
    const b = Uint8Array.of(255, 216, 255, 0, 7, 9);
    const [h1, h2] = hashWords(b);
    expect(contentHash(b)).toBe(h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0') + '6');
  });

  it('returns the first location of repeated content, across growth', () => {
    const t = new HashIndex(4);
    for (let i = 0; i < 5000; i++) {
      const [h1, h2] = hashWords(new Uint8Array(new Uint32Array([i, i * 7]).buffer));
      expect(t.firstOrAdd(h1, h2, 8, { source: 1, dataset: i % 3, index: i })).toBeNull();
    }
    expect(t.size).toBe(5000);
    const [h1, h2] = hashWords(new Uint8Array(new Uint32Array([1234, 1234 * 7]).buffer));
    expect(t.firstOrAdd(h1, h2, 8, { source: 2, dataset: 0, index: 0 })).toEqual({
      source: 1,
      dataset: 1234 % 3,
      index: 1234,
    });
    // Same words, other length: different content.
    expect(t.firstOrAdd(h1, h2, 9, { source: 2, dataset: 0, index: 1 })).toBeNull();
  });

  it('replaces a first location whose source is gone', () => {
    const t = new HashIndex();
    t.firstOrAdd(1, 2, 3, { source: 1, dataset: 0, index: 5 });
    expect(t.firstOrAdd(1, 2, 3, { source: 2, dataset: 0, index: 6 }, (s) => s !== 1)).toBeNull();
    expect(t.firstOrAdd(1, 2, 3, { source: 3, dataset: 0, index: 7 })).toEqual({
      source: 2,
      dataset: 0,
      index: 6,
    });
    expect(t.size).toBe(1);
  });
});
