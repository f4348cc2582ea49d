// The data library behind the data worker: opened HDF5 files and in-memory sources, their crop index and
// labels, the overview and quality findings, the gallery query, splits, the decode cache (grey side x side,
// decoded once and reused) and exports. Environment-specific pieces (mounting a File, decoding and encoding
// JPEG) are injected, so Node tests run the same code with h5wasm/node and a pure-JS codec.
import {
  ArrayCropList,
  ChunkedCropList,
  type CropChunk,
  type CropList,
  type ReadBlobSync,
} from '../../core/data/crop-chunks';
import { formatIndexCsv, parseIndexCsv, shuffledRows, type IndexRow } from '../../core/data/csv-index';
import { cacheTransform, maxGreyOf } from '../../core/data/grey-resize';
import { jpegSize } from '../../core/data/jpeg-header';
import { inferLabel, sourceOfFile, RESEARCH_CLASSES, type ClassDef } from '../../core/data/labels';
import { HashIndex, hashWords } from '../../core/data/hash-index';
import { checkCrop, where, type Finding, type FindingRule } from '../../core/data/quality';
import { makeSplit, type SplitOptions, type SplitResult } from '../../core/data/splits';
import { summarize, type Summary } from '../../core/data/stats';
import type { SplitArrays, TrainingArrays } from '../../core/data/training-arrays';
import {
  DatasetVersionError,
  decodeItems,
  emptyItems,
  encodeItems,
  LABEL_SOURCES,
  SPLIT_NAMES,
  UNLABELLED,
  type DatasetSourceRef,
  type DatasetVersionHeader,
  type LabelSource,
} from '../../core/dataset/version';
import type { TaskContext } from '../task';
import {
  H5FileReader,
  H5ReadError,
  type DatasetInfo,
  type H5Lib,
  type H5Module,
  type StoredCrop,
} from './h5-reader';
import { memfsTarget } from './export-targets';
import { ResearchH5Writer, RESEARCH_DATASET_MAX } from './h5-writer';

export interface DecodedImage {
  width: number;
  height: number;
  /** 1, 3 or 4 interleaved channels in R,G,B(,A) order. */
  channels: number;
  data: Uint8Array | Uint8ClampedArray;
}

export interface LibraryEnv {
  lib: H5Lib;
  module: H5Module;
  /** Make `file` readable at a path in h5wasm's FS (WORKERFS in the worker); returns the path and an unmount. */
  mount(file: Blob & { name: string }): { path: string; unmount(): void };
  /** Decode encoded crop bytes (JPEG, PNG...) to pixels; throws on bytes that are not an image. */
  decode(bytes: Uint8Array): Promise<DecodedImage>;
  /** Encode pixels as JPEG (for exporting image stacks in the research layout). */
  encodeJpeg(img: DecodedImage): Promise<Uint8Array>;
  /** A scratch path for writing exports where there is no `exportTarget` (MEMFS: the file is held in memory). */
  scratchPath(name: string): string;
  /**
   * A disk-backed place to write an export (OPFS through a sync-file mount in the worker), so a file of any
   * size is written in bounded memory. Absent: the scratch path.
   */
  exportTarget?(fileName: string): Promise<ExportTarget>;
  /**
   * A disk-backed store for a large decode cache (OPFS in the worker), so a full-scale set's cache (~1 GB at
   * 600k crops) and the training arrays built from it are not both in memory. Absent: memory only.
   */
  openCacheFile?(name: string): Promise<CacheFile>;
  /** Total cache size from which `openCacheFile` is used (default FILE_CACHE_MIN_BYTES). */
  fileCacheMinBytes?: number;
  /** Synchronous Blob reads, for sources kept as crop chunks (FileReaderSync in the worker). */
  readBlob?: ReadBlobSync;
}

/** Where an export is written: a path in h5wasm's file system, and how the finished file is handed out. */
export interface ExportTarget {
  path: string;
  finish(): Promise<ExportedFile>;
  discard(): Promise<void>;
}

/** A finished export: a disk-backed file (OPFS) where there was one, else its bytes. */
export interface ExportedFile {
  name: string;
  size: number;
  file?: Blob;
  bytes?: Uint8Array;
}

/** A source's user-made labels, kept across reloads by its content digest. */
export interface SavedLabels {
  source: { label: number | null; labelSource: LabelSource } | null;
  crops: { dataset: string; index: Uint32Array; label: Uint8Array; source: Uint8Array }[];
}

/** Crops given to the library directly: as byte arrays, or as Blob chunks (extraction of long videos). */
export interface MemorySource {
  name: string;
  /** The class of every crop, or null: unlabelled until the user chooses (never guessed). */
  label: number | null;
  /** Where the label came from (default: the user, when a label is given). */
  labelSource?: LabelSource;
  origin: string;
  crops?: Uint8Array[];
  chunks?: CropChunk[];
}

/** Random access to one dataset's cache file (an OPFS sync access handle in the worker). */
export interface CacheFile {
  write(at: number, data: Uint8Array): void;
  read(at: number, out: Uint8Array): void;
  /** Close and delete the file. */
  remove(): void;
}

/** Crops read from a disk cache at once when gathering training arrays. */
const CACHE_BLOCK = 4096;

/**
 * Reads decoded crops (side x side) from the memory cache, or from the disk cache a block of CACHE_BLOCK
 * crops at a time: crops asked for in index order cost one read per block instead of one per crop. For one
 * gather only (a later decode may rewrite the file).
 */
function blockReader(side: number): (d: DsEntry, i: number) => Uint8Array {
  const px = side * side;
  let buf: Uint8Array | null = null;
  let at: { d: DsEntry; start: number; n: number } | null = null;
  return (d, i) => {
    if (d.cache) return d.cache.subarray(i * px, (i + 1) * px);
    if (!at || at.d !== d || i < at.start || i >= at.start + at.n) {
      const start = i - (i % CACHE_BLOCK);
      const n = Math.min(CACHE_BLOCK, d.count - start);
      buf ??= new Uint8Array(CACHE_BLOCK * px);
      d.cacheFile!.read(start * px, buf.subarray(0, n * px));
      at = { d, start, n };
    }
    return buf!.subarray((i - at.start) * px, (i - at.start + 1) * px);
  };
}

/** Caches larger than this in all go to `openCacheFile` when the environment has one. */
export const FILE_CACHE_MIN_BYTES = 256 * 2 ** 20;

/** Per-crop flag bits (for the gallery filter). */
export const FLAG_BITS: Record<FindingRule, number> = {
  black: 1,
  undecodable: 2,
  duplicate: 4,
  tiny: 8,
  empty: 16,
};

interface DsEntry {
  name: string;
  count: number;
  dtype: string;
  info: DatasetInfo | null;
  compression: string | null;
  /** Per crop, filled by the overview pass (from bytes and JPEG headers, no decoding). */
  bytes: Uint32Array;
  width: Uint16Array;
  height: Uint16Array;
  /** Brightest grey after decoding; -2 not decoded yet, -1 undecodable. */
  maxGrey: Int16Array;
  flags: Uint8Array;
  /** Per-crop label (imported CSV, the user's per-crop choice…); 255 = the source's label. */
  labels: Uint8Array | null;
  /** Where each per-crop label came from (LABEL_SOURCES code), alongside `labels`. */
  labelSources: Uint8Array | null;
  /** Running content digest of the crops in index order (two 32-bit lanes), complete once indexed. */
  digest: Uint32Array;
  indexed: boolean;
  /** Decode cache: count x side x side grey pixels, and the side it was made with. */
  cache: Uint8Array | null;
  /** The same cache on disk instead (large sets); exactly one of cache / cacheFile is set once decoded. */
  cacheFile: CacheFile | null;
  cacheSide: number;
}

