// Rasterising for the synthetic scenes, shared by the crops and the videos: light is accumulated in a float
// RGB buffer (spatter streaks integrated over the exposure, coloured by temperature; the melt pool's plume and
// glow), then developed the way the camera does it: lens softness, bloom around what is bright, a roll-off
// that saturates hot light to white, a dark sensor level with noise, and the blue recoater light in videos.
import { hashSeed, SeededRandom } from './prng';

/** Dark level of the powder bed on the sensor (0..255). */
export const BACKGROUND_LEVEL = 3;
const BLUE_RGB = [28, 82, 255] as const;
const NOISE_BITS = 20;

/** Colour stops of glowing metal: temperature (0 dull .. 1 white-hot) → linear RGB weight. Never blue-dominant,
 *  so the extractor's blue test keeps spatter. */
const HEAT_STOPS: readonly (readonly [number, number, number, number])[] = [
  [0, 0.9, 0.22, 0.05],
  [0.35, 1, 0.45, 0.14],
  [0.6, 1, 0.7, 0.38],
  [0.85, 1, 0.88, 0.68],
  [1, 1, 0.96, 0.88],
];

/** Writes the colour of metal at temperature `t` (clamped to 0..1) into out[0..2]. */
export function heatColour(t: number, out: Float32Array | number[]): void {
  const x = t < 0 ? 0 : t > 1 ? 1 : t;
  let i = 1;
  while (i < HEAT_STOPS.length - 1 && HEAT_STOPS[i]![0] < x) i++;
  const a = HEAT_STOPS[i - 1]!;
  const b = HEAT_STOPS[i]!;
  const f = (x - a[0]) / (b[0] - a[0]);
  out[0] = a[1] + (b[1] - a[1]) * f;
  out[1] = a[2] + (b[2] - a[2]) * f;
  out[2] = a[3] + (b[3] - a[3]) * f;
}

/** How the accumulated light is turned into pixels. */
export interface DevelopOptions {
  /** Exposure gain applied to the light before the roll-off. */
  gain: number;
  /** Strength of the bloom (a wide blur of the light added back). */
  bloom: number;
  /** Radius of the bloom's box blur (applied twice), px. */
  bloomRadius: number;
  /** Columns [from, to) lit by the blue recoater light (videos). */
  blueFrom?: number;
  blueTo?: number;
}

export const DEFAULT_DEVELOP: DevelopOptions = { gain: 1, bloom: 0.35, bloomRadius: 4 };

export class FrameCanvas {
  /** Accumulated light, RGB interleaved, width x height x 3. */
  readonly light: Float32Array;
  private readonly soft: Float32Array;
  private readonly wide: Float32Array;
  private readonly tmp: Float32Array;
  private readonly background: Uint32Array;
  private readonly colour = new Float32Array(3);
  private minX = Infinity;
  private minY = Infinity;
  private maxX = -Infinity;
  private maxY = -Infinity;

  constructor(
    readonly width: number,
    readonly height: number,
    readonly seed: number,
  ) {
    const n = width * height * 3;
    this.light = new Float32Array(n);
    this.soft = new Float32Array(n);
    this.wide = new Float32Array(n);
    this.tmp = new Float32Array(n);
    this.background = backgroundTable(
      seed,
      Math.max(NOISE_BITS, Math.ceil(Math.log2(width * height + 1)) + 1),
    );
  }

  /** Whether anything was drawn since the last clear. */
  get drawn(): boolean {
    return this.maxX >= this.minX;
  }

  /** Clears only the part drawn into since the last clear. */
  clear(): void {
    if (!this.drawn) return;
    for (let y = this.minY; y <= this.maxY; y++)
      this.light.fill(0, (y * this.width + this.minX) * 3, (y * this.width + this.maxX + 1) * 3);
    this.minX = this.minY = Infinity;
    this.maxX = this.maxY = -Infinity;
  }

  private touch(x0: number, y0: number, x1: number, y1: number): void {
    if (x0 < this.minX) this.minX = x0;
    if (y0 < this.minY) this.minY = y0;
    if (x1 > this.maxX) this.maxX = x1;
    if (y1 > this.maxY) this.maxY = y1;
  }

  /** Adds light `e` of temperature `temp` at (x, y): a bilinear point, or a soft disc of radius r > 0.8. */
  splat(x: number, y: number, r: number, e: number, temp: number): void {
    heatColour(temp, this.colour);
    this.splatColour(x, y, r, e, this.colour);
  }

