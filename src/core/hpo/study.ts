// A hyper-parameter study as data (the trials, their states, intermediate values and pruning decisions), and the
// ask/tell engine over it: ask() draws the next trial's parameters from the sampler, report() hands a per-epoch
// value to the pruner, tell() ends a trial. Seeded and stateless between calls: every draw is a pure function
// of the study so far, so a study reloaded from storage continues exactly where it stopped.
import { deriveSeed } from '../train/rng';
import { shouldPrune, type PruneDecision, type PrunerSpec } from './pruners';
import { sampleParams, type SamplerSpec } from './samplers';
import type { Params, SearchSpace } from './space';

export type Direction = 'minimize' | 'maximize';
/** Optuna's states (WAITING: queued, e.g. a trial a reload interrupted, to be run again with the same params). */
export type TrialState = 'waiting' | 'running' | 'complete' | 'pruned' | 'failed';

export interface IntermediateValue {
  step: number;
  value: number;
}

export interface Trial {
  number: number;
  state: TrialState;
  params: Params;
  /** The space the parameters were drawn from (a narrowed study keeps the older trials' spaces). */
  distributions: SearchSpace;
  value: number | null;
  intermediate: IntermediateValue[];
  startedAt: number | null;
  completedAt: number | null;
  /** The pruning decision or the failure, in words. */
  note: string;
  /** The training run of this trial (runs store), once started. */
  runId: string | null;
}

export interface StudyOptions {
  direction: Direction;
  space: SearchSpace;
  sampler: SamplerSpec;
  pruner: PrunerSpec;
}

export function isFinished(t: Trial): boolean {
  return t.state === 'complete' || t.state === 'pruned' || t.state === 'failed';
}

/** The better of two values in the study's direction. */
export function better(direction: Direction, a: number, b: number): boolean {
  return direction === 'maximize' ? a > b : a < b;
}

/** The best completed trial (Optuna's best_trial: the first to reach the best value). */
export function bestTrial(trials: readonly Trial[], direction: Direction): Trial | null {
  let best: Trial | null = null;
  for (const t of trials) {
    if (t.state !== 'complete' || t.value === null) continue;
    if (!best || better(direction, t.value, best.value!)) best = t;
  }
  return best;
}

/** The best value after each trial, in trial order (for the optimisation history). */
export function bestSoFar(trials: readonly Trial[], direction: Direction): (number | null)[] {
  let cur: number | null = null;
  return [...trials]
    .sort((a, b) => a.number - b.number)
    .map((t) => {
      if (t.state === 'complete' && t.value !== null && (cur === null || better(direction, t.value, cur)))
        cur = t.value;
      return cur;
    });
}

export function newTrial(number: number, params: Params, space: SearchSpace, now: number): Trial {
  return {
    number,
    state: 'running',
    params,
    distributions: space,
    value: null,
    intermediate: [],
    startedAt: now,
    completedAt: null,
    note: '',
    runId: null,
  };
}

/** The ask/tell engine: holds the trials of one study and updates them in place. */
export class Study {
  constructor(
    public options: StudyOptions,
    public trials: Trial[] = [],
  ) {}

  /**
   * The next trial: a waiting one (queued, e.g. interrupted by a reload) first, else fresh parameters from the
   * sampler. Null when the sampler has nothing left (a grid that is done).
   */
  ask(now = Date.now()): Trial | null {
    const waiting = this.trials.find((t) => t.state === 'waiting');
    if (waiting) {
      // the note keeps why it runs again (e.g. a reload interrupted it)
      Object.assign(waiting, { state: 'running', startedAt: now, intermediate: [], value: null });
      return waiting;
    }
    const number = this.trials.length;
    const params = sampleParams(this.options.sampler, this.options.space, this.trials, {
      direction: this.options.direction,
      seed: deriveSeed(this.options.sampler.seed, `trial-${number}`),
    });
    if (!params) return null;
    const t = newTrial(number, params, this.options.space, now);
    this.trials.push(t);
    return t;
  }

  /** Record an epoch's value and ask the pruner; a pruned trial is ended here with its decision as its note. */
  report(number: number, step: number, value: number, now = Date.now()): PruneDecision {
    const t = this.get(number);
    if (t.state !== 'running') return { prune: false, reason: `trial ${number} is ${t.state}` };
    t.intermediate = [...t.intermediate.filter((iv) => iv.step !== step), { step, value }].sort(
      (a, b) => a.step - b.step,
    );
    const d = shouldPrune(this.options.pruner, this.trials, t, step, this.options.direction);
    if (d.prune) {
      t.state = 'pruned';
      t.value = value;
      t.completedAt = now;
      t.note = d.reason;
    }
    return d;
  }

  tell(
    number: number,
    state: 'complete' | 'failed',
    value: number | null,
    note = '',
    now = Date.now(),
  ): Trial {
    const t = this.get(number);
    t.state = state;
    t.value = state === 'complete' ? value : null;
    t.completedAt = now;
    if (note) t.note = note;
    return t;
  }

  best(): Trial | null {
    return bestTrial(this.trials, this.options.direction);
  }

  private get(number: number): Trial {
    const t = this.trials.find((x) => x.number === number);
    if (!t) throw new Error(`The study has no trial ${number}`);
    return t;
  }
}