interface SourceEntry {
  id: string;
  /** Numeric key of the id (for the compact duplicate table). */
  num: number;
  name: string;
  kind: 'file' | 'memory';
  origin: string;
  sizeBytes: number;
  label: number | null;
  /** Where the source-wide label came from. */
  labelSource: LabelSource;
  group: string;
  datasets: DsEntry[];
  skipped: { path: string; reason: string }[];
  reader: H5FileReader | null;
  memory: CropList | null;
  unmount: (() => void) | null;
}

export interface DatasetSummary {
  name: string;
  count: number;
  dtype: string;
  compression: string | null;
  indexed: boolean;
  width: Summary;
  height: Summary;
  area: Summary;
  jpegBytes: Summary;
  classCounts: number[];
  findings: Partial<Record<FindingRule, number>>;
  decoded: number;
}

export interface SourceSummary {
  id: string;
  name: string;
  kind: 'file' | 'memory';
  origin: string;
  sizeBytes: number;
  label: number | null;
  labelSource: LabelSource;
  /** Content digest of the crops (DIGEST_METHOD), or null until the source is indexed. */
  contentDigest: string | null;
  group: string;
  count: number;
  datasets: DatasetSummary[];
  skipped: { path: string; reason: string }[];
}

export interface OpenError {
  file: string;
  message: string;
}

export interface CropQuery {
  sourceId?: string | null;
  dataset?: string | null;
  label?: number | null;
  flag?: FindingRule | 'any' | 'none' | null;
  minSide?: number | null;
  maxSide?: number | null;
}

export interface CropRow {
  ordinal: number;
  sourceId: string;
  file: string;
  dataset: string;
  index: number;
  label: number | null;
  width: number;
  height: number;
  bytes: number;
  flags: number;
}

export interface CropDetail extends CropRow {
  crop: StoredCrop;
  findings: Finding[];
  maxGrey: number;
}

/** Every crop of the library at once (see DataLibrary.allCrops). */
export interface AllCrops {
  side: number;
  x: Uint8Array;
  label: Int8Array;
  /** 1 where the label is the crop's own (CSV import, per-crop edit), 0 where it is its source's. */
  ownLabel: Uint8Array;
  /** 1: undecodable. */
  bad: Uint8Array;
  source: Uint16Array;
  dataset: Uint16Array;
  index: Uint32Array;
  /** 0 train, 1 val, 2 test, 3 in no split (unlabelled, undecodable, left out by the recipe). */
  split: Uint8Array;
  sources: {
    id: string;
    name: string;
    kind: 'file' | 'memory';
    sizeBytes: number;
    datasets: string[];
    crops: number;
    /** Digest of the decoded pixels (`grey<side>-…`): identifies the content, not the file bytes. */
    digest: string;
  }[];
}

export interface SplitSummary {
  description: string;
  counts: { train: number[]; val: number[]; test: number[] };
  dropped: number;
  warnings: string[];
  unlabeled: number;
}

const NO_LABEL = 255;
/** How source content digests are made (shown with a version): FNV words of every crop's bytes, in order. */
export const DIGEST_METHOD = 'fnv64 of every crop, in order';
const DIGEST_SEED = [0x811c9dc5, 0x050c5d1f];
const READ_BATCH = 256;

/**
 * Elements per read: about READ_BATCH, rounded to whole chunks. HDF5 forgets its chunk cache between reads
 * (h5wasm opens the dataset for each), so a chunk split by a batch boundary would be inflated twice.
 */
function batchOf(d: DsEntry): number {
  const chunk = d.info?.chunks?.[0] ?? 0;
  return chunk > 0 && chunk < READ_BATCH ? Math.ceil(READ_BATCH / chunk) * chunk : READ_BATCH;
}

let sourceSeq = 0;

function sanitizeName(name: string): string {
  return (
    name
      .replace(/^.*[\\/]/, '')
      .replace(/\.(h5|hdf5|hdf|he5)$/i, '')
      .replace(/[^A-Za-z0-9_-]+/g, '_') || 'source'
  );
}

function newDs(name: string, count: number, dtype: string, info: DatasetInfo | null): DsEntry {
  return {
    name,
    count,
    dtype,
    info,
    compression: info?.compression ?? null,
    bytes: new Uint32Array(count),
    width: new Uint16Array(count),
    height: new Uint16Array(count),
    maxGrey: new Int16Array(count).fill(-2),
    flags: new Uint8Array(count),
    labels: null,
    labelSources: null,
    digest: Uint32Array.from(DIGEST_SEED),
    indexed: false,
    cache: null,
    cacheFile: null,
    cacheSide: 0,
  };
}

export class DataLibrary {
  private sources: SourceEntry[] = [];
  private findings: Finding[] = [];
  private seenHashes = new HashIndex(1 << 14);
  private split: (SplitResult & { key: string }) | null = null;
  classes: readonly ClassDef[] = RESEARCH_CLASSES;

  constructor(private readonly env: LibraryEnv) {}

  // ---- opening -------------------------------------------------------------------------------------

  /** Open HDF5 files lazily; each bad file gives a specific error and the others still open. */
  openFiles(files: (Blob & { name: string })[]): { sources: SourceSummary[]; errors: OpenError[] } {
    const opened: SourceSummary[] = [];
    const errors: OpenError[] = [];
    for (const f of files) {
      let mount: { path: string; unmount(): void } | null = null;
      try {
        mount = this.env.mount(f);
        const reader = H5FileReader.open(this.env.lib, this.env.module, mount.path, f.name);
        if (reader.datasets.length === 0) {
          const why = reader.skipped.map((s) => `${s.path}: ${s.reason}`).join('; ');
          reader.close();
          throw new H5ReadError(
            `${f.name} has no crop datasets${why ? ` (${why})` : ''}. Nothing was added from it.`,
            f.name,
          );
        }
        opened.push(this.addSource(f.name, 'file', f.name, f.size, reader, null, mount.unmount, null));
      } catch (e) {
        mount?.unmount();
        errors.push({ file: f.name, message: e instanceof Error ? e.message : String(e) });
      }
    }
    this.split = null;
    return { sources: opened, errors };
  }

  /** A source of JPEG crops given directly (extracted from a video, dropped as images, generated). */
  addMemorySource(src: MemorySource): SourceSummary {
    let list: CropList;
    if (src.chunks) {
      const read = this.env.readBlob;
      if (!read) throw new Error(`${src.name}: crops kept as Blob chunks cannot be read in this environment`);
      list = new ChunkedCropList(src.chunks, read);
    } else list = new ArrayCropList(src.crops ?? []);
    const s = this.addSource(src.name, 'memory', src.origin, 0, null, list, null, src.label, src.labelSource);
    this.split = null;
    return s;
  }

