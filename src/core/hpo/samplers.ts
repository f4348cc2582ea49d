// Samplers: random, grid and TPE (Optuna's TPESampler defaults: 10 random start-up trials, gamma(n) =
// min(ceil(0.1 n), 25), 24 EI candidates, Parzen estimators with a prior of weight 1 and the magic clip;
// optionally multivariate, and the constant liar that counts running trials as the worst so two trials in
// flight do not draw the same point).
import { createRng, type Rng } from '../train/rng';
import { logSumExp, logTruncNormPdf, pick, truncNormal } from './stats';
import {
  choiceIndex,
  contains,
  fromWorking,
  toWorking,
  workingBounds,
  type Distribution,
  type Params,
  type SearchSpace,
} from './space';
import type { Direction, Trial } from './study';

export type SamplerKind = 'tpe' | 'random' | 'grid';

export interface SamplerSpec {
  kind: SamplerKind;
  seed: number;
  /** TPE: one joint Parzen estimator over all parameters instead of one per parameter. */
  multivariate?: boolean;
  /** TPE: running trials count as the worst observations (for trials run in parallel). */
  constantLiar?: boolean;
  /** TPE: random trials before the model is used (Optuna: 10). */
  nStartupTrials?: number;
  /** TPE: candidates scored per draw (Optuna: 24). */
  nEiCandidates?: number;
}

export interface SampleContext {
  direction: Direction;
  seed: number;
}

export const TPE_DEFAULTS = { nStartupTrials: 10, nEiCandidates: 24, priorWeight: 1 } as const;

type Numeric = Exclude<Distribution, { type: 'categorical' }>;

function randomValue(d: Distribution, rng: Rng): number | string | boolean {
  if (d.type === 'categorical') return d.choices[rng.int(d.choices.length)]!;
  const [lo, hi] = workingBounds(d);
  return fromWorking(d, rng.uniform(lo, hi));
}

export function sampleRandom(space: SearchSpace, rng: Rng): Params {
  const out: Params = {};
  for (const [k, d] of Object.entries(space)) out[k] = randomValue(d, rng);
  return out;
}

// ---- grid ----

const GRID_POINTS = 5;

/** The values a grid visits for one parameter (floats: 5 points, evenly spaced on their scale). */
export function gridValues(d: Distribution): (number | string | boolean)[] {
  if (d.type === 'categorical') return d.choices;
  const count = d.step !== null && !d.log ? Math.floor((d.high - d.low) / d.step + 1e-9) + 1 : Infinity;
  if (count <= 10) return Array.from({ length: count }, (_, i) => fromWorking(d, d.low + i * d.step!));
  const lo = toWorking(d, d.low);
  const hi = toWorking(d, d.high);
  const vals = Array.from({ length: GRID_POINTS }, (_, i) =>
    fromWorking(d, lo + ((hi - lo) * i) / (GRID_POINTS - 1)),
  );
  return [...new Set(vals)];
}

