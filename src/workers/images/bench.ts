// Training-step throughput of an image model (forward, backward, Adam) on a fixed synthetic batch, for the
// bench: refused up front with the memory message when the batch will not fit.
import * as tf from '@tensorflow/tfjs';
import { defaultAugment } from '../../core/images/augment';
import type { ImageTrainConfig } from '../../core/images/experiment';
import { getModel } from '../train/models/registry';
import { initialWeights } from '../train/trainer';
import { checkMemory, modelInput } from './image-train';
import { imageLoss } from './losses';

export interface ImageStepBench {
  model: string;
  batch: number;
  height: number;
  width: number;
  warmup: number;
  steps: number;
  /** Bytes the backend may be asked for (default: MEMORY_BUDGET of the backend, sized for a browser tab). */
  memoryBudget?: number;
}

export async function benchImageStep(
  o: ImageStepBench,
  backend: string,
  tick: () => Promise<void>,
): Promise<{ imgPerSec: number; msPerStep: number; steps: number; firstLoss: number }> {
  const cfg: ImageTrainConfig = {
    model: o.model,
    task: 'multi-label',
    classNames: ['1', '2', '3', '4'],
    height: o.height,
    width: o.width,
    channels: 1,
    batchSize: o.batch,
    epochs: 1,
    lr: 1e-4,
    weightDecay: 0,
    warmupEpochs: 0,
    patience: 0,
    loss: 'focal',
    focalGamma: 2,
    augment: defaultAugment(),
    seed: 1,
    maxBatchesPerEpoch: 0,
    classWeights: false,
  };
  checkMemory(cfg, backend, o.memoryBudget);
  const model = getModel(o.model);
  const specs = model.params(modelInput(cfg));
  const init = initialWeights(specs, 1);
  const vars = specs.map((s) => tf.variable(tf.tensor(init[s.name]!, s.shape)));
  const p = Object.fromEntries(specs.map((s, i) => [s.name, vars[i]!]));
  const opt = tf.train.adam(1e-4);
  const x = tf.randomUniform([o.batch, o.height, o.width, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
  const y = tf.tensor2d(
    Array.from({ length: o.batch * 4 }, (_, i) => (i % 3 === 0 ? 1 : 0)),
    [o.batch, 4],
  );
  const loss = imageLoss('multi-label', 'focal', [0.7, 0.7, 0.7, 0.9], 2);
  const step = async () => {
    const l = tf.tidy(() => opt.minimize(() => loss(model.apply(p, x, true), y), true, vars)!);
    const v = (await l.data())[0]!;
    l.dispose();
    await tick();
    return v;
  };
  try {
    let firstLoss = NaN;
    for (let i = 0; i < o.warmup; i++) {
      const v = await step();
      if (i === 0) firstLoss = v;
    }
    const t0 = performance.now();
    for (let i = 0; i < o.steps; i++) {
      const v = await step();
      if (Number.isNaN(firstLoss)) firstLoss = v;
    }
    const ms = (performance.now() - t0) / o.steps;
    return { imgPerSec: (o.batch * 1000) / ms, msPerStep: ms, steps: o.steps, firstLoss };
  } finally {
    vars.forEach((v) => v.dispose());
    opt.dispose();
    x.dispose();
    y.dispose();
  }
}
