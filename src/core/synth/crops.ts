// Spatter crops made directly, without a video, looking like the research's crops: a melt pool with its plume
// and glow near the bottom, and the spatter around it drawn as the paths the particles cover while the
// shutter is open (streaks), coloured by temperature and developed with bloom, roll-off, noise and softness.
// The crop's size is drawn from the research's crop statistics (research-stats.ts) and the camera position
// (left/mid/right) sets the view. Gas flow drives the look: drag sweeps the streaks downstream and cools them
// sooner, so a high flow gives fewer, dimmer, swept streaks and a smaller plume, a low flow a tall bright
// fountain with fall-back. Each crop depends only on (seed, class, index[, view]): any range, any order.
import {
  CROP_EXPOSURE_UNITS,
  drawMeltPool,
  drawParticle,
  ejectParticle,
  flowStrength,
  meltPoolCore,
  visibleSpatterShare,
} from './physics';
import { hashSeed, SeededRandom } from './prng';
import { GAS_FLOW, type FlowClass } from './params';
import { FrameCanvas, type DevelopOptions } from './render';
import { RESEARCH_CROP_STATS } from './research-stats';

/** Per-class gas flow of the crops, m/s. The spreads make the classes overlap, as real builds do: a crop of a
 *  "low" build in a gust looks like a "high" one, so a classifier cannot be perfect. */
export const CROP_FLOW: Record<FlowClass, { mean: number; sd: number }> = {
  low: { mean: GAS_FLOW.low, sd: 0.3 },
  high: { mean: GAS_FLOW.high, sd: 0.5 },
};

export type CameraView = 'left' | 'mid' | 'right';
export const CAMERA_VIEWS: readonly CameraView[] = ['left', 'mid', 'right'];

/** How each camera position sees the build: which way the gas carries spatter on the image (+1 right), how
 *  much the view foreshortens horizontal motion, the tilt of "up" (degrees) and a log aspect shift (the left
 *  camera sees narrower, taller crops). */
export const VIEW_GEOMETRY: Record<
  CameraView,
  { downstream: number; squeeze: number; tilt: number; aspect: number }
> = {
  left: { downstream: -1, squeeze: 0.78, tilt: 5, aspect: -0.22 },
  mid: { downstream: -1, squeeze: 1, tilt: 0, aspect: 0.12 },
  right: { downstream: 1, squeeze: 0.9, tilt: -5, aspect: 0.04 },
};

/** Fraction of crops that are all black (research: 1–2%: the extractor cut a frame where nothing glowed). */
export const BLACK_CROP_RATE = 0.015;

export interface SpatterCrop {
  width: number;
  height: number;
  /** RGBA, width x height. */
  rgba: Uint8ClampedArray;
  flow: FlowClass;
  /** The gas flow this crop was simulated with, m/s. */
  gasFlow: number;
  /** Crop area, px² (width x height). */
  area: number;
  view: CameraView;
  /** An all-black crop (nothing glowing). */
  black: boolean;
  /** Mean grey of the pixels (OpenCV's grey weights), 0..255. */
  meanGrey: number;
}

/** Room around the crop on the canvas, so streaks and bloom run on past its edges as in a cut frame. */
const MARGIN = 24;
const FLOW_INDEX: Record<FlowClass, number> = { low: 0, high: 1 };
const VIEW_INDEX: Record<CameraView, number> = { left: 0, mid: 1, right: 2 };

export class CropGenerator {
  private readonly canvas: FrameCanvas;

  constructor(readonly seed: number) {
    this.canvas = new FrameCanvas(
      RESEARCH_CROP_STATS.width.max + 2 * MARGIN,
      RESEARCH_CROP_STATS.height.max + 2 * MARGIN,
      seed,
    );
  }

