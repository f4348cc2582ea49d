// Dataset versions: an immutable, content-addressed record of which crops a run saw (source by content digest,
// dataset, index), the label of each crop and where that label came from, and the split of every crop.
// The id is a digest of the canonical encoding, so two versions with the same content have the same id.
import { hashWords } from '../data/hash-index';

/** Where a crop's label came from. The numeric code is what the packed items store (u8). */
export const LABEL_SOURCES = [
  'unlabelled',
  'file-name',
  'user',
  'csv',
  'pseudo-label',
  'cl-correction',
  'imported',
] as const;
export type LabelSource = (typeof LABEL_SOURCES)[number];

/** Split membership of a crop (u8 code = index). `excluded` crops are in the version but in no split. */
export const SPLIT_NAMES = ['train', 'val', 'test', 'excluded'] as const;
export type SplitName = (typeof SPLIT_NAMES)[number];

/** Label value of an unlabelled crop in the packed items. */
export const UNLABELLED = -1;

export interface DatasetSourceRef {
  /** The studio's source id when the version was made (informational: identity is the content digest). */
  id: string;
  name: string;
  kind: 'file' | 'memory';
  /** Content digest of the source (see the data worker's digest; the method is named in `digestMethod`). */
  contentDigest: string;
  digestMethod: string;
  sizeBytes: number;
  /** Dataset paths inside the source; items refer to them by position. */
  datasets: string[];
  crops: number;
}

/** The crops of a version as packed columns (~12 bytes a crop). */
export interface DatasetItems {
  source: Uint16Array;
  dataset: Uint16Array;
  index: Uint32Array;
  label: Int8Array;
  labelSource: Uint8Array;
  split: Uint8Array;
}

export interface DatasetVersionHeader {
  classNames: string[];
  sources: DatasetSourceRef[];
  /** How the split was made, e.g. "random 60/20/20 seed 1234". */
  splitRecipe: string;
  /** The version this one was derived from (relabel, pseudo-labels…), or null. */
  parent: string | null;
}

export interface ClassCounts {
  /** Crops per class (index = class), per split. */
  perSplit: Record<SplitName, number[]>;
  unlabelled: number;
  total: number;
}

export interface DatasetVersion extends DatasetVersionHeader {
  id: string;
  createdAt: number;
  /** A user-facing name ("v3 — relabelled build_42"). Not part of the digest. */
  name: string;
  counts: ClassCounts;
  /** Bytes of the packed items. */
  itemBytes: number;
}

export class DatasetVersionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetVersionError';
  }
}

export function emptyItems(n: number): DatasetItems {
  return {
    source: new Uint16Array(n),
    dataset: new Uint16Array(n),
    index: new Uint32Array(n),
    label: new Int8Array(n).fill(UNLABELLED),
    labelSource: new Uint8Array(n),
    split: new Uint8Array(n).fill(SPLIT_NAMES.indexOf('excluded')),
  };
}

export function itemCount(items: DatasetItems): number {
  return items.index.length;
}

const COLUMN_ORDER = ['source', 'dataset', 'index', 'label', 'labelSource', 'split'] as const;

/** The packed items as one byte array (columns one after another, little-endian), and back. */
export function encodeItems(items: DatasetItems): Uint8Array {
  const n = itemCount(items);
  for (const c of COLUMN_ORDER) {
    if (items[c].length !== n)
      throw new DatasetVersionError(`Dataset items: column ${c} has ${items[c].length} rows, expected ${n}`);
  }
  const bytes = n * (2 + 2 + 4 + 1 + 1 + 1);
  const out = new Uint8Array(4 + bytes);
  const view = new DataView(out.buffer);
  view.setUint32(0, n, true);
  let off = 4;
  for (const c of COLUMN_ORDER) {
    const col = items[c];
    const b = new Uint8Array(col.buffer, col.byteOffset, col.byteLength);
    out.set(b, off);
    off += b.byteLength;
  }
  return out;
}

