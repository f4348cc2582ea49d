// Image sets in a ZIP: list the entries from the central directory, keep the images and CSVs (paths inside the ZIP
// keep their folders, so one sub-folder per class still names the classes; __MACOSX/ and dot-files are skipped),
// refuse encrypted, corrupt, oversized or image-less archives with a message naming the ZIP, and inflate each entry
// (fflate) checked against its size and CRC-32, one at a time so a worker can report progress and stop between them.
import { inflateSync } from 'fflate';
import { isImagePath } from './labels';

export class ZipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipError';
  }
}

export interface ZipEntry {
  name: string;
  /** General-purpose flag bit 0: the entry is encrypted. */
  encrypted: boolean;
  /** 0 stored, 8 deflate; others (e.g. 99, AES) cannot be read. */
  compression: number;
  size: number;
  originalSize: number;
  /** CRC-32 of the unpacked bytes. */
  crc: number;
  /** Where the entry's local header starts. */
  offset: number;
}

export interface ZipLimits {
  /** Most bytes the kept entries may inflate to (they are held in memory). */
  maxBytes: number;
  maxEntries: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxBytes: 2 * 1024 ** 3, maxEntries: 500_000 };

export interface ZipFile {
  /** Path inside the ZIP, forward slashes, no leading slash. */
  path: string;
  bytes: Uint8Array;
}

export function isZipPath(path: string): boolean {
  return /\.zip$/i.test(path);
}

/** An entry name as a path: forward slashes (some Windows tools write backslashes), no leading slash. */
export function zipPath(name: string): string {
  return name.replace(/\\/g, '/').replace(/^\/+/, '');
}

/** Whether an entry is part of the image set: an image or a CSV, not a folder, not macOS metadata or a dot-file. */
export function isWantedEntry(name: string): boolean {
  if (name.endsWith('/')) return false;
  const parts = name.split('/').filter(Boolean);
  if (parts.some((p) => p === '__MACOSX' || p.startsWith('.'))) return false;
  return isImagePath(name) || /\.csv$/i.test(name);
}

const u16 = (d: Uint8Array, o: number) => d[o]! | (d[o + 1]! << 8);
const u32 = (d: Uint8Array, o: number) =>
  (d[o]! | (d[o + 1]! << 8) | (d[o + 2]! << 16) | (d[o + 3]! << 24)) >>> 0;
const u64 = (d: Uint8Array, o: number) => u32(d, o) + u32(d, o + 4) * 2 ** 32;

/** An entry's name: UTF-8 when flag bit 11 says so, else one char per byte (as fflate keys its output). */
function entryName(bytes: Uint8Array, utf8: boolean): string {
  return utf8 ? new TextDecoder().decode(bytes) : String.fromCharCode(...bytes);
}

/** The entries of a ZIP's central directory (ZIP64 included); throws ZipError when it is not a readable ZIP. */
export function listZipEntries(zipName: string, data: Uint8Array): ZipEntry[] {
  const bad = (why: string) =>
    new ZipError(`${zipName} is not a readable ZIP (${why}): zip the folder again and open the new file`);
  let eocd = -1;
  for (let e = data.length - 22; e >= 0 && data.length - e <= 65557; e--) {
    if (u32(data, e) === 0x06054b50) {
      eocd = e;
      break;
    }
  }
  if (eocd < 0) throw bad('no end-of-archive record: the file is cut short or is not a ZIP');
  let count = u16(data, eocd + 10);
  let offset = u32(data, eocd + 16);
  if (eocd >= 20 && u32(data, eocd - 20) === 0x07064b50) {
    const z = u64(data, eocd - 12);
    if (z + 56 > data.length || u32(data, z) !== 0x06064b50) throw bad('broken ZIP64 record');
    count = u64(data, z + 32);
    offset = u64(data, z + 48);
  }
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (offset + 46 > data.length || u32(data, offset) !== 0x02014b50)
      throw bad(`entry ${i + 1} of ${count} is damaged`);
    const flags = u16(data, offset + 8);
    const nameLen = u16(data, offset + 28);
    const extraLen = u16(data, offset + 30);
    const commentLen = u16(data, offset + 32);
    let size = u32(data, offset + 20);
    let originalSize = u32(data, offset + 24);
    let local = u32(data, offset + 42);
    const extra = offset + 46 + nameLen;
    // ZIP64 values live in extra field 0x0001 when the 32-bit ones read 0xffffffff (in this order).
    for (let x = extra; x + 4 <= extra + extraLen; x += 4 + u16(data, x + 2)) {
      if (u16(data, x) !== 1) continue;
      let at = x + 4;
      if (originalSize === 0xffffffff) {
        originalSize = u64(data, at);
        at += 8;
      }
      if (size === 0xffffffff) {
        size = u64(data, at);
        at += 8;
      }
      if (local === 0xffffffff) local = u64(data, at);
    }
    entries.push({
      name: entryName(data.subarray(offset + 46, offset + 46 + nameLen), (flags & 0x800) !== 0),
      encrypted: (flags & 1) === 1,
      compression: u16(data, offset + 10),
      size,
      originalSize,
      crc: u32(data, offset + 16),
      offset: local,
    });
    offset = extra + extraLen + commentLen;
  }
  return entries;
}

