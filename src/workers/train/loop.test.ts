import { beforeAll, describe, expect, it } from 'vitest';
import type { SplitArrays, TrainingArrays } from '../../core/data/training-arrays';
import { createRng } from '../../core/train/rng';
import { shardGradsOf, type GradReplica } from './data-parallel';
import { runTraining, type CheckpointPayload, type TrainingSettings } from './loop';
import { Trainer, type TrainerOptions } from './trainer';
import { startNodeBackend } from './testing/node-tf';
import { registerWasmTrainingKernels } from './wasm-kernels';

const SIDE = 40;

/** A learnable toy set: class 1 crops hold a bright blob, class 0 crops only noise. */
function split(n: number, seed: number, oneClass = false): SplitArrays {
  const rng = createRng(seed);
  const x = new Uint8Array(n * SIDE * SIDE);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = oneClass ? 1 : i % 2;
    for (let p = 0; p < SIDE * SIDE; p++) {
      const r = Math.floor(p / SIDE) - 20;
      const c = (p % SIDE) - 20;
      const blob = y[i] === 1 && r * r + c * c < 64 ? 150 : 0;
      x[i * SIDE * SIDE + p] = Math.min(255, blob + rng.int(60));
    }
  }
  return { x, y, ids: Array.from({ length: n }, (_, i) => `toy/${seed}/${i}`) };
}

function arrays(oneClass = false): TrainingArrays {
  return {
    side: SIDE,
    classNames: ['low', 'high'],
    splitDescription: 'toy',
    train: split(96, 1, oneClass),
    val: split(32, 2),
    test: split(32, 3),
  };
}

const settings: TrainingSettings = {
  batchSize: 32,
  epochs: 4,
  lr: 3e-3,
  weightDecay: 1e-4,
  loss: 'bce',
  schedule: 'constant',
  augment: { rotation: 15, flips: false, brightness: 0, contrast: 0 },
  earlyStopping: true,
  patience: 3,
  minDelta: 0.001,
  checkpointEvery: 2,
  seed: 7,
};

const control = { checkpoint: async () => {}, stopped: () => false };
const spec = { model: 'lenet5', input: { size: 32, channels: 3 }, settings };