  /** Crop number `index` of class `flow` (deterministic); the camera view is drawn at random unless given. */
  cropAt(flow: FlowClass, index: number, view?: CameraView): SpatterCrop {
    const rng = new SeededRandom(
      hashSeed(this.seed, FLOW_INDEX[flow], index, view ? VIEW_INDEX[view] + 1 : 0),
    );
    const cls = CROP_FLOW[flow];
    const gasFlow = rng.truncatedNormal(cls.mean, cls.sd, 0.05, 4.5);
    const v = view ?? CAMERA_VIEWS[rng.int(3)]!;
    const geo = VIEW_GEOMETRY[v];
    // 0 at the low setting, ~1 at the high one
    const f = flowStrength(gasFlow);
    const { width: w, height: h } = cropSize(rng, f, geo.aspect);
    const black = rng.next() < BLACK_CROP_RATE;
    const c = this.canvas;
    c.clear();
    let develop: DevelopOptions = { gain: 1, bloom: 0, bloomRadius: 1 };
    if (!black) develop = this.drawSpatter(rng, gasFlow, w, h, geo);
    const rgba = c.developRect(hashSeed(index, FLOW_INDEX[flow]), develop, MARGIN, MARGIN, w, h);
    return {
      width: w,
      height: h,
      rgba,
      flow,
      gasFlow,
      area: w * h,
      view: v,
      black,
      meanGrey: meanGrey(rgba),
    };
  }

  private drawSpatter(
    rng: SeededRandom,
    gasFlow: number,
    w: number,
    h: number,
    geo: (typeof VIEW_GEOMETRY)[CameraView],
  ): DevelopOptions {
    const c = this.canvas;
    const f = flowStrength(gasFlow);
    const ds = geo.downstream * (rng.next() < 0.12 ? -1 : 1);
    const sq = geo.squeeze;
    // Melt pool near the bottom; under a strong flow it sits upstream, its spatter carried across the crop.
    const cx = MARGIN + w * clamp(0.5 - ds * (0.04 + 0.28 * f) + rng.normal(0, 0.08), 0.1, 0.9);
    const cy = MARGIN + h * rng.uniform(0.8, 0.93);
    const L = 0.45 * h + 0.35 * w;
    // Camera exposure varies from build to build: one cause of the classes' overlap.
    const gain = rng.logNormal(1, 0.15);

    // Plume and glow of the melt pool.
    const rc = meltPoolCore(L, gasFlow) * rng.logNormal(1, 0.2);
    drawMeltPool(c, cx, cy, rc, L, gasFlow, ds, sq);

    // Spatter: particles of random age at the shutter's opening, each drawn over the exposure: mostly young
    // ones (rays from the pool), some older ones arcing back down.
    const n = Math.round(rng.logNormal(42 * visibleSpatterShare(gasFlow), 0.25));
    const ctx = {
      x: cx,
      y: cy,
      gasFlow,
      downstream: ds,
      L,
      tiltDeg: geo.tilt,
      squeeze: sq,
      bedY: cy + 0.06 * h,
      timeUnit: 1,
    };
    for (let i = 0; i < n; i++) {
      const p = ejectParticle(rng, 0, ctx);
      const age = rng.next() < 0.75 ? Math.min(1.7, rng.exponential(4)) : rng.uniform(0, 1.7);
      if (age < p.life) drawParticle(c, p, age, Math.min(p.life, age + CROP_EXPOSURE_UNITS));
    }
    return { gain, bloom: 0.45 * (1 - 0.3 * Math.min(1, f)), bloomRadius: Math.max(2, L * 0.035) };
  }
}

/** Width and height drawn from the research's distributions: log-normal area, log-normal aspect; high flow
 *  makes wider (swept) crops, low flow taller ones. */
function cropSize(rng: SeededRandom, f: number, viewAspect: number): { width: number; height: number } {
  const S = RESEARCH_CROP_STATS;
  const lnArea = clamp(rng.normal(9.27 + 0.12 * (0.5 - f), 0.6), Math.log(S.area.min), Math.log(S.area.max));
  const lnAspect = rng.normal(0.26 + 0.5 * (f - 0.45) + viewAspect, 0.28);
  const area = Math.exp(lnArea);
  const aspect = Math.exp(lnAspect);
  const width = Math.round(clamp(Math.sqrt(area * aspect), S.width.min, S.width.max));
  const height = Math.round(clamp(Math.sqrt(area / aspect), S.height.min, S.height.max));
  return { width, height };
}

/** Mean grey (OpenCV's BGR2GRAY weights) of RGBA pixels. */
export function meanGrey(rgba: Uint8ClampedArray | Uint8Array): number {
  let s = 0;
  for (let i = 0; i < rgba.length; i += 4)
    s += 0.299 * rgba[i]! + 0.587 * rgba[i + 1]! + 0.114 * rgba[i + 2]!;
  return s / Math.max(1, rgba.length / 4);
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
