import { describe, expect, it } from 'vitest';
import { checkpointName, resumePoint, retain, shouldSave, type CheckpointMeta } from './checkpoints';
import { EarlyStopping } from './early-stopping';
import { appendBatches, emptyHistory, lossProblem, secondsLeft, trainingSetProblem } from './history';
import { lrAtStep, PlateauReducer } from './schedule';

describe('early stopping', () => {
  it('stops after `patience` epochs without a gain above min delta', () => {
    const es = new EarlyStopping(3, 0.001);
    const accs = [0.9, 0.95, 0.9505, 0.9515, 0.9509, 0.94];
    const out = accs.map((a, i) => es.update(i + 1, a));
    expect(out.map((o) => o.improved)).toEqual([true, true, false, true, false, false]);
    expect(out.map((o) => o.stop)).toEqual([false, false, false, false, false, false]);
    expect(es.update(7, 0.952).stop).toBe(true); // 0.952 - 0.9515 < 0.001: third epoch without a gain
    expect(es.state.bestEpoch).toBe(4);
  });
});

describe('checkpoints', () => {
  const meta = (epoch: number, valAcc: number, valLoss = 0.1): CheckpointMeta => ({
    name: checkpointName(epoch, valLoss, valAcc),
    epoch,
    valAcc,
    valLoss,
    best: false,
    createdAt: epoch,
  });

  it('names carry epoch, loss and accuracy', () => {
    expect(checkpointName(7, 0.12345, 0.98)).toBe('epoch-007_loss-0.1235_acc-0.9800');
  });

  it('saves every N epochs, at a new best and at the end', () => {
    expect([1, 2, 3, 4, 5, 10].map((e) => shouldSave(e, 5, false, false))).toEqual([
      false,
      false,
      false,
      false,
      true,
      true,
    ]);
    expect(shouldSave(3, 5, true, false)).toBe(true);
    expect(shouldSave(3, 5, false, true)).toBe(true);
  });

  it('keeps the best 3 and the latest, drops the rest', () => {
    const all = [meta(1, 0.9), meta(2, 0.95), meta(3, 0.97), meta(4, 0.96), meta(5, 0.93), meta(6, 0.92)];
    const r = retain(all, 3);
    expect(r.keep.map((c) => c.epoch)).toEqual([2, 3, 4, 6]);
    expect(r.drop.map((c) => c.epoch)).toEqual([1, 5]);
    expect(resumePoint(r.keep)!.epoch).toBe(6);
  });

  it('breaks accuracy ties by lower loss', () => {
    const r = retain([meta(1, 0.9, 0.3), meta(2, 0.9, 0.2), meta(3, 0.8, 0.1)], 1);
    expect(r.keep.map((c) => c.epoch)).toEqual([2, 3]);
  });
});

describe('schedules', () => {
  it('warm-up rises linearly, then cosine falls to the floor', () => {
    const o = { name: 'warmup-cosine' as const, baseLr: 1e-3, totalSteps: 100, warmupSteps: 10 };
    expect(lrAtStep(o, 0)).toBeCloseTo(1e-4);
    expect(lrAtStep(o, 9)).toBeCloseTo(1e-3);
    expect(lrAtStep(o, 55)).toBeCloseTo(5e-4);
    expect(lrAtStep(o, 100)).toBeCloseTo(0);
    expect(lrAtStep({ ...o, name: 'constant' }, 55)).toBe(1e-3);
  });

  it('reduce-on-plateau halves the lr after `patience` flat epochs', () => {
    const p = new PlateauReducer({ patience: 1, factor: 0.5 }, 1e-3);
    expect([0.5, 0.4, 0.41, 0.4, 0.42, 0.3].map((m) => p.step(m))).toEqual([
      1e-3, 1e-3, 1e-3, 5e-4, 5e-4, 5e-4,
    ]);
  });
});

describe('history and guards', () => {
  it('thins batch points past the cap but keeps the last', () => {
    let h = emptyHistory();
    for (let i = 0; i < 50; i++)
      h = appendBatches(h, [{ step: i, epoch: i / 10, loss: 1, lr: 1, imgPerSec: 1 }], 20);
    expect(h.batches.length).toBeLessThanOrEqual(20);
    expect(h.batches.at(-1)!.step).toBe(49);
  });

  it('estimates time left from the mean speed', () => {
    expect(secondsLeft(25, 100, 10)).toBe(30);
    expect(secondsLeft(0, 100, 10)).toBeNull();
  });

  it('flags NaN and diverging losses', () => {
    expect(lossProblem(NaN, 0.69)).toMatch(/NaN/);
    expect(lossProblem(50, 0.69)).toMatch(/diverged/);
    expect(lossProblem(0.7, 0.69)).toBeNull();
  });

  it('refuses empty and one-class training sets', () => {
    expect(trainingSetProblem(new Uint8Array(0), 5, ['low', 'high'])).toMatch(/empty/);
    expect(trainingSetProblem(new Uint8Array([1, 1, 1]), 5, ['low', 'high'])).toMatch(
      /only one class \(high\)/,
    );
    expect(trainingSetProblem(new Uint8Array([0, 1]), 0, ['low', 'high'])).toMatch(/validation/);
    expect(trainingSetProblem(new Uint8Array([0, 1]), 2, ['low', 'high'])).toBeNull();
  });
});
