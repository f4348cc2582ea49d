// The opencv.js detector against the native OpenCV reference, on frames decoded by native OpenCV
// (scripts/extract/dump_frames.py): with identical input frames the detections must be identical, with the pixel
// stages on opencv.js and on the SIMD kernels alike.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseBoxesCsv } from '../../core/extract/csv';
import type { DetectOptions } from '../../core/extract/options';
import { i420ToRgba } from '../../core/extract/yuv';
import { SpatterDetector } from './detector';
import { compileDetectKernels } from './kernels/pixel-kernels';
import { whenReady, type OpenCv } from './opencv-ready';

const W = 640;
const H = 360;
const defaults: DetectOptions = {
  minArea: 2000,
  maxArea: 15000,
  threshold: 20,
  blur: 5,
  dilateIterations: 3,
  rejectBlue: true,
  leftBound: 0,
  rightBound: 0,
};

function frames(name: string): Uint8Array[] {
  const raw = gunzipSync(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url)));
  const size = W * H * 4;
  return Array.from({ length: raw.length / size }, (_, i) => raw.subarray(i * size, (i + 1) * size));
}

const reference = parseBoxesCsv(
  readFileSync(new URL('../../../e2e/fixtures/ref_high_mp4_boxes.csv', import.meta.url), 'utf8'),
);
const refAt = (frame: number) =>
  reference.filter((b) => b.frame === frame).map(({ x, y, w, h }) => ({ x, y, w, h }));

let cv: OpenCv;
let kernels: WebAssembly.Module | null = null;
beforeAll(async () => {
  // Node's require, not Vitest's import: see opencv.ts on the thenable module.
  ({ cv } = await whenReady(createRequire(import.meta.url)('@techstark/opencv-js')));
  kernels = await compileDetectKernels();
  if (!kernels) throw new Error('this Node has no WebAssembly SIMD');
});

type Path = 'opencv.js' | 'SIMD kernels';

function detector(path: Path, opts: DetectOptions): SpatterDetector {
  const d = new SpatterDetector(cv, W, H, opts, path === 'SIMD kernels' ? kernels : null);
  expect(d.usesKernels).toBe(path === 'SIMD kernels');
  return d;
}

describe.each<Path>(['opencv.js', 'SIMD kernels'])('SpatterDetector (%s) vs native OpenCV', (path) => {
  function run(name: string, first: number, opts = defaults, withRejected = false) {
    const d = detector(path, opts);
    const out: { frame: number; result: ReturnType<SpatterDetector['detect']> }[] = [];
    try {
      frames(name).forEach((f, i) => {
        if (d.pushFrame(f)) out.push({ frame: first + i - 1, result: d.detect(withRejected) });
      });
    } finally {
      d.delete();
    }
    return out;
  }

  it('finds exactly the reference boxes on frames 123-125 (two spatters in a frame)', () => {
    const out = run('high_mp4_123.rgba.gz', 123);
    expect(out.map((o) => o.frame)).toEqual([123, 124, 125]);
    for (const o of out) {
      expect(o.result.spatters.map((s) => s.box)).toEqual(refAt(o.frame));
    }
    expect(out[1]!.result.spatters.length).toBe(2);
  });

  it('rejects the recoater light as blue and says why', () => {
    const out = run('high_mp4_280.rgba.gz', 280, defaults, true);
    for (const o of out) {
      expect(o.result.spatters.map((s) => s.box)).toEqual(refAt(o.frame));
      expect(o.result.rejected.some((r) => r.verdict === 'blue')).toBe(true);
    }
    const off = run('high_mp4_280.rgba.gz', 280, { ...defaults, rejectBlue: false });
    expect(off[0]!.result.spatters.length).toBeGreaterThan(out[0]!.result.spatters.length);
  });

  it('names too-small and too-large contours', () => {
    const areas = run('high_mp4_123.rgba.gz', 123).flatMap((o) => o.result.spatters.map((s) => s.area));
    const maxArea = Math.max(...areas) - 1; // the largest spatter becomes too large
    const out = run('high_mp4_123.rgba.gz', 123, { ...defaults, maxArea }, true);
    const verdicts = new Set(out.flatMap((o) => o.result.rejected.map((r) => r.verdict)));
    expect(verdicts).toContain('too_small');
    expect(verdicts).toContain('too_large');
    for (const o of out)
      for (const r of o.result.rejected) {
        if (r.verdict === 'too_small') expect(r.area).toBeLessThan(2000);
        if (r.verdict === 'too_large') expect(r.area).toBeGreaterThan(maxArea);
      }
  });

  it('finds nothing in a still pair (an empty mask)', () => {
    const f = frames('high_mp4_123.rgba.gz')[0]!;
    const d = detector(path, defaults);
    try {
      d.pushFrame(f);
      d.pushFrame(f);
      expect(d.detect(true)).toEqual({ spatters: [], rejected: [] });
    } finally {
      d.delete();
    }
  });

  it('searches only between the bounds and reports full-frame coordinates', () => {
    const out = run('high_mp4_123.rgba.gz', 123, { ...defaults, leftBound: 300, rightBound: 640 });
    // frame 124 has spatters at x=79 and x=549: only the right one is inside the bounds
    expect(out[1]!.result.spatters.map((s) => s.box)).toEqual(refAt(124).filter((b) => b.x > 300));
  });

  it('cuts crops as frame1[y+2:y+h-1, x+2:x+w-1]', () => {
    const f = frames('high_mp4_123.rgba.gz');
    const d = detector(path, defaults);
    try {
      d.pushFrame(f[0]!);
      d.pushFrame(f[1]!);
      const box = d.detect().spatters[0]!.box;
      const c = d.crop(box);
      expect([c.width, c.height]).toEqual([box.w - 3, box.h - 3]);
      const src = ((box.y + 2) * W + box.x + 2) * 4;
      expect(Array.from(c.rgba.subarray(0, 8))).toEqual(Array.from(f[0]!.subarray(src, src + 8)));
    } finally {
      d.delete();
    }
  });
});

