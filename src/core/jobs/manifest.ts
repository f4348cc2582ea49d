// The data manifest of an exported job: the dataset version it trains on (files with SHA-256 content digests),
// the research CSV index (`file,dataset,ds_idx,label`) and the frozen split. Its digest covers the data only, so
// results that come back name exactly the data they were trained and tested on.
import { formatIndexCsv, type IndexRow } from '../data/csv-index';

export const MANIFEST_FORMAT = 'spatter-studio/job-data@1';
export type JobSplit = 'train' | 'val' | 'test';
const SPLITS: readonly JobSplit[] = ['train', 'val', 'test'];

export interface JobCrop {
  /** File name inside the job's data/ folder. */
  file: string;
  dataset: string;
  dsIdx: number;
  label: number;
  split: JobSplit;
}

export interface JobDataFile {
  /** Path inside the job (data/<name>.h5). */
  path: string;
  /** SHA-256 of the file in the job; null for a file the job references (not in the zip, not yet digested). */
  sha256: string | null;
  bytes: number;
  crops: number;
  /** Whether the zip carries the file (false: copy the named file into data/). */
  included: boolean;
  /** The studio source it was written from; its own content digest where the dataset version has one. */
  source: { name: string; contentDigest: string | null; digestMethod: string | null };
}

export interface JobManifest {
  format: typeof MANIFEST_FORMAT;
  datasetVersion: { id: string; name: string; splitRecipe: string; classNames: string[] };
  files: JobDataFile[];
  index: { path: 'data/images.csv'; sha256: string; rows: number };
  split: { path: 'data/split.csv'; sha256: string; counts: Record<JobSplit, number[]> };
  preprocessing: { cacheSide: number; inputSize: number; channels: number; grey: string; resize: string };
  /** SHA-256 of the canonical manifest without this field. */
  digest: string;
}

export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

export async function sha256Hex(bytes: Uint8Array | string): Promise<string> {
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  const d = await globalThis.crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Canonical JSON: keys sorted at every level, no spaces (the digest input; train.py computes the same). */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}

/** The split CSV: the index rows with their split, in index order (train, then val, then test). */
export function formatSplitCsv(crops: readonly JobCrop[]): string {
  const rows = orderedCrops(crops);
  return (
    [
      'file,dataset,ds_idx,label,split',
      ...rows.map((c) => `${c.file},${c.dataset},${c.dsIdx},${c.label},${c.split}`),
    ].join('\n') + '\n'
  );
}

/** Train crops first, then validation, then test, each in the order given: the research's `images.csv` order. */
function orderedCrops(crops: readonly JobCrop[]): JobCrop[] {
  return SPLITS.flatMap((s) => crops.filter((c) => c.split === s));
}

export interface ManifestInput {
  datasetVersion: JobManifest['datasetVersion'];
  files: JobDataFile[];
  crops: JobCrop[];
  preprocessing: JobManifest['preprocessing'];
}

/** Build the manifest and its text files (`data/manifest.json`, `data/images.csv`, `data/split.csv`). */
export async function buildManifest(
  input: ManifestInput,
): Promise<{ manifest: JobManifest; files: Record<string, string> }> {
  const known = new Set(input.files.map((f) => f.path.replace(/^data\//, '')));
  for (const c of input.crops) {
    if (!known.has(c.file))
      throw new ManifestError(`Crop ${c.file}/${c.dataset}/${c.dsIdx} names a file not in the job`);
    if (!SPLITS.includes(c.split))
      throw new ManifestError(`Crop ${c.file}/${c.dataset}/${c.dsIdx}: bad split "${c.split}"`);
  }
  for (const s of SPLITS) {
    if (!input.crops.some((c) => c.split === s))
      throw new ManifestError(`The ${s} split is empty: a job needs crops in train, val and test`);
  }
  const ordered = orderedCrops(input.crops);
  const indexRows: IndexRow[] = ordered.map((c) => ({
    file: c.file,
    dataset: c.dataset,
    dsIdx: c.dsIdx,
    label: c.label,
  }));
  const indexCsv = formatIndexCsv(indexRows);
  const splitCsv = formatSplitCsv(ordered);
  const nClasses = input.datasetVersion.classNames.length;
  const counts = Object.fromEntries(
    SPLITS.map((s) => {
      const row = new Array<number>(nClasses).fill(0);
      for (const c of input.crops) if (c.split === s && c.label >= 0 && c.label < nClasses) row[c.label]!++;
      return [s, row];
    }),
  ) as Record<JobSplit, number[]>;
  const body: Omit<JobManifest, 'digest'> = {
    format: MANIFEST_FORMAT,
    datasetVersion: input.datasetVersion,
    files: input.files,
    index: { path: 'data/images.csv', sha256: await sha256Hex(indexCsv), rows: indexRows.length },
    split: { path: 'data/split.csv', sha256: await sha256Hex(splitCsv), counts },
    preprocessing: input.preprocessing,
  };
  const manifest: JobManifest = { ...body, digest: await manifestDigest(body) };
  return {
    manifest,
    files: {
      'data/manifest.json': JSON.stringify(manifest, null, 2) + '\n',
      'data/images.csv': indexCsv,
      'data/split.csv': splitCsv,
    },
  };
}

export function manifestDigest(body: Omit<JobManifest, 'digest'> | JobManifest): Promise<string> {
  const { digest: _drop, ...rest } = body as JobManifest;
  void _drop;
  return sha256Hex(canonicalJson(rest));
}

/** The test crops of the frozen split as keys `file/dataset/ds_idx`, in split order. */
export function testKeys(crops: readonly JobCrop[]): string[] {
  return crops.filter((c) => c.split === 'test').map((c) => `${c.file}/${c.dataset}/${c.dsIdx}`);
}
