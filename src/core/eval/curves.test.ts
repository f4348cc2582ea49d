// ROC/PR/threshold/calibration checked by hand on a tiny case, then against an independent numpy
// computation (ROC AUC as the Mann-Whitney statistic, AP by its definition, ECE by bin loops).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { reliability } from './calibration';
import { atThreshold, bestThreshold, prCurve, rocCurve, thresholdSweep } from './curves';

const PYTHON = '/usr/bin/python3';
const hasNumpy = (() => {
  if (!existsSync(PYTHON)) return false;
  try {
    execFileSync(PYTHON, ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('rocCurve / prCurve by hand', () => {
  // scores 0.9(1) 0.8(0) 0.7(1) 0.6(1) 0.2(0): ranking pairs (pos > neg): 0.9>0.8,0.2; 0.7>0.2; 0.6>0.2 -> 4 of 6
  const scores = [0.9, 0.8, 0.7, 0.6, 0.2];
  const labels = [1, 0, 1, 1, 0];

  it('ROC points and AUC', () => {
    const roc = rocCurve(scores, labels);
    expect(roc.points.map((p) => [p.fpr, p.tpr])).toEqual([
      [0, 0],
      [0, 1 / 3],
      [0.5, 1 / 3],
      [0.5, 2 / 3],
      [0.5, 1],
      [1, 1],
    ]);
    expect(roc.auc).toBeCloseTo(4 / 6, 12);
  });

  it('PR curve stops at full recall and gives the average precision', () => {
    const pr = prCurve(scores, labels);
    // thresholds 0.9: P 1 R 1/3; 0.8: P 1/2 R 1/3; 0.7: P 2/3 R 2/3; 0.6: P 3/4 R 1 (stop)
    expect(pr.points.map((p) => p.threshold)).toEqual([Infinity, 0.9, 0.8, 0.7, 0.6]);
    // AP = 1/3*1 + 0*1/2 + 1/3*2/3 + 1/3*3/4
    expect(pr.auc).toBeCloseTo(1 / 3 + 2 / 9 + 1 / 4, 12);
  });

  it('tied scores make one point', () => {
    const roc = rocCurve([0.5, 0.5, 0.5, 0.1], [1, 0, 1, 0]);
    expect(roc.points).toHaveLength(3);
    // pairs: (0.5 pos vs 0.5 neg) counts half, vs 0.1 counts one: (0.5 + 1 + 0.5 + 1) / 4
    expect(roc.auc).toBeCloseTo(0.75, 12);
  });

  it('AUC is NaN when one class is missing', () => {
    expect(rocCurve([0.1, 0.2], [1, 1]).auc).toBeNaN();
  });
});

describe('threshold sweep', () => {
  it('counts outcomes at a threshold', () => {
    const p = atThreshold([0.9, 0.8, 0.7, 0.6, 0.2], [1, 0, 1, 1, 0], 0.75);
    expect(p).toMatchObject({ tp: 1, fp: 1, tn: 1, fn: 2, accuracy: 0.4, precision: 0.5 });
    expect(p.recall).toBeCloseTo(1 / 3, 12);
  });

  it('sweeps 0..1 and finds the best F1', () => {
    const sweep = thresholdSweep([0.9, 0.8, 0.7, 0.6, 0.2], [1, 0, 1, 1, 0], 10);
    expect(sweep).toHaveLength(11);
    expect(sweep[0]).toMatchObject({ tp: 3, fp: 2 });
    expect(sweep[10]).toMatchObject({ tp: 0, fp: 0 });
    const best = bestThreshold(sweep, 'f1')!;
    // at 0.3..0.6 all three positives and one negative pass: F1 = 2*0.75*1/1.75 = 6/7
    expect(best.f1).toBeCloseTo(6 / 7, 12);
    expect(best.threshold).toBeCloseTo(0.5, 12);
  });
});

describe('reliability', () => {
  it('bins by confidence and weighs the gaps by support', () => {
    const r = reliability([0.05, 0.15, 0.95, 0.95, 1.0], [0, 1, 1, 0, 1], 10);
    expect(r.bins[0]).toMatchObject({ count: 1, observed: 0 });
    expect(r.bins[9]!.count).toBe(3);
    expect(r.bins[9]!.observed).toBeCloseTo(2 / 3, 12);
    expect(r.bins[5]!.count).toBe(0);
    expect(r.bins[5]!.observed).toBeNaN();
    // |0-0.05|*1/5 + |1-0.15|*1/5 + |2/3-0.9667|*3/5
    expect(r.ece).toBeCloseTo(0.05 / 5 + 0.85 / 5 + ((0.95 + 0.95 + 1) / 3 - 2 / 3) * (3 / 5), 12);
    expect(r.mce).toBeCloseTo(0.85, 12);
  });
});

describe.skipIf(!hasNumpy)('against numpy', () => {
  it('ROC AUC, average precision and ECE agree with an independent numpy computation', () => {
    // A seeded LCG so the data are the same every run; scores rounded to 2 decimals to create ties.
    let s = 12345;
    const rand = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const n = 400;
    const labels: number[] = [];
    const scores: number[] = [];
    for (let i = 0; i < n; i++) {
      const y = rand() < 0.4 ? 1 : 0;
      labels.push(y);
      scores.push(Math.round(Math.min(1, Math.max(0, 0.35 * y + 0.65 * rand())) * 100) / 100);
    }
    const script = `
import json, sys
import numpy as np
d = json.load(sys.stdin)
s = np.array(d['scores'], dtype=np.float64); y = np.array(d['labels'])
pos, neg = s[y == 1], s[y == 0]
# Mann-Whitney U / (P*N): the probability a random positive outranks a random negative, ties half.
auc = ((pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()) / (len(pos) * len(neg))
# AP = sum over distinct thresholds t (descending) of (R(t) - R(prev)) * P(t)
ap, prev_r = 0.0, 0.0
for t in np.unique(s)[::-1]:
    sel = s >= t
    tp = (sel & (y == 1)).sum()
    r = tp / len(pos); p = tp / sel.sum()
    ap += (r - prev_r) * p; prev_r = r
    if tp == len(pos): break
edges = np.linspace(0, 1, 11)
idx = np.minimum((s * 10).astype(int), 9)
ece = sum(abs(y[idx == b].mean() - s[idx == b].mean()) * (idx == b).sum() / len(s) for b in range(10) if (idx == b).any())
print(json.dumps({'auc': float(auc), 'ap': float(ap), 'ece': float(ece)}))
`;
    const out = execFileSync(PYTHON, ['-c', script], {
      input: JSON.stringify({ scores, labels }),
    }).toString();
    const ref = JSON.parse(out) as { auc: number; ap: number; ece: number };
    expect(rocCurve(scores, labels).auc).toBeCloseTo(ref.auc, 10);
    expect(prCurve(scores, labels).auc).toBeCloseTo(ref.ap, 10);
    expect(reliability(scores, labels, 10).ece).toBeCloseTo(ref.ece, 10);
    // and the data are not degenerate: the check would catch a wrong AUC
    expect(ref.auc).toBeGreaterThan(0.6);
    expect(ref.auc).toBeLessThan(0.99);
  });
});
