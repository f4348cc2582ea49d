// The crops of a video streamed in batches get the same frames and layers as the per-frame log gives them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { datesFromPerFrameCounts } from '../core/eval/timeline';
import { parseSpatterAtFrameCsv } from '../core/extract/csv';
import { cropBlobs, CropSpooler } from '../core/data/crop-chunks';
import { VideoCropCollector } from './classify-video';

/** Batches as the worker sends them: per-frame counts from firstFrame and one crop per counted spatter. */
function batches(counts: number[], start: number, sizes: number[]) {
  const out: { firstFrame: number; counts: number[]; crops: { frame: number; jpeg: Uint8Array }[] }[] = [];
  let f = start;
  let k = 0;
  while (f - start < counts.length) {
    const n = sizes[k++ % sizes.length]!;
    const c = counts.slice(f - start, f - start + n);
    out.push({
      firstFrame: f,
      counts: c,
      crops: c.flatMap((m, i) =>
        Array.from({ length: m }, () => ({ frame: f + i, jpeg: new Uint8Array([f + i]) })),
      ),
    });
    f += c.length;
  }
  return out;
}

describe('VideoCropCollector', () => {
  it('dates the fixture video crops like its per-frame log, whatever the batch sizes', () => {
    const counts = parseSpatterAtFrameCsv(
      readFileSync('e2e/fixtures/ref_high_mp4_spatter_at_frame.csv', 'utf8'),
      'ref_high_mp4_spatter_at_frame.csv',
    );
    const want = datesFromPerFrameCounts(counts, 700);
    for (const sizes of [[1], [7, 3], [1000]]) {
      const c = new VideoCropCollector(0, 700);
      for (const b of batches(counts, 0, sizes)) c.push(b);
      expect(c.frames).toEqual(want.frames);
      expect(c.layers).toEqual(want.layers);
      expect(c.spool.count).toBe(237);
    }
  });

  it('starts a new layer after a gap longer than layer_gap, counting from the first frame processed', () => {
    // spatter at 0..2, nothing for 10 frames, spatter again: with gap 5 that is a new layer
    const counts = [1, 2, 1, ...new Array<number>(10).fill(0), 3, 1];
    const c = new VideoCropCollector(100, 5);
    for (const b of batches(counts, 100, [4])) c.push(b);
    expect(c.frames).toEqual([100, 101, 101, 102, 113, 113, 113, 114]);
    expect(c.layers).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    expect(c.layers).toEqual(datesFromPerFrameCounts(counts, 5).layers);
  });

  it('spools the crops into Blob chunks and hands any range back in order', async () => {
    const counts = parseSpatterAtFrameCsv(
      readFileSync('e2e/fixtures/ref_high_mp4_spatter_at_frame.csv', 'utf8'),
      'ref_high_mp4_spatter_at_frame.csv',
    );
    const c = new VideoCropCollector(0, 700, new CropSpooler(50));
    for (const b of batches(counts, 0, [7])) c.push(b);
    const chunks = c.spool.chunks();
    expect(chunks.length).toBe(5); // 237 crops, 50 a chunk
    const bytesOf = async (blobs: Blob[]) =>
      Promise.all(blobs.map(async (b) => Array.from(new Uint8Array(await b.arrayBuffer()))));
    // Each stand-in crop is one byte: its frame (mod 256).
    expect(await bytesOf(cropBlobs(chunks, 0, 237))).toEqual(c.frames.map((f) => [f & 255]));
    const across = cropBlobs(chunks, 45, 105);
    expect(across).toHaveLength(60);
    expect(across[0]!.type).toBe('image/jpeg');
    expect(await bytesOf(across)).toEqual(c.frames.slice(45, 105).map((f) => [f & 255]));
    expect(cropBlobs(chunks, 230, 300)).toHaveLength(7);
  });
});
