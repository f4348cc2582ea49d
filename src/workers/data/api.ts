// Data worker API: a plain object of async functions over the DataLibrary (h5wasm with WORKERFS mounts,
// browser image codecs). Importable without a Worker: nothing loads until the first call.
import * as Comlink from 'comlink';
import type { ClassDef } from '../../core/data/labels';
import type { FindingRule } from '../../core/data/quality';
import type { SplitOptions } from '../../core/data/splits';
import type { TrainingArrays } from '../../core/data/training-arrays';
import type { DatasetVersionHeader, LabelSource } from '../../core/dataset/version';
import { runTask, TaskRegistry, type TaskOptions } from '../task';
import {
  decodeWithImageBitmap,
  decodeWithImageDecoder,
  decodeWithJpegJs,
  encodeJpegInWorker,
} from './browser-codec';
import {
  DataLibrary,
  type CacheFile,
  type CropQuery,
  type DecodedImage,
  type ExportedFile,
  type ExportTarget,
  type LibraryEnv,
  type MemorySource,
  type SavedLabels,
} from './data-library';
import type { H5Module, StoredCrop } from './h5-reader';
import { freshOpfsFolder, opfsTarget } from './export-targets';
import { BlobBlockCache } from './blob-block-cache';

const tasks = new TaskRegistry();

export type DecoderKind = 'image-decoder' | 'image-bitmap' | 'jpeg-js';
let decoderKind: DecoderKind = 'image-decoder';

let mountSeq = 0;
let blockCache: BlobBlockCache | null = null;

/** The worker's 1 MiB block cache over Blob reads (see blob-block-cache.ts): HDF5 files and crop chunks. */
function blobCache(): BlobBlockCache {
  if (blockCache) return blockCache;
  // FileReaderSync exists only in workers; typed here so the app's (DOM) type check of this module passes.
  const Sync = (
    globalThis as unknown as { FileReaderSync: new () => { readAsArrayBuffer(b: Blob): ArrayBuffer } }
  ).FileReaderSync;
  const reader = new Sync();
  blockCache = new BlobBlockCache((blob, start, end) => reader.readAsArrayBuffer(blob.slice(start, end)));
  return blockCache;
}

let workerFsPatched = false;
/** Route WORKERFS reads through the block cache. */
function installBlockCache(FS: { filesystems: { WORKERFS: { stream_ops: { read: unknown } } } }): void {
  if (workerFsPatched) return;
  workerFsPatched = true;
  const cache = blobCache();
  FS.filesystems.WORKERFS.stream_ops.read = (
    stream: { node: { contents: Blob } },
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
  ) => cache.read(stream.node.contents, buffer, offset, length, position);
}

/** Bytes [start, end) of a crop chunk, through the block cache. */
function readBlobSync(blob: Blob, start: number, end: number): Uint8Array {
  const out = new Uint8Array(end - start);
  blobCache().read(blob, out, 0, end - start, start);
  return out;
}
let libraryPromise: Promise<DataLibrary> | null = null;

// ---- decode cache on disk (OPFS) for large sets ----

interface SyncHandle {
  write(data: Uint8Array, opts: { at: number }): number;
  read(out: Uint8Array, opts: { at: number }): number;
  truncate(size: number): void;
  close(): void;
}

function opfsAvailable(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.storage?.getDirectory === 'function';
}

let cacheDir: Promise<FileSystemDirectoryHandle> | null = null;