  /** Path to a file opened directly from h5wasm's file system (Node scripts and tests). */
  openPath(path: string, name: string, sizeBytes = 0): SourceSummary {
    const reader = H5FileReader.open(this.env.lib, this.env.module, path, name);
    this.split = null;
    return this.addSource(name, 'file', name, sizeBytes, reader, null, null, null);
  }

  private addSource(
    name: string,
    kind: 'file' | 'memory',
    origin: string,
    sizeBytes: number,
    reader: H5FileReader | null,
    memory: CropList | null,
    unmount: (() => void) | null,
    label: number | null,
    labelSource?: LabelSource,
  ): SourceSummary {
    const datasets = reader
      ? reader.datasets.map((d) => newDs(d.name, d.count, d.dtype, d))
      : [newDs(sanitizeName(name), memory!.count, 'JPEG in memory', null)];
    // Labels the studio stored with an exported file come back as per-crop labels ('imported').
    if (reader) {
      datasets.forEach((d, k) => {
        const stored = reader.storedLabels(reader.datasets[k]!);
        if (!stored) return;
        d.labels = Uint8Array.from(stored, (l) => (l < 0 || l >= NO_LABEL ? NO_LABEL : l));
        d.labelSources = new Uint8Array(d.count).fill(LABEL_SOURCES.indexOf('imported'));
      });
    }
    const num = ++sourceSeq;
    const entry: SourceEntry = {
      id: `src-${num}`,
      num,
      name,
      kind,
      origin,
      sizeBytes: kind === 'memory' ? memory!.byteLength : sizeBytes,
      label: label ?? inferLabel(name, this.classes),
      labelSource: label !== null ? (labelSource ?? 'user') : 'file-name',
      group: kind === 'file' ? sourceOfFile(name) : origin,
      datasets,
      skipped: reader?.skipped ?? [],
      reader,
      memory,
      unmount,
    };
    this.sources.push(entry);
    return this.summarize(entry);
  }

  closeSource(id: string): void {
    const i = this.sources.findIndex((s) => s.id === id);
    if (i < 0) return;
    const s = this.sources[i]!;
    for (const d of s.datasets) d.cacheFile?.remove();
    s.reader?.close();
    s.unmount?.();
    this.sources.splice(i, 1);
    this.split = null;
    this.rebuildFindings();
  }

  setLabel(id: string, label: number | null): void {
    const s = this.source(id);
    s.label = label;
    s.labelSource = 'user';
    this.split = null;
  }

  /**
   * What a user made of a source's labels (a label they chose for it, every crop's own label with its source), to
   * keep across reloads by content digest; null when everything still comes from the file name.
   */
  savedLabels(id: string): SavedLabels | null {
    const s = this.source(id);
    const crops: SavedLabels['crops'] = [];
    for (const d of s.datasets) {
      if (!d.labels) continue;
      const idx: number[] = [];
      for (let i = 0; i < d.count; i++) if (d.labels[i] !== NO_LABEL) idx.push(i);
      if (!idx.length) continue;
      crops.push({
        dataset: d.name,
        index: Uint32Array.from(idx),
        label: Uint8Array.from(idx, (i) => d.labels![i]!),
        source: Uint8Array.from(idx, (i) => d.labelSources?.[i] ?? LABEL_SOURCES.indexOf('user')),
      });
    }
    const own = s.labelSource === 'user' ? { label: s.label, labelSource: s.labelSource } : null;
    if (!own && crops.length === 0) return null;
    return { source: own, crops };
  }

  /** Put back labels kept by `savedLabels` (crops that no longer exist are skipped). */
  applySavedLabels(id: string, saved: SavedLabels): void {
    const s = this.source(id);
    if (saved.source) {
      s.label = saved.source.label;
      s.labelSource = saved.source.labelSource;
    }
    for (const c of saved.crops) {
      const d = s.datasets.find((x) => x.name === c.dataset);
      if (!d) continue;
      d.labels ??= new Uint8Array(d.count).fill(NO_LABEL);
      d.labelSources ??= new Uint8Array(d.count);
      c.index.forEach((i, k) => {
        if (i >= d.count) return;
        d.labels![i] = c.label[k]!;
        d.labelSources![i] = c.source[k]!;
      });
    }
    this.split = null;
  }

  /** Label single crops (the user's per-crop choice, pseudo-labels…); null clears the crop's own label. */
  setCropLabels(
    crops: { sourceId: string; dataset: string; index: number }[],
    label: number | null,
    source: LabelSource = 'user',
  ): number {
    const code = LABEL_SOURCES.indexOf(source);
    let n = 0;
    for (const c of crops) {
      const s = this.source(c.sourceId);
      const d = s.datasets.find((x) => x.name === c.dataset);
      if (!d || c.index < 0 || c.index >= d.count) {
        throw new Error(`${s.name} has no crop ${c.dataset}[${c.index}]`);
      }
      d.labels ??= new Uint8Array(d.count).fill(NO_LABEL);
      d.labelSources ??= new Uint8Array(d.count);
      d.labels[c.index] = label ?? NO_LABEL;
      d.labelSources[c.index] = label === null ? 0 : code;
      n++;
    }
    this.split = null;
    return n;
  }

  setClasses(classes: readonly ClassDef[]): void {
    this.classes = classes;
  }

  private source(id: string): SourceEntry {
    const s = this.sources.find((x) => x.id === id);
    if (!s) throw new Error(`No open source with id ${id}; it may have been closed`);
    return s;
  }

  // ---- reading -------------------------------------------------------------------------------------

  private readRange(s: SourceEntry, d: DsEntry, start: number, count: number): StoredCrop[] {
    if (s.memory) return s.memory.range(start, count).map((bytes) => ({ kind: 'encoded', bytes }));
    return s.reader!.read(d.info!, start, count);
  }

  /** Overview pass: sizes from bytes and JPEG headers, content hashes for duplicates. No decoding. */
  async index(ctx?: TaskContext): Promise<SourceSummary[]> {
    const total = this.totalCrops();
    let done = 0;
    for (const s of this.sources) {
      for (const d of s.datasets) {
        if (d.indexed) {
          done += d.count;
          continue;
        }
        d.digest.set(DIGEST_SEED); // a pass cut short earlier starts its digest again
        const batch = batchOf(d);
        for (let start = 0; start < d.count; start += batch) {
          const n = Math.min(batch, d.count - start);
          let crops: StoredCrop[];
          try {
            crops = this.readRange(s, d, start, n);
          } catch (e) {
            // A damaged stretch: record every element as unreadable, keep going.
            for (let k = 0; k < n; k++) this.recordUnreadable(s, d, start + k, e);
            continue;
          }
          crops.forEach((c, k) => this.measureStored(s, d, start + k, c));
          done += n;
          ctx?.progress({ done, total, unit: 'crops', message: `indexing ${s.name} › ${d.name}` });
          await ctx?.checkpoint();
        }
        d.indexed = true;
      }
    }
    return this.summaries();
  }

  /** Fold one crop's content words into its dataset's running digest (crops are indexed in order). */
  private foldDigest(d: DsEntry, h1: number, h2: number, len: number): void {
    d.digest[0] = Math.imul(d.digest[0]! ^ h1, 0x01000193);
    d.digest[1] = Math.imul(d.digest[1]! ^ h2, 0x01000193) ^ (len + 1);
  }

