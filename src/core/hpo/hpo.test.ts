// Study engine: sweep syntax, samplers (TPE beats random on standard functions), pruners on hand-made curves,
// PED-ANOVA ranking, and the ask/tell engine's determinism.
import { describe, expect, it } from 'vitest';
import { BRANIN, HPO_LIKE, ROSENBROCK, SPHERE, tpeVsRandom } from './benchmarks';
import { pedAnovaImportance } from './importance';
import { ashaDecision, medianDecision } from './pruners';
import { gridValues, rankForTpe, sampleParams, tpeGamma, tpeWeights } from './samplers';
import {
  formatSpace,
  isSweepToken,
  narrowSpace,
  paramsToOverrides,
  parseSpace,
  parseSweepToken,
  type SearchSpace,
} from './space';
import { Study, bestSoFar, newTrial, type Trial } from './study';

describe('search space from sweep syntax', () => {
  it('parses the documented forms against the config schema', () => {
    const { space, errors } = parseSpace(`
      training.lr=tag(log,interval(1e-4,1e-2))
      training.batch_size=choice(64,128,256)
      training.rotation=int(interval(0, 30))
      training.patience=range(1,6)
      training.loss=bce,focal
      training.flips=choice(true,false)
      training.weight_decay=interval(0,1e-3)
    `);
    expect(errors).toEqual([]);
    expect(space['training.lr']).toEqual({ type: 'float', low: 1e-4, high: 1e-2, log: true, step: null });
    expect(space['training.batch_size']).toEqual({ type: 'categorical', choices: [64, 128, 256] });
    expect(space['training.rotation']).toEqual({ type: 'int', low: 0, high: 30, log: false, step: 1 });
    expect(space['training.patience']).toEqual({ type: 'int', low: 1, high: 5, log: false, step: 1 });
    expect(space['training.loss']).toEqual({ type: 'categorical', choices: ['bce', 'focal'] });
    expect(space['training.flips']).toEqual({ type: 'categorical', choices: [true, false] });
    expect(space['training.weight_decay']).toMatchObject({ type: 'float', low: 0, high: 1e-3, log: false });
  });

  it('round-trips through its text form', () => {
    const text =
      'training.lr=tag(log,interval(1e-4,1e-2)) training.batch_size=choice(64,128) training.rotation=int(interval(0,30)) training.patience=range(1,9,2) training.contrast=range(0,0.5,0.1)';
    const a = parseSpace(text);
    expect(a.errors).toEqual([]);
    const b = parseSpace(formatSpace(a.space));
    expect(b.errors).toEqual([]);
    expect(b.space).toEqual(a.space);
  });

  it('refuses bad keys and values with messages naming them', () => {
    const { errors } = parseSpace(
      'training.lrr=interval(0,1) training.batch_size=choice(64,abc) training.loss=interval(0,1) training.lr=tag(log,interval(0,1)) training.epochs=interval(1.5,4)',
    );
    const text = errors.map((e) => e.message).join('\n');
    expect(errors).toHaveLength(5);
    expect(text).toContain('Unknown key "training.lrr"');
    expect(text).toContain('Bad value for "training.batch_size": got "abc", expected an integer');
    expect(text).toContain('"training.loss" is one of bce | focal');
    expect(text).toContain('a log scale needs a low end above 0');
    expect(text).toContain('"training.epochs" takes integers');
    expect(() => parseSweepToken('training.rotation=interval(0,500)')).toThrow(
      /leaves a number in \[0, 180\]/,
    );
  });

  it('tells sweeps from plain overrides (for the URL)', () => {
    expect(isSweepToken('training.lr=tag(log,interval(1e-4,1e-2))')).toBe(true);
    expect(isSweepToken('training.batch_size=64,128')).toBe(true);
    expect(isSweepToken('training.batch_size=64')).toBe(false);
    expect(isSweepToken('data.ratios=0.6,0.2,0.2')).toBe(false);
  });

  it('narrows a space to a region, keeping kinds and steps', () => {
    const { space } = parseSpace(
      'training.lr=tag(log,interval(1e-4,1e-2)) training.rotation=int(interval(0,30)) training.batch_size=choice(64,128,256)',
    );
    const n = narrowSpace(space, {
      'training.lr': { low: 5e-4, high: 5e-2 },
      'training.rotation': { low: 2.5, high: 10.2 },
      'training.batch_size': { choices: [128, 256] },
    });
    expect(n['training.lr']).toEqual({ type: 'float', low: 5e-4, high: 1e-2, log: true, step: null });
    expect(n['training.rotation']).toEqual({ type: 'int', low: 3, high: 10, log: false, step: 1 });
    expect(n['training.batch_size']).toEqual({ type: 'categorical', choices: [128, 256] });
    expect(paramsToOverrides({ 'training.lr': 0.001, 'training.flips': true })).toBe(
      'training.lr=0.001 training.flips=true',
    );
  });
});

