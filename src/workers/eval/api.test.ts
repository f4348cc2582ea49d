// The eval worker API run directly in Node (tfjs cpu backend): a run's weights become a layers model that
// matches the training registry's forward pass, export to TF.js files and import back to the same outputs,
// evaluate a split, and refuse files that are not models or whose input the crops cannot fill.
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../core/eval/evaluation';
import { cropBatch } from '../../core/eval/preprocess';
import { getModel } from '../train/models/registry';
import { useNodeBackend } from '../train/testing/node-tf';
import { initialWeights } from '../train/trainer';
import { api } from './api';
import { ModelImportError } from './tfjs-model';

const SIDE = 40;
const INPUT = { size: 32, channels: 3 };
const N = 24;

function crops(seed: number): Uint8Array {
  const x = new Uint8Array(N * SIDE * SIDE);
  let s = seed;
  for (let i = 0; i < x.length; i++) x[i] = (s = (s * 48271) % 2147483647) & 0xff;
  return x;
}

const weights = initialWeights(getModel('lenet5').params(INPUT), 42);
const spec = { modelName: 'lenet5', input: INPUT, weights, classNames: ['low', 'high'] };

function registryLogits(x: Uint8Array): Float32Array {
  const model = getModel('lenet5');
  return tf.tidy(() => {
    const p: Record<string, tf.Tensor> = {};
    for (const s of model.params(INPUT)) p[s.name] = tf.tensor(weights[s.name]!, s.shape);
    const input = tf.tensor4d(cropBatch(x, SIDE, INPUT, 0, N), [N, 32, 32, 3]);
    return model.apply(p, input, false).dataSync() as Float32Array;
  });
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

beforeAll(async () => {
  await useNodeBackend('cpu');
  expect(await api.setBackend('cpu')).toBe('cpu');
});

describe('eval worker api', () => {
  it('a run loaded as a layers model gives the registry forward pass', async () => {
    const info = await api.loadRunModel('run-a', spec);
    // 456 + 2,416 + 48,120 + 10,164 + 85 (conv1, conv2, fc1, fc2, fc3 with 3 input channels)
    expect(info.parameters).toBe(61_241);
    const x = crops(3);
    const raw = await api.classifyCrops('run-a', x, SIDE, true);
    const expected = registryLogits(x);
    expect(maxAbsDiff(raw, expected)).toBeLessThan(1e-5);
    const probs = await api.classifyCrops('run-a', x, SIDE);
    expect(probs[0]).toBeCloseTo(1 / (1 + Math.exp(-expected[0]!)), 6);
  });

  it('lenet5-classic (tanh, average pooling + sigmoid) as a layers model gives its registry forward pass', async () => {
    const classic = getModel('lenet5-classic');
    const w = initialWeights(classic.params(INPUT), 8);
    w['fc3.w'] = w['fc3.w']!.map((v) => v * 20);
    await api.loadRunModel('run-classic', { ...spec, modelName: 'lenet5-classic', weights: w });
    const x = crops(11);
    const raw = await api.classifyCrops('run-classic', x, SIDE, true);
    const expected = tf.tidy(() => {
      const p: Record<string, tf.Tensor> = {};
      for (const s of classic.params(INPUT)) p[s.name] = tf.tensor(w[s.name]!, s.shape);
      const input = tf.tensor4d(cropBatch(x, SIDE, INPUT, 0, N), [N, 32, 32, 3]);
      return classic.apply(p, input, false).dataSync() as Float32Array;
    });
    expect(maxAbsDiff(raw, expected)).toBeLessThan(1e-5);
    expect(Math.max(...expected) - Math.min(...expected)).toBeGreaterThan(1e-3);
    api.release('run-classic');
  });

  it('resnet-small: a run loads as a layers model with its registry forward pass, exports to TF.js and imports back, and the import exports to ONNX that onnxruntime agrees with', async () => {
    const resnet = getModel('resnet-small');
    const w = initialWeights(resnet.params(INPUT), 13);
    w['fc.w'] = w['fc.w']!.map((v) => v * 20);
    // open the residual gates (0 at init) so the folded residual branches are exercised
    for (const [i, g] of ['s1.gate', 's2.gate', 's3.gate'].entries())
      w[g] = new Float32Array([0.4 + 0.3 * i]);
    const rspec = { ...spec, modelName: 'resnet-small', weights: w };
    const info = await api.loadRunModel('run-resnet', rspec);
    // the registry's 103,289 parameters less the three gates folded into conv2
    expect(info.parameters).toBe(103_289 - 3);
    // crop i dimmed to (i + 1) / N of its noise, so the pooled features (and logits) differ across the batch
    const x = crops(17).map((v, j) => Math.round((v * (Math.floor(j / (SIDE * SIDE)) + 1)) / N));
    const raw = await api.classifyCrops('run-resnet', x, SIDE, true);
    const expected = tf.tidy(() => {
      const p: Record<string, tf.Tensor> = {};
      for (const s of resnet.params(INPUT)) p[s.name] = tf.tensor(w[s.name]!, s.shape);
      const input = tf.tensor4d(cropBatch(x, SIDE, INPUT, 0, N), [N, 32, 32, 3]);
      return resnet.apply(p, input, false).dataSync() as Float32Array;
    });
    expect(maxAbsDiff(raw, expected)).toBeLessThan(1e-4);
    expect(Math.max(...expected) - Math.min(...expected)).toBeGreaterThan(1e-3);

    const files = await api.exportTfjs('run-resnet', { training: {}, cacheSide: SIDE });
    const dec = new TextDecoder();
    const imported = await api.importModelFiles(
      {
        modelJson: dec.decode(files[0]!.bytes),
        weights: { 'weights.bin': files[1]!.bytes },
        metadataJson: dec.decode(files[2]!.bytes),
      },
      SIDE,
    );
    expect(imported.info).toMatchObject({ name: 'resnet-small', numOutputs: 1, output: 'logit' });
    const back = await api.classifyCrops(imported.key, x, SIDE, true);
    expect(maxAbsDiff(back, raw)).toBe(0);
    for (const onnx of [
      api.exportOnnx(rspec, { layout: 'NHWC' }),
      api.exportOnnxLoaded(imported.key, { layout: 'NHWC' }),
    ]) {
      const session = await ort.InferenceSession.create(onnx);
      const input = new ort.Tensor('float32', cropBatch(x, SIDE, INPUT, 0, N), [N, 32, 32, 3]);
      const out = await session.run({ input });
      expect(maxAbsDiff(out.logit!.data as Float32Array, expected)).toBeLessThan(1e-4);
      await session.release();
    }
    api.release(imported.key);
    api.release('run-resnet');
  });

  it('predictSplit feeds evaluate with the labels and ids of the split', async () => {
    await api.loadRunModel('run-a', spec);
    const x = crops(5);
    const y = new Uint8Array(N).map((_, i) => i % 2);
    const ids = Array.from({ length: N }, (_, i) => `f.h5/d/${i}`);
    const set = await api.predictSplit('run-a', { x, y, ids }, SIDE, 'test');
    expect(set.split).toBe('test');
    expect(set.probs).toHaveLength(N);
    const ev = evaluate(set);
    const predicted = Array.from(set.probs, (p) => (p >= 0.5 ? 1 : 0));
    let tp = 0;
    for (let i = 0; i < N; i++) if (y[i] === 1 && predicted[i] === 1) tp++;
    expect(ev.confusion.counts[1]![1]).toBe(tp);
    expect(ev.confusion.total).toBe(N);
  });

  it('TF.js export (model.json + weights.bin + metadata.json) imports back to the same outputs', async () => {
    await api.loadRunModel('run-a', spec);
    const files = await api.exportTfjs('run-a', { training: { bestValAcc: 0.9 }, cacheSide: SIDE });
    expect(files.map((f) => f.name)).toEqual(['model.json', 'weights.bin', 'metadata.json']);
    const dec = new TextDecoder();
    const meta = JSON.parse(dec.decode(files[2]!.bytes)) as { classNames: string[]; input: { size: number } };
    expect(meta.classNames).toEqual(['low', 'high']);
    expect(meta.input.size).toBe(32);
    const imported = await api.importModelFiles(
      {
        modelJson: dec.decode(files[0]!.bytes),
        weights: { 'weights.bin': files[1]!.bytes },
        metadataJson: dec.decode(files[2]!.bytes),
      },
      SIDE,
    );
    expect(imported.info).toMatchObject({
      name: 'lenet5',
      numOutputs: 1,
      output: 'logit',
      classNames: ['low', 'high'],
    });
    const x = crops(9);
    const a = await api.classifyCrops('run-a', x, SIDE);
    const b = await api.classifyCrops(imported.key, x, SIDE);
    expect(maxAbsDiff(a, b)).toBe(0);
    // the imported studio export can itself be written as ONNX, and onnxruntime agrees with it
    const onnx = api.exportOnnxLoaded(imported.key, { layout: 'NHWC' });
    const session = await ort.InferenceSession.create(onnx);
    const input = new ort.Tensor('float32', cropBatch(x, SIDE, INPUT, 0, N), [N, 32, 32, 3]);
    const out = await session.run({ input });
    const raw = await api.classifyCrops(imported.key, x, SIDE, true);
    expect(maxAbsDiff(out.logit!.data as Float32Array, raw)).toBeLessThan(1e-4);
    await session.release();
    api.release(imported.key);
  });

  it('refuses what is not a TF.js layers model, with a message naming the problem', async () => {
    const empty = { weights: {} };
    await expect(
      api.importModelFiles({ ...empty, modelJson: '\u0089HDF\r\n', modelJsonName: 'm.h5' }, SIDE),
    ).rejects.toThrow(/m\.h5 is not a TensorFlow\.js model: it is not JSON/);
    await expect(api.importModelFiles({ ...empty, modelJson: '{"a":1}' }, SIDE)).rejects.toThrow(
      /no modelTopology/,
    );
    await expect(
      api.importModelFiles({ ...empty, modelJson: '{"format":"spatter-studio-run","version":1}' }, SIDE),
    ).rejects.toThrow(/run file: import it in the Runs area/);
    await expect(
      api.importModelFiles(
        {
          ...empty,
          modelJson: JSON.stringify({
            format: 'graph-model',
            modelTopology: { node: [] },
            weightsManifest: [],
          }),
        },
        SIDE,
      ),
    ).rejects.toThrow(/graph model/);
  });

  it('refuses a missing or mismatched weights file', async () => {
    await api.loadRunModel('run-a', spec);
    const files = await api.exportTfjs('run-a', { training: {}, cacheSide: SIDE });
    const modelJson = new TextDecoder().decode(files[0]!.bytes);
    await expect(api.importModelFiles({ modelJson, weights: {} }, SIDE)).rejects.toThrow(
      /needs the weights file "weights.bin"/,
    );
    await expect(
      api.importModelFiles({ modelJson, weights: { 'weights.bin': new Uint8Array(100) } }, SIDE),
    ).rejects.toThrow(/do not belong together/);
  });

  it('refuses a model whose input the crops cannot fill', async () => {
    const big = tf.sequential({
      layers: [tf.layers.flatten({ inputShape: [64, 64, 3] }), tf.layers.dense({ units: 1 })],
    });
    let artifacts: tf.io.ModelArtifacts | undefined;
    await big.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const modelJson = JSON.stringify({
      format: 'layers-model',
      modelTopology: artifacts!.modelTopology,
      weightsManifest: [{ paths: ['w.bin'], weights: artifacts!.weightSpecs }],
    });
    const w = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts!.weightData!));
    await expect(api.importModelFiles({ modelJson, weights: { 'w.bin': w } }, SIDE)).rejects.toThrow(
      ModelImportError,
    );
    await expect(api.importModelFiles({ modelJson, weights: { 'w.bin': w } }, SIDE)).rejects.toThrow(
      /needs 64x64 images but the crops are 40x40/,
    );
    // and the same model is accepted where the crops are large enough
    const ok = await api.importModelFiles({ modelJson, weights: { 'w.bin': w } }, 64);
    expect(ok.info.input).toEqual({ size: 64, channels: 3 });
    expect(ok.info.classNames).toEqual(['class 0', 'class 1']);
  });
});
