// Reads spatter crops from an HDF5 file through h5wasm, lazily (one hyperslab at a time), in every layout
// users have: the research fixed-length byte strings (|S<n>, NUL-padded, read as RAW bytes because h5wasm's
// high-level API would cut them at the first NUL), vlen uint8 sequences, and plain uint8 image stacks.
// The h5wasm library is passed in, so the same code runs in the worker (ESM build + WORKERFS) and in Node
// tests (`h5wasm/node`, real paths).
import type h5wasmDefault from 'h5wasm';

export type H5Lib = typeof h5wasmDefault;
export type H5Module = Awaited<H5Lib['ready']>;

/** HDF5 type classes (H5T_class_t) the reader cares about. */
const H5T_INTEGER = 0;
const H5T_FLOAT = 1;
const H5T_STRING = 3;
const H5T_OPAQUE = 5;
const H5T_VLEN = 9;

export type DatasetLayout =
  | { kind: 'fixed-bytes'; itemSize: number }
  | { kind: 'vlen-u8' }
  | { kind: 'stack'; height: number; width: number; channels: number; rank: 3 | 4 };

/** The attribute in which the studio's HDF5 export keeps each crop's label. */
export const LABELS_ATTRIBUTE = 'spatter_studio_labels';

export interface DatasetInfo {
  /** Full HDF5 path, e.g. `/spatter_low_flow_0`. */
  path: string;
  /** The name users see and the CSV index uses (the path without the leading slash). */
  name: string;
  count: number;
  layout: DatasetLayout;
  /** e.g. `|S5344`, `vlen uint8`, `uint8 20x24x3`. */
  dtype: string;
  chunks: number[] | null;
  compression: string | null;
}

export interface SkippedDataset {
  path: string;
  reason: string;
}

/** A decoded-or-encoded crop as stored: JPEG (or other encoded) bytes, or raw pixels from a stack. */
export type StoredCrop =
  | { kind: 'encoded'; bytes: Uint8Array }
  | { kind: 'pixels'; width: number; height: number; channels: number; data: Uint8Array };

export class H5ReadError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly dataset?: string,
    readonly index?: number,
  ) {
    super(message);
    this.name = 'H5ReadError';
  }
}

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** True when `head` holds the HDF5 signature at offset 0, 512, 1024, ... (where HDF5 looks for it). */
export function hasHdf5Signature(head: Uint8Array): boolean {
  return signatureOffset(head) >= 0;
}

/** Where the signature is (byte offset), or -1. */
function signatureOffset(head: Uint8Array): number {
  for (let off = 0; off + 8 <= head.length; off = off === 0 ? 512 : off * 2) {
    if (HDF5_SIGNATURE.every((b, i) => head[off + i] === b)) return off;
  }
  return -1;
}

/**
 * The end-of-file address the superblock declares (relative to the base address), or null when the
 * superblock version is unknown. Lets a cut-short download be named as truncated, with sizes.
 */
export function declaredEof(head: Uint8Array): number | null {
  const at = signatureOffset(head);
  if (at < 0) return null;
  const version = head[at + 8]!;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const readAddr = (pos: number, size: number): number | null => {
    if (pos + size > head.length) return null;
    if (size === 8) return Number(view.getBigUint64(pos, true));
    if (size === 4) return view.getUint32(pos, true);
    return null;
  };
  if (version === 0 || version === 1) {
    const sizeOfOffsets = head[at + 13]!;
    // sig 8, versions etc. 8, leaf K 2, internal K 2, flags 4, (v1: indexed K 2 + reserved 2), base, free-space, EOF
    const base = at + 24 + (version === 1 ? 4 : 0);
    return readAddr(base + 2 * sizeOfOffsets, sizeOfOffsets);
  }
  if (version === 2 || version === 3) {
    const sizeOfOffsets = head[at + 9]!;
    // sig 8, version 1, sizes 2, flags 1, base, superblock extension, EOF
    return readAddr(at + 12 + 2 * sizeOfOffsets, sizeOfOffsets);
  }
  return null;
}

function describeDtype(md: { type: number; size: number; signed: boolean }): string {
  if (md.type === H5T_INTEGER) return `${md.signed ? 'int' : 'uint'}${md.size * 8}`;
  if (md.type === H5T_FLOAT) return `float${md.size * 8}`;
  if (md.type === H5T_STRING) return `string (${md.size} bytes)`;
  if (md.type === H5T_OPAQUE) return 'opaque';
  if (md.type === H5T_VLEN) return 'variable-length';
  return `HDF5 type class ${md.type}`;
}

const SUPPORTED =
  'the studio reads JPEG crops stored as fixed-length byte strings (|S, the research layout), ' +
  'variable-length uint8 sequences, or uint8 image stacks N×H×W or N×H×W×C';

export class H5FileReader {
  private constructor(
    private readonly module: H5Module,
    private readonly file: InstanceType<H5Lib['File']>,
    readonly name: string,
    readonly datasets: DatasetInfo[],
    readonly skipped: SkippedDataset[],
  ) {}