describe('samplers', () => {
  it("TPE's constants are Optuna's", () => {
    expect([tpeGamma(1), tpeGamma(10), tpeGamma(11), tpeGamma(300)]).toEqual([1, 1, 2, 25]);
    expect(tpeWeights(3)).toEqual([1, 1, 1]);
    const w = tpeWeights(30);
    expect(w).toHaveLength(30);
    expect(w[0]).toBeCloseTo(1 / 30);
    expect(w.slice(5)).toEqual(new Array(25).fill(1));
  });

  // The Done-when figure: TPE's best after 40 trials beats random's in most of 20 seeds.
  for (const fn of [SPHERE, BRANIN, ROSENBROCK, HPO_LIKE]) {
    it(`TPE beats random on ${fn.name} in most of 20 seeds (40 trials)`, () => {
      const r = tpeVsRandom(fn, 20, 40);
      expect(r.wins).toBeGreaterThan(10);
      const m = tpeVsRandom(fn, 20, 40, { multivariate: true });
      expect(m.wins).toBeGreaterThan(10);
    });
  }

  it('draws inside the space, the same for the same seed', () => {
    const space: SearchSpace = parseSpace(
      'training.lr=tag(log,interval(1e-4,1e-2)) training.rotation=int(interval(0,30)) training.batch_size=choice(64,128,256)',
    ).space;
    const trials: Trial[] = [];
    const study = new Study(
      { direction: 'maximize', space, sampler: { kind: 'tpe', seed: 7 }, pruner: { kind: 'none' } },
      trials,
    );
    for (let i = 0; i < 25; i++) {
      const t = study.ask(i)!;
      expect(t.params['training.lr']).toBeGreaterThanOrEqual(1e-4);
      expect(t.params['training.lr']).toBeLessThanOrEqual(1e-2);
      expect(Number.isInteger(t.params['training.rotation'])).toBe(true);
      expect([64, 128, 256]).toContain(t.params['training.batch_size']);
      study.tell(t.number, 'complete', -Math.abs(Math.log10(t.params['training.lr'] as number) + 3), '', i);
    }
    // a study rebuilt from its stored trials draws the same next point
    const copy = new Study(study.options, structuredClone(study.trials));
    expect(copy.ask(99)!.params).toEqual(study.ask(99)!.params);
  });

  it('constant liar: a running trial ranks as the worst, so TPE does not pile onto it', () => {
    const space: SearchSpace = { x: { type: 'float', low: 0, high: 1, log: false, step: null } };
    const mk = (n: number, x: number, v: number | null, state: Trial['state']): Trial => ({
      ...newTrial(n, { x }, space, 0),
      state,
      value: v,
    });
    const trials = [
      mk(0, 0.1, 1, 'complete'),
      mk(1, 0.5, 3, 'complete'),
      mk(2, 0.9, null, 'running'),
      mk(3, 0.2, 2, 'complete'),
    ];
    const ranked = rankForTpe(trials, 'minimize', true).map((t) => t.number);
    expect(ranked).toEqual([0, 3, 1, 2]);
    expect(rankForTpe(trials, 'minimize', false).map((t) => t.number)).toEqual([0, 3, 1]);
  });

  it('grid visits every point once, then stops', () => {
    const space = parseSpace(
      'training.batch_size=choice(64,128) training.loss=choice(bce,focal) training.patience=range(1,4)',
    ).space;
    expect(gridValues(space['training.patience']!)).toEqual([1, 2, 3]);
    const study = new Study({
      direction: 'maximize',
      space,
      sampler: { kind: 'grid', seed: 3 },
      pruner: { kind: 'none' },
    });
    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const t = study.ask(i)!;
      seen.add(JSON.stringify(t.params));
      study.tell(t.number, 'complete', i, '', i);
    }
    expect(seen.size).toBe(12);
    expect(study.ask(13)).toBeNull();
    expect(
      sampleParams({ kind: 'grid', seed: 3 }, space, study.trials, { direction: 'maximize', seed: 1 }),
    ).toBeNull();
  });
});

/** A finished trial with a hand-made validation-accuracy curve. */
function curve(n: number, values: number[], state: Trial['state'] = 'complete'): Trial {
  return {
    ...newTrial(n, {}, {}, 0),
    state,
    value: state === 'complete' ? Math.max(...values) : null,
    intermediate: values.map((value, i) => ({ step: i + 1, value })),
  };
}