  private recordUnreadable(s: SourceEntry, d: DsEntry, i: number, e: unknown): void {
    this.foldDigest(d, 0xdeadbeef, 0xdeadbeef, 0);
    d.maxGrey[i] = -1;
    d.flags[i]! |= FLAG_BITS.undecodable;
    this.findings.push({
      file: s.name,
      dataset: d.name,
      index: i,
      rule: 'undecodable',
      message: e instanceof Error ? e.message : String(e),
    });
  }

  private measureStored(s: SourceEntry, d: DsEntry, i: number, c: StoredCrop): void {
    const loc = { file: s.name, dataset: d.name, index: i };
    if (c.kind === 'encoded') {
      const [w1, w2] = hashWords(c.bytes);
      this.foldDigest(d, w1, w2, c.bytes.length);
      d.bytes[i] = c.bytes.length;
      const size = jpegSize(c.bytes);
      if (size) {
        d.width[i] = size.width;
        d.height[i] = size.height;
      }
      if (c.bytes.length === 0) {
        this.addFindings(
          d,
          i,
          checkCrop(loc, { width: 0, height: 0, bytes: 0, maxGrey: -1, hash: '' }, new Map()),
        );
      } else {
        const [h1, h2] = [w1, w2];
        const first = this.seenHashes.firstOrAdd(
          h1,
          h2,
          c.bytes.length,
          { source: s.num, dataset: s.datasets.indexOf(d), index: i },
          (num) => this.sources.some((x) => x.num === num),
        );
        if (first) {
          const fs = this.sources.find((x) => x.num === first.source)!;
          const firstLoc = { file: fs.name, dataset: fs.datasets[first.dataset]!.name, index: first.index };
          this.addFindings(d, i, [
            { ...loc, rule: 'duplicate', message: `${where(loc)} has the same bytes as ${where(firstLoc)}` },
          ]);
        }
      }
    } else {
      const [w1, w2] = hashWords(c.data);
      this.foldDigest(d, w1, w2, c.data.length);
      d.bytes[i] = c.data.length;
      d.width[i] = c.width;
      d.height[i] = c.height;
    }
  }

  private addFindings(d: DsEntry, i: number, list: Finding[]): void {
    for (const f of list) {
      d.flags[i]! |= FLAG_BITS[f.rule];
      this.findings.push(f);
    }
  }

  private rebuildFindings(): void {
    const names = new Set(this.sources.map((s) => s.name));
    this.findings = this.findings.filter((f) => names.has(f.file));
  }

  // ---- decode cache --------------------------------------------------------------------------------

  /**
   * Decode every crop not yet in the cache for this side (grey, side x side), measuring brightness and
   * flagging undecodable and black crops. A change of side invalidates the cache. Reading is synchronous
   * (h5wasm inflates in this thread) while the browser decodes on its own threads, so the next batch is
   * read while the previous one decodes: the two cores work at once.
   */
  async decodeAll(
    side: number,
    ctx?: TaskContext,
  ): Promise<{ decoded: number; failed: number; seconds: number }> {
    const t0 = performance.now();
    const total = this.totalCrops();
    const tally = { done: 0, decoded: 0, failed: 0 };
    const onDisk =
      this.env.openCacheFile !== undefined &&
      total * side * side > (this.env.fileCacheMinBytes ?? FILE_CACHE_MIN_BYTES);
    let inflight: Promise<void> | null = null;
    try {
      for (const s of this.sources) {
        for (const d of s.datasets) {
          if ((!d.cache && !d.cacheFile) || d.cacheSide !== side) await this.resetCache(s, d, side, onDisk);
          if (!d.indexed) d.digest.set(DIGEST_SEED);
          const batch = batchOf(d);
          for (let start = 0; start < d.count; start += batch) {
            const n = Math.min(batch, d.count - start);
            let todo = !d.indexed;
            for (let k = 0; k < n && !todo; k++) if (d.maxGrey[start + k] === -2) todo = true;
            if (!todo) {
              tally.done += n;
              continue;
            }
            let crops: StoredCrop[];
            try {
              crops = this.readRange(s, d, start, n);
            } catch (e) {
              for (let k = 0; k < n; k++) this.recordUnreadable(s, d, start + k, e);
              tally.failed += n;
              tally.done += n;
              continue;
            }
            // One read serves both passes: crops not indexed yet are measured here too.
            if (!d.indexed) crops.forEach((c, k) => this.measureStored(s, d, start + k, c));
            const decodes = crops.map(async (c, k) => {
              if (d.maxGrey[start + k] !== -2) return null;
              try {
                const img =
                  c.kind === 'encoded'
                    ? await this.env.decode(c.bytes)
                    : { width: c.width, height: c.height, channels: c.channels, data: c.data };
                return { img, error: null as string | null };
              } catch (e) {
                return { img: null, error: e instanceof Error ? e.message : String(e) };
              }
            });
            if (inflight) await inflight;
            inflight = Promise.all(decodes).then((results) => {
              this.storeDecoded(s, d, start, side, results, tally);
              tally.done += n;
              ctx?.progress({
                done: tally.done,
                total,
                unit: 'crops',
                message: `decoding ${s.name} › ${d.name}`,
              });
            });
            await ctx?.checkpoint();
          }
          d.indexed = true;
        }
      }
      if (inflight) await inflight;
    } finally {
      // A cancelled run still lets the batch in flight land (its crops count as decoded).
      if (inflight) await inflight.catch(() => undefined);
    }
    return { decoded: tally.decoded, failed: tally.failed, seconds: (performance.now() - t0) / 1000 };
  }

  private async resetCache(s: SourceEntry, d: DsEntry, side: number, onDisk: boolean): Promise<void> {
    d.cacheFile?.remove();
    d.cache = null;
    d.cacheFile = null;
    if (onDisk) {
      // A browser that refuses or stalls (quota, private window) leaves the cache in memory instead.
      const name = `cache-${s.num}-${s.datasets.indexOf(d)}-${side}.bin`;
      d.cacheFile = await Promise.race([
        this.env.openCacheFile!(name).catch(() => null),
        new Promise<null>((r) => setTimeout(() => r(null), 10_000)),
      ]);
    }
    if (!d.cacheFile) d.cache = new Uint8Array(d.count * side * side);
    d.cacheSide = side;
    d.maxGrey.fill(-2);
    d.flags.forEach((f, i) => (d.flags[i] = f & ~(FLAG_BITS.black | FLAG_BITS.undecodable | FLAG_BITS.tiny)));
    this.findings = this.findings.filter(
      (f) =>
        !(
          f.file === s.name &&
          f.dataset === d.name &&
          (f.rule === 'black' || f.rule === 'undecodable' || f.rule === 'tiny')
        ),
    );
  }

