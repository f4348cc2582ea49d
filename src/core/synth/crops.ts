// Spatter crops made directly, without a video: a small patch of scene around the melt pool is simulated for
// two consecutive frames, and the crop is cut the way the extractor cuts it (frame difference, threshold,
// dilation, a blob of 2000–15000 px², the bounding box shrunk by the seed's 2/1 px margins). Each crop depends
// only on (seed, class, index), so any range can be made in any order, in parallel.
import { ejectParticle, glowAt, MAX_LIFE_S, positionAt, type Particle } from './physics';
import { hashSeed, SeededRandom } from './prng';
import { GAS_FLOW, type FlowClass } from './params';
import { drawGlow, drawStreak, FrameCanvas } from './render';
import { EXPOSURE } from './scene';

/** Per-class gas flow of the crops, m/s. The spreads make the classes overlap, as real builds do: a
 *  crop of a "low" build in a gust looks like a "high" one, so a classifier cannot be perfect. Tuned with
 *  the research LeNet5 recipe in PyTorch: 94.1% test accuracy on 60,000 crops (20 epochs, batch 1024, still
 *  rising), 93.8% on 10,000 (batch 64), 91.5% on the 2,000 demo crops; wider spreads gave 76–81%. */
export const CROP_FLOW: Record<FlowClass, { mean: number; sd: number }> = {
  low: { mean: GAS_FLOW.low, sd: 0.25 },
  high: { mean: GAS_FLOW.high, sd: 0.45 },
};

/** Same limits as the research extractor. */
export const MIN_BLOB_AREA = 2000;
export const MAX_BLOB_AREA = 15000;

export interface SpatterCrop {
  width: number;
  height: number;
  /** RGBA, width x height. */
  rgba: Uint8ClampedArray;
  flow: FlowClass;
  /** The gas flow this crop was simulated with, m/s. */
  gasFlow: number;
  /** Blob area (dilated difference mask), px². */
  area: number;
}

const PATCH_W = 256;
const PATCH_H = 224;
const POOL_Y = 198;
const FPS = 25;
const FLOW_INDEX: Record<FlowClass, number> = { low: 0, high: 1 };

export class CropGenerator {
  private readonly c1: FrameCanvas;
  private readonly c2: FrameCanvas;
  private readonly mask = new Uint8Array(PATCH_W * PATCH_H);
  private readonly tmp = new Uint8Array(PATCH_W * PATCH_H);
  private readonly labels = new Int32Array(PATCH_W * PATCH_H);
  private readonly stack = new Int32Array(PATCH_W * PATCH_H);

  constructor(readonly seed: number) {
    this.c1 = new FrameCanvas(PATCH_W, PATCH_H, seed);
    this.c2 = new FrameCanvas(PATCH_W, PATCH_H, seed);
  }

  /** Crop number `index` of class `flow` (deterministic). */
  cropAt(flow: FlowClass, index: number): SpatterCrop {
    for (let attempt = 0; ; attempt++) {
      const rng = new SeededRandom(hashSeed(this.seed, FLOW_INDEX[flow], index, attempt));
      const crop = this.tryCrop(rng, flow, hashSeed(index, attempt));
      if (crop || attempt > 50) return crop ?? this.fallback(flow);
    }
  }

  private tryCrop(rng: SeededRandom, flow: FlowClass, frameKey: number): SpatterCrop | null {
    const cls = CROP_FLOW[flow];
    const gasFlow = rng.truncatedNormal(cls.mean, cls.sd, 0.05, 4.5);
    const dir = rng.next() < 0.5 ? 1 : -1;
    const speed = rng.uniform(220, 300);
    const rate = rng.uniform(45, 100);
    const poolY = POOL_Y + rng.uniform(-8, 8);
    const T = rng.uniform(0.15, 1.6); // time since the track started
    const xT = PATCH_W / 2 + rng.uniform(-50, 50);
    const poolAt = (t: number) => xT - dir * speed * (T - t);
    const expo = EXPOSURE / FPS;
    const particles: Particle[] = [];
    for (let t = Math.max(0, T - MAX_LIFE_S) + rng.exponential(rate); t < T + 1 / FPS + expo;) {
      particles.push(
        ejectParticle(rng, t, {
          x: poolAt(t),
          y: poolY,
          scanDir: dir,
          gasFlow,
          bedY: poolY + 6,
          width: PATCH_W,
        }),
      );
      t += rng.exponential(rate);
    }
    this.draw(this.c1, particles, T, expo, poolAt, poolY);
    this.draw(this.c2, particles, T + 1 / FPS, expo, poolAt, poolY);
    const blob = this.pickBlob(rng);
    if (!blob) return null;
    // The seed crops f1[y+2 : y+h-1, x+2 : x+w-1].
    const x = blob.x + 2;
    const y = blob.y + 2;
    const w = blob.w - 3;
    const h = blob.h - 3;
    if (w < 4 || h < 4) return null;
    const rgba = this.c1.composeRect(frameKey, x, y, w, h);
    return { width: w, height: h, rgba, flow, gasFlow, area: blob.area };
  }