  private splatColour(x: number, y: number, r: number, e: number, col: Float32Array): void {
    const W = this.width;
    const H = this.height;
    const L = this.light;
    if (r <= 0.8) {
      const fx = x - 0.5;
      const fy = y - 0.5;
      const ix = Math.floor(fx);
      const iy = Math.floor(fy);
      if (ix < -1 || iy < -1 || ix >= W || iy >= H) return;
      const ax = fx - ix;
      const ay = fy - iy;
      this.touch(Math.max(0, ix), Math.max(0, iy), Math.min(W - 1, ix + 1), Math.min(H - 1, iy + 1));
      for (let dy = 0; dy < 2; dy++) {
        const yy = iy + dy;
        if (yy < 0 || yy >= H) continue;
        const wy = dy ? ay : 1 - ay;
        for (let dx = 0; dx < 2; dx++) {
          const xx = ix + dx;
          if (xx < 0 || xx >= W) continue;
          const w = e * wy * (dx ? ax : 1 - ax);
          const i = (yy * W + xx) * 3;
          L[i] = L[i]! + w * col[0]!;
          L[i + 1] = L[i + 1]! + w * col[1]!;
          L[i + 2] = L[i + 2]! + w * col[2]!;
        }
      }
      return;
    }
    const R = r + 0.5;
    const x0 = Math.max(0, Math.floor(x - R));
    const y0 = Math.max(0, Math.floor(y - R));
    const x1 = Math.min(W - 1, Math.ceil(x + R));
    const y1 = Math.min(H - 1, Math.ceil(y + R));
    if (x0 > x1 || y0 > y1) return;
    this.touch(x0, y0, x1, y1);
    // cone footprint, normalised to the energy (π R² / 3 is its integral)
    const norm = e / ((Math.PI * R * R) / 3);
    for (let yy = y0; yy <= y1; yy++) {
      for (let xx = x0; xx <= x1; xx++) {
        const d = Math.hypot(xx + 0.5 - x, yy + 0.5 - y);
        if (d >= R) continue;
        const w = norm * (1 - d / R);
        const i = (yy * W + xx) * 3;
        L[i] = L[i]! + w * col[0]!;
        L[i + 1] = L[i + 1]! + w * col[1]!;
        L[i + 2] = L[i + 2]! + w * col[2]!;
      }
    }
  }

  /** Adds an elliptical Gaussian glow (peak light `e`, sd rx, ry px) of temperature `temp` centred at (cx, cy). */
  glow(cx: number, cy: number, rx: number, ry: number, e: number, temp: number): void {
    const W = this.width;
    const x0 = Math.max(0, Math.floor(cx - 3 * rx));
    const y0 = Math.max(0, Math.floor(cy - 3 * ry));
    const x1 = Math.min(W - 1, Math.ceil(cx + 3 * rx));
    const y1 = Math.min(this.height - 1, Math.ceil(cy + 3 * ry));
    if (x0 > x1 || y0 > y1 || e <= 0) return;
    this.touch(x0, y0, x1, y1);
    heatColour(temp, this.colour);
    const [cr, cg, cb] = this.colour;
    const L = this.light;
    const ix = 1 / (2 * rx * rx);
    const iy = 1 / (2 * ry * ry);
    for (let y = y0; y <= y1; y++) {
      const dy = y + 0.5 - cy;
      const gy = e * Math.exp(-dy * dy * iy);
      if (gy < 1e-4) continue;
      for (let x = x0; x <= x1; x++) {
        const dx = x + 0.5 - cx;
        const v = gy * Math.exp(-dx * dx * ix);
        const i = (y * W + x) * 3;
        L[i] = L[i]! + v * cr!;
        L[i + 1] = L[i + 1]! + v * cg!;
        L[i + 2] = L[i + 2]! + v * cb!;
      }
    }
  }

