// The crops' JPEG encoder (jpeg-encoder.c in the kernels' module): byte for byte the files libjpeg writes
// (cv2.imencode, as the research saves its crops; made by scripts/extract/make_jpeg_fixtures.py) for regions of a
// real frame of the H.264 fixture at several sizes and qualities; baseline JFIF with the quality-scaled tables; and
// they decode (jpeg-js, an independent decoder) to the pixels that were encoded within what a JPEG allows.
import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import * as jpeg from 'jpeg-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileDetectKernels, DetectKernels } from './pixel-kernels';

const W = 640;
const H = 360;

let module: WebAssembly.Module;
beforeAll(async () => {
  const m = await compileDetectKernels();
  if (!m) throw new Error('this Node has no WebAssembly SIMD');
  module = m;
});

function fixtureFrame(): Uint8Array {
  const raw = gunzipSync(readFileSync(new URL('../__fixtures__/high_mp4_123.rgba.gz', import.meta.url)));
  return raw.subarray(0, W * H * 4);
}

/** Encode the w x h region at (x, y) of an RGBA image `stride` pixels wide, laid into a fresh kernels instance. */
function encode(
  rgba: Uint8Array,
  stride: number,
  region: { x: number; y: number; w: number; h: number },
  quality: number,
  k = new DetectKernels(module),
): Uint8Array {
  const at = k.alloc(rgba.length);
  k.view(at, rgba.length).set(rgba);
  return k.encodeJpeg(at + (region.y * stride + region.x) * 4, stride, region.w, region.h, quality);
}

/** The region's RGB against the decoded JPEG's: PSNR (dB) over the three channels, and the largest error. */
function compare(
  rgba: Uint8Array,
  stride: number,
  region: { x: number; y: number; w: number; h: number },
  file: Uint8Array,
) {
  const d = jpeg.decode(file, { useTArray: true, formatAsRGBA: true });
  expect([d.width, d.height]).toEqual([region.w, region.h]);
  let se = 0;
  let max = 0;
  for (let y = 0; y < region.h; y++) {
    for (let x = 0; x < region.w; x++) {
      for (let c = 0; c < 3; c++) {
        const e =
          rgba[((region.y + y) * stride + region.x + x) * 4 + c]! - d.data[(y * region.w + x) * 4 + c]!;
        se += e * e;
        max = Math.max(max, Math.abs(e));
      }
    }
  }
  const mse = se / (region.w * region.h * 3);
  return { psnr: mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse), max };
}

/** The JPEG's segments up to the scan: marker -> payload (after the length). */
function segments(file: Uint8Array): Map<number, Uint8Array[]> {
  expect([file[0], file[1]]).toEqual([0xff, 0xd8]);
  expect([file.at(-2), file.at(-1)]).toEqual([0xff, 0xd9]);
  const out = new Map<number, Uint8Array[]>();
  let at = 2;
  for (;;) {
    expect(file[at]).toBe(0xff);
    const marker = file[at + 1]!;
    const len = (file[at + 2]! << 8) | file[at + 3]!;
    out.set(marker, [...(out.get(marker) ?? []), file.subarray(at + 4, at + 2 + len)]);
    at += 2 + len;
    if (marker === 0xda) return out;
  }
}

const zigzag = [
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7,
  14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46,
  53, 60, 61, 54, 47, 55, 62, 63,
];
// ITU-T T.81 Annex K, natural order; libjpeg scales them by quality (jpeg_quality_scaling).
const LUMA = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22,
  29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103,
  121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
const scaled = (base: number, q: number) => {
  const s = q < 50 ? Math.floor(5000 / q) : 200 - 2 * q;
  return Math.min(255, Math.max(1, Math.floor((base * s + 50) / 100)));
};

