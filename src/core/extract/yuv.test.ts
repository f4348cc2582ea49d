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

describe('i420ToRgba swscale-simd fast path', () => {
  // The packed loop (32-bit stores, taken when the output is 4-byte aligned) must give exactly what the byte-wise
  // loop (taken for an unaligned output) gives: every Y/U/V combination, odd sizes, padded strides.
  it.each([
    [640, 360],
    [33, 7],
    [1, 1],
  ])('equals the byte-wise loop on %ix%i', (w, h) => {
    const cw = (w + 1) >> 1;
    const ch = (h + 1) >> 1;
    const ys = w + 3;
    const cs = cw + 5;
    const data = new Uint8Array(ys * h + 2 * cs * ch);
    let s = 12345;
    for (let i = 0; i < data.length; i++) data[i] = (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 24;
    if (w * h > 1000) {
      // All 256 values of each plane appear.
      for (let i = 0; i < 256; i++) data[i] = data[ys * h + i] = data[ys * h + cs * ch + i] = i;
    }
    const p: I420Planes = {
      width: w,
      height: h,
      data,
      y: { offset: 0, stride: ys },
      u: { offset: ys * h, stride: cs },
      v: { offset: ys * h + cs * ch, stride: cs },
    };
    const fast = new Uint8Array(w * h * 4);
    const slowBuf = new Uint8Array(w * h * 4 + 1);
    const slow = slowBuf.subarray(1);
    i420ToRgba(p, fast, 'swscale-simd');
    i420ToRgba(p, slow, 'swscale-simd');
    expect(fast.byteOffset % 4).toBe(0);
    expect(slow.byteOffset % 4).toBe(1);
    let diff = 0;
    for (let i = 0; i < fast.length; i++) diff += fast[i] !== slow[i] ? 1 : 0;
    expect(diff).toBe(0);
    expect(fast[3]).toBe(255);
  });
});
