// Proof of the ConvNeXt ONNX export: ConvNeXt-atto + CBAM with seeded random weights (layer scale raised so the
// blocks matter) runs in tfjs (Node, cpu) and, exported, in onnxruntime-web; logits agree within 1e-4.
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportConvNextOnnx } from '../../core/export/onnx-convnext';
import { convnextExportSpec } from '../train/models/convnext';
import { seededConvNextCase } from '../train/testing/convnext-case';
import { startNodeBackend } from '../train/testing/node-tf';

const N = 3;

beforeAll(async () => {
  await startNodeBackend('cpu');
  ort.env.wasm.numThreads = 1;
});

async function compare(name: string, h: number, w: number, channels: number, classes: number) {
  const { input, model, specs, weights, nhwc } = seededConvNextCase(name, h, w, channels, classes, N);
  const tfLogits = tf.tidy(() => {
    const p = Object.fromEntries(specs.map((s) => [s.name, tf.tensor(weights[s.name]!, s.shape)]));
    return model.apply(p, tf.tensor4d(nhwc, [N, h, w, channels]), false).dataSync() as Float32Array;
  });
  const nchw = tf.tidy(
    () => tf.transpose(tf.tensor4d(nhwc, [N, h, w, channels]), [0, 3, 1, 2]).dataSync() as Float32Array,
  );
  const bytes = exportConvNextOnnx(
    convnextExportSpec(name, input, classes > 1 ? 'softmax' : 'sigmoid'),
    weights,
  );
  const session = await ort.InferenceSession.create(bytes);
  const out = await session.run({ input: new ort.Tensor('float32', nchw, [N, channels, h, w]) });
  const logit = out.logit!.data as Float32Array;
  const prob = out.probability!.data as Float32Array;
  await session.release();
  expect(logit.length).toBe(N * classes);
  let worst = 0;
  for (let i = 0; i < logit.length; i++) worst = Math.max(worst, Math.abs(logit[i]! - tfLogits[i]!));
  const spread = Math.max(...tfLogits) - Math.min(...tfLogits);
  return { worst, spread, prob };
}

describe('ConvNeXt ONNX export runs in onnxruntime with the same logits', () => {
  it('convnext-atto-cbam, 32x96 RGB, 4 classes (softmax)', async () => {
    const { worst, spread, prob } = await compare('convnext-atto-cbam', 32, 96, 3, 4);
    expect(spread).toBeGreaterThan(0.05);
    expect(worst).toBeLessThanOrEqual(1e-4);
    expect(prob[0]! + prob[1]! + prob[2]! + prob[3]!).toBeCloseTo(1, 5);
  });
  it('convnext-femto, 64x64 grey, 1 logit (sigmoid)', async () => {
    const { worst } = await compare('convnext-femto', 64, 64, 1, 1);
    expect(worst).toBeLessThanOrEqual(1e-4);
  });
});
