// Parameter importance by PED-ANOVA (Watanabe et al., 2023, as in Optuna's PedAnovaImportanceEvaluator): for
// each parameter, the Pearson divergence between its density among the top 10 % of trials and among all
// trials — a parameter whose good values sit in a narrow part of its range matters. Densities are Gaussian
// kernel estimates on a 50-point grid (numeric) or smoothed frequencies (categorical). The uncertainty comes
// from a bootstrap over the trials: each resample gives normalised importances; the spread is reported.
import { createRng, type Rng } from '../train/rng';
import { mean, percentile, std } from './stats';
import { choiceIndex, contains, toWorking, workingBounds, type SearchSpace } from './space';
import type { Direction, Trial } from './study';

export interface Importance {
  param: string;
  /** Share of the total divergence on all trials (sums to 1 over the parameters). */
  value: number;
  /** Bootstrap mean, standard deviation and 10th/90th percentiles of the share. */
  mean: number;
  std: number;
  low: number;
  high: number;
}

export interface ImportanceOptions {
  /** Share of trials that count as top (PED-ANOVA's gamma'; Optuna: 0.1). */
  topQuantile?: number;
  bootstrap?: number;
  seed?: number;
}

const GRID = 50;
export const MIN_TRIALS_FOR_IMPORTANCE = 4;

function kde(values: number[], low: number, high: number): number[] {
  const n = values.length;
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean(values)) ** 2, 0) / Math.max(1, n - 1));
  // Scott's rule, floored so two top points do not make spikes between grid points
  const h = Math.max(1.06 * (sd || (high - low) / 4) * Math.pow(n, -0.2), (high - low) / 20);
  const out = new Array<number>(GRID).fill(0);
  for (let i = 0; i < GRID; i++) {
    const x = low + ((high - low) * (i + 0.5)) / GRID;
    for (const v of values) out[i]! += Math.exp(-0.5 * ((x - v) / h) ** 2);
  }
  const s = out.reduce((a, b) => a + b, 0) || 1;
  return out.map((p) => p / s);
}

function frequencies(idx: number[], m: number): number[] {
  const out = new Array<number>(m).fill(0.5);
  for (const i of idx) out[i]! += 1;
  const s = out.reduce((a, b) => a + b, 0);
  return out.map((p) => p / s);
}

function pearson(top: number[], all: number[]): number {
  let d = 0;
  for (let i = 0; i < all.length; i++) {
    if (all[i]! <= 1e-12) continue;
    const r = top[i]! / all[i]! - 1;
    d += all[i]! * r * r;
  }
  return d;
}

/** Raw divergences per parameter on one set of trials (completed, inside the space). */
function divergences(space: SearchSpace, trials: Trial[], direction: Direction, q: number): number[] {
  const sorted = [...trials].sort((a, b) =>
    direction === 'maximize' ? b.value! - a.value! : a.value! - b.value!,
  );
  const nTop = Math.max(2, Math.ceil(q * sorted.length));
  const top = sorted.slice(0, nTop);
  return Object.entries(space).map(([k, d]) => {
    if (d.type === 'categorical') {
      const m = d.choices.length;
      const idx = (ts: Trial[]) => ts.map((t) => choiceIndex(d, t.params[k]!)).filter((i) => i >= 0);
      return pearson(frequencies(idx(top), m), frequencies(idx(sorted), m));
    }
    const [low, high] = workingBounds(d);
    const w = (ts: Trial[]) => ts.map((t) => toWorking(d, t.params[k] as number));
    return pearson(kde(w(top), low, high), kde(w(sorted), low, high));
  });
}

function normalise(xs: number[]): number[] {
  const s = xs.reduce((a, b) => a + b, 0);
  return s > 0 ? xs.map((x) => x / s) : xs.map(() => 1 / xs.length);
}

/** Importances (best first) of the space's parameters over the completed trials; [] with too few trials. */
export function pedAnovaImportance(
  space: SearchSpace,
  trials: readonly Trial[],
  direction: Direction,
  opts: ImportanceOptions = {},
): Importance[] {
  const q = opts.topQuantile ?? 0.1;
  const keys = Object.keys(space);
  const usable = trials.filter(
    (t) =>
      t.state === 'complete' &&
      t.value !== null &&
      keys.every((k) => t.params[k] !== undefined && contains(space[k]!, t.params[k]!)),
  );
  if (usable.length < MIN_TRIALS_FOR_IMPORTANCE || keys.length === 0) return [];
  const point = normalise(divergences(space, usable, direction, q));
  const rng: Rng = createRng(opts.seed ?? 1);
  const b = opts.bootstrap ?? 50;
  const samples: number[][] = keys.map(() => []);
  for (let i = 0; i < b; i++) {
    const resample = usable.map(() => usable[rng.int(usable.length)]!);
    normalise(divergences(space, resample, direction, q)).forEach((v, j) => samples[j]!.push(v));
  }
  return keys
    .map((param, j) => ({
      param,
      value: point[j]!,
      mean: mean(samples[j]!),
      std: std(samples[j]!),
      low: percentile(samples[j]!, 10),
      high: percentile(samples[j]!, 90),
    }))
    .sort((a, b2) => b2.value - a.value);
}
