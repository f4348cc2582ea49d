// Training a registry model on a labelled image set: softmax or sigmoid head by task, BCE / cross-entropy /
// focal loss (alpha per class from the training split's frequencies), Adam with decoupled weight decay,
// warm-up then cosine learning rate, augmentations on the backend, early stopping on validation macro F1 with
// the best weights kept, and the results.json record at the end. Runs wherever tfjs runs (worker or Node).
import * as tf from '@tensorflow/tfjs';
import {
  checkTrainConfig,
  perClassRows,
  summary,
  type EpochRecord,
  type ImageTrainConfig,
  type ResultsJson,
} from '../../core/images/experiment';
import { estimateTrainingMemory, MEMORY_BUDGET, memoryRefusal } from '../../core/images/memory';
import { evaluateImages, type ImageMetrics } from '../../core/images/metrics';
import {
  classCounts,
  focalAlpha,
  headSize,
  lossClassWeights,
  targetMatrix,
  type LabelledImage,
} from '../../core/images/task';
import { EarlyStopping } from '../../core/train/early-stopping';
import { createRng, deriveSeed, permutation } from '../../core/train/rng';
import { lrAtStep } from '../../core/train/schedule';
import { getModel } from '../train/models/registry';
import { paramCount, type ModelInput } from '../train/models/types';
import { initialWeights, type WeightMap } from '../train/trainer';
import { augmentBatch } from './augment';
import { imageLoss, probabilities } from './losses';

export interface ImageTrainData {
  /** Pixels of each image, H x W x C uint8 (row-major, channels last), at the configured size. */
  pixels: Uint8Array[];
  items: LabelledImage[];
  split: { train: number[]; val: number[]; test: number[]; description: string };
  source: string;
}

export interface ImageTrainEvents {
  onBatch?(e: { epoch: number; batch: number; batches: number; loss: number }): void;
  onEpoch?(e: EpochRecord): void;
}

export interface ImageTrainHooks {
  /** Awaited between batches: the place to yield, pause and throw on cancel. */
  checkpoint(): Promise<void>;
  stopped(): boolean;
  backend: string;
  runId: string;
  /** Bytes the run may use (default: MEMORY_BUDGET of the backend). */
  memoryBudget?: number;
}

export interface ImageTrainResult {
  results: ResultsJson;
  weights: WeightMap;
  testMetrics: ImageMetrics;
  /** Test-set probabilities, N x outputs. */
  testProbabilities: Float32Array;
}

export function modelInput(
  cfg: Pick<ImageTrainConfig, 'height' | 'width' | 'channels' | 'task' | 'classNames'>,
): ModelInput {
  return {
    size: cfg.height,
    height: cfg.height,
    width: cfg.width,
    channels: cfg.channels,
    classes: headSize(cfg.task, cfg.classNames.length),
  };
}

/** Refuse (throw with the message) when the run's estimated memory exceeds the budget. */
export function checkMemory(cfg: ImageTrainConfig, backend: string, budget?: number): void {
  const model = getModel(cfg.model);
  const input = modelInput(cfg);
  if (!model.activationFloats) return;
  const est = estimateTrainingMemory(
    model.activationFloats(input),
    paramCount(model.params(input)),
    cfg.batchSize,
  );
  const msg = memoryRefusal(
    `${model.label} at ${cfg.height}x${cfg.width}`,
    est,
    cfg.batchSize,
    budget ?? MEMORY_BUDGET[backend] ?? MEMORY_BUDGET.wasm!,
    backend,
  );
  if (msg) throw new Error(msg);
}

function batchTensor(data: ImageTrainData, ids: ArrayLike<number>, cfg: ImageTrainConfig): tf.Tensor4D {
  const per = cfg.height * cfg.width * cfg.channels;
  const buf = new Float32Array(ids.length * per);
  for (let i = 0; i < ids.length; i++) {
    const px = data.pixels[ids[i]!]!;
    if (px.length !== per) {
      throw new Error(
        `Image "${data.items[ids[i]!]!.path}" has ${px.length} values, expected ${cfg.height}x${cfg.width}x${cfg.channels}`,
      );
    }
    for (let j = 0; j < per; j++) buf[i * per + j] = px[j]! / 255;
  }
  return tf.tensor4d(buf, [ids.length, cfg.height, cfg.width, cfg.channels]);
}

