import { describe, expect, it } from 'vitest';
import { classifyContour, colourSums, cropRect, isBlueDominant } from './rules';

const opts = { minArea: 2000, maxArea: 15000, rejectBlue: true };

describe('cropRect', () => {
  it('cuts frame1[y+2:y+h-1, x+2:x+w-1]', () => {
    expect(cropRect({ x: 95, y: 254, w: 57, h: 56 }, 640, 360)).toEqual({ x: 97, y: 256, w: 54, h: 53 });
  });
  it('is empty for boxes of 3 px or less, like an empty numpy slice', () => {
    expect(cropRect({ x: 10, y: 10, w: 3, h: 20 }, 640, 360).w).toBe(0);
    expect(cropRect({ x: 10, y: 10, w: 2, h: 2 }, 640, 360)).toMatchObject({ w: 0, h: 0 });
  });
  it('clamps to the frame', () => {
    expect(cropRect({ x: 630, y: 350, w: 20, h: 20 }, 640, 360)).toEqual({ x: 632, y: 352, w: 8, h: 8 });
  });
});

describe('colourSums', () => {
  // 2x2 frame, pixel (x, y) has R = 10x, G = 20y, B = 100
  const rgba = new Uint8Array([0, 0, 100, 255, 10, 0, 100, 255, 0, 20, 100, 255, 10, 20, 100, 255]);
  it('reads RGBA with blue at channel 2', () => {
    expect(colourSums(rgba, 2, { x: 0, y: 0, w: 2, h: 2 })).toEqual({ red: 20, green: 40, blue: 400 });
    expect(colourSums(rgba, 2, { x: 1, y: 1, w: 1, h: 1 })).toEqual({ red: 10, green: 20, blue: 100 });
  });
  it('reads BGR with blue at channel 0', () => {
    const bgr = new Uint8Array([7, 8, 9]);
    expect(colourSums(bgr, 1, { x: 0, y: 0, w: 1, h: 1 }, 'bgr')).toEqual({ red: 9, green: 8, blue: 7 });
  });
});

describe('classifyContour', () => {
  const grey = { red: 100, green: 100, blue: 100 };
  it('applies the area bounds inclusively, as the seed does (< min or > max rejects)', () => {
    expect(classifyContour(1999.5, grey, opts)).toBe('too_small');
    expect(classifyContour(2000, grey, opts)).toBe('spatter');
    expect(classifyContour(15000, grey, opts)).toBe('spatter');
    expect(classifyContour(15000.5, grey, opts)).toBe('too_large');
  });
  it('rejects blue-dominant crops only when blue beats green + red strictly', () => {
    expect(isBlueDominant({ red: 50, green: 50, blue: 100 })).toBe(false);
    expect(classifyContour(3000, { red: 50, green: 50, blue: 101 }, opts)).toBe('blue');
    expect(classifyContour(3000, { red: 50, green: 50, blue: 101 }, { ...opts, rejectBlue: false })).toBe(
      'spatter',
    );
    expect(isBlueDominant({ red: 0, green: 0, blue: 0 })).toBe(false);
  });
});