/** This page's cache folder; what an earlier page left is removed (its files may have changed since). */
function opfsCacheDir(): Promise<FileSystemDirectoryHandle> {
  cacheDir ??= (async () => {
    const root = await navigator.storage.getDirectory();
    const name = `decode-cache-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    for await (const key of (root as unknown as { keys(): AsyncIterable<string> }).keys()) {
      if (key.startsWith('decode-cache-')) await root.removeEntry(key, { recursive: true }).catch(() => {});
    }
    return root.getDirectoryHandle(name, { create: true });
  })();
  return cacheDir;
}

async function openCacheFile(name: string): Promise<CacheFile> {
  const dir = await opfsCacheDir();
  const fh = await dir.getFileHandle(name, { create: true });
  const handle = (await (
    fh as unknown as { createSyncAccessHandle(): Promise<SyncHandle> }
  ).createSyncAccessHandle()) as SyncHandle;
  handle.truncate(0);
  return {
    write: (at, data) => void handle.write(data, { at }),
    read: (at, out) => void handle.read(out, { at }),
    remove: () => {
      handle.close();
      void dir.removeEntry(name).catch(() => {});
    },
  };
}

// ---- exports written to disk (OPFS, export-targets.ts) ----

/** Each export empties the folder first: an earlier export may be downloading until the next one starts. */
async function exportTarget(module: H5Module, fileName: string): Promise<ExportTarget> {
  return opfsTarget(module, await freshOpfsFolder('exports'), fileName);
}

function library(): Promise<DataLibrary> {
  libraryPromise ??= (async () => {
    const h5 = (await import('h5wasm')).default;
    const module = await h5.ready;
    const FS = module.FS;
    const env: LibraryEnv = {
      lib: h5,
      module,
      // WORKERFS reads the File in place (FileReaderSync slices): nothing is copied whole.
      mount(file) {
        installBlockCache(FS);
        const dir = `/mnt-${++mountSeq}`;
        FS.mkdir(dir);
        FS.mount(FS.filesystems.WORKERFS, { blobs: [{ name: file.name, data: file }] }, dir);
        return {
          path: `${dir}/${file.name}`,
          unmount() {
            blockCache?.drop(file);
            try {
              FS.unmount(dir);
              FS.rmdir(dir);
            } catch {
              /* already unmounted */
            }
          },
        };
      },
      decode: (bytes: Uint8Array): Promise<DecodedImage> =>
        decoderKind === 'jpeg-js'
          ? Promise.resolve().then(() => decodeWithJpegJs(bytes))
          : decoderKind === 'image-bitmap' || typeof ImageDecoder === 'undefined'
            ? decodeWithImageBitmap(bytes)
            : decodeWithImageDecoder(bytes),
      encodeJpeg: encodeJpegInWorker,
      readBlob: readBlobSync,
      scratchPath: (name) => `/scratch-${Date.now()}-${name.replace(/[^A-Za-z0-9_.-]/g, '_')}`,
      ...(opfsAvailable()
        ? { openCacheFile, exportTarget: (name: string) => exportTarget(module, name) }
        : {}),
    };
    return new DataLibrary(env);
  })();
  return libraryPromise;
}

function cropBuffers(crops: (StoredCrop | null)[]): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const c of crops) {
    if (!c) continue;
    const buf = (c.kind === 'encoded' ? c.bytes : c.data).buffer;
    if (buf instanceof ArrayBuffer && !out.includes(buf)) out.push(buf);
  }
  return out;
}

export const api = {
  cancel(taskId: string): boolean {
    return tasks.cancel(taskId);
  },

  async setDecoder(kind: DecoderKind): Promise<void> {
    decoderKind = kind;
  },

  /** Open HDF5 files (mounted lazily); bad files come back as errors naming the file, the rest open. */
  async openFiles(files: File[]) {
    return (await library()).openFiles(files);
  },

  async addMemorySource(src: MemorySource) {
    return (await library()).addMemorySource(src);
  },

  async closeSource(id: string) {
    (await library()).closeSource(id);
  },

  async setLabel(id: string, label: number | null) {
    (await library()).setLabel(id, label);
  },

  /** Labels of single crops by ordinal (null: back to the source's label). */
  async savedLabels(id: string) {
    return (await library()).savedLabels(id);
  },

  async applySavedLabels(id: string, saved: SavedLabels) {
    (await library()).applySavedLabels(id, saved);
  },

  async setCropLabelsByOrdinal(ordinals: number[], labels: (number | null)[] | number | null) {
    (await library()).setCropLabelsByOrdinal(ordinals, labels);
  },

  /** Every crop decoded, with labels, split and source identity (label refinement); buffers are transferred. */
  allCrops(side: number, split: SplitOptions, opts?: TaskOptions) {
    return runTask(tasks, opts, async (ctx) => {
      const a = await (await library()).allCrops(side, split, ctx);
      return Comlink.transfer(a, [a.x.buffer as ArrayBuffer]);
    });
  },

  async setClasses(classes: ClassDef[]) {
    (await library()).setClasses(classes);
  },

  async summaries() {
    return (await library()).summaries();
  },

  /** Overview pass over every crop (sizes, hashes); no decoding. */
  index(opts?: TaskOptions) {
    return runTask(tasks, opts, async (ctx) => (await library()).index(ctx));
  },

  /** Decode every crop into the grey side x side cache (once), flagging black and undecodable crops. */
  decodeAll(side: number, opts?: TaskOptions) {
    return runTask(tasks, opts, async (ctx) => (await library()).decodeAll(side, ctx));
  },

  async listFindings(limit: number, rule?: FindingRule) {
    return (await library()).listFindings(limit, rule);
  },

  async query(q: CropQuery) {
    return (await library()).query(q);
  },

  async rows(offset: number, limit: number) {
    return (await library()).rows(offset, limit);
  },

  /** Stored crops (JPEG bytes or pixels) for thumbnails; buffers are transferred. */
  async crops(ordinals: number[]) {
    const crops = (await library()).crops(ordinals);
    return Comlink.transfer(crops, cropBuffers(crops));
  },

  async detail(ordinal: number) {
    return (await library()).detail(ordinal);
  },

  async makeSplit(opts: SplitOptions) {
    return (await library()).makeSplit(opts);
  },

  buildTrainingArrays(
    opts: { side: number; split: SplitOptions; classNames?: string[] },
    taskOpts?: TaskOptions,
  ): Promise<TrainingArrays> {
    return runTask(tasks, taskOpts, async (ctx) => {
      const a = await (await library()).buildTrainingArrays(opts, ctx);
      return Comlink.transfer(a, [a.train.x.buffer, a.val.x.buffer, a.test.x.buffer] as ArrayBuffer[]);
    });
  },

  async setCropLabels(
    crops: { sourceId: string; dataset: string; index: number }[],
    label: number | null,
    source?: LabelSource,
  ) {
    return (await library()).setCropLabels(crops, label, source);
  },

  /** The library now as a dataset version's content (header + packed items), split made with `opts`. */
  versionSnapshot(opts: { side: number; split: SplitOptions }, taskOpts?: TaskOptions) {
    return runTask(tasks, taskOpts, async (ctx) => {
      const v = await (await library()).versionSnapshot(opts, ctx);
      return Comlink.transfer(v, [v.itemBytes.buffer as ArrayBuffer]);
    });
  },

  checkVersion(header: DatasetVersionHeader, itemBytes: Uint8Array, taskOpts?: TaskOptions) {
    return runTask(tasks, taskOpts, async (ctx) => (await library()).checkVersion(header, itemBytes, ctx));
  },

  /** Training arrays of a dataset version (its own crops, labels and split). */
  arraysForVersion(
    header: DatasetVersionHeader,
    itemBytes: Uint8Array,
    opts: { side: number; splits?: ('train' | 'val' | 'test')[] },
    taskOpts?: TaskOptions,
  ): Promise<TrainingArrays> {
    return runTask(tasks, taskOpts, async (ctx) => {
      const a = await (await library()).arraysForVersion(header, itemBytes, opts, ctx);
      return Comlink.transfer(a, [a.train.x.buffer, a.val.x.buffer, a.test.x.buffer] as ArrayBuffer[]);
    });
  },

  async exportCsv(shuffled: boolean, seed: number) {
    return (await library()).exportCsv(shuffled, seed);
  },

  async importCsv(text: string) {
    return (await library()).importCsv(text);
  },

  /** Research-layout HDF5 of the chosen sources (all when empty): an OPFS file where there is OPFS, else bytes. */
  exportH5(sourceIds: string[], fileName: string, opts?: TaskOptions): Promise<ExportedFile> {
    return runTask(tasks, opts, async (ctx) => {
      const out = await (await library()).exportH5(sourceIds, fileName, ctx);
      return out.bytes ? Comlink.transfer(out, [out.bytes.buffer as ArrayBuffer]) : out;
    });
  },
};

export type DataApi = typeof api;
