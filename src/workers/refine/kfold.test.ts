// K-fold out-of-sample probabilities and penultimate embeddings on a toy set, with the real tfjs training loop
// (wasm backend in Node): confident learning on them finds the labels the test flipped.
import { beforeAll, describe, expect, it } from 'vitest';
import { binaryProbs, findLabelIssues, precisionRecallAtK } from '../../core/refine/confident-learning';
import { createRng } from '../../core/train/rng';
import { TaskRegistry } from '../task';
import type { TrainingSettings } from '../train/loop';
import { startNodeBackend } from '../train/testing/node-tf';
import { registerWasmTrainingKernels } from '../train/wasm-kernels';
import { trainFolds } from './kfold';
import { finalDense, modelOutputs } from './model-outputs';
import { getModel } from '../train/models/registry';

const SIDE = 40;

function toySet(n: number): { x: Uint8Array; label: Int8Array } {
  const rng = createRng(5);
  const x = new Uint8Array(n * SIDE * SIDE);
  const label = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    label[i] = i % 2;
    for (let p = 0; p < SIDE * SIDE; p++) {
      const r = Math.floor(p / SIDE) - 20;
      const c = (p % SIDE) - 20;
      const blob = label[i] === 1 && r * r + c * c < 64 ? 150 : 0;
      x[i * SIDE * SIDE + p] = Math.min(255, blob + rng.int(60));
    }
  }
  return { x, label };
}

const settings: TrainingSettings = {
  batchSize: 32,
  epochs: 3,
  lr: 3e-3,
  weightDecay: 0,
  loss: 'bce',
  schedule: 'constant',
  augment: { rotation: 0, flips: false, brightness: 0, contrast: 0 },
  earlyStopping: false,
  patience: 3,
  minDelta: 0.001,
  checkpointEvery: 0,
  seed: 3,
};

beforeAll(async () => {
  registerWasmTrainingKernels();
  await startNodeBackend('wasm');
});

describe('K-fold out-of-sample probabilities', () => {
  it('predicts every labelled crop by a model that never saw it; flipped labels come out first', async () => {
    const n = 160;
    const { x, label } = toySet(n);
    const flipped = [3, 10, 25, 40, 77, 101, 130, 151];
    const given = label.slice();
    for (const i of flipped) given[i] = 1 - given[i]!;
    // Two unlabelled crops and one left out: predicted by the mean of the fold models.
    given[158] = -1;
    given[159] = -1;
    const include = Uint8Array.from(given, (l) => (l >= 0 ? 1 : 0));
    include[157] = 0;
    const ctx = new TaskRegistry().begin();
    const r = await trainFolds(
      { x, side: SIDE, label: given, include },
      { model: 'lenet5', input: { size: 32, channels: 1 }, settings, k: 2, seed: 9, classNames: ['a', 'b'] },
      ctx,
    );
    expect(r.fold[158]).toBe(-1);
    expect(r.fold[157]).toBe(-1);
    expect(r.weights.length).toBe(2);
    // Out-of-sample probabilities agree with the true labels (not the flipped ones).
    let right = 0;
    for (let i = 0; i < n; i++) right += (r.p1[i]! >= 0.5 ? 1 : 0) === label[i] ? 1 : 0;
    expect(right / n).toBeGreaterThan(0.9);
    const { issues } = findLabelIssues(binaryProbs(r.p1), given);
    const pr = precisionRecallAtK(
      issues.map((i) => i.item),
      new Set(flipped),
    );
    expect(pr.precision).toBeGreaterThanOrEqual(0.75);

    const emb = await modelOutputs(
      { model: 'lenet5', input: { size: 32, channels: 1 }, weights: r.weights[0]! },
      { x, side: SIDE },
      { embed: true, rows: Uint32Array.from([0, 1, 2]) },
    );
    expect(emb.dim).toBe(84);
    expect(emb.values.length).toBe(3 * 84);
    // ReLU features: non-negative, and not all zero.
    expect(Math.min(...emb.values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...emb.values)).toBeGreaterThan(0);
  }, 120_000);

  it('finds the final dense layer of every model in the registry', () => {
    for (const name of ['lenet5', 'lenet5-classic', 'resnet-small']) {
      const { w } = finalDense(getModel(name).params({ size: 32, channels: 1 }));
      expect(w.shape[1]).toBe(1);
    }
  });
});
