import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { createRng, uniformArray } from '../../core/train/rng';
import { startNodeBackend } from './testing/node-tf';
import { registerWasmTrainingKernels } from './wasm-kernels';

registerWasmTrainingKernels();

type Case = () => tf.Tensor[];

/** Run `build` on cpu and on wasm from the same numbers; return both results as arrays. */
async function onBoth(build: Case): Promise<{ cpu: Float32Array[]; wasm: Float32Array[] }> {
  const out: Record<string, Float32Array[]> = {};
  for (const b of ['cpu', 'wasm'] as const) {
    await startNodeBackend(b);
    const ts = build();
    out[b] = await Promise.all(ts.map(async (t) => (await t.data()) as Float32Array));
    ts.forEach((t) => t.dispose());
  }
  return { cpu: out.cpu!, wasm: out.wasm! };
}

function expectClose(a: Float32Array, b: Float32Array, tol: number): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  let scale = 1e-6;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(a[i]!));
  }
  expect(worst / scale).toBeLessThan(tol);
}

function rand(shape: number[], seed: number): tf.Tensor {
  const n = shape.reduce((x, y) => x * y, 1);
  return tf.tensor(uniformArray(n, 1, createRng(seed)), shape);
}

describe('wasm training kernels agree with the cpu backend', () => {
  const convCases: { name: string; x: number[]; w: number[]; pad: 'valid' | 'same' }[] = [
    { name: 'LeNet conv1 (3->6, 5x5, valid)', x: [4, 32, 32, 3], w: [5, 5, 3, 6], pad: 'valid' },
    { name: 'LeNet conv2 (6->16, 5x5, valid)', x: [4, 14, 14, 6], w: [5, 5, 6, 16], pad: 'valid' },
    { name: '3x3 same padding', x: [3, 9, 9, 4], w: [3, 3, 4, 5], pad: 'same' },
    { name: '4x4 same padding (asymmetric pads)', x: [2, 8, 7, 2], w: [4, 4, 2, 3], pad: 'same' },
    { name: '1x1', x: [2, 6, 6, 8], w: [1, 1, 8, 4], pad: 'valid' },
  ];
  for (const c of convCases) {
    it(`Conv2DBackpropFilter and Conv2DBackpropInput: ${c.name}`, async () => {
      const r = await onBoth(() => {
        const x = rand(c.x, 1) as tf.Tensor4D;
        const w = rand(c.w, 2) as tf.Tensor4D;
        const y = tf.conv2d(x, w, 1, c.pad);
        const dy = rand(y.shape, 3);
        const g = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf
            .conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, c.pad)
            .mul(dy)
            .sum(),
        )([x, w]);
        return [...g, x, w, y, dy];
      });
      expectClose(r.cpu[0]!, r.wasm[0]!, 1e-5); // dx
      expectClose(r.cpu[1]!, r.wasm[1]!, 1e-5); // dw
    });
  }

  it('MaxPoolGrad sends the gradient to the first maximum of each window (ties included)', async () => {
    const r = await onBoth(() => {
      // Quantised values make ties common, as on flat image regions.
      const x = rand([3, 12, 12, 5], 4).mul(3).round() as tf.Tensor4D;
      const dy = rand([3, 6, 6, 5], 5);
      const [dx] = tf.grads((a: tf.Tensor) =>
        tf
          .maxPool(a as tf.Tensor4D, 2, 2, 'valid')
          .mul(dy)
          .sum(),
      )([x]);
      return [dx!];
    });
    expectClose(r.cpu[0]!, r.wasm[0]!, 1e-6);
  });

  it('MaxPoolGrad with overlapping 3x3 stride 2 same-padded windows', async () => {
    const r = await onBoth(() => {
      const x = rand([2, 9, 9, 3], 6) as tf.Tensor4D;
      const dy = rand([2, 5, 5, 3], 7);
      const [dx] = tf.grads((a: tf.Tensor) =>
        tf
          .maxPool(a as tf.Tensor4D, 3, 2, 'same')
          .mul(dy)
          .sum(),
      )([x]);
      return [dx!];
    });
    expectClose(r.cpu[0]!, r.wasm[0]!, 1e-6);
  });

  it('BatchMatMul with transposed operands', async () => {
    const r = await onBoth(() => {
      const a = rand([7, 5], 8);
      const b = rand([9, 5], 9);
      const c = rand([7, 4], 10);
      const d = rand([2, 5, 3], 11);
      const e = rand([2, 4, 5], 12);
      return [
        tf.matMul(a, b, false, true),
        tf.matMul(a, c, true, false),
        tf.matMul(b, a, false, true),
        tf.matMul(d, e, true, true),
      ];
    });
    for (let i = 0; i < 4; i++) expectClose(r.cpu[i]!, r.wasm[i]!, 1e-5);
  });
});
