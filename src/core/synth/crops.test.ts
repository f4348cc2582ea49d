// The crop generator: deterministic per (seed, class, index), within the research's limits, a saturated melt pool
// and warm streaks on a dark background, and classes drawn from overlapping gas flows.
import { describe, expect, it } from 'vitest';
import { CropGenerator, CROP_FLOW, meanGrey } from './crops';
import { RESEARCH_CROP_STATS } from './research-stats';

describe('CropGenerator', () => {
  const gen = new CropGenerator(42);

  it('is deterministic per (seed, class, index), in any order', () => {
    const a = gen.cropAt('high', 7);
    gen.cropAt('low', 3);
    const b = new CropGenerator(42).cropAt('high', 7);
    expect(b.width).toBe(a.width);
    expect(Buffer.from(b.rgba).equals(Buffer.from(a.rgba))).toBe(true);
    expect(Buffer.from(gen.cropAt('high', 8).rgba).equals(Buffer.from(a.rgba))).toBe(false);
    expect(gen.cropAt('low', 5, 'left').view).toBe('left');
  });

  it('makes crops within the research limits: a near-white melt pool on a dark background, warm streaks', () => {
    const S = RESEARCH_CROP_STATS;
    let warm = 0;
    let lit = 0;
    for (const flow of ['low', 'high'] as const) {
      for (let i = 0; i < 40; i++) {
        const c = gen.cropAt(flow, i);
        expect(c.width).toBeGreaterThanOrEqual(S.width.min);
        expect(c.width).toBeLessThanOrEqual(S.width.max);
        expect(c.height).toBeGreaterThanOrEqual(S.height.min);
        expect(c.height).toBeLessThanOrEqual(S.height.max);
        expect(c.rgba.length).toBe(c.width * c.height * 4);
        expect(c.meanGrey).toBeCloseTo(meanGrey(c.rgba), 6);
        if (c.black) {
          expect(c.meanGrey).toBeLessThan(5);
          continue;
        }
        let peak = 0;
        let dark = 0;
        for (let p = 0; p < c.rgba.length; p += 4) {
          const [r, g, b] = [c.rgba[p]!, c.rgba[p + 1]!, c.rgba[p + 2]!];
          peak = Math.max(peak, (r + g + b) / 3);
          if (r + g + b < 30) dark++;
          // mid-bright pixels: streaks and glow, warm (red ≥ green ≥ blue), never blue
          if (r > 60 && r < 230) {
            lit++;
            if (r >= g && g >= b) warm++;
          }
        }
        expect(peak).toBeGreaterThan(200); // the melt pool, near white
        expect(dark / (c.width * c.height)).toBeGreaterThan(0.15);
      }
    }
    expect(warm / lit).toBeGreaterThan(0.95);
  });

  it('draws the two classes from overlapping but distinct gas flows', () => {
    const flows = (f: 'low' | 'high') => Array.from({ length: 200 }, (_, i) => gen.cropAt(f, i).gasFlow);
    const low = flows('low');
    const high = flows('high');
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean(high) - mean(low)).toBeGreaterThan(1.2);
    expect(Math.max(...low)).toBeGreaterThan(Math.min(...high) - 0.6);
    expect(CROP_FLOW.low.mean).toBeLessThan(CROP_FLOW.high.mean);
  });
});
