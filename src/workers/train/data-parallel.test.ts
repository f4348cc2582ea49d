// Data-parallel steps (shards on replicas, gradients summed by shard size) against the single-thread step, on the
// wasm backend with the studio's training kernels: the same losses, hits and weights within float tolerance,
// for two and three shards (uneven), over several Adam steps. Replicas here are in-process Trainers standing
// where the shard workers run (the combining, the weight hand-over and the update are the code under test).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticBatch } from './bench';
import {
  combineShards,
  DataParallelStep,
  shardGradsOf,
  shardRanges,
  type BatchShape,
  type GradReplica,
} from './data-parallel';
import { startNodeBackend } from './testing/node-tf';
import { Trainer, type TrainerOptions, type WeightMap } from './trainer';
import { registerWasmTrainingKernels } from './wasm-kernels';

const opts: TrainerOptions = {
  model: 'lenet5',
  input: { size: 32, channels: 3 },
  lr: 1e-3,
  weightDecay: 1e-4,
  seed: 21,
};

/** A replica on this thread: its own Trainer, given the coordinator's weights with each shard. */
function localReplica(): GradReplica & { trainer: Trainer } {
  const trainer = new Trainer(opts);
  return {
    trainer,
    grads: async (weights: WeightMap, x, y, shape) => {
      trainer.setWeights(weights);
      return shardGradsOf(trainer, x, y, shape);
    },
  };
}

function maxDiff(a: WeightMap, b: WeightMap): number {
  let m = 0;
  for (const k of Object.keys(a)) {
    const x = a[k]!;
    const y = b[k]!;
    for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!));
  }
  return m;
}

describe('data-parallel training step', () => {
  beforeAll(async () => {
    registerWasmTrainingKernels();
    await startNodeBackend('wasm');
  });

  it('cuts a batch into near-equal shards', () => {
    expect(shardRanges(256, 2)).toEqual([
      [0, 128],
      [128, 256],
    ]);
    expect(shardRanges(50, 3)).toEqual([
      [0, 16],
      [16, 33],
      [33, 50],
    ]);
    expect(shardRanges(1, 4)).toEqual([[0, 1]]);
  });

  it('weights shard gradients by shard size', () => {
    const all = combineShards([
      { n: 1, lossSum: 2, correct: 1, grads: { w: Float32Array.of(4, 0) } },
      { n: 3, lossSum: 6, correct: 2, grads: { w: Float32Array.of(0, 8) } },
    ]);
    expect(all.n).toBe(4);
    expect(all.loss).toBe(2);
    expect(all.correct).toBe(3);
    expect(Array.from(all.grads.w!)).toEqual([1, 6]);
  });

  for (const [replicas, batch] of [
    [1, 64],
    [2, 50],
  ] as const) {
    it(`${replicas + 1} shards of a batch of ${batch} give the single-thread step's numbers`, async () => {
      const single = new Trainer(opts);
      const coordinator = new Trainer(opts);
      const reps = Array.from({ length: replicas }, localReplica);
      const parallel = new DataParallelStep(coordinator, reps);
      const shape: BatchShape = [batch, 32, 32, 1];
      try {
        for (let step = 0; step < 4; step++) {
          const d = syntheticBatch(batch, 32, 1, 100 + step);
          const x = tf.tensor4d(d.x, shape);
          const y = tf.tensor2d(d.y, [batch, 1]);
          const ref = single.trainStepWithHits(x, y);
          const refLoss = (await ref.loss.data())[0]!;
          const refHits = (await ref.correct.data())[0]!;
          tf.dispose([x, y, ref.loss, ref.correct]);
          const got = await parallel.step(d.x, d.y, shape);
          expect(got.loss).toBeCloseTo(refLoss, 5);
          expect(got.correct).toBe(refHits);
        }
        expect(coordinator.step).toBe(4);
        const diff = maxDiff(await single.getWeights(), await coordinator.getWeights());
        expect(diff).toBeLessThan(1e-5);
        // The steps moved the weights by far more than that.
        const start = new Trainer(opts);
        expect(maxDiff(await start.getWeights(), await coordinator.getWeights())).toBeGreaterThan(1e-3);
        start.dispose();
      } finally {
        single.dispose();
        coordinator.dispose();
        for (const r of reps) r.trainer.dispose();
      }
    }, 120_000);
  }
});
