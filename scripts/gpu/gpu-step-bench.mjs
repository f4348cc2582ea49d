// The studio's LeNet5 training step on tfjs's WebGPU backend in Node, through Dawn (the `webgpu` npm package): no
// browser, no display. Bundled with its dependencies by scripts/gpu/make-gpu-bench.mjs into a folder that runs
// on a headless Linux GPU machine with a Vulkan driver (`./run.sh`). First the same step on tfjs's cpu backend,
// so the GPU's first loss can be checked against it. Then ConvNeXt-atto (batch 8) and ConvNeXt-Tiny (batch 4) at
// full resolution 256x1600 grey with focal loss, as the Images area trains them, their first loss checked against
// tfjs cpu at a reduced size. Prints one JSON line per figure (`name` is the bench's figure name).
//   node gpu-step-bench.mjs [--batch 256] [--steps 30] [--warmup 3] [--dawn backend=vulkan,...]
//     [--convnext atto:8,tiny:4 | --convnext none] [--convnext-steps 3] [--budget-gib 40] [--size 256x1600]
import './dawn-globals.mjs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { benchImageStep } from '../../src/workers/images/bench';
import { benchTrainStep, syntheticBatch } from '../../src/workers/train/bench';
import { Trainer } from '../../src/workers/train/trainer';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const batch = Number(arg('batch', '256'));
const steps = Number(arg('steps', '30'));
const warmup = Number(arg('warmup', '3'));
const convnext = arg('convnext', 'atto:8,tiny:4')
  .split(',')
  .filter((r) => r && r !== 'none')
  .map((r) => {
    const [size, b] = r.split(':');
    return { size, batch: Number(b ?? '1') };
  });
const convnextSteps = Number(arg('convnext-steps', '3'));
// A browser tab's budget is 3 GiB (MEMORY_BUDGET); a GPU in Node may hold more: the estimate still refuses
// a batch that would not fit this many GiB.
const budget = Number(arg('budget-gib', '40')) * 2 ** 30;
const [H, W] = arg('size', '256x1600').split('x').map(Number);
/** Reduced size for the cpu-vs-GPU first-loss check of ConvNeXt (tfjs cpu takes minutes at full size). */
const CHECK = { height: 32, width: 160, batch: 2 };

async function convnextFirstLoss(size, backend) {
  await tf.setBackend(backend);
  await tf.ready();
  const r = await benchImageStep(
    {
      model: `convnext-${size}-cbam`,
      batch: CHECK.batch,
      height: CHECK.height,
      width: CHECK.width,
      warmup: 1,
      steps: 0,
    },
    backend,
    async () => {},
  );
  return r.firstLoss;
}

async function benchConvnext(size, b) {
  const name = `train.convnext_${size}.webgpu.b${b}.${H}x${W}`;
  try {
    const cpu = await convnextFirstLoss(size, 'cpu');
    const gpu = await convnextFirstLoss(size, 'webgpu');
    const r = await benchImageStep(
      {
        model: `convnext-${size}`,
        batch: b,
        height: H,
        width: W,
        warmup: 1,
        steps: convnextSteps,
        memoryBudget: budget,
      },
      'webgpu',
      async () => {},
    );
    return {
      name,
      backend: 'webgpu',
      batch: b,
      steps: r.steps,
      img_per_s: Math.round(r.imgPerSec * 1000) / 1000,
      ms_per_step: Math.round(r.msPerStep * 10) / 10,
      first_loss: r.firstLoss,
      check: { model: `convnext-${size}-cbam`, ...CHECK, cpu_first_loss: cpu, webgpu_first_loss: gpu },
      loss_agrees: Math.abs(cpu - gpu) <= 1e-3,
    };
  } catch (e) {
    return { name, error: e instanceof Error ? e.message : String(e) };
  }
}

/** The first step's loss on tfjs's cpu backend: the reference the GPU's must match (within 1e-3). */
async function cpuFirstLoss() {
  await tf.setBackend('cpu');
  const t = new Trainer({
    model: 'lenet5',
    input: { size: 32, channels: 3 },
    lr: 1e-3,
    weightDecay: 1e-4,
    seed: 1234,
  });
  const d = syntheticBatch(batch, 32, 1, 1234);
  const x = tf.tensor4d(d.x, [batch, 32, 32, 1]);
  const y = tf.tensor2d(d.y, [batch, 1]);
  const l = t.trainStep(x, y);
  const v = (await l.data())[0];
  tf.dispose([x, y, l]);
  t.dispose();
  return v;
}

async function main() {
  const adapter = await globalThis.navigator.gpu.requestAdapter();
  if (!adapter) {
    throw new Error(
      'Dawn found no GPU adapter: is a Vulkan driver installed (vulkaninfo)? Try --dawn backend=vulkan, or list adapters with --dawn adapter=?',
    );
  }
  const info = adapter.info ?? {};
  const reference = await cpuFirstLoss();
  if (!(await tf.setBackend('webgpu')))
    throw new Error('tfjs could not start its webgpu backend on this adapter');
  await tf.ready();
  const r = await benchTrainStep({ batch, steps, warmup, seed: 1234 });
  const out = {
    name: `train.lenet5.webgpu.b${batch}`,
    backend: r.backend,
    adapter: {
      vendor: info.vendor,
      architecture: info.architecture,
      device: info.device,
      description: info.description,
    },
    batch,
    steps,
    img_per_s: Math.round(r.imgPerSec * 10) / 10,
    ms_per_step: Math.round(r.msPerStep * 100) / 100,
    first_loss: r.firstLoss,
    cpu_first_loss: reference,
    loss_agrees: Math.abs(r.firstLoss - reference) <= 1e-3,
    last_loss: r.lastLoss,
  };
  console.log(JSON.stringify(out));
  if (!out.loss_agrees) process.exitCode = 2;
  for (const c of convnext) {
    const res = await benchConvnext(c.size, c.batch);
    console.log(JSON.stringify(res));
    if (res.loss_agrees === false) process.exitCode = 2;
  }
}

main().catch((e) => {
  console.error(`gpu-step-bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