  private storeDecoded(
    s: SourceEntry,
    d: DsEntry,
    start: number,
    side: number,
    results: ({ img: DecodedImage | null; error: string | null } | null)[],
    tally: { decoded: number; failed: number },
  ): void {
    // A disk cache takes the batch in one write (its crops are consecutive).
    const px = side * side;
    let batchOut: Uint8Array | null = null;
    if (d.cacheFile) {
      batchOut = new Uint8Array(results.length * px);
      // Crops decoded by an earlier (cancelled) run keep their pixels.
      if (results.some((r) => r === null)) d.cacheFile.read(start * px, batchOut);
    }
    results.forEach((r, k) => {
      if (!r) return;
      const i = start + k;
      const loc = { file: s.name, dataset: d.name, index: i };
      if (!r.img) {
        d.maxGrey[i] = -1;
        tally.failed++;
        this.addFindings(d, i, [
          {
            ...loc,
            rule: 'undecodable',
            message: `${s.name} › ${d.name} [${i}] is not a decodable image (${r.error}); it is left out of training`,
          },
        ]);
        return;
      }
      const { img } = r;
      const out = d.cache ? d.cache.subarray(i * px, (i + 1) * px) : batchOut!.subarray(k * px, (k + 1) * px);
      cacheTransform(img.data, img.width, img.height, img.channels, side, out);
      // "All black" is judged on the full-resolution grey image: a single bright pixel of a tiny spatter
      // can be averaged away by the resize.
      const maxGrey = maxGreyOf(img.data, img.width * img.height, img.channels);
      d.maxGrey[i] = maxGrey;
      d.width[i] = img.width;
      d.height[i] = img.height;
      tally.decoded++;
      const flags = checkCrop(
        loc,
        { width: img.width, height: img.height, bytes: d.bytes[i]!, maxGrey, hash: '' },
        new Map(),
      );
      this.addFindings(
        d,
        i,
        flags.filter((f) => f.rule !== 'duplicate'),
      );
    });
    if (batchOut && d.cacheFile) d.cacheFile.write(start * side * side, batchOut);
  }

  // ---- labels, CSV ---------------------------------------------------------------------------------

  private totalCrops(): number {
    let n = 0;
    for (const s of this.sources) for (const d of s.datasets) n += d.count;
    return n;
  }

  private labelOf(s: SourceEntry, d: DsEntry, i: number): number | null {
    const own = d.labels?.[i];
    if (own !== undefined && own !== NO_LABEL) return own;
    return s.label;
  }

  private labelSourceOf(s: SourceEntry, d: DsEntry, i: number): LabelSource {
    const own = d.labels?.[i];
    if (own !== undefined && own !== NO_LABEL) return LABEL_SOURCES[d.labelSources?.[i] ?? 0] ?? 'user';
    return s.label === null ? 'unlabelled' : s.labelSource;
  }

  /** Every crop in index order (sources, datasets, elements) — the research CSV rows. */
  indexRows(): IndexRow[] {
    const rows: IndexRow[] = [];
    for (const s of this.sources) {
      for (const d of s.datasets) {
        for (let i = 0; i < d.count; i++) {
          const label = this.labelOf(s, d, i);
          rows.push({ file: s.name, dataset: d.name, dsIdx: i, label: label ?? -1 });
        }
      }
    }
    return rows;
  }

  /** `unshuffled_images.csv` (shuffled = false) or `images.csv` (shuffled with the seed, as the research code). */
  exportCsv(shuffled: boolean, seed: number): string {
    const rows = this.indexRows().filter((r) => r.label >= 0);
    return formatIndexCsv(shuffled ? shuffledRows(rows, seed) : rows);
  }

  /** Apply per-crop labels from a research CSV; rows are matched by file name, dataset and ds_idx. */
  importCsv(text: string): {
    rows: number;
    matched: number;
    unmatched: number;
    firstUnmatched: string | null;
  } {
    const rows = parseIndexCsv(text);
    let matched = 0;
    let firstUnmatched: string | null = null;
    const byName = new Map<string, SourceEntry>();
    for (const s of this.sources) byName.set(s.name.replace(/^.*[\\/]/, ''), s);
    for (const r of rows) {
      const s = byName.get(r.file.replace(/^.*[\\/]/, ''));
      const d = s?.datasets.find((x) => x.name === r.dataset || `/${x.name}` === r.dataset);
      if (!s || !d || r.dsIdx >= d.count || r.label >= NO_LABEL) {
        firstUnmatched ??= `${r.file},${r.dataset},${r.dsIdx}`;
        continue;
      }
      d.labels ??= new Uint8Array(d.count).fill(NO_LABEL);
      d.labelSources ??= new Uint8Array(d.count);
      d.labels[r.dsIdx] = r.label;
      d.labelSources[r.dsIdx] = LABEL_SOURCES.indexOf('csv');
      matched++;
    }
    this.split = null;
    return { rows: rows.length, matched, unmatched: rows.length - matched, firstUnmatched };
  }

  // ---- overview and gallery ------------------------------------------------------------------------

  summaries(): SourceSummary[] {
    return this.sources.map((s) => this.summarize(s));
  }

  private summarize(s: SourceEntry): SourceSummary {
    const datasets = s.datasets.map((d): DatasetSummary => {
      const known: number[] = [];
      for (let i = 0; i < d.count; i++) if (d.width[i]! > 0) known.push(i);
      const pick = (f: (i: number) => number) => summarize(known.map(f));
      const classCounts: number[] = [];
      const findings: Partial<Record<FindingRule, number>> = {};
      let decoded = 0;
      for (let i = 0; i < d.count; i++) {
        const l = this.labelOf(s, d, i);
        if (l !== null) classCounts[l] = (classCounts[l] ?? 0) + 1;
        if (d.maxGrey[i]! >= 0) decoded++;
        const f = d.flags[i]!;
        if (f) {
          for (const [rule, bit] of Object.entries(FLAG_BITS) as [FindingRule, number][]) {
            if (f & bit) findings[rule] = (findings[rule] ?? 0) + 1;
          }
        }
      }
      for (let c = 0; c < classCounts.length; c++) classCounts[c] ??= 0;
      return {
        name: d.name,
        count: d.count,
        dtype: d.dtype,
        compression: d.compression,
        indexed: d.indexed,
        width: pick((i) => d.width[i]!),
        height: pick((i) => d.height[i]!),
        area: pick((i) => d.width[i]! * d.height[i]!),
        jpegBytes: summarize(d.indexed ? d.bytes : []),
        classCounts,
        findings,
        decoded,
      };
    });
    return {
      id: s.id,
      name: s.name,
      kind: s.kind,
      origin: s.origin,
      sizeBytes: s.sizeBytes,
      label: s.label,
      labelSource: s.label === null ? 'unlabelled' : s.labelSource,
      contentDigest: this.sourceDigest(s),
      group: s.group,
      count: datasets.reduce((a, d) => a + d.count, 0),
      datasets,
      skipped: s.skipped,
    };
  }

  /** Findings with their locations (the first `limit`) and the total. */
  listFindings(limit = 1000, rule?: FindingRule): { total: number; findings: Finding[] } {
    const list = rule ? this.findings.filter((f) => f.rule === rule) : this.findings;
    return { total: list.length, findings: list.slice(0, limit) };
  }

  private matches: Uint32Array = new Uint32Array(0);

