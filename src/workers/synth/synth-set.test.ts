// Generated crops in the research layout: written with the data library's writer (real h5wasm), read back by
// the studio's reader byte for byte, and by h5py + OpenCV with the repository's verifier where Debian's
// python3-h5py / python3-opencv are installed.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import h5wasm from 'h5wasm/node';
import jpeg from 'jpeg-js';
import { afterAll, describe, expect, it } from 'vitest';
import { CropGenerator } from '../../core/synth/crops';
import { H5FileReader } from '../data/h5-reader';
import { researchDatasets, writeResearchH5 } from '../data/h5-writer';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const PY = '/usr/bin/python3';
const dir = mkdtempSync(join(tmpdir(), 'spatter-synth-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pythonReady(): boolean {
  if (!existsSync(PY)) return false;
  try {
    execFileSync(PY, ['-c', 'import h5py, cv2, numpy'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

describe('a generated crop set in the research layout', () => {
  const files = [
    { name: 'left_low_0.h5', source: 'left_low', flow: 'low' as const, label: 0 },
    { name: 'left_high_2.h5', source: 'left_high', flow: 'high' as const, label: 1 },
  ];
  const crops = new Map<string, Uint8Array[]>();

  it('is written and read back by the studio byte for byte', async () => {
    const module = await h5wasm.ready;
    const rows = ['file,dataset,ds_idx,label'];
    for (const f of files) {
      const gen = new CropGenerator(7);
      const jpegs = Array.from({ length: 24 }, (_, i) => {
        const c = gen.cropAt(f.flow, i);
        return new Uint8Array(jpeg.encode({ data: c.rgba, width: c.width, height: c.height }, 95).data);
      });
      crops.set(f.name, jpegs);
      await writeResearchH5(h5wasm, join(dir, f.name), researchDatasets(f.source, jpegs));
      jpegs.forEach((_, i) => rows.push(`${f.name},${f.source}_0,${i},${f.label}`));
      const r = H5FileReader.open(h5wasm, module, join(dir, f.name), f.name);
      const ds = r.datasets[0]!;
      expect(ds.name).toBe(`${f.source}_0`);
      const back = r.read(ds, 0, ds.count).map((c) => (c.kind === 'encoded' ? c.bytes : new Uint8Array()));
      r.close();
      expect(back.map((b) => Buffer.from(b).toString('base64'))).toEqual(
        jpegs.map((b) => Buffer.from(b).toString('base64')),
      );
    }
    const csv = rows.join('\n') + '\n';
    writeFileSync(join(dir, 'unshuffled_images.csv'), csv);
    writeFileSync(join(dir, 'images.csv'), csv);
  });

  it.skipIf(!pythonReady())('is read by h5py and every crop decodes with OpenCV', () => {
    const out = execFileSync(PY, [join(root, 'scripts/generate/verify_set.py'), dir]).toString();
    expect(JSON.parse(out)).toEqual({ files: 2, datasets: 2, crops: 48, decoded: 48, problems: [] });
  });
});
