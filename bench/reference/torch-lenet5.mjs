// Reference yardstick for training: PyTorch running the research LeNet5 recipe (scripts/train/torch_lenet5.py,
// a copy of the shared reference), 20 epochs, batch 256 (the studio's bench batch), on
//   - the e2e HDF5 fixtures (tiny: throughput is dominated by per-epoch overheads), and
//   - the generated set the studio's train-accuracy scenario trains on (bench/.data/set-12000, or set-6000;
//     `npm run generate:set -- --crops 12000 --positions left`): torch.lenet5.set.test_acc beside
//     train.lenet5.wasm.set.test_acc, and PyTorch's img/s on a set large enough to mean something.
// And the bare training step at batch 256 (scripts/train/torch_step_bench.py) beside the studio's wasm step in
// Node (scripts/train/wasm-step-bench.mjs), each with wall-clock img/s and images per CPU-second: CPU time does
// not grow when other programs share the 2 cores, so the per-CPU-second figures compare the two fairly on a
// loaded machine (both run one thread here: torch picks 1 on this machine, tfjs wasm has no threads without
// cross-origin isolation).
// Needs Debian's /usr/bin/python3 with python3-torch, python3-torchvision, python3-h5py and python3-opencv.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { wasmStepBench } from '../../scripts/train/wasm-step-bench.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const script = path.join(root, 'scripts/train/torch_lenet5.py');
/** Keep in step with ACCURACY_SET_DIRS in src/bench/scenarios/train-accuracy.ts. */
const SET_DIRS = ['set-12000', 'set-6000'];

/** Research naming: `*_low_0.h5` is class 0, `*_high_2.h5` class 1. */
function labelled(dir) {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.h5'))
    .sort()
    .map((f) => `${path.join(dir, f)}:${/(^|_)high(_|\.)/.test(f) ? 1 : 0}`);
}

function torch(files) {
  const out = execFileSync(
    '/usr/bin/python3',
    [script, '--files', ...files, '--batch-size', '256', '--epochs', '20'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 2 ** 20 },
  );
  return JSON.parse(out.trim().split('\n').at(-1));
}

async function stepFigures() {
  const out = execFileSync('/usr/bin/python3', [path.join(root, 'scripts/train/torch_step_bench.py')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const t = JSON.parse(out.trim().split('\n').at(-1));
  // PyTorch on every core (its intra-op threads), the yardstick of train.lenet5.wasm.workers<N>.b256.
  const cores = os.cpus().length;
  const all = JSON.parse(
    execFileSync(
      '/usr/bin/python3',
      [path.join(root, 'scripts/train/torch_step_bench.py'), '--threads', String(cores)],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    )
      .trim()
      .split('\n')
      .at(-1),
  );
  const w = await wasmStepBench({ batch: 256, steps: 40 });
  const how = '40 timed steps after 5 warm-up on a fixed batch of 256';
  return [
    {
      name: 'torch.lenet5.step.b256',
      value: t.img_per_s,
      unit: 'img/s',
      note: `PyTorch ${t.torch}, ${t.threads} thread(s), ${how}, 3 channels; ${t.cpu_ms_per_step} ms CPU / ${t.ms_per_step} ms wall per step`,
    },
    {
      name: `torch.lenet5.step.b256.threads${cores}`,
      value: all.img_per_s,
      unit: 'img/s',
      note: `PyTorch ${all.torch}, ${all.threads} threads (all cores), ${how}; ${all.ms_per_step} ms wall per step`,
    },
    {
      name: 'torch.lenet5.step.b256.per_cpu_s',
      value: t.img_per_cpu_s,
      unit: 'img/CPU-s',
      note: 'images per second of CPU time (load-independent)',
    },
    {
      name: 'train.lenet5.wasm.node.b256',
      value: w.img_per_s,
      unit: 'img/s',
      note: `the studio's step on tfjs wasm (its gradient kernels) in Node, 1 thread, ${how}, grey folded; ${w.cpu_ms_per_step} ms CPU / ${w.ms_per_step} ms wall per step`,
    },
    {
      name: 'train.lenet5.wasm.node.b256.per_cpu_s',
      value: w.img_per_cpu_s,
      unit: 'img/CPU-s',
      note: 'images per second of CPU time (load-independent): what one idle core would train',
    },
  ];
}

export async function run() {
  const records = [];
  try {
    records.push(...(await stepFigures()));
  } catch (e) {
    records.push({
      name: 'torch.lenet5.step.error',
      value: 0,
      unit: 'error',
      note: String(e).split('\n')[0],
    });
  }
  let r;
  try {
    r = torch(['left_low_0.h5:0', 'left_high_2.h5:1'].map((f) => path.join(root, 'e2e/fixtures', f)));
  } catch (e) {
    return [
      ...records,
      {
        name: 'torch.lenet5.cpu.b256',
        value: 0,
        unit: 'error',
        note: `python3-torch (or h5py/opencv) missing or failed: ${String(e).split('\n')[0]}`,
      },
    ];
  }
  const note = `PyTorch ${r.torch}, ${r.images} fixture crops (left_low_0 + left_high_2), 60/20/20 split, 20 epochs`;
  records.push(
    {
      name: 'torch.lenet5.fixtures.img_per_s',
      value: r.train_img_per_s,
      unit: 'img/s',
      note: `${note}; tiny set, so per-epoch overheads weigh in`,
    },
    { name: 'torch.lenet5.fixtures.test_acc', value: r.test_acc, unit: 'fraction', note },
  );

  const dir = SET_DIRS.map((d) => path.join(root, 'bench/.data', d)).find(
    (d) => existsSync(d) && readdirSync(d).some((f) => f.endsWith('.h5')),
  );
  if (!dir) return records;
  const s = torch(labelled(dir));
  const setNote = `PyTorch ${s.torch} on ${path.relative(root, dir)} (${s.images} crops), seeded 60/20/20 split, batch 256, 20 epochs, last weights, decode cache ("cached" pipeline) prepared in ${s.prep_s} s`;
  records.push(
    { name: 'torch.lenet5.set.test_acc', value: s.test_acc, unit: 'fraction', note: setNote },
    {
      name: 'torch.lenet5.cpu.b256',
      value: s.train_img_per_s,
      unit: 'img/s',
      note: `${setNote}; training loop only (forward, backward, Adam, per-batch rotation)`,
    },
  );
  return records;
}