describe('pruners on hand-made curves', () => {
  const good = [0.6, 0.7, 0.8, 0.85];
  it('median: waits for 5 completed trials, then stops a curve below the median at the same epoch', () => {
    const done = [0, 1, 2, 3].map((i) =>
      curve(
        i,
        good.map((v) => v + i * 0.01),
      ),
    );
    const bad = curve(10, [0.5], 'running');
    expect(medianDecision({ kind: 'median' }, [...done, bad], bad, 1, 'maximize').prune).toBe(false);
    const five = [...done, curve(4, good)];
    const d = medianDecision({ kind: 'median' }, [...five, bad], bad, 1, 'maximize');
    expect(d.prune).toBe(true);
    expect(d.reason).toMatch(/pruned at epoch 1: best 0\.5000 is below the median 0\.6100/);
    const ok = curve(11, [0.65], 'running');
    expect(medianDecision({ kind: 'median' }, [...five, ok], ok, 1, 'maximize').prune).toBe(false);
    // minimising a loss: a high loss is pruned
    const losses = [0, 1, 2, 3, 4].map((i) => curve(i, [0.5, 0.4]));
    const high = curve(9, [0.9], 'running');
    expect(medianDecision({ kind: 'median' }, [...losses, high], high, 1, 'minimize').prune).toBe(true);
    // warm-up steps are never pruned
    expect(
      medianDecision({ kind: 'median', nWarmupSteps: 1 }, [...five, bad], bad, 1, 'maximize').prune,
    ).toBe(false);
  });

  it('ASHA: keeps the top 1/eta at each rung and prunes the rest', () => {
    const spec = { kind: 'asha' as const, minResource: 1, reductionFactor: 2 };
    // four trials reached rung 0 (epoch 1) with 0.6, 0.7, 0.8, 0.9
    const others = [0.6, 0.7, 0.8, 0.9].map((v, i) => curve(i, [v, v + 0.05]));
    const low = curve(10, [0.65], 'running');
    const d = ashaDecision(spec, [...others, low], low, 1, 'maximize');
    // 5 competitors, eta 2: promotable index 1 → must be >= 0.8
    expect(d.prune).toBe(true);
    expect(d.reason).toMatch(/pruned at rung 0 \(epoch 1\)/);
    const high = curve(11, [0.85], 'running');
    expect(ashaDecision(spec, [...others, high], high, 1, 'maximize').prune).toBe(false);
    // epoch 2 is rung 1; epoch 3 is no rung (judged only at 1, 2, 4)
    const mid = curve(12, [0.95, 0.5], 'running');
    expect(ashaDecision(spec, [...others, mid], mid, 2, 'maximize').prune).toBe(true);
    const three = curve(13, [0.95, 0.99, 0.1], 'running');
    expect(ashaDecision(spec, [...others, three], three, 3, 'maximize').prune).toBe(false);
    // the first trial at a rung is always promoted
    const first = curve(0, [0.1], 'running');
    expect(ashaDecision(spec, [first], first, 1, 'maximize').prune).toBe(false);
  });

  it('a study prunes through report() and keeps the decision as the trial note', () => {
    const space: SearchSpace = {
      'training.lr': { type: 'float', low: 1e-4, high: 1e-2, log: true, step: null },
    };
    const study = new Study({
      direction: 'maximize',
      space,
      sampler: { kind: 'random', seed: 1 },
      pruner: { kind: 'median', nStartupTrials: 2 },
    });
    for (let i = 0; i < 2; i++) {
      const t = study.ask(i)!;
      study.report(t.number, 1, 0.8, i);
      study.tell(t.number, 'complete', 0.9, '', i);
    }
    const t = study.ask(5)!;
    expect(study.report(t.number, 1, 0.5, 6).prune).toBe(true);
    expect(t.state).toBe('pruned');
    expect(t.note).toMatch(/below the median/);
    expect(bestSoFar(study.trials, 'maximize')).toEqual([0.9, 0.9, 0.9]);
  });
});

describe('parameter importance (PED-ANOVA)', () => {
  it('ranks a dominant parameter first, with a bootstrap spread', () => {
    const space: SearchSpace = {
      y: { type: 'float', low: 0, high: 1, log: false, step: null },
      x: { type: 'float', low: 0, high: 1, log: false, step: null },
      c: { type: 'categorical', choices: ['a', 'b', 'c'] },
    };
    const study = new Study({
      direction: 'minimize',
      space,
      sampler: { kind: 'random', seed: 5 },
      pruner: { kind: 'none' },
    });
    for (let i = 0; i < 80; i++) {
      const t = study.ask(i)!;
      const p = t.params;
      study.tell(
        t.number,
        'complete',
        10 * ((p.x as number) - 0.3) ** 2 + 0.05 * (p.y as number) + (p.c === 'a' ? 0.01 : 0),
        '',
        i,
      );
    }
    const imp = pedAnovaImportance(space, study.trials, 'minimize', { bootstrap: 30, seed: 2 });
    expect(imp.map((i) => i.param)[0]).toBe('x');
    expect(imp[0]!.value).toBeGreaterThan(0.5);
    expect(imp.reduce((a, i) => a + i.value, 0)).toBeCloseTo(1);
    for (const i of imp) {
      expect(i.std).toBeGreaterThan(0);
      expect(i.low).toBeLessThanOrEqual(i.high);
    }
    expect(pedAnovaImportance(space, study.trials.slice(0, 3), 'minimize')).toEqual([]);
  });
});
