// Spatter physics shared by the synthetic crops and videos: ejection from the melt pool (mostly upward, size and
// speed anti-correlated), flight under gravity with a linear drag toward the gas flow, and cooling, in closed
// form so any moment can be drawn without stepping through the ones before it; and how a particle and the melt
// pool are drawn (a streak over the exposure, brightness by temperature and size; a plume with its glow).
// Lengths are in pixels, scaled by the fountain size L; time in units of `timeUnit` seconds (1 for crops).
import type { SeededRandom } from './prng';
import type { FrameCanvas } from './render';

/** Below this temperature (0..1) a particle is too dim to see. */
export const VISIBLE_TEMP = 0.3;
/** The exposure of a crop, in time units (videos pick their time unit so that theirs spans the same). */
export const CROP_EXPOSURE_UNITS = 0.7;
/** No particle lives longer than this many time units (keeps frame look-ups bounded). */
export const MAX_LIFE_UNITS = 3;

export interface Particle {
  /** Birth time, in the caller's clock (seconds for videos, time units for crops). */
  t0: number;
  x0: number;
  y0: number;
  /** Initial velocity, px per time unit; y grows downward as in the image, so upward ejection has vy0 < 0. */
  vx0: number;
  vy0: number;
  /** Drag rate, 1 / time unit: small particles follow the gas sooner. */
  k: number;
  /** Gas drift the particle relaxes toward, px / time unit along +x. */
  wind: number;
  /** Gravity, px / time unit². */
  g: number;
  /** Foreshortening of horizontal motion by the camera's view. */
  squeeze: number;
  /** Cooling time constant, time units. */
  tau: number;
  /** Temperature at ejection (1 = white-hot). */
  temp0: number;
  /** Light per time unit at temperature 1. */
  power: number;
  /** Drawn radius, px. */
  radius: number;
  /** Relative size (1 = median). */
  size: number;
  /** Where it lands (px, image y). */
  bedY: number;
  /** Seconds per time unit of this particle's clock. */
  timeUnit: number;
  /** Time from birth until it cools, lands or leaves far, in the caller's clock. */
  life: number;
  /** Ejection angle from vertical, degrees, positive toward +x. */
  angleDeg: number;
}

export interface EjectionContext {
  /** Melt pool position, px. */
  x: number;
  y: number;
  /** Gas flow, m/s (the research's "low" ≈ 0.6, "high" ≈ 2.4). */
  gasFlow: number;
  /** Direction the gas carries spatter on the image, +1 toward +x, -1 toward -x. */
  downstream: number;
  /** Fountain size, px. */
  L: number;
  /** Tilt of the view's "up", degrees. */
  tiltDeg: number;
  squeeze: number;
  bedY: number;
  /** Seconds per time unit (1 for crops: their clock is in time units). */
  timeUnit: number;
}

/** How strongly the gas acts: 0 at a very low flow, ~1 at the research's high setting. */
export function flowStrength(gasFlow: number): number {
  return Math.max(0, Math.min(1.4, (gasFlow - 0.3) / 2.3));
}

/** Share of the spatter that shows: a strong gas flow carries most of it away cold before it is seen (high flow
 *  gives fewer streaks). Crops and videos both thin their spatter by it. */
export function visibleSpatterShare(gasFlow: number): number {
  return 1 - 0.8 * Math.min(1, flowStrength(gasFlow));
}

/** Draws one spatter particle leaving the melt pool at time t0. */
export function ejectParticle(rng: SeededRandom, t0: number, ctx: EjectionContext): Particle {
  const f = flowStrength(ctx.gasFlow);
  const f1 = Math.min(1, f);
  const L = ctx.L;
  const size = rng.logNormal(1, 0.35);
  const speed = L * 1.3 * Math.pow(size, -0.6) * rng.logNormal(1, 0.3);
  // Mostly upward, leaning downstream as the gas bends the vapour plume that carries the spatter.
  const angleDeg = ctx.tiltDeg + rng.truncatedNormal(ctx.downstream * (6 + 18 * f), 30 - 8 * f1, -82, 82);
  const a = (angleDeg * Math.PI) / 180;
  // A faster gas drags harder and cools sooner; small particles feel it most.
  const k = (0.35 + 1.7 * f) / size;
  const tau = ((1.05 - 0.3 * f1) * Math.pow(size, 1.2) * rng.logNormal(1, 0.25)) / (1 + 0.2 * f);
  const p: Particle = {
    t0,
    x0: ctx.x + rng.normal(0, L * 0.02),
    y0: ctx.y - L * 0.015,
    vx0: speed * Math.sin(a),
    vy0: -speed * Math.cos(a),
    k,
    wind: ctx.downstream * f * 2 * L,
    g: 0.85 * L,
    squeeze: ctx.squeeze,
    tau,
    temp0: rng.uniform(0.9, 1.1),
    power: 1.9 * L * size * size,
    radius: Math.min(1.3, Math.max(0.3, 0.35 * size)) * Math.sqrt(L / 100),
    size,
    bedY: ctx.bedY,
    timeUnit: ctx.timeUnit,
    life: 0,
    angleDeg,
  };
  p.life = lifeOf(p) * ctx.timeUnit;
  return p;
}

