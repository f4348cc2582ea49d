// A generated set against the research's statistics. Tolerances: means and medians of height, width and
// area within 8% (area 10%), each area bin within 5 percentage points, 0.5–3% all-black crops, and the mean grey
// of each class inside the range the research's figure shows (low flow 30–48, high flow 8–24).
import { describe, expect, it } from 'vitest';
import { CropGenerator } from './crops';
import { cropSetStats, RESEARCH_CROP_STATS, researchClassCounts } from './research-stats';

describe('a generated crop set matches the research statistics', () => {
  const total = 1200;
  const { low, high } = researchClassCounts(total);
  const gen = new CropGenerator(2024);
  const crops = [
    ...Array.from({ length: low }, (_, i) => ({ ...gen.cropAt('low', i), label: 0 })),
    ...Array.from({ length: high }, (_, i) => ({ ...gen.cropAt('high', i), label: 1 })),
  ];
  const s = cropSetStats(crops);
  const R = RESEARCH_CROP_STATS;
  const near = (got: number, want: number, tol: number) =>
    expect(Math.abs(got - want) / want, `${got} vs ${want}`).toBeLessThan(tol);

  it('sizes: height, width and area', () => {
    near(s.height.mean, R.height.mean, 0.08);
    near(s.height.median, R.height.median, 0.08);
    near(s.width.mean, R.width.mean, 0.08);
    near(s.width.median, R.width.median, 0.08);
    near(s.area.mean, R.area.mean, 0.1);
    expect(s.height.min).toBeGreaterThanOrEqual(R.height.min);
    expect(s.height.max).toBeLessThanOrEqual(R.height.max);
    expect(s.width.min).toBeGreaterThanOrEqual(R.width.min);
    expect(s.width.max).toBeLessThanOrEqual(R.width.max);
    expect(s.area.min).toBeGreaterThanOrEqual(R.area.min * 0.95);
    expect(s.area.max).toBeLessThanOrEqual(R.area.max * 1.05);
    s.areaBins.forEach((b, i) =>
      expect(Math.abs(b - R.areaBins[i]!), `area bin ${i}: ${b}`).toBeLessThan(0.05),
    );
  });

  it('class balance and all-black crops', () => {
    expect(s.classBalance[0]).toBeCloseTo(R.classBalance[0], 3);
    expect(s.black).toBeGreaterThanOrEqual(0.005);
    expect(s.black).toBeLessThanOrEqual(0.03);
  });

  it('brightness: low flow bright, high flow dim, overlapping at the edges', () => {
    const [lowGrey, highGrey] = s.meanGrey;
    expect(lowGrey).toBeGreaterThanOrEqual(R.meanGreyRange.low[0]);
    expect(lowGrey).toBeLessThanOrEqual(R.meanGreyRange.low[1]);
    expect(highGrey).toBeGreaterThanOrEqual(R.meanGreyRange.high[0]);
    expect(highGrey).toBeLessThanOrEqual(R.meanGreyRange.high[1]);
    const lit = crops.filter((c) => !c.black);
    const inRange = (label: 0 | 1, [lo, hi]: readonly [number, number]) => {
      const cs = lit.filter((c) => c.label === label);
      return cs.filter((c) => c.meanGrey >= lo && c.meanGrey <= hi).length / cs.length;
    };
    expect(inRange(0, R.meanGreyRange.low)).toBeGreaterThan(0.6);
    expect(inRange(1, R.meanGreyRange.high)).toBeGreaterThan(0.6);
    // overlap: some low-flow crops are as dim as high-flow ones
    expect(lit.filter((c) => c.label === 0 && c.meanGrey < R.meanGreyRange.low[0]).length).toBeGreaterThan(0);
  });
});
