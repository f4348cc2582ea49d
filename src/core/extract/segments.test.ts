import { describe, expect, it } from 'vitest';
import { pairRange, splitPairs } from './segments';

describe('pairRange', () => {
  it('covers every pair of the video by default', () => {
    expect(pairRange(440, { startFrame: 0, endFrame: 0, limit: 0 })).toEqual({ start: 0, end: 439 });
  });
  it('honours the start frame, the end frame and the debug limit', () => {
    expect(pairRange(440, { startFrame: 100, endFrame: 0, limit: 0 })).toEqual({ start: 100, end: 439 });
    expect(pairRange(440, { startFrame: 100, endFrame: 300, limit: 0 })).toEqual({ start: 100, end: 300 });
    expect(pairRange(440, { startFrame: 100, endFrame: 0, limit: 50 })).toEqual({ start: 100, end: 150 });
    expect(pairRange(440, { startFrame: 100, endFrame: 0, limit: 5000 })).toEqual({ start: 100, end: 439 });
  });
  it('is empty past the end of the video', () => {
    expect(pairRange(10, { startFrame: 20, endFrame: 0, limit: 0 })).toEqual({ start: 20, end: 20 });
  });
});

describe('splitPairs', () => {
  it('cuts contiguous segments that cover every pair once', () => {
    const segs = splitPairs({ start: 7, end: 301_007 }, 3);
    expect(segs).toHaveLength(3);
    expect(segs[0]!.start).toBe(7);
    expect(segs[2]!.end).toBe(301_007);
    for (let i = 1; i < segs.length; i++) expect(segs[i]!.start).toBe(segs[i - 1]!.end);
    const lengths = segs.map((s) => s.end - s.start);
    expect(Math.max(...lengths) - Math.min(...lengths)).toBeLessThanOrEqual(1);
  });
  it('keeps short runs on one worker and never makes segments shorter than the minimum', () => {
    expect(splitPairs({ start: 0, end: 100 }, 2)).toEqual([{ start: 0, end: 100 }]);
    expect(splitPairs({ start: 0, end: 439 }, 4)).toHaveLength(2);
    expect(splitPairs({ start: 0, end: 439 }, 4, 10)).toHaveLength(4);
    expect(splitPairs({ start: 5, end: 5 }, 2)).toEqual([{ start: 5, end: 5 }]);
  });
});
