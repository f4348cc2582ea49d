// Image dataset versions: an immutable, content-addressed record of which images a run saw (path, digest of the
// file's bytes, size), the classes of each image (multi-hot, packed as bits), where its labels came from and its
// split. The id is a digest of a canonical encoding (images sorted by path), so the same content has the same id.
import { hashWords } from '../data/hash-index';
import { jpegSize } from '../data/jpeg-header';
import { SPLIT_NAMES, type SplitName } from '../dataset/version';
import type { TaskKind } from './task';

export { SPLIT_NAMES, type SplitName };

/** Where an image's labels came from (u8 code = index). */
export const IMAGE_LABEL_ORIGINS = ['folder-name', 'csv', 'steel-csv', 'generated-demo'] as const;
export type ImageLabelOrigin = (typeof IMAGE_LABEL_ORIGINS)[number];

/** How an image's content digest is made (two FNV-style 32-bit words over the file bytes, and the byte length). */
export const IMAGE_DIGEST_METHOD = 'fnv1a-2x32+length';

/** What a version needs to know of one file, read from its bytes (see `describeImageBytes`). */
export interface ImageFileFacts {
  digest: string;
  height: number;
  width: number;
  /** Channels stored in the file (1 grey, 2 grey + alpha, 3 RGB, 4 RGBA); 0 when the header does not say. */
  channels: number;
}

/** One image of a version, unpacked. */
export interface ImageVersionEntry extends ImageFileFacts {
  path: string;
  /** Class indices (multi-hot over the class names). */
  labels: number[];
  origin: ImageLabelOrigin;
  split: SplitName;
}

export interface ImageVersionHeader {
  classNames: string[];
  task: TaskKind;
  /** How the split was made, e.g. "iterative stratification (multi-label) 70/15/15, seed 42". */
  splitRecipe: string;
  /** What the labels were read from, for the user ("sub-folders", "train.csv (steel layout)"). Not content. */
  labelsFrom: string;
  /** The version this one was derived from, or null. Not content. */
  parent: string | null;
}

export interface ImageClassCounts {
  /** Images carrying each class (index = class), per split. */
  perSplit: Record<SplitName, number[]>;
  /** Images per split. */
  images: Record<SplitName, number>;
  /** Images with no class (multi-label negatives). */
  withoutClass: number;
  total: number;
}

export interface ImageDatasetVersion extends ImageVersionHeader {
  id: string;
  createdAt: number;
  /** A user-facing name ("v2"). Not part of the digest. */
  name: string;
  counts: ImageClassCounts;
  /** Bytes of the packed items. */
  itemBytes: number;
}

/** What results.json records of the version a run was trained on. */
export interface ImageVersionRef {
  /** The version id, which is its content digest. */
  id: string;
  name: string;
  digestMethod: string;
  splitRecipe: string;
  images: Record<SplitName, number>;
  classCounts: Record<SplitName, number[]>;
}

export class ImageVersionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageVersionError';
  }
}

const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');

/** Content digest of an image file's bytes. */
export function imageDigest(bytes: Uint8Array): string {
  const [a, b] = hashWords(bytes);
  return `${hex(a)}${hex(b)}-${bytes.byteLength.toString(16)}`;
}

const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 3, 4: 2, 6: 4 };

/** Height, width and channels from a PNG or JPEG header, without decoding; null for other formats. */
export function imageHeaderSize(b: Uint8Array): { height: number; width: number; channels: number } | null {
  if (b.length >= 26 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) {
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    return { width: v.getUint32(16), height: v.getUint32(20), channels: PNG_CHANNELS[b[25]!] ?? 0 };
  }
  const j = jpegSize(b);
  return j ? { height: j.height, width: j.width, channels: j.channels } : null;
}

/** Digest and size of one file from its bytes (size 0 x 0 x 0 when the header is not PNG or JPEG). */
export function describeImageBytes(bytes: Uint8Array): ImageFileFacts {
  const size = imageHeaderSize(bytes) ?? { height: 0, width: 0, channels: 0 };
  return { digest: imageDigest(bytes), ...size };
}

/** Bytes of one image's multi-hot row. */
export const labelBytes = (classCount: number) => Math.ceil(classCount / 8);

/** Multi-hot rows packed as bits: image i's class c is bit (c % 8) of byte i * ceil(K / 8) + c / 8. */
export function packLabels(rows: readonly (readonly number[])[], classCount: number): Uint8Array {
  const per = labelBytes(classCount);
  const out = new Uint8Array(rows.length * per);
  rows.forEach((row, i) => {
    for (const c of row) {
      if (!Number.isInteger(c) || c < 0 || c >= classCount)
        throw new ImageVersionError(`Image ${i} has class ${c} but the set has ${classCount} classes`);
      out[i * per + (c >> 3)]! |= 1 << (c & 7);
    }
  });
  return out;
}

