// The SIMD pixel kernels against opencv.js, stage by stage, on real frames of the H.264 fixture (decoded by native
// OpenCV) and on random images whose sizes exercise the scalar tails and the borders: every byte must be equal.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';
import type { Mat } from '@techstark/opencv-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { whenReady, type OpenCv } from '../opencv-ready';
import { i420ToRgba } from '../../../core/extract/yuv';
import { detectKernelsWasm } from './detect-kernels-wasm';
import { compileDetectKernels, DetectKernels } from './pixel-kernels';

const W = 640;
const H = 360;

function fixtureFrames(name: string): Uint8Array[] {
  const raw = gunzipSync(readFileSync(new URL(`../__fixtures__/${name}`, import.meta.url)));
  const size = W * H * 4;
  return Array.from({ length: raw.length / size }, (_, i) => raw.subarray(i * size, (i + 1) * size));
}

let cv: OpenCv;
let module: WebAssembly.Module;
beforeAll(async () => {
  ({ cv } = await whenReady(createRequire(import.meta.url)('@techstark/opencv-js')));
  const m = await compileDetectKernels();
  if (!m) throw new Error('this Node has no WebAssembly SIMD');
  module = m;
});

/** Seeded bytes with long runs of small values (like a frame difference) and some large ones. */
function randomBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const r = s >>> 24;
    out[i] = r < 200 ? r & 31 : r;
  }
  return out;
}

function withMats<T>(fn: (keep: (m: Mat) => Mat) => T): T {
  const mats: Mat[] = [];
  try {
    return fn((m) => (mats.push(m), m));
  } finally {
    for (const m of mats) m.delete();
  }
}

/** Every stage through opencv.js (as detector.ts calls it) and through the kernels; both sets of outputs. */
function compare(
  a: Uint8Array,
  b: Uint8Array,
  width: number,
  height: number,
  roi: { x: number; w: number },
  o: { blur: number; threshold: number; dilate: number },
) {
  return withMats((keep) => {
    const fa = keep(new cv.Mat(height, width, cv.CV_8UC4));
    const fb = keep(new cv.Mat(height, width, cv.CV_8UC4));
    fa.data.set(a);
    fb.data.set(b);
    const rect = new cv.Rect(roi.x, 0, roi.w, height);
    const ra = keep(fa.roi(rect));
    const rb = keep(fb.roi(rect));
    const diff = keep(new cv.Mat());
    const grey = keep(new cv.Mat());
    const blurred = keep(new cv.Mat());
    const binary = keep(new cv.Mat());
    const dilated = keep(new cv.Mat());
    const kernel = keep(new cv.Mat());
    cv.absdiff(ra, rb, diff);
    cv.cvtColor(diff, grey, cv.COLOR_RGBA2GRAY);
    cv.GaussianBlur(grey, blurred, new cv.Size(o.blur, o.blur), 0, 0, cv.BORDER_DEFAULT);
    cv.threshold(blurred, binary, o.threshold, 255, cv.THRESH_BINARY);
    cv.dilate(
      binary,
      dilated,
      kernel,
      new cv.Point(-1, -1),
      o.dilate,
      cv.BORDER_CONSTANT,
      cv.morphologyDefaultBorderValue(),
    );
    const expected = {
      grey: Uint8Array.from(grey.data),
      blurred: Uint8Array.from(blurred.data),
      binary: Uint8Array.from(binary.data),
      dilated: Uint8Array.from(dilated.data),
    };

    const k = new DetectKernels(module);
    const n = roi.w * height;
    const pa = k.alloc(width * height * 4);
    const pb = k.alloc(width * height * 4);
    const pg = k.alloc(n);
    const pbl = k.alloc(n);
    const pbi = k.alloc(n);
    const pd = k.alloc(n);
    const tmp = k.alloc(n);
    const row = k.alloc(2 * (roi.w + 4) + 2 * o.dilate + roi.w);
    k.view(pa, a.length).set(a);
    k.view(pb, b.length).set(b);
    k.absdiffGrey(pa, pb, width, roi.x, roi.w, height, pg);
    k.gaussianBlur(pg, pbl, roi.w, height, o.blur, row);
    k.threshold(pbl, pbi, n, o.threshold);
    const any = k.dilate(pbi, pd, roi.w, height, o.dilate, tmp, row);
    expect(any).toBe(expected.dilated.some((v) => v !== 0));
    const actual = {
      grey: Uint8Array.from(k.view(pg, n)),
      blurred: Uint8Array.from(k.view(pbl, n)),
      binary: Uint8Array.from(k.view(pbi, n)),
      dilated: Uint8Array.from(k.view(pd, n)),
    };
    return { expected, actual };
  });
}

/** Index of the first differing byte of each stage (-1 when equal), so a failure says where. */
function firstDifferences(r: ReturnType<typeof compare>) {
  const out: Record<string, number> = {};
  for (const key of ['grey', 'blurred', 'binary', 'dilated'] as const) {
    const e = r.expected[key];
    const a = r.actual[key];
    out[key] = e.length !== a.length ? -2 : e.findIndex((v, i) => v !== a[i]);
  }
  return out;
}

const equalEverywhere = { grey: -1, blurred: -1, binary: -1, dilated: -1 };