export function decodeItems(bytes: Uint8Array): DatasetItems {
  if (bytes.byteLength < 4) throw new DatasetVersionError('Dataset items: the stored bytes are truncated');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(0, true);
  if (bytes.byteLength !== 4 + n * 11) {
    throw new DatasetVersionError(
      `Dataset items: expected ${4 + n * 11} bytes for ${n} crops, got ${bytes.byteLength}`,
    );
  }
  // Copy into fresh, aligned buffers.
  const copy = bytes.slice(4);
  let off = 0;
  const take = (len: number) => {
    const b = copy.slice(off, off + len);
    off += len;
    return b.buffer;
  };
  return {
    source: new Uint16Array(take(n * 2)),
    dataset: new Uint16Array(take(n * 2)),
    index: new Uint32Array(take(n * 4)),
    label: new Int8Array(take(n)),
    labelSource: new Uint8Array(take(n)),
    split: new Uint8Array(take(n)),
  };
}

/** Canonical JSON of the header (keys in a fixed order) for the digest. */
function canonicalHeader(h: DatasetVersionHeader): string {
  return JSON.stringify({
    classNames: h.classNames,
    sources: h.sources.map((s) => ({
      contentDigest: s.contentDigest,
      digestMethod: s.digestMethod,
      name: s.name,
      datasets: s.datasets,
      crops: s.crops,
    })),
    splitRecipe: h.splitRecipe,
  });
}

/** The content digest of a version: header + packed items (the parent and the name are not content). */
export function datasetDigest(header: DatasetVersionHeader, itemBytes: Uint8Array): string {
  const head = new TextEncoder().encode(canonicalHeader(header));
  const [a1, a2] = hashWords(head);
  const [b1, b2] = hashWords(itemBytes);
  const [c1, c2] = hashWords(new Uint8Array(new Uint32Array([a1, a2, b1, b2]).buffer));
  return 'dv-' + hex(c1) + hex(c2) + hex(b1 ^ a2);
}

