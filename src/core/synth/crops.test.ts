import { describe, expect, it } from 'vitest';
import { CropGenerator, MAX_BLOB_AREA, MIN_BLOB_AREA, dilate } from './crops';

describe('CropGenerator', () => {
  const gen = new CropGenerator(42);

  it('is deterministic per (seed, class, index), in any order', () => {
    const a = gen.cropAt('high', 7);
    gen.cropAt('low', 3);
    const b = new CropGenerator(42).cropAt('high', 7);
    expect(b.width).toBe(a.width);
    expect(Buffer.from(b.rgba).equals(Buffer.from(a.rgba))).toBe(true);
    expect(Buffer.from(gen.cropAt('high', 8).rgba).equals(Buffer.from(a.rgba))).toBe(false);
  });

  it('cuts blobs the extractor would accept, sized like research crops', () => {
    for (const flow of ['low', 'high'] as const) {
      for (let i = 0; i < 40; i++) {
        const c = gen.cropAt(flow, i);
        expect(c.area).toBeGreaterThanOrEqual(MIN_BLOB_AREA);
        expect(c.area).toBeLessThanOrEqual(MAX_BLOB_AREA);
        expect(c.width).toBeGreaterThan(20);
        expect(c.height).toBeGreaterThan(20);
        expect(c.rgba.length).toBe(c.width * c.height * 4);
        // something bright (spatter) on a dark background
        let bright = 0;
        for (let p = 0; p < c.rgba.length; p += 4) if (c.rgba[p]! > 128) bright++;
        expect(bright).toBeGreaterThan(10);
      }
    }
  });

  it('draws the two classes from overlapping but distinct gas flows', () => {
    const flows = (f: 'low' | 'high') => Array.from({ length: 200 }, (_, i) => gen.cropAt(f, i).gasFlow);
    const low = flows('low');
    const high = flows('high');
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean(high) - mean(low)).toBeGreaterThan(1.2);
    expect(Math.max(...low)).toBeGreaterThan(Math.min(...high) - 0.6);
  });
});

describe('dilate', () => {
  it('grows a single pixel into a (2r+1)² square, clipped at the edges', () => {
    const W = 10;
    const H = 8;
    const m = new Uint8Array(W * H);
    m[2 * W + 1] = 1;
    dilate(m, new Uint8Array(W * H), W, H, 2);
    const on: string[] = [];
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (m[y * W + x]) on.push(`${x},${y}`);
    expect(on).toHaveLength(4 * 5); // x 0..3, y 0..4
    expect(on).toContain('0,0');
    expect(on).toContain('3,4');
  });
});