  /**
   * Open `fsPath` (a path in h5wasm's file system: a WORKERFS mount in the worker, a real path in Node)
   * and list its crop datasets. `name` is the file name users see in messages.
   */
  static open(lib: H5Lib, module: H5Module, fsPath: string, name: string): H5FileReader {
    const FS = module.FS;
    let size: number;
    let head: Uint8Array;
    try {
      size = FS.stat(fsPath).size;
      const stream = FS.open(fsPath, 'r');
      head = new Uint8Array(Math.min(size, 2048));
      FS.read(stream, head, 0, head.length, 0);
      FS.close(stream);
    } catch (e) {
      throw new H5ReadError(`${name} could not be read (${String(e)}). Choose the file again.`, name);
    }
    if (size === 0) throw new H5ReadError(`${name} is empty (0 bytes). Choose a complete HDF5 file.`, name);
    if (!hasHdf5Signature(head)) {
      throw new H5ReadError(
        `${name} is not an HDF5 file: it does not start with the HDF5 signature. ` +
          'Choose a .h5 file written by h5py or exported by the studio.',
        name,
      );
    }
    const eof = declaredEof(head);
    if (eof !== null && eof > size) {
      throw new H5ReadError(
        `${name} is truncated: it has ${size.toLocaleString('en')} bytes but its HDF5 header declares ` +
          `${eof.toLocaleString('en')}. It was probably cut short while downloading or copying; fetch it again in full.`,
        name,
      );
    }
    let file: InstanceType<H5Lib['File']>;
    try {
      file = new lib.File(fsPath, 'r');
    } catch (e) {
      const text = String(e instanceof Error ? e.message : e);
      const truncated = /truncat|eof|end of file|addr overflow/i.test(text) ? ' (it looks truncated)' : '';
      throw new H5ReadError(
        `${name} is an HDF5 file but could not be opened${truncated}: ${text}. ` +
          'If it was downloaded or copied, fetch it again in full.',
        name,
      );
    }
    if (!file.file_id || file.file_id < 0n) {
      throw new H5ReadError(
        `${name} is an HDF5 file but could not be opened (it may be truncated or damaged). ` +
          'If it was downloaded or copied, fetch it again in full.',
        name,
      );
    }
    const datasets: DatasetInfo[] = [];
    const skipped: SkippedDataset[] = [];
    let paths: string[];
    try {
      paths = module.get_names(file.file_id, '/', true).map((p) => (p.startsWith('/') ? p : `/${p}`));
    } catch (e) {
      file.close();
      throw new H5ReadError(`${name}: its list of datasets could not be read (${String(e)}).`, name);
    }
    for (const path of paths) {
      if (module.get_type(file.file_id, path) !== module.H5G_DATASET) continue;
      try {
        const info = H5FileReader.describe(module, file.file_id, path);
        if ('reason' in info) skipped.push(info);
        else datasets.push(info);
      } catch (e) {
        skipped.push({ path, reason: `its description could not be read (${String(e)})` });
      }
    }
    return new H5FileReader(module, file, name, datasets, skipped);
  }

