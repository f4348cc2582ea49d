// Reads the h5py fixtures with real h5wasm (Node build) and compares every element with h5py's bytes.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import h5wasm from 'h5wasm/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { H5FileReader, H5ReadError, hasHdf5Signature, type H5Module } from './h5-reader';

const fixtures = fileURLToPath(new URL('../../../e2e/fixtures/', import.meta.url));
const digests = JSON.parse(readFileSync(`${fixtures}h5py-digests.json`, 'utf8')) as Record<
  string,
  Record<string, string[]>
>;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let module: H5Module;
beforeAll(async () => {
  module = await h5wasm.ready;
});

const open = (name: string) => H5FileReader.open(h5wasm, module, `${fixtures}${name}`, name);

describe('H5FileReader on the h5py fixtures', () => {
  it.each([
    ['left_low_0.h5', 'spatter_low_flow_0', 101, '|S5344'],
    ['left_high_2.h5', 'spatter_high_flow_0', 237, '|S6511'],
    ['vlen_low_0.h5', 'spatter_low_flow_0', 101, 'vlen uint8'],
  ])('%s: every element equals what h5py returns', (file, dsName, count, dtype) => {
    const r = open(file);
    try {
      expect(r.datasets.map((d) => [d.name, d.count, d.dtype])).toEqual([[dsName, count, dtype]]);
      const ds = r.dataset(dsName);
      const got: string[] = [];
      // Odd-sized batches so hyperslabs straddle HDF5 chunks.
      for (let s = 0; s < ds.count; s += 7) {
        for (const c of r.read(ds, s, Math.min(7, ds.count - s))) {
          expect(c.kind).toBe('encoded');
          if (c.kind === 'encoded') got.push(sha(c.bytes));
        }
      }
      expect(got).toEqual(digests[file]![dsName]);
      const first = r.readBytes(ds, 0);
      expect([first[0], first[1], first[first.length - 2], first[first.length - 1]]).toEqual([
        0xff, 0xd8, 0xff, 0xd9,
      ]);
    } finally {
      r.close();
    }
  });

  it('reads a plain uint8 image stack as pixels', () => {
    const r = open('stack_high_0.h5');
    try {
      const ds = r.dataset('crops');
      expect(ds.layout).toEqual({ kind: 'stack', height: 20, width: 24, channels: 3, rank: 4 });
      const crops = r.read(ds, 0, ds.count);
      expect(crops.map((c) => (c.kind === 'pixels' ? sha(c.data) : ''))).toEqual(
        digests['stack_high_0.h5']!.crops,
      );
    } finally {
      r.close();
    }
  });

  it('vlen and fixed layouts give the same crops', () => {
    const a = open('left_low_0.h5');
    const b = open('vlen_low_0.h5');
    try {
      expect(a.readBytes(a.datasets[0]!, 50)).toEqual(b.readBytes(b.datasets[0]!, 50));
    } finally {
      a.close();
      b.close();
    }
  });
});

describe('H5FileReader on broken input', () => {
  it('says a text file is not HDF5', () => {
    expect(() => open('not_hdf5_low_0.h5')).toThrow(/not_hdf5_low_0\.h5 is not an HDF5 file/);
  });
  it('says a truncated file cannot be opened and what to do', () => {
    let err: unknown;
    try {
      open('truncated_low_0.h5').close();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(H5ReadError);
    expect((err as Error).message).toMatch(
      /truncated_low_0\.h5 is truncated: it has 148,719 bytes but its HDF5 header declares 247,865.*fetch it again/,
    );
  });
  it('skips an unsupported dataset with a reason and keeps the good one', () => {
    const r = open('mixed_types_low_0.h5');
    try {
      expect(r.datasets.map((d) => d.name)).toEqual(['spatter_low_flow_0']);
      expect(r.skipped).toHaveLength(1);
      expect(r.skipped[0]!.path).toBe('/temperatures');
      expect(r.skipped[0]!.reason).toMatch(/float32 with shape 3×4/);
      expect(r.read(r.datasets[0]!, 0, 5)).toHaveLength(5);
    } finally {
      r.close();
    }
  });
  it('reads the corrupt-JPEG file element by element (decoding flags it later)', () => {
    const r = open('corrupt_low_0.h5');
    try {
      const bytes = r.readBytes(r.datasets[0]!, 3);
      expect(new TextDecoder().decode(bytes)).toBe('this is not a JPEG, just text bytes');
    } finally {
      r.close();
    }
  });
  it('rejects reads outside the dataset with the location', () => {
    const r = open('left_low_0.h5');
    try {
      expect(() => r.read(r.datasets[0]!, 100, 5)).toThrow(
        /spatter_low_flow_0: elements 100..104 are outside 0..100/,
      );
    } finally {
      r.close();
    }
  });
  it('finds the HDF5 signature at 0 or 512', () => {
    const sig = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
    const a = new Uint8Array(1024);
    a.set(sig, 512);
    expect(hasHdf5Signature(a)).toBe(true);
    expect(hasHdf5Signature(new Uint8Array(1024))).toBe(false);
  });
});
