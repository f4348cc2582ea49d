// Writes research-layout HDF5 with real h5wasm, then reads it back with h5py + OpenCV (Debian's
// /usr/bin/python3) exactly as the research loader does, and with the studio's own reader.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import h5wasm from 'h5wasm/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { H5FileReader, type H5Module } from './h5-reader';
import { researchDatasets, writeResearchH5, H5WriteError } from './h5-writer';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixtures = join(root, 'e2e/fixtures/');
const PY = '/usr/bin/python3';
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function pythonHasH5pyAndCv2(): string | null {
  if (!existsSync(PY)) return `${PY} is missing`;
  try {
    execFileSync(PY, ['-c', 'import h5py, cv2, numpy'], { stdio: 'pipe' });
    return null;
  } catch {
    return `${PY} lacks h5py or cv2 (install Debian's python3-h5py and python3-opencv)`;
  }
}
const missing = pythonHasH5pyAndCv2();
if (missing) console.warn(`Skipping the h5py read-back of exported files: ${missing}`);

let module: H5Module;
let dir: string;
let low: Uint8Array[];
let high: Uint8Array[];
beforeAll(async () => {
  module = await h5wasm.ready;
  dir = mkdtempSync(join(tmpdir(), 'spatter-h5-'));
  const read = (name: string) => {
    const r = H5FileReader.open(h5wasm, module, join(fixtures, name), name);
    const ds = r.datasets[0]!;
    const crops = r.read(ds, 0, ds.count).map((c) => (c.kind === 'encoded' ? c.bytes : new Uint8Array()));
    r.close();
    return crops;
  };
  low = read('left_low_0.h5');
  high = read('left_high_2.h5');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('research dataset naming', () => {
  it('cuts a source into datasets of at most 10,000 named <source>_<n>', () => {
    const crops = Array.from({ length: 25_001 }, () => new Uint8Array(1));
    expect(researchDatasets('left_low', crops).map((d) => [d.name, d.crops.length])).toEqual([
      ['left_low_0', 10_000],
      ['left_low_1', 10_000],
      ['left_low_2', 5_001],
    ]);
  });
});

describe('writeResearchH5', () => {
  it('writes a file the studio reads back byte for byte', async () => {
    const path = join(dir, 'roundtrip.h5');
    await writeResearchH5(h5wasm, path, [
      { name: 'spatter_low_flow_0', crops: low },
      { name: 'spatter_high_flow_0', crops: high },
    ]);
    const r = H5FileReader.open(h5wasm, module, path, 'roundtrip.h5');
    try {
      expect(r.datasets.map((d) => [d.name, d.count, d.dtype, d.compression])).toEqual([
        ['spatter_high_flow_0', 237, '|S6511', 'deflate'],
        ['spatter_low_flow_0', 101, '|S5344', 'deflate'],
      ]);
      const back = r.read(r.dataset('spatter_low_flow_0'), 0, 101);
      expect(back.map((c) => (c.kind === 'encoded' ? sha(c.bytes) : ''))).toEqual(low.map(sha));
    } finally {
      r.close();
    }
  });

  it.skipIf(missing !== null)(
    'writes a file h5py reads as |S NUL-padded and OpenCV decodes every crop',
    async () => {
      const path = join(dir, 'export.h5');
      await writeResearchH5(h5wasm, path, [
        ...researchDatasets('left_low', low, 60),
        { name: 'left_high_0', crops: high },
      ]);
      const report = JSON.parse(
        execFileSync(PY, [join(root, 'scripts/h5py/verify_export.py'), path], { encoding: 'utf8' }),
      ) as Record<
        string,
        {
          dtype: string;
          strpad: string;
          compression: string;
          count: number;
          decoded: number;
          digests: string[];
        }
      >;
      expect(Object.keys(report).sort()).toEqual(['left_high_0', 'left_low_0', 'left_low_1']);
      expect(report.left_low_0!.count).toBe(60);
      expect(report.left_low_1!.count).toBe(41);
      for (const ds of Object.values(report)) {
        expect(ds.dtype).toMatch(/^\|S\d+$/);
        expect(ds.strpad).toBe('nullpad');
        expect(ds.compression).toBe('gzip');
        expect(ds.decoded).toBe(ds.count);
      }
      expect([...report.left_low_0!.digests, ...report.left_low_1!.digests]).toEqual(low.map(sha));
      expect(report.left_high_0!.digests).toEqual(high.map(sha));
    },
  );

  it('writes a dataset larger than one slab in several, each crop in its place (h5py agrees)', async () => {
    // 1,200 distinct crops (a fixture crop + its index after the end marker, which decoders ignore) and one of
    // 40 KiB, so the dataset is padded to 40 KiB an item and written in slabs of 8 MiB (about 200 crops).
    const crops = Array.from({ length: 1_200 }, (_, i) => {
      const c = low[i % low.length]!;
      const out = new Uint8Array(i === 7 ? 40 * 1024 : c.length + 4);
      out.set(c);
      out.set([1 + (i & 0x7f), 1 + ((i >> 7) & 0x7f), 0x55, 0xaa], c.length);
      for (let k = c.length + 4; k < out.length; k++) out[k] = 0x33;
      return out;
    });
    const path = join(dir, 'slabs.h5');
    await writeResearchH5(h5wasm, path, [{ name: 'left_low_0', crops }]);
    const r = H5FileReader.open(h5wasm, module, path, 'slabs.h5');
    try {
      expect(r.datasets.map((d) => [d.count, d.dtype])).toEqual([[1_200, `|S${40 * 1024}`]]);
      const back = r.read(r.dataset('left_low_0'), 0, 1_200);
      expect(back.map((c) => (c.kind === 'encoded' ? sha(c.bytes) : ''))).toEqual(crops.map(sha));
    } finally {
      r.close();
    }
    if (missing === null) {
      const report = JSON.parse(
        execFileSync(PY, [join(root, 'scripts/h5py/verify_export.py'), path], { encoding: 'utf8' }),
      ) as Record<string, { count: number; decoded: number; digests: string[] }>;
      expect(report.left_low_0!.count).toBe(1_200);
      expect(report.left_low_0!.decoded).toBe(1_200);
      expect(report.left_low_0!.digests).toEqual(crops.map(sha));
    }
  });

  it('refuses an empty dataset and a bad name', async () => {
    await expect(
      writeResearchH5(h5wasm, join(dir, 'empty.h5'), [{ name: 'x_0', crops: [] }]),
    ).rejects.toThrow(H5WriteError);
    await expect(
      writeResearchH5(h5wasm, join(dir, 'bad.h5'), [{ name: 'a/b', crops: [Uint8Array.of(1)] }]),
    ).rejects.toThrow(/not a valid dataset name/);
  });
});