function hex(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

export function countClasses(items: DatasetItems, classCount: number): ClassCounts {
  const perSplit = Object.fromEntries(
    SPLIT_NAMES.map((s) => [s, new Array<number>(classCount).fill(0)]),
  ) as Record<SplitName, number[]>;
  let unlabelled = 0;
  const n = itemCount(items);
  for (let i = 0; i < n; i++) {
    const l = items.label[i]!;
    if (l < 0) {
      unlabelled++;
      continue;
    }
    const s = SPLIT_NAMES[items.split[i]!] ?? 'excluded';
    const row = perSplit[s];
    if (l < classCount) row[l] = (row[l] ?? 0) + 1;
  }
  return { perSplit, unlabelled, total: n };
}

/** Validate and seal a version: unlabelled crops may not sit in a split; labels within the class range. */
export function makeDatasetVersion(
  header: DatasetVersionHeader,
  items: DatasetItems,
  name: string,
  createdAt: number,
): { version: DatasetVersion; itemBytes: Uint8Array } {
  const n = itemCount(items);
  const excluded = SPLIT_NAMES.indexOf('excluded');
  for (let i = 0; i < n; i++) {
    const l = items.label[i]!;
    if (l >= header.classNames.length) {
      throw new DatasetVersionError(
        `Crop ${i} has label ${l} but the version has ${header.classNames.length} classes`,
      );
    }
    if (items.source[i]! >= header.sources.length) {
      throw new DatasetVersionError(
        `Crop ${i} refers to source ${items.source[i]} of ${header.sources.length}`,
      );
    }
    if (l < 0 && items.split[i] !== excluded) {
      throw new DatasetVersionError(
        `Crop ${i} (${header.sources[items.source[i]!]!.name}) is unlabelled but placed in a split: unlabelled crops never enter training or evaluation`,
      );
    }
  }
  const itemBytes = encodeItems(items);
  const id = datasetDigest(header, itemBytes);
  return {
    version: {
      ...header,
      id,
      createdAt,
      name,
      counts: countClasses(items, header.classNames.length),
      itemBytes: itemBytes.byteLength,
    },
    itemBytes,
  };
}

/** Indices (into the items) of the crops in one split. */
export function splitIndices(items: DatasetItems, split: SplitName): Uint32Array {
  const code = SPLIT_NAMES.indexOf(split);
  let k = 0;
  for (let i = 0; i < items.split.length; i++) if (items.split[i] === code) k++;
  const out = new Uint32Array(k);
  k = 0;
  for (let i = 0; i < items.split.length; i++) if (items.split[i] === code) out[k++] = i;
  return out;
}

export interface VersionDifference {
  /** Sources of `a` whose content digest is not in `b`. */
  missingSources: string[];
  /** Sources of `b` not in `a`. */
  extraSources: string[];
  /** Crops whose label differs, among crops present in both. */
  changedLabels: number;
  /** Crops whose split differs, among crops present in both. */
  changedSplits: number;
  /** Crops in `a` not in `b` (by source digest, dataset path, index). */
  missingCrops: number;
  extraCrops: number;
  classNamesDiffer: boolean;
}

function itemKeys(
  header: DatasetVersionHeader,
  items: DatasetItems,
): Map<string, { label: number; split: number }> {
  const out = new Map<string, { label: number; split: number }>();
  for (let i = 0; i < itemCount(items); i++) {
    const s = header.sources[items.source[i]!]!;
    const key = `${s.contentDigest}|${s.datasets[items.dataset[i]!] ?? ''}|${items.index[i]}`;
    out.set(key, { label: items.label[i]!, split: items.split[i]! });
  }
  return out;
}

/** What differs between two versions, in terms a user can act on. */
export function diffVersions(
  a: DatasetVersionHeader,
  aItems: DatasetItems,
  b: DatasetVersionHeader,
  bItems: DatasetItems,
): VersionDifference {
  const bDigests = new Set(b.sources.map((s) => s.contentDigest));
  const aDigests = new Set(a.sources.map((s) => s.contentDigest));
  const ka = itemKeys(a, aItems);
  const kb = itemKeys(b, bItems);
  let changedLabels = 0;
  let changedSplits = 0;
  let missingCrops = 0;
  for (const [key, va] of ka) {
    const vb = kb.get(key);
    if (!vb) {
      missingCrops++;
      continue;
    }
    if (vb.label !== va.label) changedLabels++;
    if (vb.split !== va.split) changedSplits++;
  }
  let extraCrops = 0;
  for (const key of kb.keys()) if (!ka.has(key)) extraCrops++;
  return {
    missingSources: a.sources.filter((s) => !bDigests.has(s.contentDigest)).map((s) => s.name),
    extraSources: b.sources.filter((s) => !aDigests.has(s.contentDigest)).map((s) => s.name),
    changedLabels,
    changedSplits,
    missingCrops,
    extraCrops,
    classNamesDiffer: JSON.stringify(a.classNames) !== JSON.stringify(b.classNames),
  };
}

export function isSameContent(d: VersionDifference): boolean {
  return (
    d.missingSources.length === 0 &&
    d.extraSources.length === 0 &&
    d.changedLabels === 0 &&
    d.changedSplits === 0 &&
    d.missingCrops === 0 &&
    d.extraCrops === 0 &&
    !d.classNamesDiffer
  );
}

/** One sentence per difference, for refusing a resume or explaining a comparison. */
export function describeDifference(d: VersionDifference): string[] {
  const out: string[] = [];
  if (d.missingSources.length)
    out.push(`missing source${d.missingSources.length > 1 ? 's' : ''}: ${d.missingSources.join(', ')}`);
  if (d.extraSources.length)
    out.push(`extra source${d.extraSources.length > 1 ? 's' : ''}: ${d.extraSources.join(', ')}`);
  if (d.classNamesDiffer) out.push('different class names');
  if (d.changedLabels)
    out.push(`${d.changedLabels} crop${d.changedLabels > 1 ? 's' : ''} with changed labels`);
  if (d.changedSplits)
    out.push(`${d.changedSplits} crop${d.changedSplits > 1 ? 's' : ''} in a different split`);
  if (d.missingCrops && !d.missingSources.length) out.push(`${d.missingCrops} crops missing`);
  if (d.extraCrops && !d.extraSources.length) out.push(`${d.extraCrops} extra crops`);
  return out;
}