  /**
   * Adds a streak: the path of a glowing particle while the shutter is open. `path(t, out)` gives the position
   * and `radiance(t)` the light emitted per unit time at time t in [t1, t2]; `temperature(t)` its colour. The
   * path is stepped finely enough (≤ 0.5 px) that the streak is continuous, and each step deposits the light
   * emitted during it, so a slow stretch of the path is brighter than a fast one, as on a real sensor.
   */
  streak(
    t1: number,
    t2: number,
    r: number,
    path: (t: number, out: { x: number; y: number }) => void,
    radiance: (t: number) => number,
    temperature: (t: number) => number,
  ): void {
    if (t2 <= t1) return;
    const a = { x: 0, y: 0 };
    const b = { x: 0, y: 0 };
    path(t1, a);
    path(t2, b);
    // Chord length bounds the number of steps from below; 4 probes catch curved paths.
    let len = 0;
    const p = { x: a.x, y: a.y };
    const q = { x: 0, y: 0 };
    for (let k = 1; k <= 4; k++) {
      path(t1 + ((t2 - t1) * k) / 4, q);
      len += Math.hypot(q.x - p.x, q.y - p.y);
      p.x = q.x;
      p.y = q.y;
    }
    const steps = Math.max(2, Math.min(4000, Math.ceil(len / 0.5)));
    const dt = (t2 - t1) / steps;
    let lastTemp = -1;
    for (let k = 0; k < steps; k++) {
      const t = t1 + (k + 0.5) * dt;
      path(t, q);
      const temp = temperature(t);
      // the colour changes slowly along a streak: recompute it only when it moved
      if (Math.abs(temp - lastTemp) > 0.01) {
        heatColour(temp, this.colour);
        lastTemp = temp;
      }
      this.splatColour(q.x, q.y, r, radiance(t) * dt, this.colour);
    }
  }

  /** Develops the whole canvas into RGBA. */
  develop(frame: number, opts: DevelopOptions, out?: Uint8ClampedArray): Uint8ClampedArray {
    return this.developRect(frame, opts, 0, 0, this.width, this.height, out);
  }

  /** Develops the rectangle (rx, ry, rw, rh) into a rw x rh RGBA buffer. */
  developRect(
    frame: number,
    opts: DevelopOptions,
    rx: number,
    ry: number,
    rw: number,
    rh: number,
    out?: Uint8ClampedArray,
  ): Uint8ClampedArray {
    const W = this.width;
    const px = out ?? new Uint8ClampedArray(rw * rh * 4);
    if (px.length !== rw * rh * 4) throw new RangeError(`output buffer must hold ${rw}x${rh} RGBA pixels`);
    const bg = this.background;
    const mask = bg.length - 1;
    const n0 = hashSeed(this.seed, frame, 0x9015e);
    const px32 = new Uint32Array(px.buffer, px.byteOffset, rw * rh);
    // The lit region, grown by what the softness and the bloom spread.
    const pad = 2 * Math.ceil(opts.bloomRadius) + 2;
    const lx0 = Math.max(0, this.minX - pad);
    const ly0 = Math.max(0, this.minY - pad);
    const lx1 = Math.min(W - 1, this.maxX + pad);
    const ly1 = Math.min(this.height - 1, this.maxY + pad);
    const lit = this.drawn;
    if (lit) this.filter(lx0, ly0, lx1, ly1, opts);
    const soft = this.soft;
    const wide = this.wide;
    const gain = opts.gain;
    const bloom = opts.bloom;
    const bf = Math.max(0, opts.blueFrom ?? 0);
    const bt = Math.min(W, opts.blueTo ?? 0);
    let o = 0;
    for (let y = ry; y < ry + rh; y++) {
      // the noise is indexed by the pixel's place in the full frame, so a crop matches the full render
      let i = y * W + rx;
      const rowLit = lit && y >= ly0 && y <= ly1;
      for (let x = rx; x < rx + rw; x++, i++, o++) {
        const p = bg[(n0 + i) & mask]!;
        const inLit = rowLit && x >= lx0 && x <= lx1;
        const blue = x >= bf && x < bt;
        if (!inLit && !blue) {
          px32[o] = p;
          continue;
        }
        let r = LITTLE_ENDIAN ? p & 255 : p >>> 24;
        let g = LITTLE_ENDIAN ? (p >>> 8) & 255 : (p >>> 16) & 255;
        let b = LITTLE_ENDIAN ? (p >>> 16) & 255 : (p >>> 8) & 255;
        if (inLit) {
          const j = i * 3;
          // exposure roll-off: linear when dim, saturating to white when hot
          r += 255 * (1 - Math.exp(-gain * (soft[j]! + bloom * wide[j]!)));
          g += 255 * (1 - Math.exp(-gain * (soft[j + 1]! + bloom * wide[j + 1]!)));
          b += 255 * (1 - Math.exp(-gain * (soft[j + 2]! + bloom * wide[j + 2]!)));
        }
        if (blue) {
          // Soft-edged band: 3 px ramps at both sides.
          const edge = Math.min(x - bf + 1, bt - x, 3) / 3;
          r += BLUE_RGB[0] * edge;
          g += BLUE_RGB[1] * edge;
          b += BLUE_RGB[2] * edge;
        }
        const q = o * 4;
        px[q] = r;
        px[q + 1] = g;
        px[q + 2] = b;
        px[q + 3] = 255;
      }
    }
    return px;
  }

