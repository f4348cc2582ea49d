// A generated steel-like surface set for the image demo: grey strips (256 x 1600 by default) with rolled-metal
// texture and four defect kinds — scratches, pits, patches and inclusions (the rare one) — labelled in the
// steel-defect layout (ImageId,ClassId). Seeded: the same seed gives the same images.
import { createRng, type Rng } from '../train/rng';

export const STEEL_CLASSES = ['scratches', 'pits', 'patches', 'inclusions'] as const;
/** Chance that an image carries each kind (inclusions are rare). */
export const STEEL_RATES = [0.35, 0.35, 0.3, 0.1] as const;

export interface SteelImage {
  name: string;
  pixels: Uint8Array;
  /** 0-based class indices (ClassId - 1). */
  labels: number[];
}

function blend(px: Float32Array, w: number, x: number, y: number, v: number, a: number, h: number): void {
  const xi = Math.round(x);
  const yi = Math.round(y);
  if (xi < 0 || yi < 0 || xi >= w || yi >= h) return;
  const i = yi * w + xi;
  px[i] = px[i]! * (1 - a) + v * a;
}

function scratch(px: Float32Array, w: number, h: number, r: Rng): void {
  const len = r.uniform(0.2, 0.6) * w;
  let x = r.uniform(0, w - len);
  let y = r.uniform(10, h - 10);
  const dy = r.uniform(-0.15, 0.15);
  const v = r.next() < 0.5 ? 230 : 40;
  for (let s = 0; s < len; s++, x++, y += dy)
    for (let t = -1; t <= 1; t++) blend(px, w, x, y + t, v, t === 0 ? 0.9 : 0.4, h);
}

function pits(px: Float32Array, w: number, h: number, r: Rng): void {
  const n = 6 + r.int(20);
  const cx = r.uniform(0, w);
  const cy = r.uniform(0, h);
  for (let i = 0; i < n; i++) {
    const x = cx + r.uniform(-120, 120);
    const y = cy + r.uniform(-60, 60);
    const rad = r.uniform(1.5, 4);
    for (let a = -rad; a <= rad; a++)
      for (let b = -rad; b <= rad; b++)
        if (a * a + b * b <= rad * rad) blend(px, w, x + a, y + b, 25, 0.8, h);
  }
}

function patch(px: Float32Array, w: number, h: number, r: Rng): void {
  const cx = r.uniform(0, w);
  const cy = r.uniform(0, h);
  const rx = r.uniform(40, 160);
  const ry = r.uniform(25, 90);
  const v = r.next() < 0.5 ? 200 : 70;
  for (let y = Math.max(0, Math.floor(cy - ry)); y < Math.min(h, cy + ry); y++)
    for (let x = Math.max(0, Math.floor(cx - rx)); x < Math.min(w, cx + rx); x++) {
      const d = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2;
      if (d < 1) blend(px, w, x, y, v, 0.55 * (1 - d), h);
    }
}

function inclusion(px: Float32Array, w: number, h: number, r: Rng): void {
  // a thin dark streak along the rolling direction, with a bright rim
  const len = r.uniform(80, 300);
  const x0 = r.uniform(0, w - len);
  const y0 = r.uniform(10, h - 10);
  for (let s = 0; s < len; s++) {
    const y = y0 + 3 * Math.sin(s / 17);
    blend(px, w, x0 + s, y, 15, 0.95, h);
    blend(px, w, x0 + s, y + 1, 15, 0.7, h);
    blend(px, w, x0 + s, y - 2, 215, 0.5, h);
  }
}

const DRAW = [scratch, pits, patch, inclusion];

/** Generate `count` images of `height` x `width` grey. */
export function generateSteelSet(count: number, seed = 7, height = 256, width = 1600): SteelImage[] {
  const r = createRng(seed);
  const out: SteelImage[] = [];
  for (let n = 0; n < count; n++) {
    const px = new Float32Array(width * height);
    const base = r.uniform(105, 140);
    // rolled texture: row-wise streaks plus grain
    const rows = Float32Array.from({ length: height }, () => r.uniform(-8, 8));
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) px[y * width + x] = base + rows[y]! + r.uniform(-10, 10);
    const labels: number[] = [];
    STEEL_RATES.forEach((rate, c) => {
      if (r.next() < rate) {
        labels.push(c);
        const times = c === 1 ? 1 : 1 + r.int(2);
        for (let t = 0; t < times; t++) DRAW[c]!(px, width, height, r);
      }
    });
    const pixels = new Uint8Array(px.length);
    for (let i = 0; i < px.length; i++) pixels[i] = Math.max(0, Math.min(255, Math.round(px[i]!)));
    out.push({ name: `steel_${String(n).padStart(4, '0')}.png`, pixels, labels });
  }
  return out;
}

/** The labels in the steel-defect layout: one row per (image, class), ClassId 1-based, no EncodedPixels. */
export function steelCsv(images: readonly SteelImage[]): string {
  const lines = ['ImageId,ClassId'];
  for (const im of images) for (const c of im.labels) lines.push(`${im.name},${c + 1}`);
  return lines.join('\n') + '\n';
}
