// Standard test functions for samplers (sphere, Branin, Rosenbrock) and the seeded TPE-vs-random comparison that
// both the unit tests and the `hpo` bench scenario run: how often TPE's best after N trials beats random's.
import { Study } from './study';
import type { SamplerSpec } from './samplers';
import type { Params, SearchSpace } from './space';

export interface TestFunction {
  name: string;
  space: SearchSpace;
  /** Minimised. */
  f(p: Params): number;
}

const x = (p: Params, k: string) => p[k] as number;

export const SPHERE: TestFunction = {
  name: 'sphere-3d',
  space: {
    x0: { type: 'float', low: -5, high: 5, log: false, step: null },
    x1: { type: 'float', low: -5, high: 5, log: false, step: null },
    x2: { type: 'float', low: -5, high: 5, log: false, step: null },
  },
  f: (p) => x(p, 'x0') ** 2 + x(p, 'x1') ** 2 + x(p, 'x2') ** 2,
};

export const BRANIN: TestFunction = {
  name: 'branin',
  space: {
    x0: { type: 'float', low: -5, high: 10, log: false, step: null },
    x1: { type: 'float', low: 0, high: 15, log: false, step: null },
  },
  f: (p) => {
    const a = x(p, 'x0');
    const b = x(p, 'x1');
    const t = b - (5.1 / (4 * Math.PI ** 2)) * a * a + (5 / Math.PI) * a - 6;
    return t * t + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(a) + 10;
  },
};

export const ROSENBROCK: TestFunction = {
  name: 'rosenbrock-2d',
  space: {
    x0: { type: 'float', low: -2, high: 2, log: false, step: null },
    x1: { type: 'float', low: -1, high: 3, log: false, step: null },
  },
  f: (p) => 100 * (x(p, 'x1') - x(p, 'x0') ** 2) ** 2 + (1 - x(p, 'x0')) ** 2,
};

/** A training-like objective: a log-scale learning rate that matters, a batch size that matters a little, a toggle that does not. */
export const HPO_LIKE: TestFunction = {
  name: 'hpo-like',
  space: {
    lr: { type: 'float', low: 1e-5, high: 1e-1, log: true, step: null },
    batch: { type: 'categorical', choices: [32, 64, 128, 256, 512] },
    flips: { type: 'categorical', choices: [false, true] },
  },
  f: (p) => (Math.log10(x(p, 'lr')) + 2.5) ** 2 + 0.1 * Math.abs(Math.log2(x(p, 'batch')) - 7),
};

/** Best value after `nTrials` trials of a sampler on a function (sequential ask/tell). */
export function runSampler(fn: TestFunction, sampler: SamplerSpec, nTrials: number): number {
  const study = new Study({ direction: 'minimize', space: fn.space, sampler, pruner: { kind: 'none' } });
  let best = Infinity;
  for (let i = 0; i < nTrials; i++) {
    const t = study.ask(i)!;
    const v = fn.f(t.params);
    study.tell(t.number, 'complete', v, '', i);
    best = Math.min(best, v);
  }
  return best;
}

export interface WinCount {
  fn: string;
  wins: number;
  seeds: number;
}

/** For each seed, TPE and random on the same function: how many seeds TPE ends strictly better. */
export function tpeVsRandom(
  fn: TestFunction,
  seeds: number,
  nTrials: number,
  tpe: Partial<SamplerSpec> = {},
): WinCount {
  let wins = 0;
  for (let s = 0; s < seeds; s++) {
    const a = runSampler(fn, { kind: 'tpe', seed: 1000 + s, ...tpe }, nTrials);
    const b = runSampler(fn, { kind: 'random', seed: 1000 + s }, nTrials);
    if (a < b) wins++;
  }
  return { fn: fn.name, wins, seeds };
}
