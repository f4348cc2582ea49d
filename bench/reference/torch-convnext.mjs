// Reference yardstick for train-convnext: PyTorch (torchvision's ConvNeXt; atto built from its class) training
// the same models on the same grey 256x1600 batches, 4 outputs, BCE with logits, Adam
// (scripts/train/torch_convnext_bench.py). Needs Debian's python3-torch and python3-torchvision.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const script = path.join(root, 'scripts/train/torch_convnext_bench.py');

const RUNS = [
  { model: 'atto', batch: 8 },
  { model: 'tiny', batch: 4 },
];

export async function run() {
  const out = [];
  for (const r of RUNS) {
    const name = `torch.convnext_${r.model}.b${r.batch}.256x1600`;
    try {
      const text = execFileSync(
        '/usr/bin/python3',
        [script, '--model', r.model, '--batch', String(r.batch)],
        {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      const t = JSON.parse(text.trim().split('\n').at(-1));
      out.push(
        {
          name,
          value: t.img_per_s,
          unit: 'img/s',
          note: `PyTorch ${t.torch} / torchvision ${t.torchvision}, ${t.threads} thread(s), ${t.parameters} parameters, ${t.s_per_step} s/step wall, 3 timed steps after 1 warm-up`,
        },
        {
          name: `${name}.per_cpu_s`,
          value: t.img_per_cpu_s,
          unit: 'img/CPU-s',
          note: 'images per CPU-second',
        },
      );
    } catch (e) {
      out.push({
        name,
        value: 0,
        unit: 'error',
        note: `python3-torch / python3-torchvision missing or failed: ${String(e).split('\n')[0]}`,
      });
    }
  }
  return out;
}