describe('SpatterDetector.encodeCrop (SIMD kernels)', () => {
  it("writes the bytes libjpeg writes for frame1's crop, with and without bounds", () => {
    // scripts/extract/make_jpeg_fixtures.py: cv2.imencode of frame 123's crop of the box 537,222,96,39.
    const expected = readFileSync(new URL('./__fixtures__/jpeg/539_224_93x36_q95.jpg', import.meta.url));
    const f = frames('high_mp4_123.rgba.gz');
    for (const bounds of [{}, { leftBound: 300, rightBound: 640 }]) {
      const d = detector('SIMD kernels', { ...defaults, ...bounds });
      try {
        d.pushFrame(f[0]!);
        d.pushFrame(f[1]!);
        const box = d.detect().spatters.find((s) => s.box.x === 537)!.box;
        expect(box).toEqual({ x: 537, y: 222, w: 96, h: 39 });
        expect(Buffer.from(d.encodeCrop(box, 95)!).equals(expected), JSON.stringify(bounds)).toBe(true);
        // A box too thin to leave a crop gives none.
        expect(d.encodeCrop({ x: 10, y: 10, w: 3, h: 40 }, 95)).toBeNull();
      } finally {
        d.delete();
      }
    }
  });
});

describe('SpatterDetector stages on the band and box where the mask can be (SIMD kernels)', () => {
  type Scene = 'all' | 'interior' | 'top' | 'bottom';
  /**
   * A dark frame and one with bright shapes. interior: a ring with a hole, a speck, a tall block; all: those and
   * blocks on the left and top edges and in the bottom-right corner; top / bottom: one block on that edge only.
   */
  function shapes(scene: Scene): [Uint8Array, Uint8Array] {
    const dark = new Uint8Array(W * H * 4).fill(10);
    const lit = dark.slice();
    const paint = (x0: number, y0: number, w: number, h: number, v: number[]) => {
      for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) lit.set(v, (y * W + x) * 4);
    };
    if (scene === 'all') {
      paint(0, 100, 60, 70, [200, 180, 90, 255]); // touches the left edge
      paint(580, 300, 60, 60, [220, 120, 40, 255]); // the bottom-right corner
    }
    if (scene === 'all' || scene === 'top') paint(250, 0, 90, 40, [90, 90, 250, 255]); // the top edge, blue
    if (scene === 'bottom') paint(200, 331, 80, 29, [200, 200, 120, 255]);
    if (scene === 'all' || scene === 'interior') {
      paint(300, 150, 120, 100, [230, 230, 200, 255]); // a ring: a block with a dark hole
      paint(330, 180, 60, 40, [10, 10, 10, 255]);
      paint(150, 250, 6, 6, [255, 255, 255, 255]); // a speck
      paint(480, 120, 20, 200, [180, 160, 60, 255]);
    }
    return [dark, lit];
  }

  it('finds what opencv.js finds on the whole image, in the same order, wherever the shapes lie', () => {
    const base = { ...defaults, minArea: 500, maxArea: 30000 };
    for (const scene of ['all', 'interior', 'top', 'bottom'] as const) {
      for (const o of [
        {},
        { leftBound: 40, rightBound: 600 },
        { blur: 3, dilateIterations: 1 },
        { blur: 1, dilateIterations: 0, minArea: 100 },
      ]) {
        const [dark, lit] = shapes(scene);
        const results = (['opencv.js', 'SIMD kernels'] as const).map((path) => {
          const d = detector(path, { ...base, ...o });
          try {
            d.pushFrame(dark);
            d.pushFrame(lit);
            const first = d.detect(true);
            // The shapes gone again: a second pair, its band and box from this pair's mask.
            d.pushFrame(dark);
            return [first, d.detect(true)];
          } finally {
            d.delete();
          }
        });
        expect(results[1], JSON.stringify({ scene, o })).toEqual(results[0]);
        const found = results[0]![0]!;
        expect(found.spatters.length + found.rejected.length).toBeGreaterThanOrEqual(scene === 'all' ? 6 : 1);
      }
    }
  });
});

