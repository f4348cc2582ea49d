// Proof of the ConvNeXt TF.js graph-model export: seeded ConvNeXt weights (layer scale raised so the blocks matter)
// run through the studio's own forward pass (tfjs cpu, Node) and, exported as model.json + .bin, through
// tf.loadGraphModel reading those files back; logits and probabilities agree.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportConvNextTfjs, TFJS_WEIGHTS_FILE } from '../../core/export/tfjs-convnext';
import { convnextExportSpec } from '../train/models/convnext';
import { getModel } from '../train/models/registry';
import { seededConvNextCase } from '../train/testing/convnext-case';
import { startNodeBackend } from '../train/testing/node-tf';
import { initialWeights } from '../train/trainer';

beforeAll(() => startNodeBackend('cpu'));

/** What tf.io.browserFiles / http would hand loadGraphModel: model.json parsed and its shard by path. */
function filesHandler(modelJson: string, shards: Record<string, Uint8Array>): tf.io.IOHandler {
  return {
    load: async () => {
      const json = JSON.parse(modelJson) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs = manifest.flatMap((g) => g.weights);
        const parts = manifest.flatMap((g) => g.paths.map((p) => shards[p]!));
        const total = parts.reduce((s, p) => s + p.length, 0);
        const data = new Uint8Array(total);
        let at = 0;
        for (const p of parts) data.set(p, (at += p.length) - p.length);
        return [specs, data.buffer];
      });
    },
  };
}

async function compare(name: string, h: number, w: number, channels: number, classes: number, N = 3) {
  const { input, model, specs, weights, nhwc } = seededConvNextCase(name, h, w, channels, classes, N);
  const probability = classes > 1 ? 'softmax' : 'sigmoid';
  const studio = tf.tidy(() => {
    const p = Object.fromEntries(specs.map((s) => [s.name, tf.tensor(weights[s.name]!, s.shape)]));
    const logit = model.apply(p, tf.tensor4d(nhwc, [N, h, w, channels]), false);
    const prob = probability === 'softmax' ? tf.softmax(logit) : tf.sigmoid(logit);
    return { logit: logit.dataSync() as Float32Array, prob: prob.dataSync() as Float32Array };
  });
  const files = exportConvNextTfjs(convnextExportSpec(name, input, probability), weights, {
    metadata: { classes: ['a', 'b'] },
  });
  expect(JSON.parse(files.modelJson).format).toBe('graph-model');
  const graph = await tf.loadGraphModel(
    filesHandler(files.modelJson, { [TFJS_WEIGHTS_FILE]: files.weights }),
  );
  const x = tf.tensor4d(nhwc, [N, h, w, channels]);
  const [logitT, probT] = graph.execute(x, ['logit', 'probability']) as tf.Tensor[];
  // predict() gives the signature's outputs in order: [logit, probability]
  const predicted = graph.predict(x) as tf.Tensor[];
  expect(predicted.map((t) => t.shape)).toEqual([
    [N, classes],
    [N, classes],
  ]);
  expect(Array.from(predicted[1]!.dataSync())).toEqual(Array.from(probT!.dataSync()));
  const logit = logitT!.dataSync() as Float32Array;
  const prob = probT!.dataSync() as Float32Array;
  expect(logitT!.shape).toEqual([N, classes]);
  const worst = (a: Float32Array, b: Float32Array) =>
    a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
  const spread = Math.max(...studio.logit) - Math.min(...studio.logit);
  const result = {
    logitDiff: worst(logit, studio.logit),
    probDiff: worst(prob, studio.prob),
    spread,
    prob,
    metadata: graph.metadata as Record<string, unknown>,
  };
  tf.dispose([x, logitT!, probT!, ...predicted]);
  graph.dispose();
  return result;
}

describe('ConvNeXt TF.js graph-model export loads with tf.loadGraphModel and predicts as the studio', () => {
  it('convnext-atto-cbam, 32x96 grey, 4 classes (softmax)', async () => {
    const r = await compare('convnext-atto-cbam', 32, 96, 1, 4);
    expect(r.spread).toBeGreaterThan(0.05);
    expect(r.logitDiff).toBeLessThanOrEqual(1e-5);
    expect(r.probDiff).toBeLessThanOrEqual(1e-5);
    expect(r.prob[0]! + r.prob[1]! + r.prob[2]! + r.prob[3]!).toBeCloseTo(1, 5);
    expect(r.metadata.model).toBe('convnext-atto-cbam');
    expect(r.metadata.classes).toEqual(['a', 'b']);
  });

  it('convnext-femto, 64x64 RGB, 1 logit (sigmoid)', async () => {
    const r = await compare('convnext-femto', 64, 64, 3, 1);
    expect(r.logitDiff).toBeLessThanOrEqual(1e-5);
    expect(r.probDiff).toBeLessThanOrEqual(1e-5);
  });

  it('convnext-tiny-cbam (depths 3/3/9/3), 32x64 grey, 3 classes (softmax)', async () => {
    const r = await compare('convnext-tiny-cbam', 32, 64, 1, 3, 2);
    expect(r.spread).toBeGreaterThan(0.05);
    expect(r.logitDiff).toBeLessThanOrEqual(1e-5);
    expect(r.probDiff).toBeLessThanOrEqual(1e-5);
  }, 120_000);

  it('refuses weights that do not belong to the model, naming the weight', () => {
    const input = { size: 32, height: 32, width: 32, channels: 1, classes: 2 };
    const weights = initialWeights(getModel('convnext-atto').params(input), 1);
    const spec = convnextExportSpec('convnext-atto-cbam', input, 'softmax');
    expect(() => exportConvNextTfjs(spec, weights)).toThrow(
      /Weights "s2.ca1.w" should hold 1600 values but hold none/,
    );
  });
});
