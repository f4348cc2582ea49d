// Video timeline aggregation and the build verdict (interval checked against the Wilson formula by hand).
import { describe, expect, it } from 'vitest';
import { metricMode } from './compare';
import {
  buildVerdict,
  datesFromPerFrameCounts,
  perFrame,
  perLayer,
  timelineCsv,
  wilsonInterval,
} from './timeline';

const preds = [
  { frame: 3, layer: 0, probability: 0.9 },
  { frame: 3, layer: 0, probability: 0.2 },
  { frame: 5, layer: 0, probability: 0.8 },
  { frame: 900, layer: 1, probability: 0.7 },
];

describe('timeline', () => {
  it('aggregates per frame and per layer', () => {
    expect(perFrame(preds)).toEqual([
      { key: 3, firstFrame: 3, lastFrame: 3, crops: 2, meanProbability: 0.55, shareClass1: 0.5 },
      { key: 5, firstFrame: 5, lastFrame: 5, crops: 1, meanProbability: 0.8, shareClass1: 1 },
      { key: 900, firstFrame: 900, lastFrame: 900, crops: 1, meanProbability: 0.7, shareClass1: 1 },
    ]);
    const layers = perLayer(preds);
    expect(layers.map((l) => [l.key, l.firstFrame, l.lastFrame, l.crops])).toEqual([
      [0, 3, 5, 3],
      [1, 900, 900, 1],
    ]);
    expect(layers[0]!.meanProbability).toBeCloseTo((0.9 + 0.2 + 0.8) / 3, 12);
  });

  it('Wilson interval matches the formula for 8 of 10', () => {
    // p = .8, z = 1.96: centre = (.8 + .19208) / 1.38416 = .716738, half = 1.96*sqrt(.016 + .00096040)/1.38416
    const [lo, hi] = wilsonInterval(8, 10);
    expect(lo).toBeCloseTo(0.4902, 4);
    expect(hi).toBeCloseTo(0.9433, 4);
  });

  it('decides only when the interval excludes one half', () => {
    expect(buildVerdict(preds, ['low', 'high']).verdict).toBeNull();
    const many = Array.from({ length: 50 }, (_, i) => ({
      frame: i,
      layer: 0,
      probability: i < 45 ? 0.9 : 0.1,
    }));
    const v = buildVerdict(many, ['low', 'high']);
    expect(v.verdict).toBe(1);
    expect(v.share[1]).toBeCloseTo(0.9, 12);
    expect(v.text).toMatch(/^high: 90% of 50 crops/);
    const lows = many.map((p) => ({ ...p, probability: 1 - p.probability }));
    expect(buildVerdict(lows, ['low', 'high']).text).toMatch(/^low: 90% of 50 crops/);
    expect(buildVerdict([], ['low', 'high']).verdict).toBeNull();
  });

  it('leaves all-black crops out of the verdict, and says how many and at which threshold', () => {
    const many = Array.from({ length: 50 }, (_, i) => ({
      frame: i,
      layer: 0,
      probability: i < 45 ? 0.9 : 0.1,
    }));
    // two all-black crops "classified" high with confidence: before, they counted towards the verdict
    const withBlack = [
      ...many,
      ...[60, 61].map((f) => ({ frame: f, layer: 0, probability: 0.94, black: true })),
    ];
    const v = buildVerdict(withBlack, ['low', 'high'], 0.5);
    expect(v.crops).toBe(50);
    expect(v.excludedBlack).toBe(2);
    expect(v.share[1]).toBeCloseTo(0.9, 12);
    expect(v.text).toMatch(/2 all-black crops were left out/);
    expect(v.text).toMatch(/≥ 0\.50, the decision threshold/);
    // the timeline still counts every extracted crop
    expect(perFrame(withBlack).map((b) => b.key)).toContain(60);
    expect(timelineCsv('crops', withBlack, ['low', 'high']).trim().split('\n').at(-1)).toMatch(/,1$/);
  });

  it('names the decision threshold the verdict was counted at (it changes with the slider)', () => {
    const many = Array.from({ length: 50 }, (_, i) => ({
      frame: i,
      layer: 0,
      probability: i < 30 ? 0.6 : 0.1,
    }));
    const at50 = buildVerdict(many, ['low', 'high'], 0.5);
    const at70 = buildVerdict(many, ['low', 'high'], 0.7);
    expect(at50.text).toContain('crops counted high at P(high) ≥ 0.50, the decision threshold');
    expect(at70.text).toContain('P(high) ≥ 0.70');
    expect(at50.verdict).not.toBe(at70.verdict);
  });

  it('writes the three CSVs', () => {
    expect(timelineCsv('crops', preds, ['low', 'high']).split('\n')[1]).toBe('0,3,0,0.9,high,0');
    expect(timelineCsv('frames', preds, ['low', 'high']).split('\n')[0]).toBe(
      'frame,first_frame,last_frame,crops,mean_p_high,share_high',
    );
    expect(timelineCsv('layers', preds, ['low', 'high']).trim().split('\n')).toHaveLength(3);
  });

  it('dates crops from per-frame counts with the seed layer rule (gap counted from frame 0)', () => {
    // frames 0..9: crops at frame 1 (x2), 3, then frame 9 after a gap of 6 > 5 starts layer 1
    const counts = [0, 2, 0, 1, 0, 0, 0, 0, 0, 1];
    expect(datesFromPerFrameCounts(counts, 5)).toEqual({ frames: [1, 1, 3, 9], layers: [0, 0, 0, 1] });
    // a gap of exactly 5 does not start a layer
    expect(datesFromPerFrameCounts([0, 1, 0, 0, 0, 0, 1], 5).layers).toEqual([0, 0]);
  });

  it('epoch timings count as lower-is-better', () => {
    expect(metricMode('seconds')).toBe('min');
    expect(metricMode('valLoss')).toBe('min');
    expect(metricMode('valAcc')).toBe('max');
  });
});