describe('training loop (wasm backend)', () => {
  beforeAll(async () => {
    registerWasmTrainingKernels();
    await startNodeBackend('wasm');
  });

  it('learns a toy set, reports batches and epochs, saves checkpoints and resumes to the same numbers', async () => {
    const cks: CheckpointPayload[] = [];
    let batchEvents = 0;
    const r = await runTraining(
      arrays(),
      spec,
      {
        batches: () => void batchEvents++,
        epoch: () => {},
        checkpoint: (c) => void cks.push(c),
        epochEnd: () => {},
      },
      control,
    );
    expect(r.status).toBe('completed');
    expect(r.history.epochs).toHaveLength(4);
    expect(r.history.batches).toHaveLength(12);
    expect(batchEvents).toBeGreaterThanOrEqual(4);
    expect(r.history.epochs[3]!.trainLoss).toBeLessThan(r.history.epochs[0]!.trainLoss);
    expect(r.test!.acc).toBeGreaterThan(0.8);
    // training accuracy per epoch, from the forward passes of the epoch's batches
    for (const e of r.history.epochs) expect(e.trainAcc).toBeGreaterThanOrEqual(0);
    expect(r.history.epochs[3]!.trainAcc).toBeGreaterThan(0.8);
    expect(r.history.epochs[3]!.trainAcc).toBeLessThanOrEqual(1);
    // every 2 epochs and at each new best: epoch 2 and 4 at least, names carry epoch/loss/acc
    expect(cks.map((c) => c.meta.epoch)).toContain(2);
    expect(cks.at(-1)!.meta.name).toMatch(/^epoch-004_loss-\d\.\d{4}_acc-\d\.\d{4}$/);

    // Resume from the epoch-2 checkpoint: the last two epochs repeat exactly (seeded order per epoch).
    const from = cks.find((c) => c.meta.epoch === 2)!;
    const resumed = await runTraining(
      arrays(),
      { ...spec, resume: from.state },
      { batches: () => {}, epoch: () => {}, checkpoint: () => {}, epochEnd: () => {} },
      control,
    );
    expect(resumed.history.epochs).toHaveLength(4);
    for (const e of [2, 3]) {
      expect(resumed.history.epochs[e]!.trainLoss).toBeCloseTo(r.history.epochs[e]!.trainLoss, 4);
      expect(resumed.history.epochs[e]!.valAcc).toBeCloseTo(r.history.epochs[e]!.valAcc, 4);
    }
  });

  it('refuses a one-class training set with a message naming the class', async () => {
    const r = await runTraining(
      arrays(true),
      spec,
      { batches: () => {}, epoch: () => {}, checkpoint: () => {}, epochEnd: () => {} },
      control,
    );
    expect(r.status).toBe('failed');
    expect(r.message).toMatch(/only one class \(high\)/);
  });

  it('ends a diverging run with a message and keeps its history', async () => {
    const r = await runTraining(
      arrays(),
      { ...spec, settings: { ...settings, lr: 1e6 } },
      { batches: () => {}, epoch: () => {}, checkpoint: () => {}, epochEnd: () => {} },
      control,
    );
    expect(r.status).toBe('failed');
    expect(r.message).toMatch(/NaN|diverged/);
    expect(r.message).toMatch(/training\.lr/);
  });

  it('stops when the control says so, keeping a resume point', async () => {
    let calls = 0;
    const r = await runTraining(
      arrays(),
      spec,
      { batches: () => {}, epoch: () => {}, checkpoint: () => {}, epochEnd: () => {} },
      {
        checkpoint: async () => {
          if (++calls === 2) {
            const e = new Error('stop');
            e.name = 'AbortError';
            throw e;
          }
        },
        stopped: () => false,
      },
    );
    expect(r.status).toBe('stopped');
    expect(r.history.batches.length).toBeGreaterThanOrEqual(1);
    expect(r.final).not.toBeNull();
  });

  it('a run stopped mid-epoch resumes from the last epoch boundary and ends with the same weights', async () => {
    const plateauSpec = {
      ...spec,
      settings: { ...settings, schedule: 'plateau' as const, earlyStopping: false },
    };
    const none = { batches: () => {}, epoch: () => {}, checkpoint: () => {}, epochEnd: () => {} };
    const straight = await runTraining(arrays(), plateauSpec, none, control);
    expect(straight.status).toBe('completed');

    // Stop in the middle of epoch 3 (after 2 full epochs of 3 batches and one more batch).
    const boundaries: number[] = [];
    const cut = await runTraining(
      arrays(),
      { ...plateauSpec, maxBatches: 7 },
      { ...none, epochEnd: (st) => void boundaries.push(st.epoch) },
      control,
    );
    expect(cut.status).toBe('stopped');
    expect(boundaries).toEqual([0, 1, 2]);
    expect(cut.final!.epoch).toBe(2);
    // The resume point's history ends at the boundary: no batches of the cut epoch (no stray chart line).
    expect(cut.final!.history.batches).toHaveLength(6);
    expect(cut.final!.plateau).toBeDefined();

    const resumed = await runTraining(arrays(), { ...plateauSpec, resume: cut.final! }, none, control);
    expect(resumed.status).toBe('completed');
    expect(resumed.history.batches).toHaveLength(12);
    let maxDiff = 0;
    for (const [name, w] of Object.entries(straight.final!.weights)) {
      const r = resumed.final!.weights[name]!;
      for (let i = 0; i < w.length; i++) maxDiff = Math.max(maxDiff, Math.abs(w[i]! - r[i]!));
    }
    expect(maxDiff).toBeLessThanOrEqual(1e-6);
    expect(resumed.history.epochs.map((e) => e.lr)).toEqual(straight.history.epochs.map((e) => e.lr));
  });

  it('trains data-parallel on replicas to the numbers of the single-thread run, and stops the replicas after', async () => {
    const none = { batches: () => {}, epoch: () => {}, checkpoint: () => {}, epochEnd: () => {} };
    const short = { ...spec, settings: { ...settings, epochs: 2 } };
    const single = await runTraining(arrays(), short, none, control);
    let terminated = 0;
    let shardCalls = 0;
    const replicasOf = async (opts: TrainerOptions) => {
      // In-process replicas stand where the shard workers run (one per extra core).
      const trainers = [new Trainer(opts)];
      const replicas: GradReplica[] = trainers.map((t) => ({
        grads: async (w, x, y, shape) => {
          shardCalls++;
          t.setWeights(w);
          return shardGradsOf(t, x, y, shape);
        },
      }));
      return {
        replicas,
        terminate: () => {
          terminated++;
          trainers.forEach((t) => t.dispose());
        },
      };
    };
    const parallel = await runTraining(arrays(), short, none, { ...control, startReplicas: replicasOf });
    expect(parallel.status).toBe('completed');
    expect(shardCalls).toBe(6); // 2 epochs of 3 batches
    expect(terminated).toBe(1);
    const losses = (r: typeof single) => r.history.batches.map((b) => b.loss);
    expect(losses(parallel)).toHaveLength(6);
    losses(parallel).forEach((l, i) => expect(l).toBeCloseTo(losses(single)[i]!, 4));
    expect(parallel.history.epochs.map((e) => e.trainAcc)).toEqual(
      single.history.epochs.map((e) => e.trainAcc),
    );
    expect(parallel.test!.acc).toBeCloseTo(single.test!.acc, 6);
  }, 120_000);
});