describe('SpatterDetector path choice', () => {
  it('stays on opencv.js for options the kernels do not do exactly (blur 7, fractional threshold)', () => {
    for (const o of [
      { ...defaults, blur: 7 },
      { ...defaults, threshold: 20.5 },
    ]) {
      const d = new SpatterDetector(cv, W, H, o, kernels);
      try {
        expect(d.usesKernels).toBe(false);
      } finally {
        d.delete();
      }
    }
    const d = new SpatterDetector(cv, W, H, defaults, kernels);
    expect(d.usesKernels).toBe(true);
    d.delete();
  });
});

/** I420 planes (BT.601 limited range, 2x2 chroma averages) of an RGBA frame: a decoder's output stand-in. */
function toI420(rgba: Uint8Array) {
  const cw = W / 2;
  const data = new Uint8Array(W * H + 2 * cw * (H / 2));
  const y = { offset: 0, stride: W };
  const u = { offset: W * H, stride: cw };
  const v = { offset: W * H + cw * (H / 2), stride: cw };
  for (let r = 0; r < H; r++)
    for (let x = 0; x < W; x++) {
      const p = (r * W + x) * 4;
      data[r * W + x] = Math.round(16 + (65.5 * rgba[p]! + 128.6 * rgba[p + 1]! + 25 * rgba[p + 2]!) / 255);
    }
  for (let r = 0; r < H / 2; r++)
    for (let x = 0; x < cw; x++) {
      let R = 0;
      let G = 0;
      let B = 0;
      for (const [dx, dy] of [
        [0, 0],
        [1, 0],
        [0, 1],
        [1, 1],
      ]) {
        const p = ((2 * r + dy!) * W + 2 * x + dx!) * 4;
        R += rgba[p]! / 4;
        G += rgba[p + 1]! / 4;
        B += rgba[p + 2]! / 4;
      }
      data[u.offset + r * cw + x] = Math.round(128 + (-37.8 * R - 74.2 * G + 112 * B) / 255);
      data[v.offset + r * cw + x] = Math.round(128 + (112 * R - 93.8 * G - 18.2 * B) / 255);
    }
  return { data, layout: [y, u, v] };
}

describe('SpatterDetector I420 sink (decoded planes straight into the kernels)', () => {
  it('detects what the JS conversion + opencv.js path detects, frame for frame', () => {
    const planes = [...frames('high_mp4_123.rgba.gz'), ...frames('high_mp4_280.rgba.gz')].map(toI420);
    const viaKernels = new SpatterDetector(cv, W, H, defaults, kernels);
    const viaJs = new SpatterDetector(cv, W, H, defaults, null);
    try {
      expect(viaJs.i420Sink()).toBeNull();
      const sink = viaKernels.i420Sink()!;
      let pairs = 0;
      planes.forEach((p) => {
        const rgba = new Uint8Array(W * H * 4);
        i420ToRgba(
          { width: W, height: H, data: p.data, y: p.layout[0]!, u: p.layout[1]!, v: p.layout[2]! },
          rgba,
        );
        viaJs.pushFrame(rgba);
        sink.buffer(p.data.length).set(p.data);
        sink.convert(p.layout);
        const converted = viaKernels.nextFrameBuffer();
        expect(converted.findIndex((b, k) => b !== rgba[k])).toBe(-1);
        const ready = viaKernels.commitFrame();
        if (ready) {
          pairs++;
          expect(viaKernels.detect(true)).toEqual(viaJs.detect(true));
        }
      });
      expect(pairs).toBe(6); // (the pair across the two fixtures is not a real one, but both paths must agree)
    } finally {
      viaKernels.delete();
      viaJs.delete();
    }
  });
});