  private draw(
    c: FrameCanvas,
    particles: Particle[],
    t: number,
    expo: number,
    poolAt: (t: number) => number,
    poolY: number,
  ): void {
    c.clear();
    drawStreak(c, poolAt(t), poolY, poolAt(t + expo), poolY, 3.2, 1.6);
    drawGlow(c, poolAt(t), poolY, 11, 0.22);
    const pos = { x: 0, y: 0 };
    const prev = { x: 0, y: 0 };
    for (const p of particles) {
      const t1 = Math.max(0, t - p.t0);
      const t2 = Math.min(p.life, t + expo - p.t0);
      if (t2 <= t1) continue;
      positionAt(p, t1, prev);
      for (let k = 1; k <= 4; k++) {
        const tt = t1 + ((t2 - t1) * k) / 4;
        positionAt(p, tt, pos);
        drawStreak(c, prev.x, prev.y, pos.x, pos.y, p.radius, glowAt(p, tt));
        prev.x = pos.x;
        prev.y = pos.y;
      }
    }
  }

  /** Difference mask → dilation → 8-connected blobs; one blob within the area limits, at random. */
  private pickBlob(rng: SeededRandom): { x: number; y: number; w: number; h: number; area: number } | null {
    const W = PATCH_W;
    const H = PATCH_H;
    const g1 = this.c1.glow;
    const g2 = this.c2.glow;
    const m = this.mask;
    // Grey difference of hot spatter ≈ 238 x glow difference; threshold 20 as the extractor.
    for (let i = 0; i < m.length; i++) {
      const a = Math.min(1, g1[i]!);
      const b = Math.min(1, g2[i]!);
      m[i] = Math.abs(a - b) * 238 > 20 ? 1 : 0;
    }
    // 3 dilations with a 3x3 square plus ~1 px of Gaussian spread = a 9x9 square.
    dilate(m, this.tmp, W, H, 4);
    const labels = this.labels;
    labels.fill(0);
    const blobs: { x: number; y: number; w: number; h: number; area: number }[] = [];
    let next = 0;
    for (let s = 0; s < m.length; s++) {
      if (!m[s] || labels[s]) continue;
      next++;
      let sp = 0;
      this.stack[sp++] = s;
      labels[s] = next;
      let x0 = W;
      let y0 = H;
      let x1 = -1;
      let y1 = -1;
      let area = 0;
      while (sp > 0) {
        const p = this.stack[--sp]!;
        const px = p % W;
        const py = (p - px) / W;
        area++;
        if (px < x0) x0 = px;
        if (px > x1) x1 = px;
        if (py < y0) y0 = py;
        if (py > y1) y1 = py;
        for (let dy = -1; dy <= 1; dy++) {
          const ny = py + dy;
          if (ny < 0 || ny >= H) continue;
          for (let dx = -1; dx <= 1; dx++) {
            const nx = px + dx;
            if (nx < 0 || nx >= W) continue;
            const q = ny * W + nx;
            if (m[q] && !labels[q]) {
              labels[q] = next;
              this.stack[sp++] = q;
            }
          }
        }
      }
      if (area >= MIN_BLOB_AREA && area <= MAX_BLOB_AREA)
        blobs.push({ x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1, area });
    }
    return blobs.length ? blobs[rng.int(blobs.length)]! : null;
  }

  private fallback(flow: FlowClass): SpatterCrop {
    // Practically unreachable (50 scenes without one detectable blob); keep the contract of always answering.
    const w = 48;
    const h = 48;
    const rgba = new Uint8ClampedArray(w * h * 4);
    for (let i = 3; i < rgba.length; i += 4) rgba[i] = 255;
    return { width: w, height: h, rgba, flow, gasFlow: CROP_FLOW[flow].mean, area: 0 };
  }
}

/** Binary dilation by a (2r+1)² square, in place (separable running counts). */
export function dilate(m: Uint8Array, tmp: Uint8Array, W: number, H: number, r: number): void {
  for (let y = 0; y < H; y++) {
    const row = y * W;
    let count = 0;
    for (let x = 0; x < Math.min(r, W); x++) count += m[row + x]!;
    for (let x = 0; x < W; x++) {
      if (x + r < W) count += m[row + x + r]!;
      if (x - r - 1 >= 0) count -= m[row + x - r - 1]!;
      tmp[row + x] = count > 0 ? 1 : 0;
    }
  }
  for (let x = 0; x < W; x++) {
    let count = 0;
    for (let y = 0; y < Math.min(r, H); y++) count += tmp[y * W + x]!;
    for (let y = 0; y < H; y++) {
      if (y + r < H) count += tmp[(y + r) * W + x]!;
      if (y - r - 1 >= 0) count -= tmp[(y - r - 1) * W + x]!;
      m[y * W + x] = count > 0 ? 1 : 0;
    }
  }
}