/** The class indices of each image, ascending. */
export function unpackLabels(bits: Uint8Array, count: number, classCount: number): number[][] {
  const per = labelBytes(classCount);
  if (bits.length !== count * per)
    throw new ImageVersionError(`Packed labels: expected ${count * per} bytes, got ${bits.length}`);
  const out: number[][] = [];
  for (let i = 0; i < count; i++) {
    const row: number[] = [];
    for (let c = 0; c < classCount; c++) if (bits[i * per + (c >> 3)]! & (1 << (c & 7))) row.push(c);
    out.push(row);
  }
  return out;
}

/**
 * The canonical encoding of the entries (sorted by path): u32 count, u32 classes, then columns — height, width
 * (u32), channels, origin, split (u8), the label bits — then the paths and digests as UTF-8 JSON.
 */
export function encodeImageItems(entries: readonly ImageVersionEntry[], classCount: number): Uint8Array {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (let i = 1; i < sorted.length; i++)
    if (sorted[i]!.path === sorted[i - 1]!.path)
      throw new ImageVersionError(`Image "${sorted[i]!.path}" appears twice in the set`);
  const n = sorted.length;
  const bits = packLabels(
    sorted.map((e) => e.labels),
    classCount,
  );
  const text = new TextEncoder().encode(
    JSON.stringify({ paths: sorted.map((e) => e.path), digests: sorted.map((e) => e.digest) }),
  );
  const out = new Uint8Array(8 + n * 8 + n * 3 + bits.length + text.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, n, true);
  v.setUint32(4, classCount, true);
  let o = 8;
  for (const e of sorted) v.setUint32((o += 4) - 4, e.height, true);
  for (const e of sorted) v.setUint32((o += 4) - 4, e.width, true);
  for (const e of sorted) out[o++] = e.channels;
  for (const e of sorted) out[o++] = IMAGE_LABEL_ORIGINS.indexOf(e.origin);
  for (const e of sorted) out[o++] = SPLIT_NAMES.indexOf(e.split);
  out.set(bits, o);
  out.set(text, o + bits.length);
  return out;
}

/** The entries back from their encoding (in path order). */
export function decodeImageItems(bytes: Uint8Array): ImageVersionEntry[] {
  if (bytes.length < 8) throw new ImageVersionError('Image version items: the stored bytes are truncated');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = v.getUint32(0, true);
  const k = v.getUint32(4, true);
  const bitsAt = 8 + n * 11;
  const textAt = bitsAt + n * labelBytes(k);
  if (bytes.length < textAt)
    throw new ImageVersionError('Image version items: the stored bytes are truncated');
  const { paths, digests } = JSON.parse(new TextDecoder().decode(bytes.subarray(textAt))) as {
    paths: string[];
    digests: string[];
  };
  if (paths.length !== n || digests.length !== n)
    throw new ImageVersionError(`Image version items: ${paths.length} paths for ${n} images`);
  const labels = unpackLabels(bytes.slice(bitsAt, textAt), n, k);
  return paths.map((path, i) => ({
    path,
    digest: digests[i]!,
    height: v.getUint32(8 + i * 4, true),
    width: v.getUint32(8 + n * 4 + i * 4, true),
    channels: bytes[8 + n * 8 + i]!,
    origin: IMAGE_LABEL_ORIGINS[bytes[8 + n * 9 + i]!] ?? 'csv',
    split: SPLIT_NAMES[bytes[8 + n * 10 + i]!] ?? 'excluded',
    labels: labels[i]!,
  }));
}

/** The content digest of a version: classes, task and split recipe, and the encoded items. */
export function imageVersionDigest(header: ImageVersionHeader, itemBytes: Uint8Array): string {
  const head = new TextEncoder().encode(
    JSON.stringify({ classNames: header.classNames, task: header.task, splitRecipe: header.splitRecipe }),
  );
  const [a1, a2] = hashWords(head);
  const [b1, b2] = hashWords(itemBytes);
  const [c1, c2] = hashWords(new Uint8Array(new Uint32Array([a1, a2, b1, b2]).buffer));
  return 'iv-' + hex(c1) + hex(c2) + hex(b1 ^ a2);
}

export function countImageClasses(
  entries: readonly Pick<ImageVersionEntry, 'labels' | 'split'>[],
  classCount: number,
): ImageClassCounts {
  const perSplit = Object.fromEntries(
    SPLIT_NAMES.map((s) => [s, new Array<number>(classCount).fill(0)]),
  ) as Record<SplitName, number[]>;
  const images = Object.fromEntries(SPLIT_NAMES.map((s) => [s, 0])) as Record<SplitName, number>;
  let withoutClass = 0;
  for (const e of entries) {
    images[e.split]++;
    if (e.labels.length === 0) withoutClass++;
    for (const c of e.labels) perSplit[e.split][c]!++;
  }
  return { perSplit, images, withoutClass, total: entries.length };
}

/**
 * Validate and seal a version: labels in the class range; single-label tasks have exactly one class per image in
 * a split (an image without one must be excluded).
 */
