// The image training loop in Node on the real wasm backend: ConvNeXt-atto + CBAM on a small generated
// steel-like set (multi-label, focal loss) and a 3-class set (softmax), one epoch each, results.json filled in.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultAugment, noAugment } from '../../core/images/augment';
import type { ImageTrainConfig } from '../../core/images/experiment';
import { splitImages } from '../../core/images/split';
import { generateSteelSet, STEEL_CLASSES } from '../../core/images/steel-demo';
import { createRng } from '../../core/train/rng';
import { startNodeBackend } from '../train/testing/node-tf';
import { registerWasmTrainingKernels } from '../train/wasm-kernels';
import { augmentBatch } from './augment';
import { checkMemory, runImageTraining, type ImageTrainData } from './image-train';

const H = 32;
const W = 160;

function config(over: Partial<ImageTrainConfig>): ImageTrainConfig {
  return {
    model: 'convnext-atto-cbam',
    task: 'multi-label',
    classNames: [...STEEL_CLASSES],
    height: H,
    width: W,
    channels: 1,
    batchSize: 8,
    epochs: 1,
    lr: 1e-3,
    weightDecay: 0.05,
    warmupEpochs: 0,
    patience: 15,
    loss: 'focal',
    focalGamma: 2,
    augment: defaultAugment(),
    seed: 1,
    maxBatchesPerEpoch: 0,
    classWeights: false,
    ...over,
  };
}

const hooks = { checkpoint: async () => {}, stopped: () => false, backend: 'wasm', runId: 't' };

beforeAll(async () => {
  registerWasmTrainingKernels();
  await startNodeBackend('wasm');
});
afterAll(() => startNodeBackend('cpu'));

describe('image training on wasm', () => {
  it('multi-label steel set, ConvNeXt-atto + CBAM, focal loss: one epoch and a complete results.json', async () => {
    const set = generateSteelSet(40, 5, H, W);
    const items = set.map((s) => ({ path: s.name, labels: s.labels }));
    const split = splitImages('multi-label', 4, items, 1);
    const data: ImageTrainData = {
      pixels: set.map((s) => s.pixels),
      items,
      split: {
        train: [...split.train],
        val: [...split.val],
        test: [...split.test],
        description: split.description,
      },
      source: 'generated',
    };
    const epochs: number[] = [];
    const r = await runImageTraining(data, config({}), { onEpoch: (e) => epochs.push(e.epoch) }, hooks);
    expect(epochs).toEqual([0]);
    const res = r.results;
    expect(res.dataset).toMatchObject({ images: 40, train: split.train.length, test: split.test.length });
    expect(res.config.focalAlpha).toHaveLength(4);
    expect(res.per_class.map((c) => c.name)).toEqual([...STEEL_CLASSES]);
    expect(res.confusion).toHaveLength(4);
    expect(res.pr_curves.map((c) => c.name)).toEqual([...STEEL_CLASSES]);
    expect(Number.isFinite(res.history[0]!.trainLoss)).toBe(true);
    expect(res.test.micro.f1).toBeGreaterThanOrEqual(0);
    expect(res.timings.train_images_per_s).toBeGreaterThan(0);
    expect(r.testProbabilities.length).toBe(split.test.length * 4);
    expect(Object.keys(r.weights)).toContain('s3.sa.w');
    expect(JSON.parse(JSON.stringify(res)).best_validation.epoch).toBe(0);
  });

  it('multi-class softmax with cross-entropy learns a separable 3-class set over a few epochs', async () => {
    // class c: brightness band c; easy enough that the loss must fall
    const rng = createRng(3);
    const n = 36;
    const pixels = Array.from({ length: n }, (_, i) =>
      Uint8Array.from({ length: H * W }, () => 40 + (i % 3) * 80 + rng.int(20)),
    );
    const items = pixels.map((_, i) => ({ path: `${i}.png`, labels: [i % 3] }));
    const split = splitImages('multi-class', 3, items, 2);
    const data: ImageTrainData = {
      pixels,
      items,
      split: {
        train: [...split.train],
        val: [...split.val],
        test: [...split.test],
        description: split.description,
      },
      source: 'bands',
    };
    const r = await runImageTraining(
      data,
      config({
        task: 'multi-class',
        classNames: ['a', 'b', 'c'],
        loss: 'ce',
        epochs: 4,
        augment: noAugment(),
        lr: 2e-3,
      }),
      {},
      hooks,
    );
    const h = r.results.history;
    expect(h.at(-1)!.trainLoss).toBeLessThan(h[0]!.trainLoss);
    expect(r.results.confusion).toHaveLength(3);
    expect(r.testMetrics.curves).toHaveLength(3);
  });

  it('refuses a run that will not fit with a message saying what to lower', () => {
    // ConvNeXt-atto + CBAM at full resolution peaks near 2.1 GB per image on wasm (measured): batch 8 is refused
    expect(() => checkMemory(config({ height: 256, width: 1600, batchSize: 8 }), 'wasm')).toThrow(
      /^Training ConvNeXt-Atto \+ CBAM at 256x1600 with batch 8 needs about \d+\.\d GiB of memory, more than the 3\.0 GiB the wasm backend can hold: lower the batch size to 1 or less, or the input size\.$/,
    );
    expect(() =>
      checkMemory(config({ model: 'convnext-tiny', height: 256, width: 1600, batchSize: 4 }), 'wasm'),
    ).toThrow(/even one image does not fit: lower the input size or choose a smaller model/);
    expect(() => checkMemory(config({ height: 256, width: 1600, batchSize: 1 }), 'wasm')).not.toThrow();
    expect(() => checkMemory(config({}), 'wasm')).not.toThrow();
  });

  it('augmentations keep shape and range, and are seeded', () => {
    const a = defaultAugment();
    for (const k of Object.values(a)) {
      k.enabled = true;
      k.p = 1;
    }
    a.rotation.strength = 10;
    a.blur.strength = 1;
    const x = tf.randomUniform([3, H, W, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
    const y1 = augmentBatch(x, a, createRng(9));
    const y2 = augmentBatch(x, a, createRng(9));
    expect(y1.shape).toEqual([3, H, W, 1]);
    expect(tf.max(y1).dataSync()[0]).toBeLessThanOrEqual(1);
    expect(tf.min(y1).dataSync()[0]).toBeGreaterThanOrEqual(0);
    expect(tf.max(tf.abs(tf.sub(y1, y2))).dataSync()[0]).toBe(0);
    expect(tf.max(tf.abs(tf.sub(y1, x))).dataSync()[0]).toBeGreaterThan(0.01);
  });
});