  /** Run a gallery query; returns how many crops match. Rows are then fetched with `rows`. */
  query(q: CropQuery): number {
    const out: number[] = [];
    let ordinal = 0;
    const flagBit = q.flag && q.flag !== 'any' && q.flag !== 'none' ? FLAG_BITS[q.flag] : 0;
    for (const s of this.sources) {
      for (const d of s.datasets) {
        const skip =
          (q.sourceId && q.sourceId !== s.id) || (q.dataset && q.dataset !== d.name) ? true : false;
        if (skip) {
          ordinal += d.count;
          continue;
        }
        for (let i = 0; i < d.count; i++, ordinal++) {
          if (q.label !== undefined && q.label !== null && this.labelOf(s, d, i) !== q.label) continue;
          const f = d.flags[i]!;
          if (flagBit && !(f & flagBit)) continue;
          if (q.flag === 'any' && !f) continue;
          if (q.flag === 'none' && f) continue;
          const side = Math.max(d.width[i]!, d.height[i]!);
          if (q.minSide && side < q.minSide) continue;
          if (q.maxSide && side > q.maxSide) continue;
          out.push(ordinal);
        }
      }
    }
    this.matches = Uint32Array.from(out);
    return out.length;
  }

  private locate(ordinal: number): { s: SourceEntry; d: DsEntry; i: number } {
    let o = ordinal;
    for (const s of this.sources) {
      for (const d of s.datasets) {
        if (o < d.count) return { s, d, i: o };
        o -= d.count;
      }
    }
    throw new RangeError(`Crop ${ordinal} does not exist (there are ${this.totalCrops()})`);
  }

  private row(ordinal: number): CropRow {
    const { s, d, i } = this.locate(ordinal);
    return {
      ordinal,
      sourceId: s.id,
      file: s.name,
      dataset: d.name,
      index: i,
      label: this.labelOf(s, d, i),
      width: d.width[i]!,
      height: d.height[i]!,
      bytes: d.bytes[i]!,
      flags: d.flags[i]!,
    };
  }

  /** Rows [offset, offset + limit) of the last query. */
  rows(offset: number, limit: number): CropRow[] {
    const end = Math.min(this.matches.length, offset + limit);
    const out: CropRow[] = [];
    for (let k = Math.max(0, offset); k < end; k++) out.push(this.row(this.matches[k]!));
    return out;
  }

  /** The stored crops (JPEG bytes or pixels) of these ordinals, for thumbnails. */
  crops(ordinals: number[]): (StoredCrop | null)[] {
    return ordinals.map((o) => {
      try {
        const { s, d, i } = this.locate(o);
        const c = this.readRange(s, d, i, 1)[0] ?? null;
        // The worker transfers these buffers to the page: an in-memory source hands out a copy, not its own.
        return c && s.memory && c.kind === 'encoded' ? { kind: 'encoded', bytes: c.bytes.slice() } : c;
      } catch {
        return null;
      }
    });
  }

  detail(ordinal: number): CropDetail {
    const row = this.row(ordinal);
    const { s, d, i } = this.locate(ordinal);
    const crop = this.readRange(s, d, i, 1)[0]!;
    const findings = this.findings.filter((f) => f.file === s.name && f.dataset === d.name && f.index === i);
    return { ...row, crop, findings, maxGrey: d.maxGrey[i]! };
  }

  // ---- splits and training arrays ------------------------------------------------------------------

  /** Labels and groups of every crop; unlabeled and undecodable crops get label 255 (left out). */
  private labelsAndGroups(): { labels: Uint8Array; groups: Uint32Array; unlabeled: number } {
    const n = this.totalCrops();
    const labels = new Uint8Array(n);
    const groups = new Uint32Array(n);
    const groupIds = new Map<string, number>();
    let o = 0;
    let unlabeled = 0;
    for (const s of this.sources) {
      const g = groupIds.get(s.group) ?? groupIds.size;
      groupIds.set(s.group, g);
      for (const d of s.datasets) {
        for (let i = 0; i < d.count; i++, o++) {
          const l = this.labelOf(s, d, i);
          const bad = d.maxGrey[i] === -1;
          labels[o] = l === null || bad ? NO_LABEL : l;
          if (l === null) unlabeled++;
          groups[o] = g;
        }
      }
    }
    return { labels, groups, unlabeled };
  }

  makeSplit(opts: SplitOptions): SplitSummary {
    const { labels, groups, unlabeled } = this.labelsAndGroups();
    // Only labelled, readable crops take part; ordinals are mapped back after splitting.
    const keep: number[] = [];
    for (let o = 0; o < labels.length; o++) if (labels[o] !== NO_LABEL) keep.push(o);
    const sub = Uint8Array.from(keep, (o) => labels[o]!);
    const subGroups = Uint32Array.from(keep, (o) => groups[o]!);
    const r = makeSplit(sub, opts, subGroups);
    const back = (a: Uint32Array) => Uint32Array.from(a, (k) => keep[k]!);
    const result: SplitResult = { ...r, train: back(r.train), val: back(r.val), test: back(r.test) };
    this.split = { ...result, key: JSON.stringify(opts) };
    const count = (a: Uint32Array) => {
      const c: number[] = new Array<number>(this.classes.length).fill(0);
      for (const o of a) c[labels[o]!] = (c[labels[o]!] ?? 0) + 1;
      return c;
    };
    const warnings = [...r.warnings];
    if (unlabeled > 0)
      warnings.push(`${unlabeled} crops have no label and are left out: choose a class for their file.`);
    return {
      description: r.description,
      counts: { train: count(result.train), val: count(result.val), test: count(result.test) },
      dropped: r.dropped,
      warnings,
      unlabeled,
    };
  }

  /** Decode (once) and gather the split's crops into the hand-over arrays for training. */
  async buildTrainingArrays(
    opts: { side: number; split: SplitOptions; classNames?: string[] },
    ctx?: TaskContext,
  ): Promise<TrainingArrays> {
    await this.decodeAll(opts.side, ctx);
    const summary = this.makeSplit(opts.split);
    const split = this.split!;
    const side = opts.side;
    const [train, val, test] = this.gatherSplits([split.train, split.val, split.test], side);
    return {
      side,
      classNames: opts.classNames ?? this.classes.map((c) => c.name),
      splitDescription: summary.description,
      train: train!,
      val: val!,
      test: test!,
    };
  }

  /**
   * The decoded crops of each list of ordinals, in list order, undecodable ones left out. The cache is read
   * once, in index order, a block of crops at a time: on a disk cache one read per crop (598,933 small reads
   * at research scale) took minutes, and memory stays at the outputs plus one block.
   */
  private gatherSplits(lists: Uint32Array[], side: number): SplitArrays[] {
    const px = side * side;
    const total = this.totalCrops();
    const list = new Int8Array(total).fill(-1);
    const slot = new Uint32Array(total);
    const decodable = new Uint8Array(total);
    let o = 0;
    for (const s of this.sources) {
      for (const d of s.datasets) {
        for (let i = 0; i < d.count; i++, o++) decodable[o] = d.maxGrey[i]! >= 0 ? 1 : 0;
      }
    }
    const outs = lists.map((ordinals, li) => {
      let k = 0;
      for (const ord of ordinals) {
        if (!decodable[ord]) continue;
        list[ord] = li;
        slot[ord] = k++;
      }
      return { x: new Uint8Array(k * px), y: new Uint8Array(k), ids: new Array<string>(k) };
    });
    const block = CACHE_BLOCK;
    let buf: Uint8Array | null = null;
    o = 0;
    for (const s of this.sources) {
      for (const d of s.datasets) {
        for (let start = 0; start < d.count; start += block) {
          const n = Math.min(block, d.count - start);
          let wanted = false;
          for (let k = 0; k < n && !wanted; k++) wanted = list[o + k]! >= 0;
          if (!wanted) {
            o += n;
            continue;
          }
          let src: Uint8Array;
          if (d.cache) src = d.cache.subarray(start * px, (start + n) * px);
          else {
            if (!buf || buf.length < block * px) buf = new Uint8Array(block * px);
            src = buf.subarray(0, n * px);
            d.cacheFile!.read(start * px, src);
          }
          for (let k = 0; k < n; k++, o++) {
            const li = list[o]!;
            if (li < 0) continue;
            const out = outs[li]!;
            const at = slot[o]!;
            const i = start + k;
            out.x.set(src.subarray(k * px, (k + 1) * px), at * px);
            out.y[at] = this.labelOf(s, d, i)!;
            out.ids[at] = `${s.name}/${d.name}/${i}`;
          }
        }
      }
    }
    return outs;
  }

