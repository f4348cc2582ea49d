import { it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { startNodeBackend } from './testing/node-tf';
import { registerWasmTrainingKernels } from './wasm-kernels';
it('mm', async () => {
  const time = async (name: string, f: () => tf.Tensor) => {
    for (let i = 0; i < 3; i++) f().dispose();
    let best = 1e9;
    for (let i = 0; i < 15; i++) {
      const t0 = performance.now();
      const r = f();
      await r.data();
      r.dispose();
      best = Math.min(best, performance.now() - t0);
    }
    console.log(name, best.toFixed(2));
  };
  await startNodeBackend('wasm');
  const x = tf.randomNormal([256, 28, 28, 6]) as tf.Tensor4D;
  const y = tf.maxPool(x, 2, 2, 'valid');
  const dy = tf.onesLike(y);
  await time(
    'native maxPoolGrad',
    () =>
      tf
        .engine()
        .runKernel(
          'MaxPoolGrad',
          { dy, input: x, output: y },
          { filterSize: 2, strides: 2, pad: 'valid' },
        ) as tf.Tensor,
  );
  registerWasmTrainingKernels();
  await time(
    'js maxPoolGrad',
    () =>
      tf
        .engine()
        .runKernel(
          'MaxPoolGrad',
          { dy, input: x, output: y },
          { filterSize: 2, strides: 2, pad: 'valid' },
        ) as tf.Tensor,
  );
  await time('add 1.2M', () => tf.add(x, x));
  await time('conv2d', () => tf.conv2d(x, tf.ones([5, 5, 6, 16]) as tf.Tensor4D, 1, 'valid'));
});
