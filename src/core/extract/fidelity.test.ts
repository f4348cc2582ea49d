import { describe, expect, it } from 'vitest';
import { fidelityReport, iou, matchBoxes, meetsTarget } from './fidelity';

describe('iou', () => {
  it('is 1 for equal boxes, 0 for disjoint, and the overlap share otherwise', () => {
    expect(iou({ x: 0, y: 0, w: 10, h: 10 }, { x: 0, y: 0, w: 10, h: 10 })).toBe(1);
    expect(iou({ x: 0, y: 0, w: 10, h: 10 }, { x: 10, y: 0, w: 10, h: 10 })).toBe(0);
    expect(iou({ x: 0, y: 0, w: 10, h: 10 }, { x: 5, y: 0, w: 10, h: 10 })).toBeCloseTo(50 / 150);
  });
});

describe('matchBoxes', () => {
  it('matches one to one within a frame, never across frames', () => {
    const ref = [
      { frame: 1, x: 0, y: 0, w: 10, h: 10 },
      { frame: 1, x: 1, y: 0, w: 10, h: 10 },
      { frame: 2, x: 0, y: 0, w: 10, h: 10 },
    ];
    const studio = [{ frame: 1, x: 0, y: 0, w: 10, h: 10 }];
    const m = matchBoxes(ref, studio);
    expect(m[0]).toBe(1);
    expect(m[1]).toBe(0);
    expect(m[2]).toBe(0);
  });
});

describe('fidelityReport', () => {
  it('reports count agreement, recall and the mismatching frames', () => {
    const ref = { counts: [0, 1, 1, 0], boxes: [1, 2].map((frame) => ({ frame, x: 0, y: 0, w: 50, h: 50 })) };
    const studio = { counts: [0, 1, 2, 0], boxes: [{ frame: 1, x: 0, y: 0, w: 50, h: 51 }] };
    const r = fidelityReport(ref, studio);
    expect(r.countAgreement).toBe(0.75);
    expect(r.countMismatches).toEqual([{ frame: 2, reference: 1, studio: 2 }]);
    expect(r.boxRecall).toBe(0.5);
    expect(meetsTarget(r)).toBe(false);
    expect(meetsTarget(fidelityReport(ref, ref))).toBe(true);
  });
});
