import { it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { startNodeBackend } from './testing/node-tf';
import { registerWasmTrainingKernels } from './wasm-kernels';
import { Trainer } from './trainer';
import { syntheticBatch } from './bench';
it('probe', async () => {
  try {
    registerWasmTrainingKernels();
    await startNodeBackend('wasm');
    const t = new Trainer({
      model: 'lenet5',
      input: { size: 32, channels: 3 },
      lr: 1e-3,
      weightDecay: 1e-4,
      seed: 1,
    });
    const d = syntheticBatch(256, 32, 3, 1);
    const x = tf.tensor4d(d.x, [256, 32, 32, 3]);
    const y = tf.tensor2d(d.y, [256, 1]);
    for (let i = 0; i < 3; i++) t.trainStep(x, y).dispose();
    const agg: Record<string, number> = {};
    let total = 0;
    for (let i = 0; i < 3; i++) {
      const prof = await tf.profile(() => {
        const l = t.trainStep(x, y);
        return l;
      });
      for (const k of prof.kernels) {
        const ms = Number(await k.kernelTimeMs);
        agg[k.name + ' ' + JSON.stringify(k.inputShapes)] =
          (agg[k.name + ' ' + JSON.stringify(k.inputShapes)] ?? 0) + ms / 3;
        total += ms / 3;
      }
    }
    total = Object.values(agg).reduce((a, b) => a + b, 0);
    const rows = Object.entries(agg)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 25);
    console.log('TOTAL', total.toFixed(1), '\n' + rows.map(([k, v]) => v.toFixed(2) + ' ' + k).join('\n'));
  } catch (e) {
    console.log('OUTER', (e as Error).stack);
  }
});
