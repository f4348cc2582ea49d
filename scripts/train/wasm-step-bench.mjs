// The studio's LeNet5 training step on the tfjs wasm backend (with the studio's gradient kernels) in Node:
// wall-clock and CPU time per step, beside scripts/train/torch_step_bench.py. The wasm backend runs on one
// thread here (no threads without cross-origin isolation), so CPU time per step is what one core spends; it
// does not grow when other programs share the cores, unlike the browser bench's wall-clock figure.
//   node scripts/train/wasm-step-bench.mjs [--batch 256] [--steps 40] [--replicate]     prints one JSON line
import { closeCore, loadCore } from '../generate/load-core.mjs';

export async function wasmStepBench({ batch = 256, steps = 40, warmup = 5, replicate = false } = {}) {
  const tf = await import('@tensorflow/tfjs');
  const { startNodeBackend } = await loadCore('src/workers/train/testing/node-tf.ts');
  const { registerWasmTrainingKernels } = await loadCore('src/workers/train/wasm-kernels.ts');
  const { Trainer } = await loadCore('src/workers/train/trainer.ts');
  const { syntheticBatch } = await loadCore('src/workers/train/bench.ts');
  try {
    registerWasmTrainingKernels();
    await startNodeBackend('wasm');
    const c = replicate ? 3 : 1;
    const t = new Trainer({
      model: 'lenet5',
      input: { size: 32, channels: 3 },
      lr: 1e-3,
      weightDecay: 1e-4,
      seed: 1,
    });
    const d = syntheticBatch(batch, 32, c, 1);
    const x = tf.tensor4d(d.x, [batch, 32, 32, c]);
    const y = tf.tensor2d(d.y, [batch, 1]);
    const step = async () => {
      const l = t.trainStep(x, y);
      const v = (await l.data())[0];
      l.dispose();
      return v;
    };
    for (let i = 0; i < warmup; i++) await step();
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    for (let i = 0; i < steps; i++) await step();
    const wall = (performance.now() - w0) / 1000;
    const u = process.cpuUsage(c0);
    const cpu = (u.user + u.system) / 1e6;
    t.dispose();
    x.dispose();
    y.dispose();
    const n = batch * steps;
    return {
      backend: tf.getBackend(),
      batch,
      steps,
      channels: c,
      img_per_s: Math.round((n / wall) * 10) / 10,
      img_per_cpu_s: Math.round((n / cpu) * 10) / 10,
      ms_per_step: Math.round((1000 * wall * 100) / steps) / 100,
      cpu_ms_per_step: Math.round((1000 * cpu * 100) / steps) / 100,
    };
  } finally {
    await closeCore();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (k, d) => (process.argv.includes(k) ? Number(process.argv[process.argv.indexOf(k) + 1]) : d);
  const r = await wasmStepBench({
    batch: arg('--batch', 256),
    steps: arg('--steps', 40),
    replicate: process.argv.includes('--replicate'),
  });
  console.log(JSON.stringify(r));
}