/** Position after dt time units of flight (closed form of dv/dt = k (wind − v) + g). */
export function positionAt(p: Particle, dt: number, out: { x: number; y: number }): void {
  const e = (1 - Math.exp(-p.k * dt)) / p.k;
  const vT = p.g / p.k;
  out.x = p.x0 + p.squeeze * (p.wind * dt + (p.vx0 - p.wind) * e);
  out.y = p.y0 + vT * dt + (p.vy0 - vT) * e;
}

/** Temperature after dt time units (exponential cooling). */
export function temperatureAt(p: Particle, dt: number): number {
  return p.temp0 * Math.exp(-dt / p.tau);
}

/** Time units until it has cooled below visible or landed. */
function lifeOf(p: Particle): number {
  const cool = Math.min(
    MAX_LIFE_UNITS,
    p.temp0 > VISIBLE_TEMP ? p.tau * Math.log(p.temp0 / VISIBLE_TEMP) : 0,
  );
  const pos = { x: 0, y: 0 };
  const step = 0.02;
  for (let t = step; t < cool; t += step) {
    positionAt(p, t, pos);
    if (pos.y > p.bedY && t > 0.05) return t;
  }
  return cool;
}

/** Draws the particle's path between ages a1 and a2 (time units) as a streak, bright where hot and slow. */
export function drawParticle(c: FrameCanvas, p: Particle, a1: number, a2: number): void {
  const pos = { x: 0, y: 0 };
  const temp = (t: number) => temperatureAt(p, t);
  c.streak(
    a1,
    a2,
    p.radius,
    (t, out) => positionAt(p, t, out),
    (t) => {
      positionAt(p, t, pos);
      if (pos.y > p.bedY) return 0; // landed
      const T = temp(t);
      return p.power * T * T * T;
    },
    temp,
  );
}

/**
 * Draws the melt pool at (x, y): a saturated core `rc` px across (stretched by `smear` px along x, the pool's
 * travel during the exposure), a halo, the vapour column above it bent downstream by the gas flow, and the
 * bed lit around it. A strong flow makes all of it smaller and dimmer.
 */
export function drawMeltPool(
  c: FrameCanvas,
  x: number,
  y: number,
  rc: number,
  L: number,
  gasFlow: number,
  downstream: number,
  squeeze: number,
  smear = 0,
): void {
  const f = flowStrength(gasFlow);
  const f1 = Math.min(1, f);
  const hot = 1 - 0.55 * f1;
  c.glow(x, y, rc * (1 + 1.4 * f) * squeeze + smear / 2, rc * (1 - 0.4 * f1), 7 * (1 - 0.6 * f1), 1);
  c.glow(x + downstream * f * rc, y - 0.4 * rc, rc * 2.6 + smear / 2, rc * 2, 0.5 * hot * hot, 0.8);
  c.glow(
    x + downstream * f * L * 0.12,
    y - L * 0.16 * hot,
    L * (0.05 + 0.05 * f),
    L * 0.13 * hot,
    0.22 * hot,
    0.75,
  );
  c.glow(x, y + rc * 0.6, rc * 5 * squeeze + smear / 2, rc * 0.9, 0.18 * hot * hot, 0.5);
}

/** Core size of the melt pool's plume for a fountain of size L, px (before per-build variation). */
export function meltPoolCore(L: number, gasFlow: number): number {
  return L * (0.075 - 0.045 * Math.min(1, flowStrength(gasFlow)));
}
