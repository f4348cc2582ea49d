// Bench: label refinement on a generated set with known label noise. 4,000 synthetic crops (2,000 per gas flow,
// made directly by the crop generator, 40x40 grey) get 10% of their labels flipped at random (seeded); K-fold
// training in the train worker gives out-of-sample probabilities and confident learning ranks the label issues:
// precision at K (K = number flipped) and recall (flipped labels found in the issue list). Then the penultimate
// embeddings of 20,000 crops (crops/s) and their UMAP map in the refine worker (seconds).
import { cacheTransform } from '../../core/data/grey-resize';
import { binaryProbs, findLabelIssues, precisionRecallAtK } from '../../core/refine/confident-learning';
import { CropGenerator } from '../../core/synth';
import { createRng, permutation } from '../../core/train/rng';
import { refineWorker } from '../../workers/refine/client';
import { DEFAULT_MAP_OPTIONS } from '../../workers/refine/api';
import { trainWorker } from '../../workers/train/client';
import type { BenchRecord, BenchScenario } from '../types';

const SIDE = 40;
const LABELLED = 4000;
const MAPPED = 20000;
const NOISE = 0.1;
const FOLDS = 3;
const EPOCHS = 8;

function makeCrops(n: number, seed: number, log: (l: string) => void): { x: Uint8Array; label: Int8Array } {
  const gen = new CropGenerator(seed);
  const x = new Uint8Array(n * SIDE * SIDE);
  const label = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    const flow = i % 2 ? 'high' : 'low';
    const c = gen.cropAt(flow, i >> 1);
    cacheTransform(c.rgba, c.width, c.height, 4, SIDE, x.subarray(i * SIDE * SIDE, (i + 1) * SIDE * SIDE));
    label[i] = i % 2;
    if (i % 2000 === 1999) log(`generated ${i + 1} crops`);
  }
  return { x, label };
}

export const scenario: BenchScenario = {
  name: 'refine',
  description:
    'Label refinement: confident learning on 10% injected noise, embeddings/s, UMAP of 20,000 crops',
  async run(log) {
    const records: BenchRecord[] = [];
    const t0 = performance.now();
    const all = makeCrops(MAPPED, 11, log);
    log(`${MAPPED} crops generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const x = all.x.subarray(0, LABELLED * SIDE * SIDE);
    const truth = all.label.subarray(0, LABELLED);
    const given = truth.slice();
    const flips = Math.round(NOISE * LABELLED);
    const flipped = Array.from(permutation(LABELLED, createRng(2024)).subarray(0, flips));
    for (const i of flipped) given[i] = 1 - given[i]!;

    const settings = {
      batchSize: 64,
      epochs: EPOCHS,
      lr: 3e-3,
      weightDecay: 1e-4,
      loss: 'bce' as const,
      schedule: 'constant' as const,
      augment: { rotation: 15, flips: false, brightness: 0, contrast: 0 },
      earlyStopping: false,
      patience: 3,
      minDelta: 0,
      checkpointEvery: 0,
      seed: 1234,
    };
    const input = { size: 32, channels: 3 };
    const tk = performance.now();
    const r = await trainWorker.run(
      'trainFolds',
      [
        'wasm',
        { x: x.slice(), side: SIDE, label: given, include: new Uint8Array(LABELLED).fill(1) },
        { model: 'lenet5', input, settings, k: FOLDS, seed: 1234, classNames: ['low', 'high'] },
      ],
      { onProgress: (p) => p.message && log(p.message) },
    );
    const kfoldS = (performance.now() - tk) / 1000;
    const { issues } = findLabelIssues(binaryProbs(r.p1), given);
    const pr = precisionRecallAtK(
      issues.map((i) => i.item),
      new Set(flipped),
    );
    const setup = `${LABELLED} generated crops, ${flips} labels flipped (seed 2024), LeNet5 on wasm, K=${FOLDS}, ${EPOCHS} epochs, batch 64, lr 3e-3; out-of-sample accuracy ${r.foldAccuracy.map((a) => (100 * a).toFixed(1)).join('/')}% vs given labels; K-fold ${kfoldS.toFixed(0)} s`;
    log(
      `${issues.length} issues; precision@${flips} ${pr.precision.toFixed(3)}, recall ${pr.recall.toFixed(3)}`,
    );
    records.push(
      { name: 'refine.noise.precision_at_k', value: pr.precision, unit: 'ratio', note: setup },
      {
        name: 'refine.noise.recall',
        value: pr.recall,
        unit: 'ratio',
        note: `flipped labels among the ${issues.length} issues confident learning lists (prune by noise rate); ${setup}`,
      },
    );

    const te = performance.now();
    const emb = await trainWorker.run('modelOutputs', [
      'wasm',
      { model: 'lenet5', input, weights: r.weights[0]! },
      { x: all.x, side: SIDE },
      true,
    ]);
    const embedS = (performance.now() - te) / 1000;
    records.push({
      name: 'refine.embed_crops_per_s',
      value: Math.round(MAPPED / embedS),
      unit: 'crops/s',
      note: `LeNet5 penultimate layer (${emb.dim}-d) of ${MAPPED} crops on wasm, batches of 512, in the train worker`,
    });
    const tu = performance.now();
    await refineWorker.run('umap', [{ x: emb.values, dim: emb.dim }, DEFAULT_MAP_OPTIONS], {
      onProgress: (p) => p.message && p.done === 0 && log(p.message),
    });
    const umapS = (performance.now() - tu) / 1000;
    records.push({
      name: 'refine.umap_s',
      value: Number(umapS.toFixed(1)),
      unit: 's',
      note: `umap-js 1.4.0 in the refine worker, ${MAPPED} crops, ${emb.dim}-d embeddings reduced to ${DEFAULT_MAP_OPTIONS.pcaFirst} by PCA, ${DEFAULT_MAP_OPTIONS.nNeighbors} neighbours`,
    });
    return records;
  },
};
