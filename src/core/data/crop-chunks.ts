// Crops kept as Blob chunks instead of arrays of bytes: a long video gives tens of thousands of JPEG crops, and
// holding them as Uint8Arrays would grow the tab's memory for as long as the extraction runs. A Blob's bytes
// live in the browser's blob store (which pages them to disk when large), not in the page's or a worker's heap,
// so the extraction hands its crops into chunks of ~1,000 as they come and keeps only their sizes. The data
// library reads them back a range at a time (CropList), synchronously in its worker (FileReaderSync).

/** Crops back to back in one Blob, with each crop's byte length in order. */
export interface CropChunk {
  blob: Blob;
  sizes: number[];
}

/** Random access to a list of encoded crops, however they are stored. */
export interface CropList {
  readonly count: number;
  readonly byteLength: number;
  /** Crops [start, start + count), each a Uint8Array the caller owns. */
  range(start: number, count: number): Uint8Array[];
}

/** Collects crops into Blob chunks as they are produced; only the current chunk's crops are held in memory. */
export class CropSpooler {
  private readonly done: CropChunk[] = [];
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private total = 0;
  private bytes = 0;

  constructor(
    private readonly maxCrops = 1000,
    private readonly maxBytes = 4 * 2 ** 20,
  ) {}

  push(crop: Uint8Array): void {
    this.pending.push(crop);
    this.pendingBytes += crop.length;
    this.total++;
    this.bytes += crop.length;
    if (this.pending.length >= this.maxCrops || this.pendingBytes >= this.maxBytes) this.flush();
  }

  /** Close the current chunk (called by `chunks`). */
  flush(): void {
    if (this.pending.length === 0) return;
    this.done.push({
      blob: new Blob(this.pending as BlobPart[]),
      sizes: this.pending.map((c) => c.length),
    });
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** Every crop so far, as chunks (the current one closed first). */
  chunks(): CropChunk[] {
    this.flush();
    return this.done.slice();
  }

  get count(): number {
    return this.total;
  }

  get byteLength(): number {
    return this.bytes;
  }
}

/** A CropList over plain byte arrays (crops dropped as files, generated sets, older saved sources). */
export class ArrayCropList implements CropList {
  readonly byteLength: number;

  constructor(private readonly crops: Uint8Array[]) {
    this.byteLength = crops.reduce((a, c) => a + c.length, 0);
  }

  get count(): number {
    return this.crops.length;
  }

  range(start: number, count: number): Uint8Array[] {
    return this.crops.slice(start, start + count);
  }
}

/** Synchronous read of bytes [start, end) of a Blob (FileReaderSync through a block cache in the worker). */
export type ReadBlobSync = (blob: Blob, start: number, end: number) => Uint8Array;

/** A CropList over Blob chunks, reading only the bytes a range needs. */
export class ChunkedCropList implements CropList {
  readonly count: number;
  readonly byteLength: number;
  /** Index of the first crop of each chunk, plus the total at the end. */
  private readonly firstCrop: number[] = [0];
  /** Byte offset of each crop within its chunk. */
  private readonly offsets: Float64Array[];

  constructor(
    private readonly chunks: CropChunk[],
    private readonly read: ReadBlobSync,
  ) {
    let bytes = 0;
    this.offsets = chunks.map((c) => {
      const o = new Float64Array(c.sizes.length + 1);
      for (let i = 0; i < c.sizes.length; i++) o[i + 1] = o[i]! + c.sizes[i]!;
      if (o[c.sizes.length] !== c.blob.size) {
        throw new Error(
          `A saved crop chunk holds ${c.blob.size} bytes but its ${c.sizes.length} crops add up to ${o[c.sizes.length]}`,
        );
      }
      bytes += c.blob.size;
      this.firstCrop.push(this.firstCrop[this.firstCrop.length - 1]! + c.sizes.length);
      return o;
    });
    this.count = this.firstCrop[this.firstCrop.length - 1]!;
    this.byteLength = bytes;
  }

  private chunkOf(index: number): number {
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.firstCrop[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  range(start: number, count: number): Uint8Array[] {
    const end = Math.min(this.count, start + count);
    const out: Uint8Array[] = [];
    let i = Math.max(0, start);
    while (i < end) {
      const k = this.chunkOf(i);
      const first = this.firstCrop[k]!;
      const last = Math.min(end, this.firstCrop[k + 1]!);
      const o = this.offsets[k]!;
      // One read for the run of crops in this chunk, then a copy of each (callers may transfer them).
      const bytes = this.read(this.chunks[k]!.blob, o[i - first]!, o[last - first]!);
      const base = o[i - first]!;
      for (let j = i; j < last; j++) out.push(bytes.slice(o[j - first]! - base, o[j - first + 1]! - base));
      i = last;
    }
    return out;
  }
}

/** Crops [start, end) of spooled chunks as Blobs (slices: their bytes stay in the blob store, nothing is read). */
export function cropBlobs(
  chunks: readonly CropChunk[],
  start: number,
  end: number,
  type = 'image/jpeg',
): Blob[] {
  const out: Blob[] = [];
  let first = 0;
  for (const c of chunks) {
    const last = first + c.sizes.length;
    if (last > start && first < end) {
      let at = 0;
      for (let i = 0; i < c.sizes.length; i++) {
        const k = first + i;
        if (k >= start && k < end) out.push(c.blob.slice(at, at + c.sizes[i]!, type));
        at += c.sizes[i]!;
      }
    }
    first = last;
    if (first >= end) break;
  }
  return out;
}