/** A smooth colour image with a sharp-edged bright disc (like a spatter on a dark plate). */
function synthetic(w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      const inDisc = Math.hypot(x - w / 2, y - h / 2) < Math.min(w, h) / 3;
      out[i] = inDisc ? 240 : (x * 255) / Math.max(1, w - 1);
      out[i + 1] = inDisc ? 200 : (y * 255) / Math.max(1, h - 1);
      out[i + 2] = inDisc ? 120 : 60;
      out[i + 3] = 255;
    }
  }
  return out;
}

describe('jpeg_encode_rgba', () => {
  it("writes libjpeg's bytes (cv2.imencode) for regions of a real frame, partial MCUs and dummy blocks included", () => {
    const frame = fixtureFrame();
    const dir = new URL('../__fixtures__/jpeg/', import.meta.url);
    const cases = readdirSync(dir)
      .map((name) => {
        const m = /^(\d+)_(\d+)_(\d+)x(\d+)_q(\d+)\.jpg$/.exec(name);
        if (!m) throw new Error(`unexpected fixture ${name}`);
        const [x, y, w, h, q] = m.slice(1).map(Number) as [number, number, number, number, number];
        return { name, region: { x, y, w, h }, q };
      })
      .sort((a, b) => a.region.w * a.region.h - b.region.w * b.region.h);
    expect(cases.length).toBeGreaterThanOrEqual(7);
    // One instance throughout, smallest first: the output buffer grows between calls.
    const k = new DetectKernels(module);
    for (const c of cases) {
      const ours = encode(frame, W, c.region, c.q, k);
      expect(Buffer.from(ours).equals(readFileSync(new URL(c.name, dir))), c.name).toBe(true);
    }
  });

  it('writes baseline JFIF, 4:2:0, with the quality-scaled Annex K tables', () => {
    const img = synthetic(40, 24);
    for (const q of [95, 50, 10]) {
      const s = segments(encode(img, 40, { x: 0, y: 0, w: 40, h: 24 }, q));
      expect(new TextDecoder().decode(s.get(0xe0)![0]!.subarray(0, 4))).toBe('JFIF');
      const sof = s.get(0xc0)![0]!; // SOF0: baseline
      expect([...sof]).toEqual([8, 0, 24, 0, 40, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
      const [luma, chroma] = s.get(0xdb)!;
      expect(luma![0]).toBe(0);
      expect([...luma!.subarray(1)]).toEqual(zigzag.map((n) => scaled(LUMA[n]!, q)));
      expect(chroma![0]).toBe(1);
      expect(s.get(0xc4)!.map((t) => t[0])).toEqual([0x00, 0x10, 0x01, 0x11]);
    }
  });

  it('decodes to the crops of a real frame within quality 95 (PSNR >= 38 dB), smaller files at lower quality', () => {
    const frame = fixtureFrame();
    // The research's crop of the spatter at frame 123 (box 537,222,96,39 -> [y+2, y+h-1) x [x+2, x+w-1)), a
    // larger region around it, and the whole frame.
    const regions = [
      { x: 539, y: 224, w: 93, h: 36 },
      { x: 500, y: 180, w: 140, h: 120 },
      { x: 0, y: 0, w: W, h: H },
    ];
    for (const r of regions) {
      const q95 = encode(frame, W, r, 95);
      const c = compare(frame, W, r, q95);
      expect(c.psnr, JSON.stringify(r)).toBeGreaterThanOrEqual(38);
      const q50 = encode(frame, W, r, 50);
      expect(q50.length).toBeLessThan(q95.length);
      expect(compare(frame, W, r, q50).psnr).toBeLessThan(c.psnr);
    }
  });

  it('encodes odd sizes (partial MCUs, 1x1) and regions inside a wider image', () => {
    const k = new DetectKernels(module);
    for (const [w, h] of [
      [1, 1],
      [7, 3],
      [17, 33],
      [93, 36],
      [300, 200],
    ] as const) {
      const img = synthetic(w + 11, h + 5);
      const r = { x: 6, y: 3, w, h };
      const c = compare(img, w + 11, r, encode(img, w + 11, r, 95, k));
      expect(c.max, `${w}x${h}`).toBeLessThan(96);
    }
  });
});
