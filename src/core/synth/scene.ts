// A synthetic LPBF build seen from the side at 25 fps: a melt pool scanning tracks on the powder bed, spatter
// flying from it, sensor noise, and between layers a blue recoater light sweeping across. Any frame can be
// rendered on its own (random access), deterministically from the seed.
import {
  CROP_EXPOSURE_UNITS,
  drawMeltPool,
  drawParticle,
  ejectParticle,
  MAX_LIFE_UNITS,
  meltPoolCore,
  type Particle,
  visibleSpatterShare,
} from './physics';
import { hashSeed, SeededRandom } from './prng';
import { checkSceneParams, scanFrames, sceneFrameCount, type SceneParams } from './params';
import { FrameCanvas, type DevelopOptions } from './render';

/** Reference height that physics units are expressed in. */
export const REF_HEIGHT = 360;
/** Fraction of the frame period the shutter is open: spatter shows as streaks. */
export const EXPOSURE = 0.85;
/** Where the powder bed surface sits, as a fraction of the height. */
export const BED_Y = 0.82;
/** Size of a spatter fountain in reference pixels (research crops are ~96 x 124 px). */
export const FOUNTAIN_SIZE = 90;
/** Direction the gas carries spatter on the video (+x). */
const DOWNSTREAM = 1;

export interface Track {
  tStart: number;
  tEnd: number;
  x0: number;
  dir: number;
  y: number;
  /** Scan speed, ref px/s. */
  speed: number;
}

export interface ScenePhase {
  layer: number;
  kind: 'scan' | 'gap';
  /** Frame index within this phase. */
  frame: number;
}

interface LayerPlan {
  tracks: Track[];
  particles: Particle[];
}

/** Recoater timing within a gap, in frames from the gap's start. */
export interface RecoaterPlan {
  onFrame: number;
  offFrame: number;
  sweepFrames: number;
}

export class SpatterScene {
  readonly params: SceneParams;
  readonly frameCount: number;
  readonly scanFrames: number;
  /** Pixels per reference pixel. */
  readonly scale: number;
  /** Width in reference pixels. */
  readonly refWidth: number;
  readonly bedY: number;
  /** Seconds per time unit of the spatter physics: the exposure spans as many units as a crop's. */
  readonly timeUnit: number;
  private readonly layerCache = new Map<number, LayerPlan>();
  private canvas: FrameCanvas | null = null;

  constructor(params: SceneParams) {
    const errs = checkSceneParams(params);
    if (errs.length) throw new RangeError(`Invalid scene parameters: ${errs.join('; ')}`);
    this.params = { ...params };
    this.frameCount = sceneFrameCount(params);
    this.scanFrames = scanFrames(params);
    this.scale = params.height / REF_HEIGHT;
    this.refWidth = params.width / this.scale;
    this.bedY = BED_Y * REF_HEIGHT;
    this.timeUnit = EXPOSURE / params.fps / CROP_EXPOSURE_UNITS;
  }

  phaseAt(frame: number): ScenePhase {
    const period = this.scanFrames + this.params.layerGapFrames;
    const layer = Math.floor(frame / period);
    const inPeriod = frame - layer * period;
    return inPeriod < this.scanFrames
      ? { layer, kind: 'scan', frame: inPeriod }
      : { layer, kind: 'gap', frame: inPeriod - this.scanFrames };
  }

  /** First frame of a layer's scan. */
  layerStartFrame(layer: number): number {
    return layer * (this.scanFrames + this.params.layerGapFrames);
  }

  recoaterPlan(): RecoaterPlan {
    const gap = this.params.layerGapFrames;
    // Light comes on once the last spatter has settled and goes off well before the next layer.
    const sweepFrames = Math.max(4, Math.round((this.refWidth + 100) / 42));
    const onFrame = Math.min(Math.round(gap * 0.15), 120);
    const offFrame = Math.max(onFrame + 2 * sweepFrames + 10, gap - Math.min(Math.round(gap * 0.15), 120));
    return { onFrame, offFrame, sweepFrames };
  }

  /** Tracks and particles of one layer (built on first use, then cached). */
  layerPlan(layer: number): LayerPlan {
    let plan = this.layerCache.get(layer);
    if (!plan) {
      plan = this.buildLayer(layer);
      if (this.layerCache.size > 8) this.layerCache.clear();
      this.layerCache.set(layer, plan);
    }
    return plan;
  }

