// The data library end to end in Node: real h5wasm (node build, real paths) and a real pure-JS JPEG codec
// (jpeg-js) standing where the worker uses the browser's decoder.
import {
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import h5wasm from 'h5wasm/node';
import * as jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIndexCsv } from '../../core/data/csv-index';
import { TaskRegistry } from '../task';
import { DataLibrary, FLAG_BITS, type CacheFile, type LibraryEnv } from './data-library';
import { H5FileReader } from './h5-reader';
import { fixturesDir, nodeLibraryEnv } from './testing/node-env';

const fixtures = fixturesDir;
let dir: string;
let env: LibraryEnv;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'spatter-lib-'));
  env = await nodeLibraryEnv(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function openFixtures(lib: DataLibrary, ...names: string[]) {
  for (const n of names) lib.openPath(join(fixtures, n), n);
}

describe('DataLibrary', () => {
  it('indexes the two fixtures: 101 low and 237 high crops with inferred labels and size stats', async () => {
    const lib = new DataLibrary(env);
    openFixtures(lib, 'left_low_0.h5', 'left_high_2.h5');
    const sums = await lib.index();
    expect(sums.map((s) => [s.name, s.count, s.label])).toEqual([
      ['left_low_0.h5', 101, 0],
      ['left_high_2.h5', 237, 1],
    ]);
    const high = sums[1]!.datasets[0]!;
    expect(high.classCounts).toEqual([0, 237]);
    // Research analysis of these crops (h5py + cv2): heights 27..186, widths up to 200.
    expect(high.height.min).toBe(27);
    expect(high.height.max).toBe(186);
    expect(high.width.max).toBe(200);
    expect(high.jpegBytes.mean).toBeCloseTo(3346.36, 1);
  });

  it('decodes every crop once into the 40x40 grey cache and builds training arrays for the research split', async () => {
    const lib = new DataLibrary(env);
    openFixtures(lib, 'left_low_0.h5', 'left_high_2.h5');
    const reg = new TaskRegistry();
    const ctx = reg.begin();
    const first = await lib.decodeAll(40, ctx);
    expect(first).toMatchObject({ decoded: 338, failed: 0 });
    const again = await lib.decodeAll(40, ctx);
    expect(again.decoded).toBe(0); // reused
    const arrays = await lib.buildTrainingArrays(
      { side: 40, split: { kind: 'random', seed: 1234, ratios: [0.6, 0.2, 0.2] } },
      ctx,
    );
    expect([arrays.train.y.length, arrays.val.y.length, arrays.test.y.length]).toEqual([202, 68, 68]);
    expect(arrays.train.x.length).toBe(202 * 1600);
    expect(arrays.splitDescription).toBe('random 60/20/20, seed 1234');
    // CPython: random.Random(1234).shuffle(range(338))[0] == 290 → left_high_2.h5 element 290 - 101.
    expect(arrays.train.ids[0]).toBe('left_high_2.h5/spatter_high_flow_0/189');
    expect(arrays.train.y[0]).toBe(1);
    expect(arrays.train.x.some((v) => v > 50)).toBe(true);
    const changed = await lib.decodeAll(32, ctx);
    expect(changed.decoded).toBe(338); // a new side invalidates the cache
  });

  it('flags the corrupt JPEG with its location and keeps the others', async () => {
    const lib = new DataLibrary(env);
    openFixtures(lib, 'corrupt_low_0.h5');
    const r = await lib.decodeAll(40);
    expect(r).toMatchObject({ decoded: 19, failed: 1 });
    const f = lib.listFindings(10, 'undecodable');
    expect(f.total).toBe(1);
    expect(f.findings[0]).toMatchObject({
      file: 'corrupt_low_0.h5',
      dataset: 'spatter_low_flow_0',
      index: 3,
    });
    expect(f.findings[0]!.message).toMatch(
      /corrupt_low_0\.h5 › spatter_low_flow_0 \[3\] is not a decodable image/,
    );
    expect(lib.query({ flag: 'undecodable' })).toBe(1);
    const split = lib.makeSplit({ kind: 'random', seed: 1, ratios: [0.6, 0.2, 0.2] });
    const n = (c: number[]) => c.reduce((a, b) => a + b, 0);
    expect(n(split.counts.train) + n(split.counts.val) + n(split.counts.test)).toBe(19);
  });

  it('opens good files beside bad ones, each bad one with its own message', () => {
    const lib = new DataLibrary({
      ...env,
      mount: (f) => ({ path: join(fixtures, f.name), unmount: () => {} }),
    });
    const fake = (name: string) => Object.assign(new Blob([readFileSync(join(fixtures, name))]), { name });
    const r = lib.openFiles([fake('not_hdf5_low_0.h5'), fake('left_low_0.h5'), fake('truncated_low_0.h5')]);
    expect(r.sources.map((s) => s.name)).toEqual(['left_low_0.h5']);
    expect(r.errors.map((e) => e.file)).toEqual(['not_hdf5_low_0.h5', 'truncated_low_0.h5']);
    expect(r.errors[0]!.message).toMatch(/not an HDF5 file/);
    expect(r.errors[1]!.message).toMatch(/is truncated/);
  });

  it('filters the gallery by label, size and dataset, and shows one crop in detail', async () => {
    const lib = new DataLibrary(env);
    openFixtures(lib, 'left_low_0.h5', 'left_high_2.h5');
    await lib.index();
    expect(lib.query({})).toBe(338);
    expect(lib.query({ label: 1 })).toBe(237);
    const big = lib.query({ minSide: 100 });
    expect(big).toBeGreaterThan(0);
    expect(big).toBeLessThan(338);
    expect(lib.rows(0, 5).every((r) => Math.max(r.width, r.height) >= 100)).toBe(true);
    lib.query({ dataset: 'spatter_low_flow_0' });
    const rows = lib.rows(10, 3);
    expect(rows.map((r) => r.index)).toEqual([10, 11, 12]);
    const d = lib.detail(rows[0]!.ordinal);
    expect(d.crop.kind).toBe('encoded');
    expect(d.file).toBe('left_low_0.h5');
  });

  it('exports and imports the research CSV index', async () => {
    const lib = new DataLibrary(env);
    openFixtures(lib, 'left_low_0.h5', 'left_high_2.h5');
    const plain = parseIndexCsv(lib.exportCsv(false, 1234));
    expect(plain).toHaveLength(338);
    expect(plain[0]).toEqual({ file: 'left_low_0.h5', dataset: 'spatter_low_flow_0', dsIdx: 0, label: 0 });
    const shuffled = parseIndexCsv(lib.exportCsv(true, 1234));
    expect(shuffled[0]).toEqual({
      file: 'left_high_2.h5',
      dataset: 'spatter_high_flow_0',
      dsIdx: 189,
      label: 1,
    });
    const r = lib.importCsv(
      'file,dataset,ds_idx,label\nleft_low_0.h5,spatter_low_flow_0,5,1\nnope.h5,x,0,0\n',
    );
    expect(r).toMatchObject({ rows: 2, matched: 1, unmatched: 1, firstUnmatched: 'nope.h5,x,0' });
    expect(lib.query({ label: 1 })).toBe(238);
  });

  it('adds an in-memory source and exports everything as a research file the reader reads back', async () => {
    const lib = new DataLibrary(env);
    openFixtures(lib, 'left_low_0.h5', 'stack_high_0.h5');
    const r0 = H5FileReader.open(h5wasm, env.module, join(fixtures, 'left_high_2.h5'), 'x');
    const mem = r0
      .read(r0.datasets[0]!, 0, 12)
      .map((c) => (c.kind === 'encoded' ? c.bytes : new Uint8Array()));
    r0.close();
    const s = lib.addMemorySource({
      name: 'spatter_high_flow',
      label: 1,
      crops: mem,
      origin: 'spatter_high_flow.mp4',
    });
    expect(s.count).toBe(12);
    const { bytes } = await lib.exportH5([], 'export.h5');
    if (!bytes) throw new Error('an export without an export target comes back as bytes');
    const path = join(dir, 'back.h5');
    env.module.FS.writeFile(path, bytes);
    const back = H5FileReader.open(h5wasm, env.module, path, 'back.h5');
    try {
      expect(back.datasets.map((d) => [d.name, d.count])).toEqual([
        ['spatter_high_flow_0', 12],
        ['spatter_low_flow_0', 101],
        ['stack_high_0_0', 8],
      ]);
      const firstMem = back.readBytes(back.dataset('spatter_high_flow_0'), 0);
      expect(firstMem).toEqual(mem[0]);
    } finally {
      back.close();
    }
    expect(FLAG_BITS.black).toBe(1);

    // Opened again (under a name that says nothing of a class), every crop keeps its label.
    const again = new DataLibrary(env);
    again.openPath(path, 'all_sources.h5');
    const [sum] = await again.index();
    expect(sum!.label).toBeNull();
    expect(sum!.datasets.map((d) => [d.name, d.classCounts])).toEqual([
      ['spatter_high_flow_0', [0, 12]],
      ['spatter_low_flow_0', [101]],
      ['stack_high_0_0', [0, 8]],
    ]);
  });

  it('judges "all black" at full resolution, and finds duplicates only among open sources', async () => {
    const lib = new DataLibrary(env);
    const crop = (bright: boolean) => {
      const w = 160;
      const rgba = new Uint8Array(w * w * 4);
      for (let p = 3; p < rgba.length; p += 4) rgba[p] = 255;
      // One small bright spatter that a 4x bilinear reduction does not sample.
      if (bright) for (const [x, y] of [[80, 80]]) rgba.fill(255, (y! * w + x!) * 4, (y! * w + x!) * 4 + 3);
      return new Uint8Array(jpeg.encode({ width: w, height: w, data: rgba }, 95).data);
    };
    const dark = crop(false);
    const spark = crop(true);
    const a = lib.addMemorySource({ name: 'a', label: 0, crops: [dark, spark, dark], origin: 'a.mp4' });
    await lib.decodeAll(40);
    expect(lib.listFindings(10, 'black').findings.map((f) => f.index)).toEqual([0, 2]);
    lib.query({});
    const cacheMax = (
      await lib.buildTrainingArrays({ side: 40, split: { kind: 'random', seed: 1, ratios: [1, 0, 0] } })
    ).train;
    const k = cacheMax.ids.indexOf('a/a/1');
    expect(k).toBeGreaterThanOrEqual(0);
    // The cache image alone would have called it black.
    expect(Math.max(...cacheMax.x.subarray(k * 1600, (k + 1) * 1600))).toBeLessThanOrEqual(8);
    const dups = lib.listFindings(10, 'duplicate').findings;
    expect(dups.map((f) => f.message)).toEqual(['a › a [2] has the same bytes as a › a [0]']);
    // After closing `a`, the same crops in a new source are not duplicates of a closed file.
    lib.closeSource(a.id);
    lib.addMemorySource({ name: 'b', label: 0, crops: [spark, dark], origin: 'b.mp4' });
    await lib.index();
    expect(lib.listFindings(10, 'duplicate').total).toBe(0);
    // Thumbnails are transferred to the page: an in-memory source must hand out copies of its bytes.
    const thumb = lib.crops([0])[0]!;
    expect(thumb.kind === 'encoded' && thumb.bytes).toEqual(spark);
    expect(thumb.kind === 'encoded' && thumb.bytes.buffer).not.toBe(spark.buffer);
  });

  it('exports a source of more than 10,000 crops as <source>_0, <source>_1 (a dataset at a time)', async () => {
    const lib = new DataLibrary(env);
    const r0 = H5FileReader.open(h5wasm, env.module, join(fixtures, 'left_low_0.h5'), 'x');
    const some = r0
      .read(r0.datasets[0]!, 0, 101)
      .map((c) => (c.kind === 'encoded' ? c.bytes : new Uint8Array()));
    r0.close();
    const crops = Array.from({ length: 10_001 }, (_, i) => some[i % some.length]!);
    lib.addMemorySource({ name: 'camera 2 low', label: 0, crops, origin: 'camera2.mp4' });
    const { bytes } = await lib.exportH5([], 'big.h5');
    if (!bytes) throw new Error('an export without an export target comes back as bytes');
    const path = join(dir, 'big-back.h5');
    env.module.FS.writeFile(path, bytes);
    const back = H5FileReader.open(h5wasm, env.module, path, 'big-back.h5');
    try {
      expect(back.datasets.map((d) => [d.name, d.count])).toEqual([
        ['camera_2_low_0', 10_000],
        ['camera_2_low_1', 1],
      ]);
      expect(back.readBytes(back.dataset('camera_2_low_1'), 0)).toEqual(crops[10_000]);
    } finally {
      back.close();
    }
  });

  it('keeps a large decode cache in files (OPFS in the browser) with the same training arrays', async () => {
    const opened: string[] = [];
    // A real file store standing where the worker uses OPFS sync access handles.
    const openCacheFile = async (name: string): Promise<CacheFile> => {
      const path = join(dir, name);
      const fd = openSync(path, 'w+');
      opened.push(name);
      return {
        write: (at, data) => void writeSync(fd, data, 0, data.length, at),
        read: (at, out) => void readSync(fd, out, 0, out.length, at),
        remove: () => {
          closeSync(fd);
          unlinkSync(path);
        },
      };
    };
    const split = { kind: 'random' as const, seed: 1234, ratios: [0.6, 0.2, 0.2] };
    const inMemory = new DataLibrary(env);
    openFixtures(inMemory, 'left_low_0.h5', 'left_high_2.h5');
    const a = await inMemory.buildTrainingArrays({ side: 40, split });
    const onDisk = new DataLibrary({ ...env, openCacheFile, fileCacheMinBytes: 0 });
    openFixtures(onDisk, 'left_low_0.h5', 'left_high_2.h5');
    await onDisk.decodeAll(40);
    expect(opened.map((n) => n.replace(/^cache-\d+-/, ''))).toEqual(['0-40.bin', '0-40.bin']);
    // A second decode (e.g. after a cancelled one) keeps what is on disk.
    expect((await onDisk.decodeAll(40)).decoded).toBe(0);
    const b = await onDisk.buildTrainingArrays({ side: 40, split });
    expect(b.train.x.length).toBe(202 * 1600);
    expect(b.train.x).toEqual(a.train.x);
    expect(b.train.ids).toEqual(a.train.ids);
    expect(b.test.x).toEqual(a.test.x);
  });

  it('gathers training arrays from a disk cache a block at a time, the same as from memory', async () => {
    const r0 = H5FileReader.open(h5wasm, env.module, join(fixtures, 'left_low_0.h5'), 'x');
    const some = r0
      .read(r0.datasets[0]!, 0, 101)
      .map((c) => (c.kind === 'encoded' ? c.bytes : new Uint8Array()));
    r0.close();
    // more crops than one block (4,096), so the gather crosses block boundaries
    const crops = Array.from({ length: 4_500 }, (_, i) => some[i % some.length]!);
    let reads = 0;
    const openCacheFile = async (name: string): Promise<CacheFile> => {
      const path = join(dir, `block-${name}`);
      const fd = openSync(path, 'w+');
      return {
        write: (at, data) => void writeSync(fd, data, 0, data.length, at),
        read: (at, out) => {
          reads++;
          readSync(fd, out, 0, out.length, at);
        },
        remove: () => {
          closeSync(fd);
          unlinkSync(path);
        },
      };
    };
    const split = { kind: 'random' as const, seed: 7, ratios: [0.6, 0.2, 0.2] };
    const make = (lib: DataLibrary) =>
      lib.addMemorySource({ name: 'cam low', label: 0, crops, origin: 'cam.mp4' });
    const inMemory = new DataLibrary(env);
    make(inMemory);
    const a = await inMemory.buildTrainingArrays({ side: 16, split });
    const onDisk = new DataLibrary({ ...env, openCacheFile, fileCacheMinBytes: 0 });
    make(onDisk);
    await onDisk.decodeAll(16);
    reads = 0;
    const b = await onDisk.buildTrainingArrays({ side: 16, split });
    // two blocks read once for all three splits (one read a crop before: 4,500)
    expect(reads).toBe(2);
    for (const k of ['train', 'val', 'test'] as const) {
      expect(b[k].x).toEqual(a[k].x);
      expect(b[k].y).toEqual(a[k].y);
      expect(b[k].ids).toEqual(a[k].ids);
    }
    // a dataset version's arrays: the same crops in index order, read a block at a time
    const v = await onDisk.versionSnapshot({ side: 16, split });
    reads = 0;
    const c = await onDisk.arraysForVersion(v.header, v.itemBytes, { side: 16 });
    expect(reads).toBeLessThanOrEqual(6);
    const byId = new Map(a.train.ids.map((id, j) => [id, a.train.x.subarray(j * 256, (j + 1) * 256)]));
    expect(c.train.ids.length).toBe(a.train.ids.length);
    c.train.ids.forEach((id, j) => expect(c.train.x.subarray(j * 256, (j + 1) * 256)).toEqual(byId.get(id)));
  });
});
