// Writes crops in the research HDF5 layout: one dataset per <= 10,000 crops named `<source>_<n>`, each a
// 1-D array of fixed-length byte strings (`|S<longest>`, NUL-padded, gzip, chunked) — what
// `np.array(list_of_jpeg_bytes)` gives h5py — so the research loader's
// `cv2.imdecode(np.frombuffer(f[ds][i], np.uint8), -1)` decodes every crop.
//
// h5wasm can only create NUL-*terminated* strings (H5T_C_S1), and HDF5 converts those for h5py's NUL-*padded*
// type by cutting at the first NUL — inside the JPEG. So the file is written with version-1 object headers
// (libver earliest: no checksums) and each dataset's datatype message is then patched from NULLTERM to
// NULLPAD, which is the exact type h5py writes. Works on any h5wasm file system (MEMFS, WORKERFS
// cannot write; NODERAWFS in Node), so the worker and Node scripts share it.
import { LABELS_ATTRIBUTE, type H5Lib, type H5Module } from './h5-reader';

export const RESEARCH_DATASET_MAX = 10_000;

export interface ResearchDataset {
  name: string;
  /** Encoded crops (JPEG bytes), written as they are. */
  crops: Uint8Array[];
  /** Each crop's label (-1 unlabelled), kept in an attribute research readers ignore; omitted when absent. */
  labels?: Int8Array;
}

export interface WriteOptions {
  /** gzip level, 0-9 (h5py's default for compression='gzip' is 4). */
  gzipLevel?: number;
  /** Target bytes per HDF5 chunk (small chunks keep random access cheap). */
  chunkBytes?: number;
}

export class H5WriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'H5WriteError';
  }
}

/** Cut one source's crops into research datasets `<source>_0`, `<source>_1`, ... of at most 10,000. */
export function researchDatasets(
  source: string,
  crops: Uint8Array[],
  max = RESEARCH_DATASET_MAX,
): ResearchDataset[] {
  const out: ResearchDataset[] = [];
  for (let s = 0, n = 0; s < crops.length; s += max, n++) {
    out.push({ name: `${source}_${n}`, crops: crops.slice(s, s + max) });
  }
  return out;
}

const H5T_STRING = 3;
const H5T_CSET_ASCII = 0;

/** A research-layout file being written; add datasets one at a time (memory: one dataset at once). */
/** Bytes of padded crops handed to HDF5 at once (a dataset is written in slabs of this size). */
const SLAB_BYTES = 8 * 2 ** 20;

/** h5wasm's module functions for growing a dataset and writing a hyperslab (what Dataset.resize/write_slice use). */
interface LowLevelWrite {
  resize_dataset(fileId: bigint, path: string, shape: bigint[]): number;
  set_dataset_data(
    fileId: bigint,
    path: string,
    count: bigint[],
    offset: bigint[],
    strides: bigint[],
    ptr: bigint,
  ): number;
}

export class ResearchH5Writer {
  private readonly itemSizes: number[] = [];
  private closed = false;

  private constructor(
    private readonly module: H5Module,
    private readonly file: InstanceType<H5Lib['File']>,
    readonly path: string,
    private readonly opts: Required<WriteOptions>,
  ) {}

  static async create(lib: H5Lib, path: string, opts: WriteOptions = {}): Promise<ResearchH5Writer> {
    const module = await lib.ready;
    // 'earliest' low bound: version-1 object headers, which carry no checksum, so the type can be patched.
    const file = new lib.File(path, 'w', { libver: ['earliest', 'v200'] });
    return new ResearchH5Writer(module, file, path, {
      gzipLevel: opts.gzipLevel ?? 4,
      chunkBytes: opts.chunkBytes ?? 64 * 1024,
    });
  }