  /** Melt pool position at layer time t, or null while the laser is off. */
  meltPoolAt(layer: number, t: number): { x: number; y: number; dir: number } | null {
    const tracks = this.layerPlan(layer).tracks;
    let lo = 0;
    let hi = tracks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (tracks[mid]!.tStart <= t) lo = mid;
      else hi = mid - 1;
    }
    const tr = tracks[lo];
    if (!tr || t < tr.tStart || t >= tr.tEnd) return null;
    return { x: tr.x0 + tr.dir * tr.speed * (t - tr.tStart), y: tr.y, dir: tr.dir };
  }

  /** Particles glowing at some moment of the exposure of `frame`. */
  particlesAt(frame: number): Particle[] {
    const ph = this.phaseAt(frame);
    const layerT = (frame - this.layerStartFrame(ph.layer)) / this.params.fps;
    const expo = EXPOSURE / this.params.fps;
    const ps = this.layerPlan(ph.layer).particles;
    // particles are sorted by birth time
    let lo = 0;
    let hi = ps.length;
    const from = layerT - MAX_LIFE_UNITS * this.timeUnit;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ps[mid]!.t0 < from) lo = mid + 1;
      else hi = mid;
    }
    const out: Particle[] = [];
    for (let i = lo; i < ps.length; i++) {
      const p = ps[i]!;
      if (p.t0 > layerT + expo) break;
      if (p.t0 + p.life > layerT) out.push(p);
    }
    return out;
  }

  /** Renders frame `frame` as RGBA into `out` (allocated when absent) and returns it. */
  renderFrame(frame: number, out?: Uint8ClampedArray): Uint8ClampedArray {
    const { width, height, fps, seed } = this.params;
    if (frame < 0 || frame >= this.frameCount)
      throw new RangeError(`frame ${frame} is outside the scene (0..${this.frameCount - 1})`);
    this.canvas ??= new FrameCanvas(width, height, seed);
    const c = this.canvas;
    c.clear();
    const ph = this.phaseAt(frame);
    const s = this.scale;
    const layerT = (frame - this.layerStartFrame(ph.layer)) / fps;
    const expo = EXPOSURE / fps;

    // Melt pool: its plume and glow, smeared along the track during the exposure.
    const a = this.meltPoolAt(ph.layer, layerT);
    const b = this.meltPoolAt(ph.layer, layerT + expo);
    const L = FOUNTAIN_SIZE * s;
    if (a) {
      const e = b ?? a;
      const rc = meltPoolCore(L, this.params.gasFlow);
      drawMeltPool(
        c,
        ((a.x + e.x) / 2) * s,
        a.y * s,
        rc,
        L,
        this.params.gasFlow,
        DOWNSTREAM,
        1,
        Math.abs(e.x - a.x) * s,
      );
    }

    // Spatter: each particle drawn as the path it covers while the shutter is open.
    const u = this.timeUnit;
    for (const p of this.particlesAt(frame)) {
      const t1 = Math.max(0, layerT - p.t0);
      const t2 = Math.min(p.life, layerT + expo - p.t0);
      if (t2 > t1) drawParticle(c, p, t1 / u, t2 / u);
    }

    // Recoater light between layers.
    let blueFrom = 0;
    let blueTo = 0;
    if (ph.kind === 'gap') [blueFrom, blueTo] = this.recoaterBand(ph.frame);
    const develop: DevelopOptions = { gain: 1, bloom: 0.4, bloomRadius: 3 * s, blueFrom, blueTo };
    return c.develop(frame, develop, out);
  }

  /** The x range (px) lit by the recoater's blue light in gap frame g; empty when the light is off. */
  recoaterBand(g: number): [number, number] {
    const { onFrame, offFrame, sweepFrames } = this.recoaterPlan();
    if (g < onFrame || g >= offFrame) return [0, 0];
    const W = this.params.width;
    const bw = Math.round(90 * this.scale);
    const parkedLeft = -bw + Math.round(40 * this.scale);
    const parkedRight = W - Math.round(40 * this.scale);
    const travel = parkedRight - parkedLeft;
    const t = g - onFrame;
    const back = offFrame - onFrame - sweepFrames;
    let x: number;
    if (t < sweepFrames) x = parkedLeft + (travel * t) / sweepFrames;
    else if (t < back) x = parkedRight;
    else x = parkedRight - (travel * (t - back)) / sweepFrames;
    x = Math.max(parkedLeft, Math.min(parkedRight, x));
    return [Math.round(x), Math.round(x) + bw];
  }

  private buildLayer(layer: number): LayerPlan {
    const rng = new SeededRandom(hashSeed(this.params.seed, layer, 0x5eed));
    const W = this.refWidth;
    const tScan = this.scanFrames / this.params.fps;
    const tracks: Track[] = [];
    let t = rng.uniform(0.05, 0.3);
    let dir = rng.next() < 0.5 ? 1 : -1;
    while (t < tScan) {
      const len = rng.uniform(0.2, 0.55) * W;
      const speed = rng.uniform(220, 300);
      const x0 = dir > 0 ? rng.uniform(0.08 * W, 0.92 * W - len) : rng.uniform(0.08 * W + len, 0.92 * W);
      const dur = len / speed;
      const y = this.bedY + rng.uniform(-8, 8);
      tracks.push({ tStart: t, tEnd: Math.min(tScan, t + dur), x0, dir, y, speed });
      t += dur + rng.uniform(0.08, 0.3); // laser off while the scanner jumps
      dir = -dir;
    }
    const particles: Particle[] = [];
    const rate = this.params.spatterRate * visibleSpatterShare(this.params.gasFlow);
    const s = this.scale;
    if (rate > 0) {
      for (const tr of tracks) {
        let te = tr.tStart + rng.exponential(rate);
        while (te < tr.tEnd) {
          const x = tr.x0 + tr.dir * tr.speed * (te - tr.tStart);
          particles.push(
            ejectParticle(rng, te, {
              x: x * s,
              y: tr.y * s,
              gasFlow: this.params.gasFlow,
              downstream: DOWNSTREAM,
              L: FOUNTAIN_SIZE * s,
              tiltDeg: 0,
              squeeze: 1,
              bedY: (tr.y + 6) * s,
              timeUnit: this.timeUnit,
            }),
          );
          te += rng.exponential(rate);
        }
      }
    }
    return { tracks, particles };
  }
}
