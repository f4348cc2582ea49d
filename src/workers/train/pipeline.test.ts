import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/train/rng';
import { BatchSource, NO_AUGMENT } from './pipeline';

const SIDE = 40;

function split(n: number) {
  const rng = createRng(1);
  const x = new Uint8Array(n * SIDE * SIDE).map(() => 1 + rng.int(255));
  return { x, y: new Uint8Array(n).map((_, i) => i % 2), ids: Array.from({ length: n }, (_, i) => `s/${i}`) };
}

describe('input pipeline', () => {
  it('without augmentation is the centre crop scaled to [0,1], in split order when not shuffled', () => {
    const s = split(3);
    const b = new BatchSource(s, SIDE, 2, NO_AUGMENT, 1, false).gather(1, 32);
    expect(b.n).toBe(1);
    expect(b.y[0]).toBe(0);
    // pixel (0,0) of the crop is pixel (4,4) of image 2
    expect(b.x[0]).toBeCloseTo(s.x[2 * 1600 + 4 * 40 + 4]! / 255, 6);
    expect(b.x[31 * 32 + 31]).toBeCloseTo(s.x[2 * 1600 + 35 * 40 + 35]! / 255, 6);
  });

  it('rotates every image of a batch (not only the first), within the source range, reproducibly', () => {
    const s = split(8);
    const aug = { rotation: 15, flips: true, brightness: 0, contrast: 0 };
    const a = new BatchSource(s, SIDE, 8, aug, 5, true);
    const b1 = a.gather(0, 32);
    for (let i = 0; i < 8; i++) {
      const img = b1.x.subarray(i * 1024, (i + 1) * 1024);
      // every source pixel is >= 1/255, and a 15 degree turn of a 40px image keeps the 32px centre inside
      expect(Math.min(...img)).toBeGreaterThan(0);
      expect(Math.max(...img)).toBeLessThanOrEqual(1);
    }
    const again = new BatchSource(s, SIDE, 8, aug, 5, true).gather(0, 32);
    expect(again.x).toEqual(b1.x);
    a.startEpoch(1);
    expect(a.gather(0, 32).x).not.toEqual(b1.x);
  });

  it('applies brightness and contrast and clamps to [0,1]', () => {
    const s = split(4);
    const b = new BatchSource(
      s,
      SIDE,
      4,
      { rotation: 0, flips: false, brightness: 0.5, contrast: 0.5 },
      2,
      false,
    ).gather(0, 32);
    const plain = new BatchSource(s, SIDE, 4, NO_AUGMENT, 2, false).gather(0, 32);
    expect(b.x).not.toEqual(plain.x);
    expect(Math.max(...b.x)).toBeLessThanOrEqual(1);
    expect(Math.min(...b.x)).toBeGreaterThanOrEqual(0);
  });
});
