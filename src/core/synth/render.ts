// Rasterising for the synthetic scenes: a float glow buffer that spatter streaks are drawn into (max blend,
// anti-aliased capsules), composed over a dark, noisy sensor background with the blue recoater light.
import { hashSeed, SeededRandom } from './prng';

/** Dark level of the powder bed on the sensor (0..255). */
export const BACKGROUND_LEVEL = 4;
/** Colour of hot spatter (white going a little warm): never blue, so the blue test keeps it. */
const HOT_RGB = [255, 236, 205] as const;
const BLUE_RGB = [28, 82, 255] as const;
const NOISE_BITS = 20;

export class FrameCanvas {
  readonly glow: Float32Array;
  private readonly background: Uint32Array;
  private minX = Infinity;
  private minY = Infinity;
  private maxX = -Infinity;
  private maxY = -Infinity;

  constructor(
    readonly width: number,
    readonly height: number,
    readonly seed: number,
  ) {
    this.glow = new Float32Array(width * height);
    this.background = backgroundTable(
      seed,
      Math.max(NOISE_BITS, Math.ceil(Math.log2(width * height + 1)) + 1),
    );
  }

  /** Clears only the part drawn into since the last clear. */
  clear(): void {
    if (this.maxX < this.minX) return;
    for (let y = this.minY; y <= this.maxY; y++)
      this.glow.fill(0, y * this.width + this.minX, y * this.width + this.maxX + 1);
    this.minX = this.minY = Infinity;
    this.maxX = this.maxY = -Infinity;
  }

  touch(x0: number, y0: number, x1: number, y1: number): void {
    if (x0 < this.minX) this.minX = x0;
    if (y0 < this.minY) this.minY = y0;
    if (x1 > this.maxX) this.maxX = x1;
    if (y1 > this.maxY) this.maxY = y1;
  }

  /** Background + noise + glow + blue light in columns [blueFrom, blueTo), into RGBA. */
  compose(frame: number, blueFrom: number, blueTo: number, out?: Uint8ClampedArray): Uint8ClampedArray {
    return this.composeRect(frame, 0, 0, this.width, this.height, blueFrom, blueTo, out);
  }

