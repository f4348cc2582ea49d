// Pruners on per-epoch validation values: the median rule (Optuna's MedianPruner: after 5 completed trials,
// stop a trial whose best value so far is worse than the median of the completed trials at the same step) and
// successive halving in its asynchronous form (ASHA, Optuna's SuccessiveHalvingPruner: at rung k, after
// min_resource * eta^k epochs, a trial continues only if it is in the top 1/eta of all trials that reached the rung).
import { percentile } from './stats';
import type { Direction, Trial } from './study';

export type PrunerSpec =
  | { kind: 'none' }
  | { kind: 'median'; nStartupTrials?: number; nWarmupSteps?: number; nMinTrials?: number }
  | { kind: 'asha'; minResource?: number; reductionFactor?: number; minEarlyStoppingRate?: number };

export interface PruneDecision {
  prune: boolean;
  reason: string;
}

export const MEDIAN_DEFAULTS = { nStartupTrials: 5, nWarmupSteps: 0, nMinTrials: 1 } as const;
export const ASHA_DEFAULTS = { minResource: 1, reductionFactor: 4, minEarlyStoppingRate: 0 } as const;

const fmt = (v: number) => v.toFixed(4);

function valueAt(t: Trial, step: number): number | undefined {
  return t.intermediate.find((iv) => iv.step === step)?.value;
}

export function medianDecision(
  spec: Extract<PrunerSpec, { kind: 'median' }>,
  trials: readonly Trial[],
  trial: Trial,
  step: number,
  direction: Direction,
): PruneDecision {
  const startup = spec.nStartupTrials ?? MEDIAN_DEFAULTS.nStartupTrials;
  const warmup = spec.nWarmupSteps ?? MEDIAN_DEFAULTS.nWarmupSteps;
  const nMin = spec.nMinTrials ?? MEDIAN_DEFAULTS.nMinTrials;
  const completed = trials.filter((t) => t.state === 'complete' && t !== trial);
  if (completed.length < startup) {
    return { prune: false, reason: `${completed.length} of ${startup} start-up trials completed` };
  }
  if (step <= warmup) return { prune: false, reason: `warm-up (step ${step} of ${warmup})` };
  const mine = trial.intermediate.filter((iv) => iv.step <= step).map((iv) => iv.value);
  if (mine.length === 0) return { prune: false, reason: 'no value yet' };
  const best = direction === 'maximize' ? Math.max(...mine) : Math.min(...mine);
  const others = completed.map((t) => valueAt(t, step)).filter((v): v is number => v !== undefined);
  if (others.length < nMin)
    return { prune: false, reason: `fewer than ${nMin} completed trials reached step ${step}` };
  const median = percentile(others, 50);
  const worse = direction === 'maximize' ? best < median : best > median;
  return worse
    ? {
        prune: true,
        reason: `pruned at epoch ${step}: best ${fmt(best)} is ${direction === 'maximize' ? 'below' : 'above'} the median ${fmt(median)} of ${others.length} completed trials`,
      }
    : { prune: false, reason: `best ${fmt(best)} vs median ${fmt(median)}` };
}

/** The epoch at which rung k is judged. */
export function rungStep(spec: Extract<PrunerSpec, { kind: 'asha' }>, k: number): number {
  const r = spec.minResource ?? ASHA_DEFAULTS.minResource;
  const eta = spec.reductionFactor ?? ASHA_DEFAULTS.reductionFactor;
  const s = spec.minEarlyStoppingRate ?? ASHA_DEFAULTS.minEarlyStoppingRate;
  return r * Math.pow(eta, s + k);
}

/** A trial's value at rung k: its value at the first epoch at or after the rung's step (undefined if not reached). */
function rungValue(spec: Extract<PrunerSpec, { kind: 'asha' }>, t: Trial, k: number): number | undefined {
  const at = rungStep(spec, k);
  return t.intermediate.find((iv) => iv.step >= at)?.value;
}

export function ashaDecision(
  spec: Extract<PrunerSpec, { kind: 'asha' }>,
  trials: readonly Trial[],
  trial: Trial,
  step: number,
  direction: Direction,
): PruneDecision {
  const eta = spec.reductionFactor ?? ASHA_DEFAULTS.reductionFactor;
  // Only the rung this step reaches is judged (earlier rungs were judged at their own step).
  let k = 0;
  while (rungStep(spec, k + 1) <= step) k++;
  if (step < rungStep(spec, 0))
    return { prune: false, reason: `before the first rung (epoch ${rungStep(spec, 0)})` };
  const firstAtOrAfter = trial.intermediate.find((iv) => iv.step >= rungStep(spec, k));
  if (!firstAtOrAfter || firstAtOrAfter.step !== step)
    return { prune: false, reason: `rung ${k} already judged` };
  const value = firstAtOrAfter.value;
  const competing = trials
    .map((t) => (t === trial ? value : rungValue(spec, t, k)))
    .filter((v): v is number => v !== undefined)
    .sort((a, b) => (direction === 'maximize' ? b - a : a - b));
  let idx = Math.floor(competing.length / eta) - 1;
  if (idx === -1) idx = 0;
  const bar = competing[idx]!;
  const promoted = direction === 'maximize' ? value >= bar : value <= bar;
  return promoted
    ? {
        prune: false,
        reason: `promoted at rung ${k} (epoch ${step}): ${fmt(value)} within the top 1/${eta} of ${competing.length}`,
      }
    : {
        prune: true,
        reason: `pruned at rung ${k} (epoch ${step}): ${fmt(value)} is not within the top 1/${eta} of the ${competing.length} trials that reached it (bar ${fmt(bar)})`,
      };
}

export function shouldPrune(
  spec: PrunerSpec,
  trials: readonly Trial[],
  trial: Trial,
  step: number,
  direction: Direction,
): PruneDecision {
  switch (spec.kind) {
    case 'none':
      return { prune: false, reason: 'no pruner' };
    case 'median':
      return medianDecision(spec, trials, trial, step, direction);
    case 'asha':
      return ashaDecision(spec, trials, trial, step, direction);
  }
}