export function makeImageVersion(
  header: ImageVersionHeader,
  entries: readonly ImageVersionEntry[],
  name: string,
  createdAt: number,
): { version: ImageDatasetVersion; itemBytes: Uint8Array } {
  const k = header.classNames.length;
  if (k === 0) throw new ImageVersionError('An image dataset version needs at least one class');
  for (const e of entries) {
    if (header.task !== 'multi-label' && e.split !== 'excluded' && new Set(e.labels).size !== 1) {
      throw new ImageVersionError(
        `Image "${e.path}" has ${e.labels.length} classes but a ${header.task} task needs exactly one: fix its label or leave it out of the split`,
      );
    }
  }
  const itemBytes = encodeImageItems(entries, k);
  const id = imageVersionDigest(header, itemBytes);
  return {
    version: {
      ...header,
      id,
      createdAt,
      name,
      counts: countImageClasses(decodeImageItems(itemBytes), k),
      itemBytes: itemBytes.byteLength,
    },
    itemBytes,
  };
}

/** What results.json says of the version. */
export function imageVersionRef(v: ImageDatasetVersion): ImageVersionRef {
  return {
    id: v.id,
    name: v.name,
    digestMethod: IMAGE_DIGEST_METHOD,
    splitRecipe: v.splitRecipe,
    images: v.counts.images,
    classCounts: v.counts.perSplit,
  };
}

export interface ImageVersionDiff {
  added: string[];
  removed: string[];
  /** Same path, different bytes. */
  contentChanged: string[];
  relabelled: string[];
  movedSplit: string[];
  classNamesDiffer: boolean;
  taskDiffers: boolean;
}

/** What differs from version `a` to version `b`, image by image (by path). */
export function diffImageVersions(
  a: Pick<ImageVersionHeader, 'classNames' | 'task'>,
  aEntries: readonly ImageVersionEntry[],
  b: Pick<ImageVersionHeader, 'classNames' | 'task'>,
  bEntries: readonly ImageVersionEntry[],
): ImageVersionDiff {
  const inA = new Map(aEntries.map((e) => [e.path, e]));
  const inB = new Map(bEntries.map((e) => [e.path, e]));
  const d: ImageVersionDiff = {
    added: [],
    removed: [],
    contentChanged: [],
    relabelled: [],
    movedSplit: [],
    classNamesDiffer: JSON.stringify(a.classNames) !== JSON.stringify(b.classNames),
    taskDiffers: a.task !== b.task,
  };
  // Labels compare by class name, so a reordered class list does not read as a relabelling.
  const names = (h: { classNames: string[] }, l: number[]) =>
    l
      .map((c) => h.classNames[c] ?? String(c))
      .sort()
      .join('\n');
  for (const [path, ea] of inA) {
    const eb = inB.get(path);
    if (!eb) {
      d.removed.push(path);
      continue;
    }
    if (ea.digest !== eb.digest) d.contentChanged.push(path);
    if (names(a, ea.labels) !== names(b, eb.labels)) d.relabelled.push(path);
    if (ea.split !== eb.split) d.movedSplit.push(path);
  }
  for (const path of inB.keys()) if (!inA.has(path)) d.added.push(path);
  for (const list of [d.added, d.removed, d.contentChanged, d.relabelled, d.movedSplit]) list.sort();
  return d;
}

/** One phrase per difference, for the user. */
export function describeImageDiff(d: ImageVersionDiff): string[] {
  const n = (k: number, what: string) => `${k} image${k === 1 ? '' : 's'} ${what}`;
  const out: string[] = [];
  if (d.taskDiffers) out.push('a different task');
  if (d.classNamesDiffer) out.push('different class names');
  if (d.added.length) out.push(n(d.added.length, 'added'));
  if (d.removed.length) out.push(n(d.removed.length, 'removed'));
  if (d.contentChanged.length) out.push(n(d.contentChanged.length, 'with changed content'));
  if (d.relabelled.length) out.push(n(d.relabelled.length, 'relabelled'));
  if (d.movedSplit.length) out.push(n(d.movedSplit.length, 'in a different split'));
  return out;
}

/** The entries of a labelled set: image i's facts, its classes, its origin and its split (else excluded). */
export function imageVersionEntries(
  items: readonly { path: string; labels: number[] }[],
  facts: readonly ImageFileFacts[],
  split: { train: readonly number[]; val: readonly number[]; test: readonly number[] },
  origin: ImageLabelOrigin,
): ImageVersionEntry[] {
  if (facts.length !== items.length)
    throw new ImageVersionError(`${facts.length} file digests for ${items.length} images`);
  const where = new Array<SplitName>(items.length).fill('excluded');
  for (const s of ['train', 'val', 'test'] as const) for (const i of split[s]) where[i] = s;
  return items.map((it, i) => ({
    ...facts[i]!,
    path: it.path,
    labels: [...it.labels],
    origin,
    split: where[i]!,
  }));
}

/** Where labels described as `labelsFrom` (an ImageLabels source) came from. */
export function labelOriginOf(labelsFrom: string): ImageLabelOrigin {
  if (labelsFrom === 'sub-folders') return 'folder-name';
  if (labelsFrom.startsWith('generated steel-like demo')) return 'generated-demo';
  if (labelsFrom.endsWith('(steel layout)')) return 'steel-csv';
  return 'csv';
}
