// Learning-rate schedules: constant, linear warm-up then cosine decay, and reduce-on-plateau.

export type ScheduleName = 'constant' | 'warmup-cosine' | 'plateau';

export interface ScheduleOptions {
  name: ScheduleName;
  baseLr: number;
  totalSteps: number;
  /** Warm-up steps for warmup-cosine (default: 5% of the run, at least 1). */
  warmupSteps?: number;
  /** Floor of the cosine decay, as a fraction of baseLr. */
  minFactor?: number;
}

/** The learning rate at a global step, for the step-driven schedules (plateau is handled by PlateauReducer). */
export function lrAtStep(o: ScheduleOptions, step: number): number {
  if (o.name !== 'warmup-cosine') return o.baseLr;
  const warm = Math.max(1, o.warmupSteps ?? Math.round(o.totalSteps * 0.05));
  if (step < warm) return (o.baseLr * (step + 1)) / warm;
  const span = Math.max(1, o.totalSteps - warm);
  const t = Math.min(1, (step - warm) / span);
  const floor = o.baseLr * (o.minFactor ?? 0);
  return floor + ((o.baseLr - floor) * (1 + Math.cos(Math.PI * t))) / 2;
}

/** PyTorch-style ReduceLROnPlateau on a metric that should fall (validation loss). */
export class PlateauReducer {
  private best = Infinity;
  private bad = 0;
  factor: number;

  constructor(
    readonly opts: { factor?: number; patience?: number; threshold?: number; minLr?: number } = {},
    public lr = 1e-3,
  ) {
    this.factor = opts.factor ?? 0.5;
  }

  /** Report an epoch's metric; returns the learning rate for the next epoch. */
  step(metric: number): number {
    const threshold = this.opts.threshold ?? 1e-4;
    if (metric < this.best * (1 - threshold)) {
      this.best = metric;
      this.bad = 0;
    } else if (++this.bad > (this.opts.patience ?? 1)) {
      this.lr = Math.max(this.opts.minLr ?? 0, this.lr * this.factor);
      this.bad = 0;
    }
    return this.lr;
  }

  state(): { best: number; bad: number; lr: number } {
    return { best: this.best, bad: this.bad, lr: this.lr };
  }

  restore(s: { best: number; bad: number; lr: number }): void {
    this.best = s.best;
    this.bad = s.bad;
    this.lr = s.lr;
  }
}
