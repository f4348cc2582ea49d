// Data-parallel training step across cores without shared memory: the batch is cut into shards, each replica
// (another worker on its own single-threaded wasm backend) computes its shard's loss gradient from the weights it
// is sent with the shard, and the shard gradients, weighted by shard size, add up to the mean gradient of the
// whole batch — the single-thread step's gradient up to float rounding — before one Adam update on the
// coordinator. Replicas get the weights every step, so they never drift. Messages are ~0.25 MB of weights and
// gradients (LeNet5) against tens of milliseconds of compute, so no SharedArrayBuffer (and no cross-origin
// isolation) is needed.
import * as tf from '@tensorflow/tfjs';
import type { Trainer, WeightMap } from './trainer';

/** One shard's result: its size, the sum of its losses and right answers, and its mean-loss gradients. */
export interface ShardGrads {
  n: number;
  lossSum: number;
  correct: number;
  grads: WeightMap;
}

export type BatchShape = [number, number, number, number];

/** Computes a shard's gradients with given weights (a worker, or an in-process Trainer in tests). */
export interface GradReplica {
  grads(weights: WeightMap, x: Float32Array, y: Float32Array, shape: BatchShape): Promise<ShardGrads>;
}

/** [start, end) of `parts` near-equal shards of n items (no empty shard). */
export function shardRanges(n: number, parts: number): [number, number][] {
  const k = Math.max(1, Math.min(parts, n));
  return Array.from({ length: k }, (_, i) => [Math.floor((i * n) / k), Math.floor(((i + 1) * n) / k)]);
}

/** A shard's gradients computed by `trainer` on this thread. */
export async function shardGradsOf(
  trainer: Trainer,
  x: Float32Array,
  y: Float32Array,
  shape: BatchShape,
): Promise<ShardGrads> {
  const xt = tf.tensor4d(x, shape);
  const yt = tf.tensor2d(y, [shape[0], 1]);
  try {
    const { loss, grads, correct } = trainer.lossAndGrads(xt, yt);
    const out: WeightMap = {};
    for (const [name, g] of Object.entries(grads)) {
      out[name] = (await g.data()) as Float32Array;
      g.dispose();
    }
    const lossSum = (await loss.data())[0]! * shape[0];
    const hits = (await correct.data())[0]!;
    loss.dispose();
    correct.dispose();
    return { n: shape[0], lossSum, correct: hits, grads: out };
  } finally {
    xt.dispose();
    yt.dispose();
  }
}

/** The batch's mean gradient from shard results: sum of n_i * g_i, divided by the batch size. */
export function combineShards(parts: ShardGrads[]): {
  n: number;
  loss: number;
  correct: number;
  grads: WeightMap;
} {
  const n = parts.reduce((a, p) => a + p.n, 0);
  const grads: WeightMap = {};
  for (const name of Object.keys(parts[0]!.grads)) {
    const sum = new Float32Array(parts[0]!.grads[name]!.length);
    for (const p of parts) {
      const g = p.grads[name];
      if (!g || g.length !== sum.length) throw new Error(`Shard gradients for "${name}" do not match`);
      const w = p.n / n;
      for (let i = 0; i < sum.length; i++) sum[i]! += w * g[i]!;
    }
    grads[name] = sum;
  }
  return {
    n,
    loss: parts.reduce((a, p) => a + p.lossSum, 0) / n,
    correct: parts.reduce((a, p) => a + p.correct, 0),
    grads,
  };
}

/** The training step on this thread plus `replicas`, one shard each. */
export class DataParallelStep {
  constructor(
    private readonly trainer: Trainer,
    private readonly replicas: GradReplica[],
  ) {}

  get shards(): number {
    return this.replicas.length + 1;
  }

  async step(
    x: Float32Array,
    y: Float32Array,
    shape: BatchShape,
  ): Promise<{ loss: number; correct: number }> {
    const [n, h, w, c] = shape;
    const per = h * w * c;
    const ranges = shardRanges(n, this.shards);
    const weights = ranges.length > 1 ? await this.trainer.getWeights() : {};
    // slice (not subarray): a view would send its whole buffer to the worker.
    const remote = ranges
      .slice(1)
      .map(([a, b], i) =>
        this.replicas[i]!.grads(weights, x.slice(a * per, b * per), y.slice(a, b), [b - a, h, w, c]),
      );
    const [a0, b0] = ranges[0]!;
    const local = shardGradsOf(this.trainer, x.subarray(a0 * per, b0 * per), y.subarray(a0, b0), [
      b0 - a0,
      h,
      w,
      c,
    ]);
    const all = combineShards(await Promise.all([local, ...remote]));
    const specs = this.trainer.specs;
    const tensors: Record<string, tf.Tensor> = {};
    for (const s of specs) tensors[s.name] = tf.tensor(all.grads[s.name]!, s.shape);
    this.trainer.applyGradients(tensors);
    return { loss: all.loss, correct: all.correct };
  }
}
