// Throughput of one training step (forward, backward, Adam) on the active backend, on seeded synthetic
// batches: the figure `train.<model>.<backend>.b<batch>` of the bench.
import * as tf from '@tensorflow/tfjs';
import { createRng, deriveSeed } from '../../core/train/rng';
import { DataParallelStep, type GradReplica } from './data-parallel';
import { Trainer } from './trainer';

export interface StepBenchOptions {
  model?: string;
  batch: number;
  /** Timed steps. */
  steps: number;
  /** Untimed steps first (shader compilation, wasm warm-up). */
  warmup: number;
  seed?: number;
  /** Feed 3 identical channels instead of 1 grey channel (to measure the unfolded first layer). */
  replicate?: boolean;
  /** Data-parallel over this many workers (this one and shard workers; wasm). 1 or absent: this worker alone. */
  workers?: number;
}

export interface StepBenchResult {
  backend: string;
  /** Workers that shared each step. */
  workers: number;
  model: string;
  batch: number;
  steps: number;
  imgPerSec: number;
  msPerStep: number;
  /** Loss of the first and last step, to see the step did something. */
  firstLoss: number;
  lastLoss: number;
}

/** A seeded batch of grey images in [0,1] (channels copies of each pixel) with balanced labels. */
export function syntheticBatch(batch: number, size: number, channels: number, seed: number) {
  const rng = createRng(deriveSeed(seed, 'synthetic-batch'));
  const x = new Float32Array(batch * size * size * channels);
  for (let i = 0; i < batch * size * size; i++) {
    const v = rng.next();
    for (let c = 0; c < channels; c++) x[i * channels + c] = v;
  }
  const y = new Float32Array(batch);
  for (let i = 0; i < batch; i++) y[i] = i % 2;
  return { x, y };
}

export async function benchTrainStep(
  o: StepBenchOptions,
  between: () => Promise<void> = async () => {},
  replicas: GradReplica[] = [],
): Promise<StepBenchResult> {
  const model = o.model ?? 'lenet5';
  const input = { size: 32, channels: 3 };
  // Grey batches are fed as one channel to the 3-channel model, as the training pipeline does.
  const fed = o.replicate ? 3 : 1;
  const trainer = new Trainer({ model, input, lr: 1e-3, weightDecay: 1e-4, seed: o.seed ?? 1234 });
  const data = syntheticBatch(o.batch, input.size, fed, o.seed ?? 1234);
  const x = tf.tensor4d(data.x, [o.batch, input.size, input.size, fed]);
  const y = tf.tensor2d(data.y, [o.batch, 1]);
  if (replicas.length > 0) {
    try {
      return await benchParallel(o, trainer, data, fed, replicas, between);
    } finally {
      x.dispose();
      y.dispose();
      trainer.dispose();
    }
  }
  try {
    let firstLoss = NaN;
    for (let i = 0; i < o.warmup; i++) {
      const l = trainer.trainStep(x, y);
      const v = (await l.data())[0]!;
      if (i === 0) firstLoss = v;
      l.dispose();
      await between();
    }
    const t0 = performance.now();
    let last: tf.Scalar | null = null;
    for (let i = 0; i < o.steps; i++) {
      last?.dispose();
      last = trainer.trainStep(x, y);
      // Reading the loss every step is what a training loop with a live chart does on cpu/wasm; on GPU
      // backends it would stall the queue, so only the last one is read.
      if (tf.getBackend() === 'cpu' || tf.getBackend() === 'wasm' || i === o.steps - 1) {
        const v = (await last.data())[0]!;
        if (Number.isNaN(firstLoss)) firstLoss = v;
      }
      await between();
    }
    const lastLoss = last ? (await last.data())[0]! : NaN;
    last?.dispose();
    const ms = performance.now() - t0;
    return {
      backend: tf.getBackend(),
      workers: 1,
      model,
      batch: o.batch,
      steps: o.steps,
      imgPerSec: (o.batch * o.steps * 1000) / ms,
      msPerStep: ms / o.steps,
      firstLoss,
      lastLoss,
    };
  } finally {
    x.dispose();
    y.dispose();
    trainer.dispose();
  }
}

/** The data-parallel step timed like the single one (the loss is read every step: it comes back as a number). */
async function benchParallel(
  o: StepBenchOptions,
  trainer: Trainer,
  data: { x: Float32Array; y: Float32Array },
  fed: number,
  replicas: GradReplica[],
  between: () => Promise<void>,
): Promise<StepBenchResult> {
  const step = new DataParallelStep(trainer, replicas);
  const shape: [number, number, number, number] = [o.batch, 32, 32, fed];
  let firstLoss = NaN;
  for (let i = 0; i < o.warmup; i++) {
    const r = await step.step(data.x, data.y, shape);
    if (i === 0) firstLoss = r.loss;
    await between();
  }
  const t0 = performance.now();
  let lastLoss = NaN;
  for (let i = 0; i < o.steps; i++) {
    lastLoss = (await step.step(data.x, data.y, shape)).loss;
    if (Number.isNaN(firstLoss)) firstLoss = lastLoss;
    await between();
  }
  const ms = performance.now() - t0;
  return {
    backend: tf.getBackend(),
    workers: step.shards,
    model: o.model ?? 'lenet5',
    batch: o.batch,
    steps: o.steps,
    imgPerSec: (o.batch * o.steps * 1000) / ms,
    msPerStep: ms / o.steps,
    firstLoss,
    lastLoss,
  };
}
