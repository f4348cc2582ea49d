// Block cache under WORKERFS: HDF5 issues many small reads (chunk index nodes, one gzip chunk at a time),
// and each WORKERFS read is a synchronous FileReaderSync call on a Blob slice. Reading 1 MiB blocks and
// serving the small reads from a bounded LRU keeps the file lazy (never copied whole) but makes a
// sequential scan several times faster.

export const BLOCK_BYTES = 1 << 20;

export class BlobBlockCache {
  private readonly blocks = new Map<string, Uint8Array>();
  private readonly ids = new WeakMap<Blob, number>();
  private seq = 0;

  constructor(
    /** Synchronous read of blob bytes [start, end) (FileReaderSync on a slice in the worker). */
    private readonly readSync: (blob: Blob, start: number, end: number) => ArrayBuffer,
    private readonly maxBlocks = 48,
  ) {}

  private block(blob: Blob, index: number): Uint8Array {
    let id = this.ids.get(blob);
    if (id === undefined) this.ids.set(blob, (id = ++this.seq));
    const key = `${id}:${index}`;
    const hit = this.blocks.get(key);
    if (hit) {
      // Refresh LRU order.
      this.blocks.delete(key);
      this.blocks.set(key, hit);
      return hit;
    }
    const start = index * BLOCK_BYTES;
    const data = new Uint8Array(this.readSync(blob, start, Math.min(blob.size, start + BLOCK_BYTES)));
    this.blocks.set(key, data);
    while (this.blocks.size > this.maxBlocks) this.blocks.delete(this.blocks.keys().next().value!);
    return data;
  }

  /** Copy bytes [position, position + length) of `blob` into `out` at `offset`; returns the count copied. */
  read(blob: Blob, out: Uint8Array, offset: number, length: number, position: number): number {
    if (position >= blob.size) return 0;
    const end = Math.min(blob.size, position + length);
    let pos = position;
    while (pos < end) {
      const index = Math.floor(pos / BLOCK_BYTES);
      const b = this.block(blob, index);
      const from = pos - index * BLOCK_BYTES;
      const n = Math.min(end - pos, b.length - from);
      out.set(b.subarray(from, from + n), offset + (pos - position));
      pos += n;
    }
    return end - position;
  }

  /** Forget a blob's blocks (its file was closed). */
  drop(blob: Blob): void {
    const id = this.ids.get(blob);
    if (id === undefined) return;
    for (const key of [...this.blocks.keys()]) if (key.startsWith(`${id}:`)) this.blocks.delete(key);
  }
}
