// Spatter physics of the synthetic scenes: ejection from the melt pool, ballistic flight under gravity with a
// linear drag toward the gas flow, and cooling. Trajectories are closed-form so any frame can be drawn
// without stepping through the ones before it. Units: pixels of a 360-pixel-high view, seconds.
import type { SeededRandom } from './prng';

/** Gravity in reference pixels per s² (a view ~40 mm high: 9 m/s² ≈ 900 px/s²... scaled for visible arcs). */
export const GRAVITY = 900;
/** Gas flow speed (m/s) to drift speed of the gas, reference px/s. */
export const FLOW_PX_PER_MPS = 260;
/** Below this glow a particle is too cold to see. */
export const VISIBLE_GLOW = 0.12;
/** No particle lives longer than this (keeps frame look-ups bounded). */
export const MAX_LIFE_S = 3;

export interface Particle {
  /** Birth time within its layer, s. */
  t0: number;
  x0: number;
  y0: number;
  /** Initial velocity, px/s; y grows downward as in the image, so upward ejection has vy0 < 0. */
  vx0: number;
  vy0: number;
  radius: number;
  /** Drag rate, 1/s: small particles follow the gas sooner. */
  k: number;
  /** Gas drift the particle relaxes toward, px/s along +x (downstream). */
  wind: number;
  /** Cooling time constant, s. */
  tau: number;
  /** Initial glow, ~1 (saturates the sensor). */
  glow: number;
  /** Time from birth until it cools, lands or leaves the view, s. */
  life: number;
  /** Ejection angle, degrees from the +x axis, 90 = straight up. */
  angleDeg: number;
}

export interface EjectionContext {
  x: number;
  y: number;
  /** Scan direction of the laser, +1 or -1 along x. */
  scanDir: number;
  gasFlow: number;
  /** Where the powder bed surface is (particles land there). */
  bedY: number;
  /** View bounds (reference px). */
  width: number;
}

/** Draws one spatter particle leaving the melt pool. Size and speed are anti-correlated. */
export function ejectParticle(rng: SeededRandom, t0: number, ctx: EjectionContext): Particle {
  const radius = Math.min(4.2, Math.max(0.9, rng.logNormal(1.7, 0.32)));
  const speed = 560 * Math.pow(1.7 / radius, 0.8) * rng.logNormal(1, 0.22);
  // Mostly upward, tilted slightly against the scan direction (spatter trails the moving melt pool) and
  // downstream as the gas flow bends the vapour plume that carries it.
  const angleDeg = rng.truncatedNormal(90 - 6 * ctx.scanDir - 5 * ctx.gasFlow, 12, 45, 135);
  const a = (angleDeg * Math.PI) / 180;
  const wind = ctx.gasFlow * FLOW_PX_PER_MPS;
  // A faster gas drags harder (drag grows with the relative speed); small particles feel it most.
  const k = (0.9 + 1.1 * ctx.gasFlow) / (radius / 1.7);
  // Convective cooling: a faster gas cools spatter sooner, which also shortens its visible path.
  const tau = (0.34 * Math.pow(radius / 1.7, 1.5) * rng.logNormal(1, 0.3)) / (1 + 0.35 * ctx.gasFlow);
  const p: Particle = {
    t0,
    x0: ctx.x + rng.normal(0, 1.5),
    y0: ctx.y - 2,
    vx0: speed * Math.cos(a),
    vy0: -speed * Math.sin(a),
    radius,
    k,
    wind,
    tau,
    glow: rng.uniform(0.85, 1.25),
    life: 0,
    angleDeg,
  };
  p.life = lifeOf(p, ctx.bedY, ctx.width);
  return p;
}

/** Position after dt seconds of flight (closed form of dv/dt = k (wind − v) + g). */
export function positionAt(p: Particle, dt: number, out: { x: number; y: number }): void {
  const e = Math.exp(-p.k * dt);
  const f = (1 - e) / p.k;
  const vT = GRAVITY / p.k;
  out.x = p.x0 + p.wind * dt + (p.vx0 - p.wind) * f;
  out.y = p.y0 + vT * dt + (p.vy0 - vT) * f;
}

/** Glow after dt seconds (exponential cooling). */
export function glowAt(p: Particle, dt: number): number {
  return p.glow * Math.exp(-dt / p.tau);
}

function lifeOf(p: Particle, bedY: number, width: number): number {
  // Cooling sets an upper bound in closed form; flight is stepped only up to it.
  const cool = Math.min(MAX_LIFE_S, p.glow > VISIBLE_GLOW ? p.tau * Math.log(p.glow / VISIBLE_GLOW) : 0);
  const pos = { x: 0, y: 0 };
  const step = 0.01;
  let rising = true;
  for (let t = step; t < cool; t += step) {
    positionAt(p, t, pos);
    if (rising && pos.y > p.y0 - 1 && t > 0.05) rising = false;
    if (!rising && pos.y >= bedY) return t;
    if (pos.x < -40 || pos.x > width + 40 || pos.y < -60) return t;
  }
  return cool;
}
