// Metrics checked against hand-worked examples (the numbers in comments are worked out on paper).
import { describe, expect, it } from 'vitest';
import {
  classificationReport,
  confusionMatrix,
  predictClasses,
  predictionConfidence,
  sigmoid,
} from './metrics';

describe('confusionMatrix', () => {
  it('counts actual rows against predicted columns with row and total percentages', () => {
    // actual:    0 0 0 1 1 2
    // predicted: 0 1 0 1 2 2
    const cm = confusionMatrix([0, 0, 0, 1, 1, 2], [0, 1, 0, 1, 2, 2], ['a', 'b', 'c']);
    expect(cm.counts).toEqual([
      [2, 1, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
    expect(cm.rowPercent[0]![0]).toBeCloseTo(66.6667, 3);
    expect(cm.rowPercent[1]).toEqual([0, 50, 50]);
    expect(cm.totalPercent[2]![2]).toBeCloseTo(100 / 6, 6);
    expect(cm.total).toBe(6);
  });

  it('gives 0% for a class with no samples instead of NaN', () => {
    const cm = confusionMatrix([0, 0], [0, 1], ['a', 'b']);
    expect(cm.rowPercent[1]).toEqual([0, 0]);
  });

  it('refuses labels outside the classes and mismatched lengths', () => {
    expect(() => confusionMatrix([0, 2], [0, 1], ['a', 'b'])).toThrow(/outside the 2 classes/);
    expect(() => confusionMatrix([0], [0, 1], ['a', 'b'])).toThrow(/lengths differ/);
  });
});

describe('classificationReport', () => {
  it('matches the hand-worked three-class example', () => {
    const r = classificationReport([0, 0, 0, 1, 1, 2], [0, 1, 0, 1, 2, 2], ['a', 'b', 'c']);
    // a: tp 2, predicted 2, support 3 -> P 1, R 2/3, F1 0.8
    // b: tp 1, predicted 2, support 2 -> P 0.5, R 0.5, F1 0.5
    // c: tp 1, predicted 2, support 1 -> P 0.5, R 1, F1 2/3
    expect(r.accuracy).toBeCloseTo(4 / 6, 12);
    expect(r.perClass.map((c) => c.precision)).toEqual([1, 0.5, 0.5]);
    expect(r.perClass[0]!.recall).toBeCloseTo(2 / 3, 12);
    expect(r.perClass[0]!.f1).toBeCloseTo(0.8, 12);
    expect(r.perClass[2]!.f1).toBeCloseTo(2 / 3, 12);
    expect(r.macro.precision).toBeCloseTo(2 / 3, 12);
    expect(r.macro.recall).toBeCloseTo((2 / 3 + 0.5 + 1) / 3, 12);
    expect(r.macro.f1).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3, 12);
    expect(r.micro.f1).toBeCloseTo(4 / 6, 12);
    // weighted F1 = (3*0.8 + 2*0.5 + 1*2/3) / 6
    expect(r.weighted.f1).toBeCloseTo((2.4 + 1 + 2 / 3) / 6, 12);
  });

  it('scores a class never predicted with precision 0, not NaN', () => {
    const r = classificationReport([0, 1, 1], [0, 0, 0], ['low', 'high']);
    expect(r.perClass[1]).toMatchObject({ precision: 0, recall: 0, f1: 0, support: 2, predicted: 0 });
  });
});

describe('predictClasses', () => {
  it('thresholds a single sigmoid output and takes the argmax of several', () => {
    expect([...predictClasses([0.2, 0.5, 0.9], 1)]).toEqual([0, 1, 1]);
    expect([...predictClasses([0.2, 0.5, 0.9], 1, 0.6)]).toEqual([0, 0, 1]);
    expect([...predictClasses([0.1, 0.7, 0.2, 0.5, 0.3, 0.2], 3)]).toEqual([1, 0]);
  });

  it('reports the confidence of the predicted class', () => {
    const probs = [0.2, 0.9];
    const pred = predictClasses(probs, 1);
    expect(Array.from(predictionConfidence(probs, 1, pred))).toEqual([
      expect.closeTo(0.8, 6),
      expect.closeTo(0.9, 6),
    ]);
  });

  it('sigmoid is stable for large logits', () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(-1000)).toBe(0);
    expect(sigmoid(1000)).toBe(1);
  });
});