  addDataset(ds: ResearchDataset): void {
    if (this.closed) throw new H5WriteError(`${this.path} is already closed`);
    if (!/^[^/.][^/]*$/.test(ds.name)) {
      throw new H5WriteError(
        `"${ds.name}" is not a valid dataset name (no slashes, not starting with a dot)`,
      );
    }
    const n = ds.crops.length;
    if (n === 0)
      throw new H5WriteError(`Dataset ${ds.name} has no crops; the research layout has no empty datasets`);
    let itemSize = 1;
    for (const c of ds.crops) itemSize = Math.max(itemSize, c.length);
    const m = this.module as H5Module & LowLevelWrite;
    const path = `/${ds.name}`;
    // Written a slab at a time: the padded dataset (n x the longest crop) would otherwise sit in h5wasm's heap at
    // once — 10,000 crops padded to the largest of them can be hundreds of MB, and the heap never shrinks.
    const slab = Math.max(1, Math.min(n, Math.floor(SLAB_BYTES / itemSize)));
    const ptr = m._malloc(slab * itemSize);
    if (ptr === 0) throw new H5WriteError(`Out of memory writing ${ds.name} (${slab * itemSize} bytes)`);
    const fill = (from: number, count: number) => {
      const heap = m.HEAPU8;
      heap.fill(0, ptr, ptr + count * itemSize);
      for (let i = 0; i < count; i++) heap.set(ds.crops[from + i]!, ptr + i * itemSize);
    };
    try {
      const first = Math.min(slab, n);
      fill(0, first);
      const chunk = Math.max(1, Math.min(n, Math.floor(this.opts.chunkBytes / itemSize)));
      const status = m.create_dataset(this.file.file_id, path, BigInt(ptr), {
        type: H5T_STRING,
        size: itemSize,
        cset: H5T_CSET_ASCII,
        vlen: false,
        signed: false,
        littleEndian: true,
        shape: [BigInt(first)],
        maxshape: [BigInt(n)],
        chunks: [BigInt(chunk)],
        compression: this.opts.gzipLevel > 0 ? 1 : 0,
        compression_opts: this.opts.gzipLevel > 0 ? [this.opts.gzipLevel] : [],
        track_order: false,
      } as unknown as Parameters<H5Module['create_dataset']>[3]);
      if (typeof status === 'number' && status < 0) {
        throw new H5WriteError(`HDF5 could not create dataset ${ds.name} (status ${status})`);
      }
      for (let at = first; at < n; at += slab) {
        const count = Math.min(slab, n - at);
        fill(at, count);
        m.resize_dataset(this.file.file_id, path, [BigInt(at + count)]);
        m.set_dataset_data(this.file.file_id, path, [BigInt(count)], [BigInt(at)], [1n], BigInt(ptr));
      }
    } finally {
      m._free(ptr);
    }
    if (ds.labels) {
      if (ds.labels.length !== n)
        throw new H5WriteError(`Dataset ${ds.name}: ${ds.labels.length} labels for ${n} crops`);
      const dset = this.file.get(`/${ds.name}`) as unknown as {
        create_attribute(name: string, data: Int8Array, shape: number[]): void;
      };
      dset.create_attribute(LABELS_ATTRIBUTE, ds.labels, [n]);
    }
    this.itemSizes.push(itemSize);
  }

  /** Close the file and turn every string type into the NUL-padded one h5py writes. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.file.close();
    const patched = patchStringPadding(this.module, this.path, this.itemSizes);
    if (patched !== this.itemSizes.length) {
      throw new H5WriteError(
        `${this.path}: found ${patched} of ${this.itemSizes.length} string types to mark as NUL-padded; ` +
          'the file would not read back correctly in h5py',
      );
    }
  }
}

/** Write a whole research-layout file in one call. */
export async function writeResearchH5(
  lib: H5Lib,
  path: string,
  datasets: ResearchDataset[],
  opts: WriteOptions = {},
): Promise<void> {
  const w = await ResearchH5Writer.create(lib, path, opts);
  try {
    for (const ds of datasets) w.addDataset(ds);
  } finally {
    w.close();
  }
}

/**
 * Find version-1 datatype messages of fixed-length ASCII NUL-terminated strings of the given sizes and
 * make them NUL-padded. Layout (HDF5 spec, v1 object header message): type 0x0003 (2 bytes), data size 8
 * (2), flags (1), reserved (3), then the datatype: class 3 | version 1 << 4 = 0x13, bit field (3 bytes:
 * padding in bits 0-3, character set in bits 4-7), element size (4). Returns how many were patched.
 */
export function patchStringPadding(module: H5Module, path: string, sizes: readonly number[]): number {
  const FS = module.FS;
  const size = FS.stat(path).size;
  const stream = FS.open(path, 'r+');
  const want = new Map<number, number>();
  for (const s of sizes) want.set(s, (want.get(s) ?? 0) + 1);
  let patched = 0;
  try {
    const block = 1 << 22;
    const overlap = 16;
    const buf = new Uint8Array(block + overlap);
    for (let pos = 0; pos < size; pos += block) {
      const len = Math.min(block + overlap, size - pos);
      FS.read(stream, buf, 0, len, pos);
      for (let i = 0; i + 16 <= len; i++) {
        if (
          buf[i + 8] !== 0x13 ||
          buf[i] !== 0x03 ||
          buf[i + 1] !== 0x00 ||
          buf[i + 2] !== 0x08 ||
          buf[i + 3] !== 0x00 ||
          buf[i + 5] !== 0 ||
          buf[i + 6] !== 0 ||
          buf[i + 7] !== 0 ||
          buf[i + 9] !== 0x00 || // NULLTERM, ASCII
          buf[i + 10] !== 0 ||
          buf[i + 11] !== 0
        ) {
          continue;
        }
        if (i >= block) continue; // seen again in the next block
        const itemSize = buf[i + 12]! | (buf[i + 13]! << 8) | (buf[i + 14]! << 16) | (buf[i + 15]! << 24);
        const left = want.get(itemSize) ?? 0;
        if (left === 0) continue;
        want.set(itemSize, left - 1);
        FS.write(stream, Uint8Array.of(0x01), 0, 1, pos + i + 9); // H5T_STR_NULLPAD, ASCII
        patched++;
      }
    }
  } finally {
    FS.close(stream);
  }
  return patched;
}
