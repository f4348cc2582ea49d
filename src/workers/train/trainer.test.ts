import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticBatch } from './bench';
import { startNodeBackend } from './testing/node-tf';
import { getModel } from './models/registry';
import { initialWeights, Trainer } from './trainer';
import { registerWasmTrainingKernels } from './wasm-kernels';

describe('trainer on the cpu backend', () => {
  beforeAll(() => startNodeBackend('cpu'));

  it('starts from the same weights for the same seed', async () => {
    const opts = { model: 'lenet5', input: { size: 32, channels: 3 }, lr: 1e-3, weightDecay: 1e-4, seed: 5 };
    const a = new Trainer(opts);
    const b = new Trainer(opts);
    const c = new Trainer({ ...opts, seed: 6 });
    const wa = await a.getWeights();
    expect(await b.getWeights()).toEqual(wa);
    expect((await c.getWeights())['conv1.w']).not.toEqual(wa['conv1.w']);
    [a, b, c].forEach((t) => t.dispose());
  });

  it('lowers the loss on a fixed batch with Adam steps and does not leak tensors', async () => {
    const t = new Trainer({
      model: 'lenet5',
      input: { size: 32, channels: 3 },
      lr: 1e-3,
      weightDecay: 1e-4,
      seed: 1,
    });
    const d = syntheticBatch(8, 32, 3, 1);
    const x = tf.tensor4d(d.x, [8, 32, 32, 3]);
    const y = tf.tensor2d(d.y, [8, 1]);
    const before = tf.memory().numTensors;
    const losses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const l = t.trainStep(x, y);
      losses.push((await l.data())[0]!);
      l.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[7]!).toBeLessThan(losses[0]! * 0.97);
    t.dispose();
    x.dispose();
    y.dispose();
  });
});

describe('grey batches on a 3-channel model', () => {
  beforeAll(() => startNodeBackend('cpu'));

  it('give the same loss and gradients as the grey image replicated to 3 channels', async () => {
    const t = new Trainer({
      model: 'lenet5',
      input: { size: 32, channels: 3 },
      lr: 1e-3,
      weightDecay: 0,
      seed: 3,
    });
    const one = syntheticBatch(4, 32, 1, 9);
    const three = syntheticBatch(4, 32, 3, 9);
    const y = tf.tensor2d(one.y, [4, 1]);
    const a = t.lossAndGrads(tf.tensor4d(one.x, [4, 32, 32, 1]), y);
    const b = t.lossAndGrads(tf.tensor4d(three.x, [4, 32, 32, 3]), y);
    expect((await a.loss.data())[0]).toBeCloseTo((await b.loss.data())[0]!, 5);
    for (const name of Object.keys(b.grads)) {
      expect(a.grads[name]!.shape).toEqual(b.grads[name]!.shape);
      const ga = await a.grads[name]!.data();
      const gb = await b.grads[name]!.data();
      const scale = Math.max(...gb.map(Math.abs), 1e-6);
      const worst = Math.max(...ga.map((v, i) => Math.abs(v - gb[i]!)));
      expect(worst / scale).toBeLessThan(1e-4);
    }
  });
});

describe('the same first step on every Node backend', () => {
  // Browser backends (webgl, webgpu) are compared in e2e; here cpu (reference) and wasm (our kernels).
  // resnet-small is slow on the cpu backend, so it gets a batch of 2; its residual gates start at 0 (which
  // would hide the block convolutions' gradients), so they are set to 0.5 for this check.
  const cases = [
    { model: 'lenet5', batch: 16 },
    { model: 'lenet5-classic', batch: 16 },
    { model: 'resnet-small', batch: 2 },
  ];
  for (const { model, batch } of cases) {
    it(`${model}: wasm gives the cpu loss within 1e-5 and gradients within 1e-4 (relative to the largest)`, async () => {
      registerWasmTrainingKernels();
      const input = { size: 32, channels: 3 };
      const weights = initialWeights(getModel(model).params(input), 11);
      for (const k of Object.keys(weights)) if (k.endsWith('.gate')) weights[k]!.fill(0.5);
      const out: Record<string, { loss: number; grads: Record<string, Float32Array> }> = {};
      for (const b of ['cpu', 'wasm'] as const) {
        await startNodeBackend(b);
        const t = new Trainer({ model, input, lr: 1e-3, weightDecay: 1e-4, seed: 11 }, weights);
        const d = syntheticBatch(batch, 32, 1, 4);
        const r = t.lossAndGrads(tf.tensor4d(d.x, [batch, 32, 32, 1]), tf.tensor2d(d.y, [batch, 1]));
        const grads: Record<string, Float32Array> = {};
        for (const [k, g] of Object.entries(r.grads)) grads[k] = (await g.data()) as Float32Array;
        out[b] = { loss: (await r.loss.data())[0]!, grads };
        t.dispose();
      }
      expect(Math.abs(out.cpu!.loss - out.wasm!.loss)).toBeLessThan(1e-5);
      for (const k of Object.keys(out.cpu!.grads)) {
        const a = out.cpu!.grads[k]!;
        const b = out.wasm!.grads[k]!;
        const scale = Math.max(...a.map(Math.abs), 1e-8);
        expect(scale, `${k} has a gradient`).toBeGreaterThan(1e-7);
        expect(Math.max(...a.map((v, i) => Math.abs(v - b[i]!))) / scale, k).toBeLessThan(1e-4);
      }
    }, 180_000);
  }
});