function sampleGrid(space: SearchSpace, trials: readonly Trial[], seed: number): Params | null {
  const keys = Object.keys(space);
  const axes = keys.map((k) => gridValues(space[k]!));
  const total = axes.reduce((n, a) => n * a.length, 1);
  const seen = new Set(trials.map((t) => keys.map((k) => String(t.params[k])).join('\u0001')));
  // a seeded visiting order, so two studies with different seeds explore the grid differently
  const order = Array.from({ length: total }, (_, i) => i);
  const rng = createRng(seed);
  for (let i = total - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  for (const idx of order) {
    let rest = idx;
    const p: Params = {};
    keys.forEach((k, i) => {
      const axis = axes[i]!;
      p[k] = axis[rest % axis.length]!;
      rest = Math.floor(rest / axis.length);
    });
    if (!seen.has(keys.map((k) => String(p[k])).join('\u0001'))) return p;
  }
  return null;
}

// ---- TPE ----

export function tpeGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/** Optuna's default_weights: flat for the 25 latest observations, a ramp for older ones. */
export function tpeWeights(n: number): number[] {
  if (n === 0) return [];
  if (n < 25) return new Array<number>(n).fill(1);
  const ramp = Array.from({ length: n - 25 }, (_, i) =>
    n - 25 === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (n - 26),
  );
  return [...ramp, ...new Array<number>(25).fill(1)];
}

/** Trials ranked best first: completed by value, pruned by how far they got then their last value, running last. */
export function rankForTpe(trials: readonly Trial[], direction: Direction, constantLiar: boolean): Trial[] {
  const sign = direction === 'maximize' ? -1 : 1;
  const complete = trials.filter((t) => t.state === 'complete' && t.value !== null);
  complete.sort((a, b) => sign * (a.value! - b.value!) || a.number - b.number);
  const pruned = trials.filter((t) => t.state === 'pruned');
  const last = (t: Trial) => t.intermediate[t.intermediate.length - 1];
  pruned.sort((a, b) => {
    const la = last(a);
    const lb = last(b);
    if (!la || !lb) return la ? -1 : lb ? 1 : 0;
    return lb.step - la.step || sign * (la.value - lb.value);
  });
  const running = constantLiar ? trials.filter((t) => t.state === 'running') : [];
  return [...complete, ...pruned, ...running];
}

/** One mixture of kernels over all parameters (a product kernel per observation, plus the prior). */
interface Parzen {
  weights: number[];
  /** Per parameter: the kernel parameters, one per component. */
  numeric: Map<string, { d: Numeric; low: number; high: number; mus: number[]; sigmas: number[] }>;
  categorical: Map<string, { d: Extract<Distribution, { type: 'categorical' }>; probs: number[][] }>;
}

function buildParzen(space: SearchSpace, obs: Params[], multivariate: boolean): Parzen {
  const n = obs.length;
  const w = [...tpeWeights(n), TPE_DEFAULTS.priorWeight];
  const total = w.reduce((a, b) => a + b, 0);
  const p: Parzen = { weights: w.map((x) => x / total), numeric: new Map(), categorical: new Map() };
  const dims = Object.keys(space).length;
  for (const [k, d] of Object.entries(space)) {
    if (d.type === 'categorical') {
      const m = d.choices.length;
      const probs = obs.map((o) => {
        const row = new Array<number>(m).fill(TPE_DEFAULTS.priorWeight / (n + 1));
        const i = choiceIndex(d, o[k]!);
        if (i >= 0) row[i]! += 1;
        const s = row.reduce((a, b) => a + b, 0);
        return row.map((x) => x / s);
      });
      probs.push(new Array<number>(m).fill(1 / m));
      p.categorical.set(k, { d, probs });
      continue;
    }
    const [low, high] = workingBounds(d);
    const span = high - low;
    const mus = obs.map((o) => Math.min(high, Math.max(low, toWorking(d, o[k] as number))));
    const priorMu = 0.5 * (low + high);
    let sigmas: number[];
    if (multivariate) {
      const s = 0.2 * Math.pow(Math.max(n, 1), -1 / (dims + 4)) * span;
      sigmas = mus.map(() => s);
    } else {
      // distance to the farther neighbour (with the prior among the points, the bounds as end points)
      const all = [...mus, priorMu];
      const order = all.map((_, i) => i).sort((a, b) => all[a]! - all[b]!);
      const sorted = [low, ...order.map((i) => all[i]!), high];
      const sig = new Array<number>(all.length);
      order.forEach((idx, j) => {
        sig[idx] = Math.max(sorted[j + 1]! - sorted[j]!, sorted[j + 2]! - sorted[j + 1]!);
      });
      if (sorted.length >= 4) {
        sig[order[0]!] = sorted[2]! - sorted[1]!;
        sig[order[order.length - 1]!] = sorted[sorted.length - 2]! - sorted[sorted.length - 3]!;
      }
      sigmas = sig.slice(0, n);
    }
    const minSigma = span / Math.min(100, 1 + n + 1);
    sigmas = sigmas.map((s) => Math.min(span, Math.max(minSigma, s)));
    p.numeric.set(k, { d, low, high, mus: [...mus, priorMu], sigmas: [...sigmas, span] });
  }
  return p;
}

/** Draw `count` points from the mixture (joint: one component per point for every parameter). */
function drawParzen(p: Parzen, count: number, rng: Rng, joint: boolean): Record<string, number>[] {
  const out: Record<string, number>[] = [];
  for (let i = 0; i < count; i++) {
    const comp = pick(rng, p.weights);
    const x: Record<string, number> = {};
    for (const [k, e] of p.numeric) {
      const c = joint ? comp : pick(rng, p.weights);
      x[k] = truncNormal(rng, e.mus[c]!, e.sigmas[c]!, e.low, e.high);
    }
    for (const [k, e] of p.categorical) {
      const c = joint ? comp : pick(rng, p.weights);
      x[k] = pick(rng, e.probs[c]!);
    }
    out.push(x);
  }
  return out;
}

/** Log density of a point: joint over every parameter (multivariate) or of one parameter `only`. */
function logPdf(p: Parzen, x: Record<string, number>, only?: string): number {
  const terms = p.weights.map((w, c) => {
    let s = Math.log(w);
    for (const [k, e] of p.numeric) {
      if (only !== undefined && k !== only) continue;
      s += logTruncNormPdf(x[k]!, e.mus[c]!, e.sigmas[c]!, e.low, e.high);
    }
    for (const [k, e] of p.categorical) {
      if (only !== undefined && k !== only) continue;
      s += Math.log(Math.max(e.probs[c]![x[k]!]!, 1e-300));
    }
    return s;
  });
  return logSumExp(terms);
}

function toParams(space: SearchSpace, x: Record<string, number>): Params {
  const out: Params = {};
  for (const [k, d] of Object.entries(space)) {
    out[k] = d.type === 'categorical' ? d.choices[x[k]!]! : fromWorking(d, x[k]!);
  }
  return out;
}

function sampleTpe(
  spec: SamplerSpec,
  space: SearchSpace,
  trials: readonly Trial[],
  ctx: SampleContext,
  rng: Rng,
): Params {
  const liar = spec.constantLiar ?? false;
  const startup = spec.nStartupTrials ?? TPE_DEFAULTS.nStartupTrials;
  const ranked = rankForTpe(trials, ctx.direction, liar);
  // as in Optuna: the start-up count and gamma ignore running trials (the liar only adds them to the worst)
  const n = ranked.filter((t) => t.state !== 'running').length;
  if (n < startup) return sampleRandom(space, rng);
  const nBelow = tpeGamma(n);
  const belowSet = new Set(ranked.slice(0, nBelow));
  // observations in trial order (the weights favour recent trials), only those inside the current space
  const byNumber = [...ranked].sort((a, b) => a.number - b.number);
  const candidates = spec.nEiCandidates ?? TPE_DEFAULTS.nEiCandidates;
  const multivariate = spec.multivariate ?? false;
  const fits = (t: Trial, keys: string[]) =>
    keys.every((k) => t.params[k] !== undefined && contains(space[k]!, t.params[k]!));
  const chooseIn = (sub: SearchSpace): Params => {
    const keys = Object.keys(sub);
    const obs = byNumber.filter((t) => fits(t, keys));
    const below = obs.filter((t) => belowSet.has(t)).map((t) => t.params);
    const above = obs.filter((t) => !belowSet.has(t)).map((t) => t.params);
    const l = buildParzen(sub, below, multivariate);
    const g = buildParzen(sub, above, multivariate);
    const xs = drawParzen(l, candidates, rng, multivariate);
    let best = xs[0]!;
    let bestScore = -Infinity;
    for (const x of xs) {
      const score = logPdf(l, x) - logPdf(g, x);
      if (score > bestScore) {
        bestScore = score;
        best = x;
      }
    }
    return toParams(sub, best);
  };
  if (multivariate) return chooseIn(space);
  const out: Params = {};
  for (const [k, d] of Object.entries(space)) Object.assign(out, chooseIn({ [k]: d }));
  return out;
}

/** The next trial's parameters; null when a grid has visited every point. */
export function sampleParams(
  spec: SamplerSpec,
  space: SearchSpace,
  trials: readonly Trial[],
  ctx: SampleContext,
): Params | null {
  const rng = createRng(ctx.seed);
  switch (spec.kind) {
    case 'random':
      return sampleRandom(space, rng);
    case 'grid':
      return sampleGrid(space, trials, spec.seed);
    case 'tpe':
      return sampleTpe(spec, space, trials, ctx, rng);
  }
}

// the single-parameter log density is exported for tests of the estimator's shape
export { logPdf as parzenLogPdf, buildParzen };