  /** Like compose, for the rectangle (rx, ry, rw, rh) only (a crop), into a rw x rh RGBA buffer. */
  composeRect(
    frame: number,
    rx: number,
    ry: number,
    rw: number,
    rh: number,
    blueFrom = 0,
    blueTo = 0,
    out?: Uint8ClampedArray,
  ): Uint8ClampedArray {
    const W = this.width;
    const px = out ?? new Uint8ClampedArray(rw * rh * 4);
    if (px.length !== rw * rh * 4) throw new RangeError(`output buffer must hold ${rw}x${rh} RGBA pixels`);
    const bg = this.background;
    const mask = bg.length - 1;
    const n0 = hashSeed(this.seed, frame, 0x9015e);
    const glow = this.glow;
    const bf = Math.max(0, blueFrom);
    const bt = Math.min(W, blueTo);
    const px32 = new Uint32Array(px.buffer, px.byteOffset, rw * rh);
    let o = 0;
    for (let y = ry; y < ry + rh; y++) {
      // the background is indexed by the pixel's place in the full frame, so a crop matches the full render
      let i = y * W + rx;
      for (let x = rx; x < rx + rw; x++, i++, o++) {
        const p = bg[(n0 + i) & mask]!;
        const g = glow[i]!;
        const blue = x >= bf && x < bt;
        if (g <= 0 && !blue) {
          px32[o] = p;
          continue;
        }
        let r = LITTLE_ENDIAN ? p & 255 : p >>> 24;
        let gg = LITTLE_ENDIAN ? (p >>> 8) & 255 : (p >>> 16) & 255;
        let b = LITTLE_ENDIAN ? (p >>> 16) & 255 : (p >>> 8) & 255;
        if (g > 0) {
          const v = g > 1 ? 1 : g;
          r += HOT_RGB[0] * v;
          gg += HOT_RGB[1] * v;
          b += HOT_RGB[2] * v;
        }
        if (blue) {
          // Soft-edged band: 3 px ramps at both sides.
          const edge = Math.min(x - bf + 1, bt - x, 3) / 3;
          r += BLUE_RGB[0] * edge;
          gg += BLUE_RGB[1] * edge;
          b += BLUE_RGB[2] * edge;
        }
        const q = o * 4;
        px[q] = r;
        px[q + 1] = gg;
        px[q + 2] = b;
        px[q + 3] = 255;
      }
    }
    return px;
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const backgroundCache = new Map<string, Uint32Array>();

/** Packed RGBA background pixels (dark level + sensor noise, ≈ normal sd 1.5, |v| ≤ 4, per channel), read at
 *  a per-frame offset: one load and one store per background pixel. */
function backgroundTable(seed: number, bits: number): Uint32Array {
  const key = `${seed}:${bits}`;
  let t = backgroundCache.get(key);
  if (!t) {
    const rng = new SeededRandom(hashSeed(seed, 0x4015e));
    const level = () => BACKGROUND_LEVEL + Math.max(-4, Math.min(4, Math.round(rng.normal(0, 1.5))));
    t = new Uint32Array(1 << bits);
    for (let i = 0; i < t.length; i++) {
      const r = level();
      const g = level();
      const b = level();
      t[i] = LITTLE_ENDIAN
        ? ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0
        : ((r << 24) | (g << 16) | (b << 8) | 255) >>> 0;
    }
    if (backgroundCache.size > 4) backgroundCache.clear();
    backgroundCache.set(key, t);
  }
  return t;
}

/** Anti-aliased capsule from (x0,y0) to (x1,y1) of radius r and intensity v, max-blended. */
export function drawStreak(
  c: FrameCanvas,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  r: number,
  v: number,
): void {
  const W = c.width;
  const H = c.height;
  const pad = r + 1;
  const bx0 = Math.max(0, Math.floor(Math.min(x0, x1) - pad));
  const by0 = Math.max(0, Math.floor(Math.min(y0, y1) - pad));
  const bx1 = Math.min(W - 1, Math.ceil(Math.max(x0, x1) + pad));
  const by1 = Math.min(H - 1, Math.ceil(Math.max(y0, y1) + pad));
  if (bx0 > bx1 || by0 > by1) return;
  c.touch(bx0, by0, bx1, by1);
  const dx = x1 - x0;
  const dy = y1 - y0;
  const len2 = dx * dx + dy * dy;
  const glow = c.glow;
  for (let y = by0; y <= by1; y++) {
    const py = y + 0.5 - y0;
    for (let x = bx0; x <= bx1; x++) {
      const qx = x + 0.5 - x0;
      let t = len2 > 0 ? (qx * dx + py * dy) / len2 : 0;
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      const ex = qx - t * dx;
      const ey = py - t * dy;
      const d = Math.sqrt(ex * ex + ey * ey);
      let cov = r + 0.5 - d;
      if (cov <= 0) continue;
      if (cov > 1) cov = 1;
      const val = v * cov;
      const i = y * W + x;
      if (val > glow[i]!) glow[i] = val;
    }
  }
}

/** Soft round glow (the melt pool's halo), falling off linearly to radius r. */
export function drawGlow(c: FrameCanvas, cx: number, cy: number, r: number, v: number): void {
  const W = c.width;
  const bx0 = Math.max(0, Math.floor(cx - r));
  const by0 = Math.max(0, Math.floor(cy - r));
  const bx1 = Math.min(W - 1, Math.ceil(cx + r));
  const by1 = Math.min(c.height - 1, Math.ceil(cy + r));
  if (bx0 > bx1 || by0 > by1) return;
  c.touch(bx0, by0, bx1, by1);
  for (let y = by0; y <= by1; y++) {
    for (let x = bx0; x <= bx1; x++) {
      const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
      if (d >= r) continue;
      const val = v * (1 - d / r);
      const i = y * W + x;
      if (val > c.glow[i]!) c.glow[i] = val;
    }
  }
}
