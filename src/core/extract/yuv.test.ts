import { describe, expect, it } from 'vitest';
import { i420ToRgba, type I420Planes, type YuvMethod } from './yuv';

function solid(Y: number, U: number, V: number, w = 4, h = 2): I420Planes {
  const cw = w / 2;
  const ch = h / 2;
  const data = new Uint8Array(w * h + 2 * cw * ch);
  data.fill(Y, 0, w * h);
  data.fill(U, w * h, w * h + cw * ch);
  data.fill(V, w * h + cw * ch);
  return {
    width: w,
    height: h,
    data,
    y: { offset: 0, stride: w },
    u: { offset: w * h, stride: cw },
    v: { offset: w * h + cw * ch, stride: cw },
  };
}

const px = (p: I420Planes, m: YuvMethod) => {
  const out = new Uint8Array(p.width * p.height * 4);
  i420ToRgba(p, out, m);
  return Array.from(out.subarray(0, 4));
};

describe.each(['swscale-simd', 'swscale-c'] as const)('i420ToRgba %s', (m) => {
  it('maps limited-range black and white to 0 and 255', () => {
    expect(px(solid(16, 128, 128), m)).toEqual([0, 0, 0, 255]);
    expect(px(solid(235, 128, 128), m)).toEqual([255, 255, 255, 255]);
    expect(px(solid(5, 128, 128), m)).toEqual([0, 0, 0, 255]);
  });
  it('gives BT.601 primaries within a step', () => {
    // BT.601 limited-range pure blue: Y 41, U 240, V 110
    const [r, g, b] = px(solid(41, 240, 110), m);
    expect(b).toBeGreaterThanOrEqual(253);
    expect(r).toBeLessThanOrEqual(2);
    expect(g).toBeLessThanOrEqual(2);
  });
  it('shares one chroma sample across each 2x2 block', () => {
    const p = solid(128, 128, 128);
    p.data[p.u.offset + 1] = 200; // the right block only
    const out = new Uint8Array(4 * 2 * 4);
    i420ToRgba(p, out, m);
    const blue = (x: number, y: number) => out[(y * 4 + x) * 4 + 2];
    expect(blue(0, 0)).toBe(blue(1, 1));
    expect(blue(2, 0)).toBe(blue(3, 1));
    expect(blue(2, 0)).toBeGreaterThan(blue(0, 0)!);
  });
});
