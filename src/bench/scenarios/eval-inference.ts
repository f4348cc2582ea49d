// Bench: evaluation throughput in the eval worker (LeNet5 as a TF.js layers model, wasm backend when the
// browser has it: crop cut, scale, predict, sigmoid) and the time to write the ONNX export.
import { exportOnnx } from '../../core/export/onnx';
import { sequentialModel, shapeModel, type WeightMap } from '../../core/export/sequential';
import { evalWorker } from '../../workers/eval/client';
import type { BenchRecord, BenchScenario } from '../types';

const INPUT = { size: 32, channels: 3 };
const SIDE = 40;
const CROPS = 4096;

/** Seeded uniform weights of the right shapes (the numbers do not matter for speed). */
function benchWeights(): WeightMap {
  let s = 1;
  const rand = () => (s = (s * 16807) % 2147483647) / 2147483647 - 0.5;
  const w: WeightMap = {};
  for (const op of shapeModel(sequentialModel('lenet5'), INPUT)) {
    if (op.op.kind !== 'conv' && op.op.kind !== 'dense') continue;
    const shape = op.weightShape!;
    w[op.op.weight] = new Float32Array(shape.reduce((a, b) => a * b, 1)).map(() => rand() * 0.2);
    w[op.op.bias] = new Float32Array(shape[shape.length - 1]!).map(() => rand() * 0.2);
  }
  return w;
}

export const scenario: BenchScenario = {
  name: 'eval-inference',
  description: `LeNet5 inference over ${CROPS} cached 40x40 crops in the eval worker, and ONNX export time`,
  async run(log) {
    const weights = benchWeights();
    const out: BenchRecord[] = [];
    await evalWorker.api.loadRunModel('bench', {
      modelName: 'lenet5',
      input: INPUT,
      weights,
      classNames: ['low', 'high'],
    });
    const x = new Uint8Array(CROPS * SIDE * SIDE).map((_, i) => (i * 2654435761) >>> 24);
    await evalWorker.api.classifyCrops('bench', x.slice(0, 256 * SIDE * SIDE), SIDE); // warm-up: kernels, wasm
    const t0 = performance.now();
    await evalWorker.api.classifyCrops('bench', x, SIDE);
    const seconds = (performance.now() - t0) / 1000;
    const imgPerSec = CROPS / seconds;
    const backend = await evalWorker.api.backend();
    log(`eval.lenet5.infer: ${imgPerSec.toFixed(0)} img/s`);
    out.push({
      name: 'eval.lenet5.infer',
      value: Math.round(imgPerSec),
      unit: 'img/s',
      note: `${CROPS} crops, batch 256, ${backend} backend in the eval worker, crop cut and transfer included`,
    });
    const t1 = performance.now();
    const bytes = exportOnnx('lenet5', INPUT, weights);
    const ms = performance.now() - t1;
    log(`export.onnx.lenet5: ${ms.toFixed(1)} ms, ${bytes.length} bytes`);
    out.push({
      name: 'export.onnx.lenet5',
      value: Math.round(ms * 10) / 10,
      unit: 'ms',
      note: `${bytes.length} bytes`,
    });
    await evalWorker.api.release('bench');
    return out;
  },
};