  // ---- dataset versions ----------------------------------------------------------------------------

  /** The content digest of a source: every crop's bytes in order, per dataset; null until indexed. */
  private sourceDigest(s: SourceEntry): string | null {
    if (!s.datasets.every((d) => d.indexed)) return null;
    const words: number[] = [];
    for (const d of s.datasets) {
      const [n1, n2] = hashWords(new TextEncoder().encode(d.name));
      words.push(d.count, d.digest[0]!, d.digest[1]!, n1, n2);
    }
    const [h1, h2] = hashWords(new Uint8Array(Uint32Array.from(words).buffer));
    return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0');
  }

  /**
   * The current library as a dataset version's content: every crop with its label and label source, and the
   * split made now with `opts` (crops that are unlabelled or undecodable are in no split). Decodes first, so the
   * split leaves out exactly what training would.
   */
  async versionSnapshot(
    opts: { side: number; split: SplitOptions },
    ctx?: TaskContext,
  ): Promise<{ header: DatasetVersionHeader; itemBytes: Uint8Array }> {
    await this.index(ctx);
    await this.decodeAll(opts.side, ctx);
    const summary = this.makeSplit(opts.split);
    const split = this.split!;
    const total = this.totalCrops();
    const items = emptyItems(total);
    const refs: DatasetSourceRef[] = [];
    let o = 0;
    const excluded = SPLIT_NAMES.indexOf('excluded');
    for (const s of this.sources) {
      const si = refs.length;
      refs.push({
        id: s.id,
        name: s.name,
        kind: s.kind,
        contentDigest: this.sourceDigest(s) ?? '',
        digestMethod: DIGEST_METHOD,
        sizeBytes: s.sizeBytes,
        datasets: s.datasets.map((d) => d.name),
        crops: s.datasets.reduce((a, d) => a + d.count, 0),
      });
      s.datasets.forEach((d, di) => {
        for (let i = 0; i < d.count; i++, o++) {
          const l = this.labelOf(s, d, i);
          items.source[o] = si;
          items.dataset[o] = di;
          items.index[o] = i;
          items.label[o] = l ?? UNLABELLED;
          items.labelSource[o] = LABEL_SOURCES.indexOf(this.labelSourceOf(s, d, i));
          items.split[o] = excluded;
        }
      });
    }
    const mark = (ordinals: Uint32Array, code: number) => {
      for (const x of ordinals) {
        const { d, i } = this.locate(x);
        if (d.maxGrey[i]! >= 0) items.split[x] = code;
      }
    };
    mark(split.train, SPLIT_NAMES.indexOf('train'));
    mark(split.val, SPLIT_NAMES.indexOf('val'));
    mark(split.test, SPLIT_NAMES.indexOf('test'));
    return {
      header: {
        classNames: this.classes.map((c) => c.name),
        sources: refs,
        splitRecipe: summary.description,
        parent: null,
      },
      itemBytes: encodeItems(items),
    };
  }

  /** Open sources by content digest (index first so digests are known). */
  private sourcesByDigest(): Map<string, SourceEntry> {
    const out = new Map<string, SourceEntry>();
    for (const s of this.sources) {
      const dg = this.sourceDigest(s);
      if (dg && !out.has(dg)) out.set(dg, s);
    }
    return out;
  }

  /** Which of a version's sources are not open now (by content digest), and how many labels differ now. */
  async checkVersion(
    header: DatasetVersionHeader,
    itemBytes: Uint8Array,
    ctx?: TaskContext,
  ): Promise<{ missingSources: string[]; changedLabels: number }> {
    await this.index(ctx);
    const open = this.sourcesByDigest();
    const missingSources = header.sources.filter((r) => !open.has(r.contentDigest)).map((r) => r.name);
    const items = decodeItems(itemBytes);
    let changedLabels = 0;
    for (let k = 0; k < items.index.length; k++) {
      const ref = header.sources[items.source[k]!]!;
      const s = open.get(ref.contentDigest);
      const d = s?.datasets.find((x) => x.name === ref.datasets[items.dataset[k]!]);
      if (!s || !d) continue;
      if ((this.labelOf(s, d, items.index[k]!) ?? UNLABELLED) !== items.label[k]) changedLabels++;
    }
    return { missingSources, changedLabels };
  }

  /**
   * The training arrays of a dataset version: its own crops, labels and split, whatever the library's labels
   * and order are now. Every source must be open (matched by content digest); a missing one is named.
   */
  async arraysForVersion(
    header: DatasetVersionHeader,
    itemBytes: Uint8Array,
    opts: { side: number; splits?: ('train' | 'val' | 'test')[] },
    ctx?: TaskContext,
  ): Promise<TrainingArrays> {
    await this.index(ctx);
    const open = this.sourcesByDigest();
    const missing = header.sources.filter((r) => !open.has(r.contentDigest));
    if (missing.length) {
      throw new DatasetVersionError(
        `The dataset version needs ${missing.map((m) => m.name).join(', ')}, which ${missing.length > 1 ? 'are' : 'is'} not open (matched by content digest). Open the same file${missing.length > 1 ? 's' : ''} in the Data area (or re-pick ${missing.length > 1 ? 'them' : 'it'}) and try again.`,
      );
    }
    await this.decodeAll(opts.side, ctx);
    const items = decodeItems(itemBytes);
    const side = opts.side;
    const want = opts.splits ?? ['train', 'val', 'test'];
    const read = blockReader(side);
    const gather = (name: 'train' | 'val' | 'test'): SplitArrays => {
      if (!want.includes(name)) return { x: new Uint8Array(0), y: new Uint8Array(0), ids: [] };
      const code = SPLIT_NAMES.indexOf(name);
      const rows: number[] = [];
      for (let k = 0; k < items.split.length; k++) if (items.split[k] === code) rows.push(k);
      const x = new Uint8Array(rows.length * side * side);
      const y = new Uint8Array(rows.length);
      const ids: string[] = [];
      rows.forEach((k, j) => {
        const ref = header.sources[items.source[k]!]!;
        const s = open.get(ref.contentDigest)!;
        const d = s.datasets.find((z) => z.name === ref.datasets[items.dataset[k]!]);
        const i = items.index[k]!;
        if (!d || i >= d.count || d.maxGrey[i]! < 0) {
          throw new DatasetVersionError(
            `${ref.name} › ${ref.datasets[items.dataset[k]!]}[${i}] of the dataset version cannot be read now`,
          );
        }
        x.set(read(d, i), j * side * side);
        y[j] = items.label[k]!;
        ids.push(`${s.name}/${d.name}/${i}`);
      });
      return { x, y, ids };
    };
    return {
      side,
      classNames: header.classNames,
      splitDescription: header.splitRecipe,
      train: gather('train'),
      val: gather('val'),
      test: gather('test'),
    };
  }

