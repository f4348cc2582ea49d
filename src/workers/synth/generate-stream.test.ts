// Generate in bounded memory: makeCropSet writes its research HDF5 through a sync-file mount (OPFS sync access
// handles in the worker, a file descriptor here) a dataset of 10,000 crops at a time and spools the JPEG crops
// into Blob chunks (the browser's blob store, not the page's heap), so a set whose file is larger than the memory
// cap this test sets completes while the process's live memory (JS heap, array buffers, the h5wasm heap, after a
// garbage collection every 1,000 crops) grows by less than the cap. Node keeps Blob bytes among its array buffers;
// in the browser they are in the blob store, outside the tab, so the bytes put into Blobs are counted apart. The
// crops are the product's: CropGenerator scenes, JPEG-encoded by the wasm encoder. The file must read back with
// every crop in place, each one a JPEG.
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import h5wasm from 'h5wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CropChunk } from '../../core/data/crop-chunks';
import { H5FileReader, type H5Module } from '../data/h5-reader';
import { mountSyncFiles } from '../data/sync-file-fs';
import { fdExportTarget, fdFile } from '../data/testing/fd-target.node';
import { api, setCropSetTarget } from './api';

const MiB = 2 ** 20;
let dir: string;
let module: H5Module;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Bytes put into Blobs (the spooled crops): real Blobs, counted. */
let blobBytes = 0;
const RealBlob = globalThis.Blob;
class CountedBlob extends RealBlob {
  constructor(parts?: BlobPart[], options?: BlobPropertyBag) {
    super(parts, options);
    blobBytes += this.size;
  }
}

beforeAll(async () => {
  globalThis.Blob = CountedBlob;
  module = await h5wasm.ready;
  dir = mkdtempSync(join(tmpdir(), 'spatter-generate-'));
  setCropSetTarget(async (m, fileName) => fdExportTarget(m, dir, fileName));
});
afterAll(() => {
  globalThis.Blob = RealBlob;
  setCropSetTarget(null);
  rmSync(dir, { recursive: true, force: true });
});

/** Crop k of a spooled chunk. */
async function cropOf(chunk: CropChunk, k: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(await chunk.blob.arrayBuffer());
  let at = 0;
  for (let j = 0; j < k; j++) at += chunk.sizes[j]!;
  return bytes.subarray(at, at + chunk.sizes[k]!);
}

/** Live memory after a collection, less what sits in Blobs. */
function heldBytes(): number {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers + module.HEAPU8.byteLength - blobBytes;
}

describe('Generate through a sync-file mount', () => {
  it('writes a crop set larger than the memory cap in bounded memory, and it reads back whole', async () => {
    const CAP = 80 * MiB;
    const N = 40_500;
    const before = heldBytes();
    let peak = before;
    let next = 0;
    const sample = (p?: { done: number }) => {
      if (p && p.done < next) return;
      next = (p?.done ?? 0) + 1_000;
      peak = Math.max(peak, heldBytes());
    };
    const r = await api.makeCropSet(
      { seed: 11, low: 0, high: N, stem: 'capped', h5: true },
      { onProgress: sample },
    );
    sample();
    const cls = r.classes[0]!;
    expect(cls.count).toBe(N);
    expect(cls.h5?.bytes).toBeUndefined();
    expect(cls.h5!.size).toBeGreaterThan(CAP);
    expect(peak - before).toBeLessThan(CAP);
    expect(blobBytes).toBeGreaterThan(0); // the crops were spooled, not held

    // the HDF5 holds every crop, in the research layout, the same bytes as the spooled crops
    const path = join(dir, cls.fileName);
    const fd = openSync(path, 'r');
    const mounted = mountSyncFiles(module, { [cls.fileName]: fdFile(fd) });
    const back = H5FileReader.open(h5wasm, module, `${mounted.dir}/${cls.fileName}`, cls.fileName);
    try {
      expect(back.datasets.map((d) => [d.name, d.count])).toEqual([
        ['capped_high_0', 10_000],
        ['capped_high_1', 10_000],
        ['capped_high_2', 10_000],
        ['capped_high_3', 10_000],
        ['capped_high_4', 500],
      ]);
      const sizes = cls.chunks.flatMap((c) => c.sizes);
      expect(sizes).toHaveLength(N);
      for (const i of [0, 9_999, 10_000, N - 1]) {
        const fromFile = back.readBytes(back.dataset(`capped_high_${Math.floor(i / 10_000)}`), i % 10_000);
        let k = i;
        let chunk = 0;
        while (k >= cls.chunks[chunk]!.sizes.length) k -= cls.chunks[chunk++]!.sizes.length;
        const spooled = await cropOf(cls.chunks[chunk]!, k);
        expect(fromFile).toEqual(spooled);
        expect([fromFile[0], fromFile[1]]).toEqual([0xff, 0xd8]); // a JPEG's start-of-image marker
      }
    } finally {
      back.close();
      mounted.unmount();
      closeSync(fd);
    }
  }, 600_000);
});
