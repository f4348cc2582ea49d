// Reference yardstick: the seed extraction with native OpenCV (scripts/extract/seed_extract.py, a copy of the
// research code made headless) on the same 640x360 fixtures as the extract-fps page scenario, frames/s.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const python = process.env.STUDIO_PYTHON ?? '/usr/bin/python3';

export async function run() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'extract-native-'));
  const out = [];
  try {
    for (const [key, file] of [
      ['h264.high', 'spatter_high_flow.mp4'],
      ['vp9.high', 'spatter_high_flow.webm'],
    ]) {
      const { stdout } = await promisify(execFile)(python, [
        path.join(root, 'scripts/extract/seed_extract.py'),
        path.join(root, 'e2e/fixtures', file),
        path.join(dir, key),
      ]);
      const r = JSON.parse(stdout.trim().split('\n').pop());
      out.push({
        name: `extract.native.fps.${key}`,
        value: r.fps,
        unit: 'frames/s',
        note: `native OpenCV (python3-opencv), ${file}, ${r.frames} frames, ${r.crops} crops; without decode ${r.fps_without_decode}`,
      });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return out;
}
