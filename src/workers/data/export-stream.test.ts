// HDF5 export in bounded memory: the library writes through a sync-file mount (sync-file-fs.ts; OPFS sync access
// handles in the worker, a file descriptor here) and must finish a file larger than the memory cap this test sets,
// while the process's memory (JS heap, array buffers, the h5wasm heap) grows by less than that cap. The file
// must read back with every crop in place. h5wasm's ESM build (the worker's; the Node build writes real paths).
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import h5wasm from 'h5wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskRegistry } from '../task';
import { DataLibrary, type ExportTarget, type LibraryEnv } from './data-library';
import { H5FileReader } from './h5-reader';
import { mountSyncFiles } from './sync-file-fs';
import { fdExportTarget, fdFile } from './testing/fd-target.node';

const fixtures = fileURLToPath(new URL('../../../e2e/fixtures/', import.meta.url));
const MiB = 2 ** 20;
let dir: string;
let env: LibraryEnv;

beforeAll(async () => {
  const module = await h5wasm.ready;
  dir = mkdtempSync(join(tmpdir(), 'spatter-export-'));
  env = {
    lib: h5wasm,
    module,
    mount: () => {
      throw new Error('not used');
    },
    decode: () => Promise.reject(new Error('not used')),
    encodeJpeg: () => Promise.reject(new Error('not used')),
    scratchPath: () => {
      throw new Error('an export with an export target must not use the in-memory scratch path');
    },
    exportTarget: async (fileName): Promise<ExportTarget> => fdExportTarget(module, dir, fileName),
  };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** JS heap + array buffers (Node Buffers, typed arrays) + the h5wasm heap: what the export could pile up. */
function heldBytes(module: LibraryEnv['module']): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers + module.HEAPU8.byteLength;
}

describe('HDF5 export through a sync-file mount', () => {
  it('writes a set larger than the memory cap in bounded memory, and it reads back whole', async () => {
    const CAP = 80 * MiB;
    // The 101 real crops of a fixture, repeated: the source costs little memory, the file is large.
    env.module.FS.writeFile('/left_low_0.h5', readFileSync(join(fixtures, 'left_low_0.h5')));
    const r0 = H5FileReader.open(h5wasm, env.module, '/left_low_0.h5', 'x');
    const some = r0
      .read(r0.datasets[0]!, 0, 101)
      .map((c) => (c.kind === 'encoded' ? c.bytes : new Uint8Array()));
    r0.close();
    // Crops padded to 3 KiB each with noise (bytes after a JPEG's end marker are ignored by decoders; never 0,
    // which a NUL-padded string would lose), so the file's size does not hang on how well gzip packs them.
    let seed = 7;
    const padded = some.map((c) => {
      const out = new Uint8Array(3 * 1024);
      out.set(c.subarray(0, out.length));
      for (let k = c.length; k < out.length; k++) {
        seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
        out[k] = (seed >>> 24) | 1;
      }
      return out;
    });
    const N = 40_000;
    const crops = Array.from({ length: N }, (_, i) => padded[i % padded.length]!);
    const lib = new DataLibrary(env);
    lib.addMemorySource({ name: 'camera 1 high', label: 1, crops, origin: 'camera1.mp4' });

    globalThis.gc?.();
    const before = heldBytes(env.module);
    let peak = before;
    const sample = () => void (peak = Math.max(peak, heldBytes(env.module)));
    const ctx = new TaskRegistry().begin({ onProgress: sample });
    const out = await lib.exportH5([], 'stream.h5', ctx);
    ctx.end();
    sample();

    expect(out.bytes).toBeUndefined();
    expect(out.size).toBeGreaterThan(CAP);
    expect(peak - before).toBeLessThan(CAP);

    const fd = openSync(join(dir, 'stream.h5'), 'r');
    const mounted = mountSyncFiles(env.module, { 'stream.h5': fdFile(fd) });
    const back = H5FileReader.open(h5wasm, env.module, `${mounted.dir}/stream.h5`, 'stream.h5');
    try {
      expect(back.datasets.map((d) => [d.name, d.count])).toEqual([
        ['camera_1_high_0', 10_000],
        ['camera_1_high_1', 10_000],
        ['camera_1_high_2', 10_000],
        ['camera_1_high_3', 10_000],
      ]);
      for (const i of [0, 1, 10_000, 29_999, N - 1]) {
        const ds = back.dataset(`camera_1_high_${Math.floor(i / 10_000)}`);
        expect(back.readBytes(ds, i % 10_000)).toEqual(crops[i]);
      }
    } finally {
      back.close();
      mounted.unmount();
      closeSync(fd);
    }
  }, 300_000);
});
