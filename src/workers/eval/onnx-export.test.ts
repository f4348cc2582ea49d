// Proof of the ONNX export: each registry model with seeded random weights runs in tfjs (Node, cpu)
// and, exported, in onnxruntime (onnxruntime-web's wasm build in Node); the logits must agree within 1e-4.
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx, ONNX_MODELS } from '../../core/export/onnx';
import { ExportError } from '../../core/export/sequential';
import { listModels } from '../train/models/registry';
import { getModel } from '../train/models/registry';
import { initialWeights } from '../train/trainer';
import { useNodeBackend } from '../train/testing/node-tf';

const SIZE = 32;
const CHANNELS = 3;
const N = 8;

/** Deterministic pseudo-random input in [0, 1], NHWC; sample n is dimmed to (n + 1) / N so outputs differ. */
function sampleInput(): Float32Array {
  const x = new Float32Array(N * SIZE * SIZE * CHANNELS);
  const per = SIZE * SIZE * CHANNELS;
  let s = 7;
  for (let i = 0; i < x.length; i++)
    x[i] = (((s = (s * 16807) % 2147483647) / 2147483647) * (Math.floor(i / per) + 1)) / N;
  return x;
}

/**
 * Seeded weights with a louder last layer, so the logits spread and agreement is no coincidence; resnet-small's
 * residual gates (0 at init) are opened so the residual branches count.
 */
function testWeights(name: string, seed: number): Record<string, Float32Array> {
  const w = initialWeights(getModel(name).params({ size: SIZE, channels: CHANNELS }), seed);
  const last = w['fc3.w'] ? 'fc3.w' : 'fc.w';
  w[last] = w[last]!.map((v) => v * 20);
  for (const [i, g] of ['s1.gate', 's2.gate', 's3.gate'].entries())
    if (w[g]) w[g] = new Float32Array([0.5 + 0.3 * i]);
  return w;
}

function nhwcToNchw(x: Float32Array): Float32Array {
  const out = new Float32Array(x.length);
  for (let n = 0; n < N; n++)
    for (let h = 0; h < SIZE; h++)
      for (let w = 0; w < SIZE; w++)
        for (let c = 0; c < CHANNELS; c++)
          out[((n * CHANNELS + c) * SIZE + h) * SIZE + w] = x[((n * SIZE + h) * SIZE + w) * CHANNELS + c]!;
  return out;
}

function tfjsLogits(modelName: string, weights: Record<string, Float32Array>, x: Float32Array): Float32Array {
  const model = getModel(modelName);
  return tf.tidy(() => {
    const params: Record<string, tf.Tensor> = {};
    for (const s of model.params({ size: SIZE, channels: CHANNELS }))
      params[s.name] = tf.tensor(weights[s.name]!, s.shape);
    const input = tf.tensor4d(x, [N, SIZE, SIZE, CHANNELS]);
    return model.apply(params, input, false).dataSync() as Float32Array;
  });
}

async function onnxLogits(
  bytes: Uint8Array,
  x: Float32Array,
  dims: number[],
): Promise<{ logit: Float32Array; probability: Float32Array }> {
  const session = await ort.InferenceSession.create(bytes);
  const out = await session.run({ input: new ort.Tensor('float32', x, dims) });
  const logit = out.logit!.data as Float32Array;
  const probability = out.probability!.data as Float32Array;
  await session.release();
  return { logit, probability };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

beforeAll(async () => {
  await useNodeBackend('cpu');
  ort.env.wasm.numThreads = 1;
});

// The crop models (the Train area's list); ConvNeXt image classifiers have their own exporter and test
// (core/export/onnx-convnext.ts).
const registered = listModels()
  .map((m) => m.name)
  .filter((n) => !n.startsWith('convnext'));

describe('ONNX export', () => {
  it('covers every model the studio trains', () => {
    expect(registered).toEqual(expect.arrayContaining(['lenet5', 'lenet5-classic', 'resnet-small']));
    for (const name of registered) expect(ONNX_MODELS).toContain(name);
  });

  for (const name of registered) {
    it(`${name}: onnxruntime (NCHW) reproduces the tfjs logits within 1e-4`, async () => {
      const weights = testWeights(name, 99);
      const x = sampleInput();
      const expected = tfjsLogits(name, weights, x);
      const bytes = exportOnnx(name, { size: SIZE, channels: CHANNELS }, weights, {
        metadata: { classes: 'low,high' },
      });
      const got = await onnxLogits(bytes, nhwcToNchw(x), [N, CHANNELS, SIZE, SIZE]);
      const diff = maxAbsDiff(expected, got.logit);
      expect(diff).toBeLessThan(1e-4);
      // the logits vary across the batch, so agreement is not a constant coincidence
      expect(Math.max(...expected) - Math.min(...expected)).toBeGreaterThan(1e-3);
      for (let i = 0; i < N; i++)
        expect(got.probability[i]).toBeCloseTo(1 / (1 + Math.exp(-expected[i]!)), 5);
    });

    it(`${name}: the NHWC variant takes the studio's layout directly`, async () => {
      const weights = testWeights(name, 5);
      const x = sampleInput();
      const expected = tfjsLogits(name, weights, x);
      const bytes = exportOnnx(name, { size: SIZE, channels: CHANNELS }, weights, { layout: 'NHWC' });
      const got = await onnxLogits(bytes, x, [N, SIZE, SIZE, CHANNELS]);
      expect(maxAbsDiff(expected, got.logit)).toBeLessThan(1e-4);
    });
  }

  it('refuses weights that do not fit the model', () => {
    const weights = initialWeights(getModel('lenet5').params({ size: SIZE, channels: CHANNELS }), 1);
    expect(() => exportOnnx('lenet5', { size: 28, channels: CHANNELS }, weights)).toThrow(ExportError);
    expect(() => exportOnnx('resnet-small', { size: SIZE, channels: CHANNELS }, weights)).toThrow(
      /"stem.w" should hold 432 values/,
    );
    expect(() => exportOnnx('vgg', { size: SIZE, channels: CHANNELS }, weights)).toThrow(
      /cannot be exported: export knows lenet5, lenet5-classic, resnet-small/,
    );
  });
});