export async function runImageTraining(
  data: ImageTrainData,
  cfg: ImageTrainConfig,
  events: ImageTrainEvents,
  hooks: ImageTrainHooks,
): Promise<ImageTrainResult> {
  checkTrainConfig(cfg);
  checkMemory(cfg, hooks.backend, hooks.memoryBudget);
  if (data.split.train.length === 0) throw new Error('The training split is empty: split the set first');
  if (data.split.val.length === 0)
    throw new Error('The validation split is empty: give it a share (e.g. 70/15/15)');
  const t0 = performance.now();
  const model = getModel(cfg.model);
  const input = modelInput(cfg);
  const specs = model.params(input);
  const k = cfg.classNames.length;
  const outs = headSize(cfg.task, k);
  const trainItems = data.split.train.map((i) => data.items[i]!);
  const trainCounts = classCounts({ classNames: cfg.classNames, items: trainItems });
  const alpha = cfg.loss === 'focal' ? focalAlpha(cfg.task, trainCounts, trainItems.length) : null;
  const weights =
    cfg.loss !== 'focal' && cfg.classWeights
      ? lossClassWeights(cfg.task, trainCounts, trainItems.length)
      : null;
  const lossFn = imageLoss(cfg.task, cfg.loss, alpha ?? weights, cfg.focalGamma);
  const y = targetMatrix(cfg.task, k, data.items);
  const yRows = (ids: ArrayLike<number>) => {
    const out = new Float32Array(ids.length * outs);
    for (let i = 0; i < ids.length; i++) out.set(y.subarray(ids[i]! * outs, (ids[i]! + 1) * outs), i * outs);
    return tf.tensor2d(out, [ids.length, outs]);
  };

  const init = initialWeights(specs, cfg.seed);
  const vars: Record<string, tf.Variable> = {};
  for (const s of specs)
    vars[s.name] = tf.variable(tf.tensor(init[s.name]!, s.shape), true, `${hooks.runId}/${s.name}`);
  const varList = specs.map((s) => vars[s.name]!);
  const decayed = specs.filter((s) => s.shape.length > 1).map((s) => vars[s.name]!);
  const optimizer = tf.train.adam(cfg.lr);

  const perEpoch = Math.ceil(data.split.train.length / cfg.batchSize);
  const batches = cfg.maxBatchesPerEpoch > 0 ? Math.min(perEpoch, cfg.maxBatchesPerEpoch) : perEpoch;
  const schedule = {
    name: 'warmup-cosine' as const,
    baseLr: cfg.lr,
    totalSteps: batches * cfg.epochs,
    warmupSteps: Math.max(1, cfg.warmupEpochs * batches),
  };
  const orderRng = createRng(deriveSeed(cfg.seed, 'order'));
  const augRng = createRng(deriveSeed(cfg.seed, 'augment'));
  const stopper = new EarlyStopping(cfg.patience > 0 ? cfg.patience : Infinity, 0);
  const history: EpochRecord[] = [];
  let best: { epoch: number; weights: WeightMap; metrics: ImageMetrics; loss: number } | null = null;
  let step = 0;
  let trainSeconds = 0;
  let evalSeconds = 0;
  let trainImages = 0;
  let how: ResultsJson['experiment']['stopped'] = 'completed';

  const predict = async (ids: number[]): Promise<{ probs: Float32Array; loss: number }> => {
    const probs = new Float32Array(ids.length * outs);
    let lossSum = 0;
    for (let s = 0; s < ids.length; s += cfg.batchSize) {
      const part = ids.slice(s, s + cfg.batchSize);
      const [p, l] = tf.tidy(() => {
        const z = model.apply(vars, batchTensor(data, part, cfg), false);
        return [probabilities(cfg.task, z), tf.mul(lossFn(z, yRows(part)), part.length)];
      });
      probs.set((await p!.data()) as Float32Array, s * outs);
      lossSum += (await l!.data())[0]!;
      p!.dispose();
      l!.dispose();
      await hooks.checkpoint();
    }
    return { probs, loss: lossSum / Math.max(1, ids.length) };
  };
  const snapshot = async (): Promise<WeightMap> => {
    const w: WeightMap = {};
    for (const s of specs) w[s.name] = (await vars[s.name]!.data()) as Float32Array;
    return w;
  };

  try {
    for (let epoch = 0; epoch < cfg.epochs && !hooks.stopped(); epoch++) {
      const te = performance.now();
      const order = permutation(data.split.train.length, orderRng);
      let lossSum = 0;
      let seen = 0;
      for (let bi = 0; bi < batches && !hooks.stopped(); bi++) {
        const ids = Array.from(
          order.subarray(bi * cfg.batchSize, (bi + 1) * cfg.batchSize),
          (o) => data.split.train[o]!,
        );
        const lr = lrAtStep(schedule, step);
        (optimizer as unknown as { learningRate: number }).learningRate = lr;
        const loss = tf.tidy(() => {
          const x = augmentBatch(batchTensor(data, ids, cfg), cfg.augment, augRng);
          const yt = yRows(ids);
          return optimizer.minimize(() => lossFn(model.apply(vars, x, true), yt), true, varList)!;
        });
        if (cfg.weightDecay > 0) {
          tf.tidy(() => {
            for (const v of decayed) v.assign(tf.mul(v, 1 - lr * cfg.weightDecay));
          });
        }
        const l = (await loss.data())[0]!;
        loss.dispose();
        if (!Number.isFinite(l))
          throw new Error(`The loss became ${l} at epoch ${epoch + 1}: lower the learning rate`);
        lossSum += l * ids.length;
        seen += ids.length;
        step++;
        events.onBatch?.({ epoch, batch: bi, batches, loss: l });
        await hooks.checkpoint();
      }
      trainSeconds += (performance.now() - te) / 1000;
      trainImages += seen;
      const tv = performance.now();
      const val = await predict(data.split.val);
      const valItems = data.split.val.map((i) => data.items[i]!);
      const vm = evaluateImages(cfg.task, cfg.classNames, valItems, val.probs);
      evalSeconds += (performance.now() - tv) / 1000;
      const rec: EpochRecord = {
        epoch,
        trainLoss: seen ? lossSum / seen : NaN,
        valLoss: val.loss,
        valMacroF1: vm.macro.f1,
        valAccuracy: vm.accuracy,
        lr: lrAtStep(schedule, Math.max(0, step - 1)),
        seconds: (performance.now() - te) / 1000,
      };
      history.push(rec);
      events.onEpoch?.(rec);
      const { improved, stop } = stopper.update(epoch, vm.macro.f1);
      if (improved || !best) best = { epoch, weights: await snapshot(), metrics: vm, loss: val.loss };
      if (stop) {
        how = 'early-stopped';
        break;
      }
    }
    if (hooks.stopped()) how = 'stopped';
    if (!best) throw new Error('The run stopped before its first epoch ended: nothing to evaluate');
    for (const s of specs) vars[s.name]!.assign(tf.tensor(best.weights[s.name]!, s.shape));
    const tt = performance.now();
    const testIds = data.split.test;
    const test = testIds.length ? await predict(testIds) : { probs: new Float32Array(0), loss: NaN };
    const testItems = testIds.map((i) => data.items[i]!);
    const tm = evaluateImages(cfg.task, cfg.classNames, testItems, test.probs);
    evalSeconds += (performance.now() - tt) / 1000;
    const results: ResultsJson = {
      schema: 'spatter-studio/image-results@1',
      experiment: {
        name: `${cfg.model} ${cfg.height}x${cfg.width}`,
        runId: hooks.runId,
        created: new Date().toISOString(),
        backend: hooks.backend,
        stopped: how,
      },
      config: {
        ...cfg,
        focalAlpha: alpha,
        lossClassWeights: weights,
        split: data.split.description,
        parameters: paramCount(specs),
        flops: model.flops ? model.flops(input) : null,
      },
      dataset: {
        source: data.source,
        images: data.items.length,
        train: data.split.train.length,
        val: data.split.val.length,
        test: testIds.length,
        classCounts: classCounts({ classNames: cfg.classNames, items: data.items }),
      },
      best_validation: { epoch: best.epoch, ...summary(best.metrics, best.loss) },
      test: summary(tm, test.loss),
      per_class: perClassRows(tm),
      confusion: tm.confusion ?? tm.perClassConfusion ?? [],
      pr_curves: tm.curves.map((c) => ({
        name: c.name,
        ap: c.ap,
        points: c.points.map((q) => [q.recall, q.precision] as [number, number]),
      })),
      timings: {
        total_s: (performance.now() - t0) / 1000,
        train_s: trainSeconds,
        eval_s: evalSeconds,
        epochs: history.length,
        per_epoch_s: history.map((h) => h.seconds),
        train_images_per_s: trainSeconds > 0 ? trainImages / trainSeconds : 0,
      },
      history,
    };
    return { results, weights: best.weights, testMetrics: tm, testProbabilities: test.probs };
  } finally {
    for (const v of varList) v.dispose();
    optimizer.dispose();
  }
}
