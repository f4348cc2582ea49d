// Run an exported job (the zip the studio's Runs → Scale out panel writes) with Debian's PyTorch: unzip it into a
// temporary folder, run train.py on one process (or under torchrun with nproc > 1) with Hydra-style overrides,
// and return what it printed and wrote (result.json). Used by the bench ('run-job' op of bench/run.mjs).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';

export const PYTHON = '/usr/bin/python3';

/** @returns {{ accuracy: number, correct: number, count: number, seconds: number, torch: string, stdout: string }} */
export function runJobZip(zipBytes, overrides = [], nproc = 1) {
  const work = mkdtempSync(path.join(os.tmpdir(), 'spatter-job-'));
  try {
    const files = unzipSync(zipBytes);
    for (const [p, bytes] of Object.entries(files)) {
      const out = path.join(work, p);
      mkdirSync(path.dirname(out), { recursive: true });
      writeFileSync(out, bytes);
    }
    const root = path.join(work, Object.keys(files)[0].split('/')[0]);
    const args =
      nproc > 1
        ? [
            '-m',
            'torch.distributed.run',
            '--standalone',
            '--nnodes',
            '1',
            '--nproc_per_node',
            String(nproc),
            '--redirects',
            '2',
            '--tee',
            '2',
            'train.py',
            ...overrides,
          ]
        : ['train.py', ...overrides];
    const t0 = Date.now();
    const stdout = execFileSync(PYTHON, args, {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, OMP_NUM_THREADS: process.env.OMP_NUM_THREADS ?? '1' },
      maxBuffer: 64 * 2 ** 20,
    });
    const seconds = (Date.now() - t0) / 1000;
    const resultPath = path.join(root, 'outputs', 'result.json');
    if (!existsSync(resultPath)) throw new Error(`train.py wrote no result.json:\n${stdout.slice(-2000)}`);
    const result = JSON.parse(readFileSync(resultPath, 'utf8'));
    return { ...result.test, seconds, torch: result.torch, stdout };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
