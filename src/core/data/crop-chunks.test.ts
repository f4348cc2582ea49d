import { describe, expect, it } from 'vitest';
import { ArrayCropList, ChunkedCropList, CropSpooler, type ReadBlobSync } from './crop-chunks';

const crop = (i: number) => Uint8Array.from({ length: 3 + (i % 7) }, (_, k) => (i * 31 + k) & 255);

/** Blob bytes read ahead of time (Node has no synchronous Blob read; the worker uses FileReaderSync). */
async function syncReader(blobs: Blob[]): Promise<{ read: ReadBlobSync; reads: number[][] }> {
  const bytes = new Map<Blob, Uint8Array>();
  for (const b of blobs) bytes.set(b, new Uint8Array(await b.arrayBuffer()));
  const reads: number[][] = [];
  return {
    reads,
    read: (blob, start, end) => {
      reads.push([start, end]);
      return bytes.get(blob)!.slice(start, end);
    },
  };
}

describe('CropSpooler + ChunkedCropList', () => {
  it('gives back every crop in order across chunk boundaries', async () => {
    const spool = new CropSpooler(10);
    const crops = Array.from({ length: 95 }, (_, i) => crop(i));
    for (const c of crops) spool.push(c);
    const chunks = spool.chunks();
    expect(chunks).toHaveLength(10);
    expect(spool.count).toBe(95);
    expect(spool.byteLength).toBe(crops.reduce((a, c) => a + c.length, 0));
    const { read, reads } = await syncReader(chunks.map((c) => c.blob));
    const list = new ChunkedCropList(chunks, read);
    expect(list.count).toBe(95);
    expect(list.byteLength).toBe(spool.byteLength);
    expect(list.range(0, 95)).toEqual(crops);
    expect(list.range(8, 5)).toEqual(crops.slice(8, 13));
    expect(list.range(90, 50)).toEqual(crops.slice(90));
    // One read per chunk a range touches, not one per crop.
    reads.length = 0;
    list.range(8, 5);
    expect(reads).toHaveLength(2);
  });

  it('closes a chunk by size as well as by count', () => {
    const spool = new CropSpooler(1000, 20);
    for (let i = 0; i < 10; i++) spool.push(new Uint8Array(8));
    expect(spool.chunks().map((c) => c.sizes.length)).toEqual([3, 3, 3, 1]);
  });

  it('refuses a chunk whose sizes do not add up to its blob', () => {
    const chunk = { blob: new Blob([new Uint8Array(10)]), sizes: [4, 4] };
    expect(() => new ChunkedCropList([chunk], () => new Uint8Array())).toThrow(/10 bytes.*8/);
  });

  it('the array list gives the same ranges', () => {
    const crops = Array.from({ length: 12 }, (_, i) => crop(i));
    const list = new ArrayCropList(crops);
    expect(list.count).toBe(12);
    expect(list.range(10, 5)).toEqual(crops.slice(10));
  });
});