  /** soft = light blurred by [1 2 1]/4 (lens and JPEG softness); wide = soft box-blurred twice (bloom). */
  private filter(x0: number, y0: number, x1: number, y1: number, opts: DevelopOptions): void {
    const W = this.width;
    const { light, soft, tmp, wide } = this;
    // [1 2 1] along x into tmp, then along y into soft
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const i = (y * W + x) * 3;
        const l = x > x0 ? i - 3 : i;
        const r = x < x1 ? i + 3 : i;
        for (let c = 0; c < 3; c++)
          tmp[i + c] = 0.25 * light[l + c]! + 0.5 * light[i + c]! + 0.25 * light[r + c]!;
      }
    }
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const i = (y * W + x) * 3;
        const u = y > y0 ? i - 3 * W : i;
        const d = y < y1 ? i + 3 * W : i;
        for (let c = 0; c < 3; c++) soft[i + c] = 0.25 * tmp[u + c]! + 0.5 * tmp[i + c]! + 0.25 * tmp[d + c]!;
      }
    }
    if (opts.bloom <= 0) {
      for (let y = y0; y <= y1; y++) wide.fill(0, (y * W + x0) * 3, (y * W + x1 + 1) * 3);
      return;
    }
    const r = Math.max(1, Math.round(opts.bloomRadius));
    boxBlur(soft, tmp, wide, W, x0, y0, x1, y1, r);
    boxBlur(wide, tmp, wide, W, x0, y0, x1, y1, r);
  }
}

/** Separable box blur (radius r, zero outside the region) of src into dst through tmp; dst may be src. */
function boxBlur(
  src: Float32Array,
  tmp: Float32Array,
  dst: Float32Array,
  W: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  r: number,
): void {
  const k = 1 / (2 * r + 1);
  for (let y = y0; y <= y1; y++) {
    for (let c = 0; c < 3; c++) {
      let s = 0;
      for (let x = x0; x <= Math.min(x1, x0 + r - 1); x++) s += src[(y * W + x) * 3 + c]!;
      for (let x = x0; x <= x1; x++) {
        if (x + r <= x1) s += src[(y * W + x + r) * 3 + c]!;
        if (x - r - 1 >= x0) s -= src[(y * W + x - r - 1) * 3 + c]!;
        tmp[(y * W + x) * 3 + c] = s * k;
      }
    }
  }
  for (let x = x0; x <= x1; x++) {
    for (let c = 0; c < 3; c++) {
      let s = 0;
      for (let y = y0; y <= Math.min(y1, y0 + r - 1); y++) s += tmp[(y * W + x) * 3 + c]!;
      for (let y = y0; y <= y1; y++) {
        if (y + r <= y1) s += tmp[((y + r) * W + x) * 3 + c]!;
        if (y - r - 1 >= y0) s -= tmp[((y - r - 1) * W + x) * 3 + c]!;
        dst[(y * W + x) * 3 + c] = s * k;
      }
    }
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const backgroundCache = new Map<string, Uint32Array>();

/** Packed RGBA background pixels (dark level + sensor noise, ≈ normal sd 1.2, |v| ≤ 3, per channel), read at
 *  a per-frame offset: one load and one store per background pixel. */
function backgroundTable(seed: number, bits: number): Uint32Array {
  const key = `${seed}:${bits}`;
  let t = backgroundCache.get(key);
  if (!t) {
    const rng = new SeededRandom(hashSeed(seed, 0x4015e));
    const level = () => BACKGROUND_LEVEL + Math.max(-3, Math.min(3, Math.round(rng.normal(0, 1.2))));
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
