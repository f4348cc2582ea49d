// The research's Python world: the ONNX export, read by scripts/onnx/onnx_to_torch.py (torch + numpy only)
// into the research LeNet5 in PyTorch, gives the studio's logits. Skipped where that Python is missing.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx } from '../../core/export/onnx';
import { getModel } from '../train/models/registry';
import { useNodeBackend } from '../train/testing/node-tf';
import { initialWeights } from '../train/trainer';

const PYTHON = '/usr/bin/python3';
const SCRIPT = new URL('../../../scripts/onnx/onnx_to_torch.py', import.meta.url).pathname;
const hasTorch = (() => {
  if (!existsSync(PYTHON)) return false;
  try {
    execFileSync(PYTHON, ['-c', 'import torch, numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

beforeAll(async () => {
  await useNodeBackend('cpu');
});

describe.skipIf(!hasTorch)('ONNX export in PyTorch', () => {
  it.each(['lenet5', 'lenet5-classic'])(
    '%s in torch, loaded from the .onnx, matches the tfjs logits within 1e-4',
    (name) => {
      const input = { size: 32, channels: 3 };
      const model = getModel(name);
      const weights = initialWeights(model.params(input), 2718);
      // a louder last layer spreads the logits, so agreement is no coincidence
      weights['fc3.w'] = weights['fc3.w']!.map((v) => v * 20);
      const N = 6;
      const x = new Float32Array(N * 32 * 32 * 3).map(
        (_, i) => (((i * 7919) % 1000) / 1000) * ((Math.floor(i / 3072) + 1) / N),
      );
      const expected = tf.tidy(() => {
        const p: Record<string, tf.Tensor> = {};
        for (const s of model.params(input)) p[s.name] = tf.tensor(weights[s.name]!, s.shape);
        return Array.from(model.apply(p, tf.tensor4d(x, [N, 32, 32, 3]), false).dataSync());
      });
      const nchw = new Array<number>(x.length);
      for (let n = 0; n < N; n++)
        for (let q = 0; q < 1024; q++)
          for (let c = 0; c < 3; c++) nchw[(n * 3 + c) * 1024 + q] = x[(n * 1024 + q) * 3 + c]!;
      const dir = mkdtempSync(join(tmpdir(), 'onnx-torch-'));
      writeFileSync(join(dir, 'm.onnx'), exportOnnx(name, input, weights));
      writeFileSync(join(dir, 'x.json'), JSON.stringify({ shape: [N, 3, 32, 32], data: nchw }));
      const out = JSON.parse(
        execFileSync(PYTHON, [SCRIPT, join(dir, 'm.onnx'), join(dir, 'x.json')]).toString(),
      ) as { logits: number[]; initializers: Record<string, number[]> };
      expect(out.initializers['conv1.w']).toEqual([6, 3, 5, 5]);
      expect(out.logits).toHaveLength(N);
      let diff = 0;
      for (let i = 0; i < N; i++) diff = Math.max(diff, Math.abs(out.logits[i]! - expected[i]!));
      expect(diff).toBeLessThan(1e-4);
      expect(Math.max(...expected) - Math.min(...expected)).toBeGreaterThan(1e-3);
    },
  );
});
