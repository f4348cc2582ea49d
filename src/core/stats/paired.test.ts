// McNemar's exact test against SciPy, and the bootstrap interval's guarantees (seeded, brackets the estimate).
import { describe, expect, it } from 'vitest';
import { binomialCdfHalf, bootstrapAccuracyDiff, mcnemarExact, pairedCounts } from './paired';

/** Answers with b candidate-only, c production-only, plus `both` and `neither` pairs. */
function answers(both: number, b: number, c: number, neither: number): [boolean[], boolean[]] {
  const cand: boolean[] = [];
  const prod: boolean[] = [];
  const push = (k: number, x: boolean, y: boolean) => {
    for (let i = 0; i < k; i++) {
      cand.push(x);
      prod.push(y);
    }
  };
  push(both, true, true);
  push(b, true, false);
  push(c, false, true);
  push(neither, false, false);
  return [cand, prod];
}

describe('mcnemarExact', () => {
  // Reference p-values: scipy.stats.binomtest(min(b, c), b + c, 0.5).pvalue with SciPy 1.17.1, which is what
  // statsmodels' mcnemar(table, exact=True) returns for the discordant counts b and c.
  const cases: [number, number, number][] = [
    [1, 5, 0.21875], // by hand: 2 * (1 + 6) / 64
    [0, 10, 0.001953125], // by hand: 2 / 1024
    [10, 20, 0.09873714670538905],
    [17, 3, 0.0025768280029296875],
    [25, 25, 1],
    [40, 60, 0.05688793364098089],
    [30, 10, 0.0022214337732293643],
    [400, 450, 0.09276544997048893],
  ];
  it.each(cases)('b=%i c=%i gives SciPy p=%f', (b, c, p) => {
    expect(mcnemarExact(b, c).pValue).toBeCloseTo(p, 10);
  });

  it('is symmetric and 1 without discordant pairs', () => {
    expect(mcnemarExact(3, 9).pValue).toBe(mcnemarExact(9, 3).pValue);
    expect(mcnemarExact(0, 0).pValue).toBe(1);
  });

  it('refuses counts that are not counts', () => {
    expect(() => mcnemarExact(-1, 2)).toThrow(/discordant/);
    expect(() => mcnemarExact(1.5, 2)).toThrow(/discordant/);
  });

  it('binomial cdf is exact for small n', () => {
    expect(binomialCdfHalf(2, 4)).toBeCloseTo(11 / 16, 14);
    expect(binomialCdfHalf(4, 4)).toBe(1);
  });
});

describe('pairedCounts', () => {
  it('counts the four cells from the answers', () => {
    const [c, p] = answers(50, 10, 30, 10);
    expect(pairedCounts(c, p)).toEqual({ both: 50, candidateOnly: 10, productionOnly: 30, neither: 10 });
  });
  it('refuses answers on different crops', () => {
    expect(() => pairedCounts([true], [true, false])).toThrow(/same crops/);
  });
});

describe('bootstrapAccuracyDiff', () => {
  it('gives the same interval for the same seed and brackets the observed difference', () => {
    const [c, p] = answers(300, 40, 20, 40);
    const a = bootstrapAccuracyDiff(c, p, { seed: 7, resamples: 1000 });
    const b = bootstrapAccuracyDiff(c, p, { seed: 7, resamples: 1000 });
    expect(a).toEqual(b);
    expect(a.diff).toBeCloseTo(20 / 400, 12);
    expect(a.lo).toBeLessThan(a.diff);
    expect(a.hi).toBeGreaterThan(a.diff);
    // normal approximation of the paired difference: sd = sqrt(((b + c) / n - diff^2) / n) ~ 0.0192
    expect(a.hi - a.lo).toBeGreaterThan(2 * 1.96 * 0.0192 * 0.8);
    expect(a.hi - a.lo).toBeLessThan(2 * 1.96 * 0.0192 * 1.2);
  });

  it('is a point when the models agree on every crop, and excludes 0 for a clear gain', () => {
    const [c, p] = answers(80, 0, 0, 20);
    expect(bootstrapAccuracyDiff(c, p)).toMatchObject({ diff: 0, lo: 0, hi: 0 });
    const [c2, p2] = answers(100, 60, 5, 35);
    expect(bootstrapAccuracyDiff(c2, p2).lo).toBeGreaterThan(0);
  });
});