/**
 * The entries of a ZIP that make the image set (images and CSVs), checked before anything is unpacked. Refuses
 * (ZipError, naming the ZIP and what to do) an archive that is not a ZIP or is damaged, holds encrypted entries or
 * compression other than deflate, would unpack past the limits, or holds no images.
 */
export function planImageZip(
  zipName: string,
  data: Uint8Array,
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
): ZipEntry[] {
  const entries = listZipEntries(zipName, data);
  const wanted = entries.filter((e) => isWantedEntry(zipPath(e.name)));
  if (!wanted.some((e) => isImagePath(e.name))) {
    throw new ZipError(
      `${zipName} holds no images (PNG, JPEG, BMP, WebP or GIF) among its ${entries.length} entries: zip the folder of images itself`,
    );
  }
  const locked = wanted.find((e) => e.encrypted);
  if (locked) {
    throw new ZipError(
      `${zipName} is encrypted ("${locked.name}" needs a password): unzip it with its password and open the folder, or zip it again without one`,
    );
  }
  const odd = wanted.find((e) => e.compression !== 0 && e.compression !== 8);
  if (odd) {
    throw new ZipError(
      `${zipName}: "${odd.name}" uses compression method ${odd.compression}, which the studio cannot read (only stored or deflate): zip it again with ordinary settings`,
    );
  }
  if (wanted.length > limits.maxEntries) {
    throw new ZipError(
      `${zipName} holds ${wanted.length} images and CSVs, more than the ${limits.maxEntries} the studio opens at once: split it in smaller ZIPs`,
    );
  }
  const total = wanted.reduce((s, e) => s + e.originalSize, 0);
  if (total > limits.maxBytes) {
    throw new ZipError(
      `${zipName} would unpack to ${(total / 1e6).toFixed(0)} MB, more than the ${(limits.maxBytes / 1e6).toFixed(0)} MB the studio holds in memory: open the unzipped folder instead`,
    );
  }
  return wanted;
}

let crcTable: Int32Array | null = null;

/** CRC-32 (the ZIP one, polynomial 0xEDB88320). */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c;
    }
  }
  let c = -1;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]!) & 255]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** One entry unpacked (stored or deflate) and checked against its size and CRC-32. */
export function unpackZipEntry(zipName: string, data: Uint8Array, e: ZipEntry): ZipFile {
  const damaged = (why: string) =>
    new ZipError(`${zipName} is damaged ("${e.name}" ${why}): zip the folder again and open the new file`);
  if (e.offset + 30 > data.length || u32(data, e.offset) !== 0x04034b50) throw damaged('has no local header');
  const start = e.offset + 30 + u16(data, e.offset + 26) + u16(data, e.offset + 28);
  if (start + e.size > data.length) throw damaged('runs past the end of the file');
  const packed = data.subarray(start, start + e.size);
  let bytes: Uint8Array;
  try {
    bytes =
      e.compression === 0 ? packed.slice() : inflateSync(packed, { out: new Uint8Array(e.originalSize) });
  } catch (err) {
    throw damaged(`does not inflate: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (bytes.length !== e.originalSize) throw damaged('does not unpack to its recorded size');
  if (crc32(bytes) !== e.crc) throw damaged('fails its CRC check');
  return { path: zipPath(e.name), bytes };
}

/** The images and CSVs of a ZIP, unpacked (planImageZip's refusals, then unpackZipEntry's). */
export function readImageZip(
  zipName: string,
  data: Uint8Array,
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
): ZipFile[] {
  return planImageZip(zipName, data, limits).map((e) => unpackZipEntry(zipName, data, e));
}
