import { describe, expect, it } from 'vitest';
import { BLOCK_BYTES, BlobBlockCache } from './blob-block-cache';

describe('BlobBlockCache', () => {
  it('serves reads across block borders with the right bytes and few blob reads', () => {
    const size = BLOCK_BYTES * 2 + 1234;
    const data = new Uint8Array(size);
    for (let i = 0; i < size; i++) data[i] = (i * 7 + (i >> 11)) & 255;
    const blob = new Blob([data]);
    let reads = 0;
    const cache = new BlobBlockCache((_blob, start, end) => {
      reads++;
      return data.slice(start, end).buffer;
    });
    const out = new Uint8Array(4000);
    expect(cache.read(blob, out, 0, 4000, BLOCK_BYTES - 2000)).toBe(4000);
    expect(out).toEqual(data.subarray(BLOCK_BYTES - 2000, BLOCK_BYTES + 2000));
    expect(reads).toBe(2);
    expect(cache.read(blob, out, 0, 100, 10)).toBe(100);
    expect(reads).toBe(2); // block 0 is cached
    expect(cache.read(blob, out, 0, 4000, size - 1000)).toBe(1000);
    expect(out.subarray(0, 1000)).toEqual(data.subarray(size - 1000));
    expect(cache.read(blob, out, 0, 10, size)).toBe(0);
  });
});
