// K-fold training for out-of-sample probabilities (confident learning's input): for each fold a model trained on
// the other folds predicts the crops it never saw; crops outside every fold (unlabelled, excluded) get the mean of
// all fold models' predictions. Runs in the train worker with the studio's own training loop.
import type { TrainingArrays } from '../../core/data/training-arrays';
import { kFoldPlan } from '../../core/refine/folds';
import type { TaskContext } from '../task';
import { runTraining, type TrainingSettings } from '../train/loop';
import type { ModelInput } from '../train/models/types';
import type { WeightMap } from '../train/trainer';
import { modelOutputs, type CropPixels } from './model-outputs';

export interface KFoldSpec {
  model: string;
  input: ModelInput;
  settings: TrainingSettings;
  k: number;
  seed: number;
  classNames: string[];
  /** End each fold's training after this many batches (quick looks, e2e). */
  maxBatches?: number;
}

export interface KFoldData extends CropPixels {
  /** Label per crop, -1 unlabelled. */
  label: Int8Array;
  /** 1: take part in the folds (labelled, not excluded, decodable). */
  include: Uint8Array;
}

export interface KFoldResult {
  /** P(class 1) per crop: out of sample for crops in a fold, the fold models' mean for the rest. */
  p1: Float32Array;
  fold: Int8Array;
  /** Weights of each fold's model (the embedding model can be one of them). */
  weights: WeightMap[];
  /** Held-out accuracy per fold against the given labels. */
  foldAccuracy: number[];
  messages: string[];
}

function gather(data: KFoldData, rows: number[]): { x: Uint8Array; y: Uint8Array; ids: string[] } {
  const px = data.side * data.side;
  const x = new Uint8Array(rows.length * px);
  const y = new Uint8Array(rows.length);
  rows.forEach((r, k) => {
    x.set(data.x.subarray(r * px, (r + 1) * px), k * px);
    y[k] = data.label[r]!;
  });
  return { x, y, ids: [] };
}

export async function trainFolds(data: KFoldData, spec: KFoldSpec, ctx: TaskContext): Promise<KFoldResult> {
  const n = data.label.length;
  const plan = kFoldPlan(
    data.label,
    spec.k,
    spec.seed,
    Array.from(data.include, (v) => v === 1),
  );
  const p1 = new Float32Array(n);
  const outside = new Uint32Array([...Array(n).keys()].filter((i) => plan.fold[i]! < 0));
  const outsideSum = new Float64Array(outside.length);
  const weights: WeightMap[] = [];
  const foldAccuracy: number[] = [];
  const messages: string[] = [];
  const settings: TrainingSettings = { ...spec.settings, earlyStopping: false, checkpointEvery: 0 };
  for (let f = 0; f < spec.k; f++) {
    const held = Array.from(plan.heldOut[f]!);
    const trainRows: number[] = [];
    for (let i = 0; i < n; i++) if (plan.fold[i]! >= 0 && plan.fold[i] !== f) trainRows.push(i);
    const arrays: TrainingArrays = {
      side: data.side,
      classNames: spec.classNames,
      splitDescription: `fold ${f + 1} of ${spec.k}`,
      train: gather(data, trainRows),
      // The held-out fold stands as validation (no early stopping: nothing is chosen by it).
      val: gather(data, held),
      test: { x: new Uint8Array(0), y: new Uint8Array(0), ids: [] },
    };
    ctx.progress({ done: f, total: spec.k, unit: 'folds', message: `Training fold ${f + 1} of ${spec.k}` });
    const r = await runTraining(
      arrays,
      {
        model: spec.model,
        input: spec.input,
        settings: { ...settings, seed: settings.seed + f },
        ...(spec.maxBatches !== undefined ? { maxBatches: spec.maxBatches } : {}),
      },
      {
        batches: () => undefined,
        epoch: () => undefined,
        checkpoint: () => undefined,
        epochEnd: () => undefined,
      },
      { checkpoint: () => ctx.checkpoint(), stopped: () => ctx.signal.aborted },
    );
    if (r.status === 'failed' || !r.final) {
      throw new Error(`Fold ${f + 1} of ${spec.k} could not be trained: ${r.message}`);
    }
    ctx.check();
    messages.push(`fold ${f + 1}: ${r.message}`);
    const ref = { model: spec.model, input: spec.input, weights: r.final.weights };
    weights.push(r.final.weights);
    const tick = () => ctx.checkpoint();
    const heldP = await modelOutputs(ref, data, { embed: false, rows: Uint32Array.from(held), tick });
    let hits = 0;
    held.forEach((row, k) => {
      p1[row] = heldP.values[k]!;
      hits += (heldP.values[k]! >= 0.5 ? 1 : 0) === data.label[row] ? 1 : 0;
    });
    foldAccuracy.push(held.length ? hits / held.length : 0);
    if (outside.length) {
      const o = await modelOutputs(ref, data, { embed: false, rows: outside, tick });
      for (let k = 0; k < outside.length; k++) outsideSum[k]! += o.values[k]!;
    }
  }
  outside.forEach((row, k) => (p1[row] = outsideSum[k]! / spec.k));
  ctx.progress({ done: spec.k, total: spec.k, unit: 'folds', message: 'Folds trained' });
  return { p1, fold: plan.fold, weights, foldAccuracy, messages };
}
