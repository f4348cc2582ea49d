// The acceptance gate: the research's rule, minimum improvement, the paired test, slices.
import { describe, expect, it } from 'vitest';
import { applyGate, DEFAULT_GATE } from './gate';

function answers(both: number, b: number, c: number, neither: number) {
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
  const acc = (a: boolean[]) => a.filter(Boolean).length / a.length;
  return {
    candidate: { accuracy: acc(cand), correct: cand },
    production: { accuracy: acc(prod), correct: prod },
  };
}

describe('applyGate', () => {
  it('passes the first model above the minimum and fails one below it', () => {
    const a = answers(75, 0, 0, 25);
    expect(applyGate(DEFAULT_GATE, { candidate: a.candidate, production: null })).toMatchObject({
      pass: true,
      significance: 'no-production',
    });
    const low = answers(69, 0, 0, 31);
    const v = applyGate(DEFAULT_GATE, { candidate: low.candidate, production: null });
    expect(v.pass).toBe(false);
    expect(v.reason).toMatch(/69\.00% is below the minimum 70\.00%/);
  });

  it('fails a candidate worse than production and says when the loss is within noise', () => {
    const a = answers(70, 1, 3, 26); // 71% vs 73%, McNemar p = 0.625
    const v = applyGate(DEFAULT_GATE, a);
    expect(v.pass).toBe(false);
    expect(v.significance).toBe('within-noise');
    expect(v.pValue).toBeCloseTo(0.625, 10);
    expect(v.reason).toMatch(/Worse than production.*within noise/);
  });

  it('passes a nominally better candidate, calling it within noise, unless significance is required', () => {
    const a = answers(70, 3, 1, 26);
    const v = applyGate(DEFAULT_GATE, a);
    expect(v).toMatchObject({ pass: true, significance: 'within-noise' });
    expect(v.reason).toMatch(/\+2\.00 pp.*within noise, McNemar p = 0\.625/);
    expect(applyGate({ ...DEFAULT_GATE, requireSignificant: true }, a).pass).toBe(false);
    const clear = answers(60, 20, 2, 18);
    expect(applyGate({ ...DEFAULT_GATE, requireSignificant: true }, clear)).toMatchObject({
      pass: true,
      significance: 'better',
    });
  });

  it('applies the minimum improvement and the bootstrap variant', () => {
    const a = answers(70, 3, 1, 26);
    expect(applyGate({ ...DEFAULT_GATE, minImprovement: 0.05 }, a).reason).toMatch(/less than the required/);
    const v = applyGate({ ...DEFAULT_GATE, pairedTest: 'bootstrap' }, a);
    expect(v.interval!.lo).toBeLessThan(0);
    expect(v.interval!.hi).toBeGreaterThan(0);
    expect(v.significance).toBe('within-noise');
  });

  it('fails when a slice regresses beyond the tolerance', () => {
    // slice A: candidate better on 10 crops; slice B: candidate loses 4 of 10 crops production had right
    const cand = [...Array(10).fill(true), ...Array(6).fill(true), ...Array(4).fill(false)];
    const prod = [...Array(10).fill(false), ...Array(10).fill(true)];
    const slices = [...Array(10).fill('A'), ...Array(10).fill('B')];
    const input = {
      candidate: { accuracy: 16 / 20, correct: cand },
      production: { accuracy: 10 / 20, correct: prod },
      slices,
    };
    expect(applyGate(DEFAULT_GATE, input).pass).toBe(true);
    const v = applyGate({ ...DEFAULT_GATE, sliceTolerance: 0.1 }, input);
    expect(v.pass).toBe(false);
    expect(v.reason).toMatch(/Slice "B" regressed by -40\.00 pp/);
    expect(v.slices).toHaveLength(2);
  });

  it('treats a NaN accuracy as a failure', () => {
    const v = applyGate(DEFAULT_GATE, { candidate: { accuracy: NaN, correct: [] }, production: null });
    expect(v.pass).toBe(false);
  });
});
