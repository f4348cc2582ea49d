// Small numerics for the study engine: the normal distribution, truncated-normal draws, log-sum-exp and
// percentiles (numpy's linear interpolation), so samplers and pruners behave like Optuna's.
import type { Rng } from '../train/rng';

/** erf, Abramowitz-Stegun 7.1.26 refined (|error| < 1.2e-7). */
export function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r : r - 1;
}

export function normalCdf(x: number): number {
  return 0.5 * (1 + erf(x / Math.SQRT2));
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** Log density of N(mu, sigma) truncated to [low, high] at x. */
export function logTruncNormPdf(x: number, mu: number, sigma: number, low: number, high: number): number {
  const z = normalCdf((high - mu) / sigma) - normalCdf((low - mu) / sigma);
  const u = (x - mu) / sigma;
  return -0.5 * u * u - LOG_SQRT_2PI - Math.log(sigma) - Math.log(Math.max(z, 1e-300));
}

export function gaussian(rng: Rng): number {
  const u = Math.max(rng.next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/** A draw from N(mu, sigma) truncated to [low, high] (rejection; clipped after many misses). */
export function truncNormal(rng: Rng, mu: number, sigma: number, low: number, high: number): number {
  for (let i = 0; i < 100; i++) {
    const x = mu + sigma * gaussian(rng);
    if (x >= low && x <= high) return x;
  }
  return Math.min(high, Math.max(low, mu));
}

export function logSumExp(xs: readonly number[]): number {
  let m = -Infinity;
  for (const x of xs) if (x > m) m = x;
  if (!Number.isFinite(m)) return m;
  let s = 0;
  for (const x of xs) s += Math.exp(x - m);
  return m + Math.log(s);
}

/** numpy.percentile with linear interpolation (q in 0..100). */
export function percentile(values: readonly number[], q: number): number {
  const v = [...values].sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const pos = ((v.length - 1) * q) / 100;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return v[lo]! + (v[hi]! - v[lo]!) * (pos - lo);
}

/** Index drawn with probability proportional to `weights`. */
export function pick(rng: Rng, weights: readonly number[]): number {
  let total = 0;
  for (const w of weights) total += w;
  let r = rng.next() * total;
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i]!;
    if (r < 0) return i;
  }
  return weights.length - 1;
}

export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}

export function std(xs: readonly number[]): number {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) * (b - m), 0) / Math.max(1, xs.length - 1));
}