  private static describe(module: H5Module, fileId: bigint, path: string): DatasetInfo | SkippedDataset {
    const md = module.get_dataset_metadata(fileId, path);
    const shape = md.shape ?? [];
    const base = {
      path,
      name: path.replace(/^\//, ''),
      count: shape[0] ?? 0,
      chunks: md.chunks,
      compression: null as string | null,
    };
    try {
      const filters = module.get_dataset_filters(fileId, path);
      base.compression = filters.length ? filters.map((f) => f.name).join('+') : null;
    } catch {
      /* filters are informational */
    }
    const unsupported = (what: string): SkippedDataset => ({
      path,
      reason: `it holds ${what} with shape ${shape.length ? shape.join('×') : 'scalar'}; ${SUPPORTED}`,
    });
    if (shape.length === 0) return unsupported(describeDtype(md));
    if (md.type === H5T_STRING && !md.vlen) {
      if (shape.length !== 1) return unsupported(`fixed-length strings`);
      return { ...base, layout: { kind: 'fixed-bytes', itemSize: md.size }, dtype: `|S${md.size}` };
    }
    if (md.type === H5T_VLEN) {
      const inner = md.vlen_type;
      if (shape.length === 1 && inner && inner.type === H5T_INTEGER && inner.size === 1) {
        return { ...base, layout: { kind: 'vlen-u8' }, dtype: `vlen ${inner.signed ? 'int8' : 'uint8'}` };
      }
      return unsupported(`variable-length ${inner ? describeDtype(inner) : 'data'}`);
    }
    if (md.type === H5T_INTEGER && md.size === 1 && (shape.length === 3 || shape.length === 4)) {
      const [, height, width, channels = 1] = shape as [number, number, number, number?];
      if (channels === 1 || channels === 3 || channels === 4) {
        return {
          ...base,
          layout: { kind: 'stack', height, width, channels, rank: shape.length as 3 | 4 },
          dtype: `uint8 ${shape.slice(1).join('×')}`,
        };
      }
    }
    if (md.vlen && md.type === H5T_STRING) return unsupported('variable-length text strings');
    return unsupported(describeDtype(md));
  }

  dataset(name: string): DatasetInfo {
    const d = this.datasets.find((x) => x.name === name || x.path === name);
    if (!d) throw new H5ReadError(`${this.name} has no crop dataset "${name}"`, this.name, name);
    return d;
  }

  /**
   * Read elements [start, start + count) of a dataset with one hyperslab read.
   * Fixed-length byte strings come back with trailing NUL padding removed, as h5py/numpy return them.
   */
  read(ds: DatasetInfo, start: number, count: number): StoredCrop[] {
    if (start < 0 || count < 0 || start + count > ds.count) {
      throw new H5ReadError(
        `${this.name} › ${ds.name}: elements ${start}..${start + count - 1} are outside 0..${ds.count - 1}`,
        this.name,
        ds.name,
        start,
      );
    }
    if (count === 0) return [];
    const m = this.module;
    const layout = ds.layout;
    const elem =
      layout.kind === 'fixed-bytes'
        ? layout.itemSize
        : layout.kind === 'vlen-u8'
          ? 8 // hvl_t on wasm32: size_t length + void* pointer
          : layout.height * layout.width * layout.channels;
    const nbytes = elem * count;
    const ptr = m._malloc(nbytes);
    if (ptr === 0) {
      throw new H5ReadError(`Out of memory reading ${this.name} › ${ds.name}`, this.name, ds.name, start);
    }
    const countArg = layout.kind === 'stack' ? [count, layout.height, layout.width] : [count];
    if (layout.kind === 'stack' && layout.rank === 4) countArg.push(layout.channels);
    const offsetArg = countArg.map((_, i) => (i === 0 ? start : 0));
    let status: number;
    try {
      status = m.get_dataset_data(
        this.file.file_id,
        ds.path,
        countArg.map(BigInt),
        offsetArg.map(BigInt),
        countArg.map(() => 1n),
        BigInt(ptr),
      );
    } catch (e) {
      m._free(ptr);
      throw this.readError(ds, start, count, String(e));
    }
    if (status < 0) {
      m._free(ptr);
      throw this.readError(ds, start, count, `HDF5 status ${status}`);
    }
    const out: StoredCrop[] = [];
    try {
      const heap = m.HEAPU8;
      if (layout.kind === 'fixed-bytes') {
        for (let i = 0; i < count; i++) {
          const s = ptr + i * elem;
          let e = s + elem;
          while (e > s && heap[e - 1] === 0) e--;
          out.push({ kind: 'encoded', bytes: heap.slice(s, e) });
        }
      } else if (layout.kind === 'vlen-u8') {
        const words = new Uint32Array(heap.buffer, ptr, count * 2);
        for (let i = 0; i < count; i++) {
          const len = words[2 * i]!;
          const p = words[2 * i + 1]!;
          out.push({ kind: 'encoded', bytes: heap.slice(p, p + len) });
        }
      } else {
        for (let i = 0; i < count; i++) {
          out.push({
            kind: 'pixels',
            width: layout.width,
            height: layout.height,
            channels: layout.channels,
            data: heap.slice(ptr + i * elem, ptr + (i + 1) * elem),
          });
        }
      }
    } finally {
      if (layout.kind === 'vlen-u8') {
        m.reclaim_vlen_memory_count(this.file.file_id, ds.path, '', BigInt(ptr), [BigInt(count)]);
      }
      m._free(ptr);
    }
    return out;
  }

  private readError(ds: DatasetInfo, start: number, count: number, detail: string): H5ReadError {
    const range = count === 1 ? `element ${start}` : `elements ${start}..${start + count - 1}`;
    return new H5ReadError(
      `${this.name} › ${ds.name}: ${range} could not be read (${detail}). ` +
        'The file may be truncated or damaged; the other datasets still work.',
      this.name,
      ds.name,
      start,
    );
  }

  /** Encoded bytes of one element (JPEG for the research layout). */
  readBytes(ds: DatasetInfo, index: number): Uint8Array {
    const c = this.read(ds, index, 1)[0]!;
    if (c.kind !== 'encoded') {
      throw new H5ReadError(
        `${this.name} › ${ds.name} holds pixels, not encoded bytes`,
        this.name,
        ds.name,
        index,
      );
    }
    return c.bytes;
  }

  /**
   * Per-crop labels the studio stored with a dataset it exported (attribute `spatter_studio_labels`, int8, -1 =
   * unlabelled), or null. Research readers ignore attributes, so the layout stays the research's.
   */
  storedLabels(info: DatasetInfo): Int8Array | null {
    try {
      const ds = this.file.get(info.path) as { attrs?: Record<string, { value: unknown }> } | null;
      const v = ds?.attrs?.[LABELS_ATTRIBUTE]?.value;
      if (v instanceof Int8Array && v.length === info.count) return v;
      if (ArrayBuffer.isView(v) && (v as Int8Array).length === info.count)
        return Int8Array.from(v as Int8Array);
    } catch {
      /* no labels stored */
    }
    return null;
  }

  close(): void {
    try {
      this.file.close();
    } catch {
      /* already closed */
    }
  }
}
