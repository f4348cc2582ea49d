// A compact content-hash → first-location table for finding exact duplicate crops at full scale.
// A Map of hex strings to location objects costs ~150 bytes a crop (~90 MB at 600k crops); this open-addressing
// table keeps two 32-bit hash words, the byte length and a packed location in typed arrays (~40 bytes a crop).

/** Two independent 32-bit FNV-style hashes of the bytes (the same words `contentHash` prints). */
export function hashWords(bytes: Uint8Array): [number, number] {
  let h1 = 0x811c9dc5;
  let h2 = 0x050c5d1f;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    h1 = Math.imul(h1 ^ b, 0x01000193);
    h2 = Math.imul(h2 ^ b, 0x01000193) ^ (h1 >>> 15);
  }
  return [h1 >>> 0, h2 >>> 0];
}

/** Where a crop was first seen: numeric source key, dataset number within the source, element index. */
export interface PackedLocation {
  source: number;
  dataset: number;
  index: number;
}

const EMPTY = 0xffffffff;

export class HashIndex {
  private h1 = new Uint32Array(0);
  private h2 = new Uint32Array(0);
  private len = new Uint32Array(0);
  private src = new Uint32Array(0);
  private ds = new Uint32Array(0);
  private idx = new Uint32Array(0);
  private used = 0;

  constructor(capacity = 1024) {
    this.alloc(Math.max(16, 1 << Math.ceil(Math.log2(capacity * 2))));
  }

  get size(): number {
    return this.used;
  }

  private alloc(slots: number): void {
    this.h1 = new Uint32Array(slots);
    this.h2 = new Uint32Array(slots);
    this.len = new Uint32Array(slots);
    this.src = new Uint32Array(slots).fill(EMPTY);
    this.ds = new Uint32Array(slots);
    this.idx = new Uint32Array(slots);
  }

  private slot(h1: number, h2: number, len: number): number {
    const mask = this.src.length - 1;
    let i = (h1 ^ Math.imul(h2, 0x9e3779b1)) & mask;
    while (this.src[i] !== EMPTY) {
      if (this.h1[i] === h1 && this.h2[i] === h2 && this.len[i] === len) return i;
      i = (i + 1) & mask;
    }
    return i;
  }

  /**
   * The first location of these hash words and length; when there is none (or `isLive` says that location
   * is gone, e.g. its file was closed), `loc` is recorded in its place and null is returned.
   */
  firstOrAdd(
    h1: number,
    h2: number,
    len: number,
    loc: PackedLocation,
    isLive: (source: number) => boolean = () => true,
  ): PackedLocation | null {
    let i = this.slot(h1, h2, len);
    if (this.src[i] !== EMPTY) {
      if (isLive(this.src[i]!)) return { source: this.src[i]!, dataset: this.ds[i]!, index: this.idx[i]! };
    } else {
      if ((this.used + 1) * 2 > this.src.length) {
        this.grow();
        i = this.slot(h1, h2, len);
      }
      this.used++;
    }
    this.h1[i] = h1;
    this.h2[i] = h2;
    this.len[i] = len;
    this.src[i] = loc.source;
    this.ds[i] = loc.dataset;
    this.idx[i] = loc.index;
    return null;
  }

  private grow(): void {
    const old = { h1: this.h1, h2: this.h2, len: this.len, src: this.src, ds: this.ds, idx: this.idx };
    this.alloc(this.src.length * 2);
    for (let k = 0; k < old.src.length; k++) {
      if (old.src[k] === EMPTY) continue;
      const i = this.slot(old.h1[k]!, old.h2[k]!, old.len[k]!);
      this.h1[i] = old.h1[k]!;
      this.h2[i] = old.h2[k]!;
      this.len[i] = old.len[k]!;
      this.src[i] = old.src[k]!;
      this.ds[i] = old.ds[k]!;
      this.idx[i] = old.idx[k]!;
    }
  }

  /** Bytes held by the table (for the bench's memory notes). */
  get bytes(): number {
    return this.src.length * 24;
  }
}
