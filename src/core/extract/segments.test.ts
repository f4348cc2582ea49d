import { describe, expect, it } from 'vitest';
import { alignToKeyFrames, pairRange, splitPairs } from './segments';

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

describe('alignToKeyFrames', () => {
  const even = (start: number, end: number, n: number) => splitPairs({ start, end }, n, 1);

  it('moves each boundary to the nearest key frame, keeping the segments contiguous', () => {
    // spatter_high_flow.mp4: 440 frames, key frames at 0, 38, 64, 89, 114, 156, 186, 225; halves meet at 219.
    const keys = [0, 38, 64, 89, 114, 156, 186, 225];
    expect(alignToKeyFrames(even(0, 439, 2), keys, 150)).toEqual([
      { start: 0, end: 225 },
      { start: 225, end: 439 },
    ]);
    // Three workers: 146 and 292 ideal; 156 is nearest to 146, and nothing past 225 exists for the second cut.
    expect(alignToKeyFrames(even(0, 439, 3), keys, 1)).toEqual([
      { start: 0, end: 156 },
      { start: 156, end: 225 },
      { start: 225, end: 439 },
    ]);
    // Ties go to the earlier key frame.
    expect(alignToKeyFrames(even(0, 200, 2), [90, 110], 1)).toEqual([
      { start: 0, end: 90 },
      { start: 90, end: 200 },
    ]);
  });

  it('merges segments where no key frame leaves both at least minPairs long', () => {
    // A video with one key frame at its start: a second worker would decode the whole first half again.
    expect(alignToKeyFrames(even(0, 439, 2), [0], 150)).toEqual([{ start: 0, end: 439 }]);
    // The only key frame near the middle would leave 40 pairs.
    expect(alignToKeyFrames(even(0, 439, 2), [0, 400], 150)).toEqual([{ start: 0, end: 439 }]);
    // Of three segments, the key frames allow one cut.
    expect(alignToKeyFrames(even(100, 1000, 3), [100, 520], 200)).toEqual([
      { start: 100, end: 520 },
      { start: 520, end: 1000 },
    ]);
  });

  it('keeps a single segment and a start that is not a key frame', () => {
    expect(alignToKeyFrames([{ start: 5, end: 300 }], [0, 100], 1)).toEqual([{ start: 5, end: 300 }]);
    expect(alignToKeyFrames(even(5, 305, 2), [0, 150], 1)[0]).toEqual({ start: 5, end: 150 });
  });
});