describe('SIMD pixel kernels vs opencv.js', () => {
  it('are bit-exact on real frame pairs of the H.264 fixture (research defaults and other sizes)', () => {
    const frames = [...fixtureFrames('high_mp4_123.rgba.gz'), ...fixtureFrames('high_mp4_280.rgba.gz')];
    for (let i = 0; i + 1 < frames.length; i++) {
      for (const o of [
        { blur: 5, threshold: 20, dilate: 3 },
        { blur: 3, threshold: 7, dilate: 1 },
        { blur: 1, threshold: 0, dilate: 2 },
      ]) {
        const r = compare(frames[i]!, frames[i + 1]!, W, H, { x: 0, w: W }, o);
        expect(firstDifferences(r), `pair ${i}, ${JSON.stringify(o)}`).toEqual(equalEverywhere);
        // The stages did something: a real difference image, blurred, with foreground after the threshold.
        expect(r.actual.grey.some((v) => v > 20)).toBe(true);
      }
    }
  });

  it('are bit-exact on a region between bounds (x0 > 0, width not a multiple of 16)', () => {
    const f = fixtureFrames('high_mp4_123.rgba.gz');
    const r = compare(f[0]!, f[1]!, W, H, { x: 37, w: 573 }, { blur: 5, threshold: 20, dilate: 3 });
    expect(firstDifferences(r)).toEqual(equalEverywhere);
    expect(r.actual.dilated.some((v) => v === 255)).toBe(true);
    // A still pair: every stage is zero and dilate says the mask is empty (compare checks what it returns).
    const still = compare(f[0]!, f[0]!, W, H, { x: 37, w: 573 }, { blur: 5, threshold: 20, dilate: 3 });
    expect(firstDifferences(still)).toEqual(equalEverywhere);
    expect(still.actual.dilated.every((v) => v === 0)).toBe(true);
  });

  it('are bit-exact on random images of awkward sizes (scalar tails, tiny borders)', () => {
    const sizes: [number, number][] = [
      [1, 1],
      [2, 3],
      [5, 4],
      [17, 9],
      [31, 33],
      [64, 2],
      [129, 71],
    ];
    let seed = 1;
    for (const [w, h] of sizes) {
      for (const o of [
        { blur: 5, threshold: 20, dilate: 3 },
        { blur: 3, threshold: 100, dilate: 1 },
      ]) {
        const a = randomBytes(w * h * 4, seed++);
        const b = randomBytes(w * h * 4, seed++);
        const r = compare(a, b, w, h, { x: 0, w }, o);
        expect(firstDifferences(r), `${w}x${h} ${JSON.stringify(o)}`).toEqual(equalEverywhere);
      }
    }
  });

  it('gives opencv.js grey for every one of the 2^24 colours', () => {
    // |a - 0| = a: the grey stage alone over a 4096 x 4096 image holding each RGB colour once.
    const side = 4096;
    const a = new Uint8Array(side * side * 4);
    for (let i = 0; i < side * side; i++) {
      a[4 * i] = i & 255;
      a[4 * i + 1] = (i >> 8) & 255;
      a[4 * i + 2] = i >> 16;
      a[4 * i + 3] = 255;
    }
    const expected = withMats((keep) => {
      const m = keep(new cv.Mat(side, side, cv.CV_8UC4));
      const g = keep(new cv.Mat());
      m.data.set(a);
      cv.cvtColor(m, g, cv.COLOR_RGBA2GRAY);
      return Uint8Array.from(g.data);
    });
    const k = new DetectKernels(module);
    const pa = k.alloc(a.length);
    const pz = k.alloc(a.length);
    const pg = k.alloc(side * side);
    k.view(pa, a.length).set(a);
    k.absdiffGrey(pa, pz, side, 0, side, side, pg);
    const actual = k.view(pg, side * side);
    expect(actual.findIndex((v, i) => v !== expected[i])).toBe(-1);
  });

  it('ship the committed detect-kernels.wasm (the base64 module is the same bytes)', () => {
    const wasm = readFileSync(new URL('./detect-kernels.wasm', import.meta.url));
    expect(Buffer.from(detectKernelsWasm, 'base64').equals(wasm)).toBe(true);
  });

  it('refuses a blur size it does not do', () => {
    const k = new DetectKernels(module);
    const p = k.alloc(64);
    expect(() => k.gaussianBlur(p, p, 4, 4, 7, p)).toThrow(/kernel sizes 1, 3, 5, not 7/);
  });

  it("convert I420 to RGBA exactly as yuv.ts's swscale-simd path (strides, odd sizes, every Y/U/V)", () => {
    const sizes: [number, number][] = [
      [640, 360],
      [33, 7],
      [1, 1],
      [256, 256],
    ];
    let seed = 99;
    for (const [w, h] of sizes) {
      const cw = (w + 1) >> 1;
      const ch = (h + 1) >> 1;
      const y = { offset: 0, stride: w + 3 };
      const u = { offset: y.stride * h + 5, stride: cw + 1 };
      const v = { offset: u.offset + u.stride * ch, stride: cw + 2 };
      const size = v.offset + v.stride * ch;
      const data = randomBytes(size, seed++).map((b, i) => (i % 3 === 0 ? (b * 7 + i) & 255 : b));
      if (w === 256) {
        // Every luma value on each row, every chroma value down the rows: all 2^8 of each met.
        for (let r = 0; r < h; r++) for (let x = 0; x < w; x++) data[y.offset + r * y.stride + x] = x;
        for (let r = 0; r < ch; r++)
          for (let x = 0; x < cw; x++) {
            data[u.offset + r * u.stride + x] = (r * 2 + x) & 255;
            data[v.offset + r * v.stride + x] = (r * 2 + 255 - x) & 255;
          }
      }
      const expected = new Uint8Array(w * h * 4);
      i420ToRgba({ width: w, height: h, data, y, u, v }, expected, 'swscale-simd');
      const k = new DetectKernels(module);
      const base = k.alloc(size);
      const out = k.alloc(w * h * 4);
      k.view(base, size).set(data);
      k.i420ToRgba(base, [y, u, v], w, h, out);
      const actual = k.view(out, w * h * 4);
      expect(
        actual.findIndex((b, i) => b !== expected[i]),
        `${w}x${h}`,
      ).toBe(-1);
    }
  });
});