  // ---- per-crop labels and every crop at once (label refinement) ----------------------------------

  /** Set (or clear, with null: back to the source's label) the label of single crops by ordinal. */
  setCropLabelsByOrdinal(
    ordinals: ArrayLike<number>,
    labels: ArrayLike<number | null> | number | null,
    source: LabelSource = 'user',
  ): void {
    const code = LABEL_SOURCES.indexOf(source);
    for (let k = 0; k < ordinals.length; k++) {
      const { d, i } = this.locate(ordinals[k]!);
      const l = typeof labels === 'number' || labels === null ? labels : labels[k]!;
      if (l !== null && (l < 0 || l >= NO_LABEL)) throw new RangeError(`Label ${l} is not a class index`);
      d.labels ??= new Uint8Array(d.count).fill(NO_LABEL);
      d.labelSources ??= new Uint8Array(d.count);
      d.labels[i] = l === null ? NO_LABEL : l;
      d.labelSources[i] = l === null ? 0 : code;
    }
    this.split = null;
  }

  /**
   * Every crop of the library, decoded (grey, side x side), with its label (-1 none), whether the label is the
   * crop's own (CSV, user) or its source's, its place in the current split (0 train, 1 val, 2 test, 3 none) and a
   * per-source digest of the decoded pixels. Undecodable crops come with flag 1 and no split.
   */
  async allCrops(side: number, split: SplitOptions, ctx?: TaskContext): Promise<AllCrops> {
    await this.decodeAll(side, ctx);
    const n = this.totalCrops();
    let split3: Uint8Array = new Uint8Array(n).fill(3);
    try {
      this.makeSplit(split);
      const sp = this.split!;
      [sp.train, sp.val, sp.test].forEach((list, code) => {
        for (const o of list) split3[o] = code;
      });
    } catch {
      split3 = new Uint8Array(n).fill(3);
    }
    const out: AllCrops = {
      side,
      x: new Uint8Array(n * side * side),
      label: new Int8Array(n),
      ownLabel: new Uint8Array(n),
      bad: new Uint8Array(n),
      source: new Uint16Array(n),
      dataset: new Uint16Array(n),
      index: new Uint32Array(n),
      split: split3,
      sources: [],
    };
    let o = 0;
    this.sources.forEach((s, si) => {
      const start = o;
      s.datasets.forEach((d, di) => {
        const px = out.x.subarray(o * side * side, (o + d.count) * side * side);
        if (d.cache) px.set(d.cache.subarray(0, d.count * side * side));
        else d.cacheFile?.read(0, px);
        for (let i = 0; i < d.count; i++, o++) {
          const own = d.labels?.[i];
          out.ownLabel[o] = own !== undefined && own !== NO_LABEL ? 1 : 0;
          out.label[o] = this.labelOf(s, d, i) ?? -1;
          out.bad[o] = d.maxGrey[i]! < 0 ? 1 : 0;
          if (out.bad[o]) out.split[o] = 3;
          out.source[o] = si;
          out.dataset[o] = di;
          out.index[o] = i;
        }
      });
      const [a, b] = hashWords(out.x.subarray(start * side * side, o * side * side));
      out.sources.push({
        id: s.id,
        name: s.name,
        kind: s.kind,
        sizeBytes: s.sizeBytes,
        datasets: s.datasets.map((d) => d.name),
        crops: o - start,
        digest:
          this.sourceDigest(s) ??
          `grey${side}-${(a >>> 0).toString(16).padStart(8, '0')}${(b >>> 0).toString(16).padStart(8, '0')}`,
      });
    });
    return out;
  }

  // ---- export --------------------------------------------------------------------------------------

  /**
   * Write the chosen sources (all when empty) as one research-layout HDF5 file: each source's crops in
   * datasets `<source>_<n>` of at most 10,000. Image stacks are JPEG-encoded. Written to the env's export target
   * (disk) where it has one, holding one dataset at a time, else in memory.
   */
  async exportH5(sourceIds: string[], fileName: string, ctx?: TaskContext): Promise<ExportedFile> {
    const chosen = sourceIds.length ? sourceIds.map((id) => this.source(id)) : this.sources;
    const target = this.env.exportTarget
      ? await this.env.exportTarget(fileName)
      : this.scratchTarget(fileName);
    try {
      await this.writeH5(chosen, target.path, ctx);
    } catch (e) {
      await target.discard();
      throw e;
    }
    return target.finish();
  }

  /** An in-memory (MEMFS) export target: the finished file comes back as bytes. */
  private scratchTarget(fileName: string): ExportTarget {
    return memfsTarget(this.env.module, this.env.scratchPath(fileName), fileName);
  }

  private async writeH5(chosen: SourceEntry[], path: string, ctx?: TaskContext): Promise<void> {
    const writer = await ResearchH5Writer.create(this.env.lib, path);
    const total = chosen.reduce((a, s) => a + s.datasets.reduce((b, d) => b + d.count, 0), 0);
    let done = 0;
    try {
      const used = new Set<string>();
      for (const s of chosen) {
        // A file keeps its research dataset names (already `<video>_<n>`, <= 10,000); an in-memory
        // source, a stack or a clashing name is written as `<source>_<n>`. Crops are read in batches and
        // written a dataset at a time, so at most 10,000 crops are held, whatever the source's size.
        const keepNames =
          s.kind === 'file' &&
          s.datasets.every(
            (d) =>
              d.count <= RESEARCH_DATASET_MAX &&
              d.info?.layout.kind !== 'stack' &&
              !used.has(d.name) &&
              !d.name.includes('/'),
          );
        let base = sanitizeName(s.name);
        while (used.has(`${base}_0`)) base += '_';
        let pending: Uint8Array[] = [];
        let pendingLabels: number[] = [];
        let part = 0;
        // Each crop's label travels with it (an attribute research readers ignore), so a file of several
        // sources opens again with its labels instead of as unlabelled.
        const flush = (name: string) => {
          if (pending.length === 0) return;
          writer.addDataset({ name, crops: pending, labels: Int8Array.from(pendingLabels) });
          used.add(name);
          pending = [];
          pendingLabels = [];
        };
        for (const d of s.datasets) {
          const batch = batchOf(d);
          for (let start = 0; start < d.count; start += batch) {
            const got = this.readRange(s, d, start, Math.min(batch, d.count - start));
            for (const [k, c] of got.entries()) {
              pendingLabels.push(this.labelOf(s, d, start + k) ?? -1);
              pending.push(c.kind === 'encoded' ? c.bytes : await this.env.encodeJpeg(c));
              if (!keepNames && pending.length === RESEARCH_DATASET_MAX) flush(`${base}_${part++}`);
            }
            done += got.length;
            ctx?.progress({ done, total, unit: 'crops', message: `exporting ${s.name} › ${d.name}` });
            await ctx?.checkpoint();
          }
          if (keepNames) flush(d.name);
        }
        if (!keepNames) flush(`${base}_${part++}`);
      }
    } finally {
      writer.close();
    }
  }
}
