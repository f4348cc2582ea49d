// The data of an exported job: the library frozen as a dataset version (its crops, labels and split, sources by
// content digest) and one research-layout HDF5 file per source.
import type { TrainingArrays } from '../core/data/training-arrays';
import { exportBaseName, exportedLocation } from '../core/jobs/export-layout';
import type { JobCrop, JobDataFile, JobSplit } from '../core/jobs/manifest';
import { canonicalJson, formatSplitCsv, sha256Hex } from '../core/jobs/manifest';
import { DIGEST_METHOD } from '../workers/data/data-library';
import { useDataStore, type BuildOptions } from './data-store';
import { useDatasets } from './dataset-store';

export interface JobData {
  datasetVersion: { id: string; name: string; splitRecipe: string; classNames: string[] };
  crops: JobCrop[];
  /** data/<file>.h5 → bytes (only when asked for). */
  files: Record<string, Uint8Array>;
  fileInfo: JobDataFile[];
  /** Label of each data file when all its crops share one. */
  fileLabels: Record<string, number | null>;
  arrays: TrainingArrays;
  /** SHA-256 of the split CSV: what results are checked against when the files are not exported again. */
  splitSha256: string;
}

interface Locator {
  file: string;
  locate(dataset: string, index: number): { dataset: string; dsIdx: number };
}

/**
 * How a job carries its data: `include` writes one research-layout HDF5 file per source into the zip; `reference`
 * names the opened HDF5 files as they are (the user copies them into data/ or points paths.data_root at them) and
 * writes only in-memory sources (extracted or generated crops, which have no file).
 */
export type JobDataMode = 'include' | 'reference';

/**
 * The current data library as a job's data: the split in use (frozen as it is now) and, when `withBytes`, the HDF5
 * files the job carries with their SHA-256.
 */
export async function currentJobData(
  mode: JobDataMode,
  withBytes: boolean,
  opts?: BuildOptions,
): Promise<JobData> {
  const data = useDataStore.getState();
  // The job carries a frozen dataset version of the library: its own crops, labels and split.
  const version = await useDatasets.getState().freezeCurrent(opts);
  const arrays = await useDatasets.getState().arraysFor(version.id, opts ?? {});
  const sources = useDataStore.getState().sources;
  const used = new Set<string>();
  const bySource = new Map<string, Locator & { included: boolean }>();
  for (const s of sources) {
    if (mode === 'reference' && s.kind === 'file') {
      const file = s.name.replace(/^.*[\\/]/, '');
      if (used.has(file)) {
        throw new Error(
          `Two opened files are named ${file}: a job that references its data needs distinct file names. Include the data in the zip instead.`,
        );
      }
      used.add(file);
      bySource.set(s.name, { file, locate: (dataset, dsIdx) => ({ dataset, dsIdx }), included: false });
      continue;
    }
    let name = exportBaseName(s.name);
    while (used.has(`${name}.h5`)) name += '_';
    used.add(`${name}.h5`);
    bySource.set(s.name, { file: `${name}.h5`, locate: exportedLocation(s), included: true });
  }
  const names = [...bySource.keys()].sort((a, b) => b.length - a.length);
  const crops: JobCrop[] = [];
  const perFileLabels = new Map<string, Set<number>>();
  for (const split of ['train', 'val', 'test'] as JobSplit[]) {
    const part = arrays[split];
    part.ids.forEach((id, k) => {
      const src = names.find((n) => id.startsWith(n + '/'));
      if (src === undefined) throw new Error(`Crop ${id} belongs to no open source`);
      const rest = id.slice(src.length + 1);
      const cut = rest.lastIndexOf('/');
      const loc = bySource.get(src)!;
      const { dataset, dsIdx } = loc.locate(rest.slice(0, cut), Number(rest.slice(cut + 1)));
      const label = part.y[k]!;
      crops.push({ file: loc.file, dataset, dsIdx, label, split });
      let set = perFileLabels.get(loc.file);
      if (!set) perFileLabels.set(loc.file, (set = new Set()));
      set.add(label);
    });
  }
  const files: Record<string, Uint8Array> = {};
  const fileInfo: JobDataFile[] = [];
  const fileLabels: Record<string, number | null> = {};
  for (const s of sources) {
    const loc = bySource.get(s.name)!;
    const labels = perFileLabels.get(loc.file);
    if (!labels) continue; // a source with no crop in the split (all unlabelled) is not part of the job
    const path = `data/${loc.file}`;
    fileLabels[path] = labels.size === 1 ? [...labels][0]! : null;
    if (!withBytes) continue;
    if (!loc.included) {
      fileInfo.push({
        path,
        sha256: null,
        bytes: s.sizeBytes,
        crops: s.count,
        included: false,
        source: { name: s.name, contentDigest: s.contentDigest, digestMethod: DIGEST_METHOD },
      });
      continue;
    }
    const exported = await data.exportH5([s.id], loc.file, opts);
    // The zip is made in memory anyway: read the file the export wrote (to disk where the browser offers it).
    const bytes = exported.bytes ?? new Uint8Array(await exported.file!.arrayBuffer());
    files[path] = bytes;
    fileInfo.push({
      path,
      sha256: await sha256Hex(bytes),
      bytes: bytes.byteLength,
      crops: s.count,
      included: true,
      source: { name: s.name, contentDigest: s.contentDigest, digestMethod: DIGEST_METHOD },
    });
  }
  const splitSha256 = await sha256Hex(formatSplitCsv(crops));
  const id =
    'dvx-' +
    (await sha256Hex(canonicalJson({ split: splitSha256, classes: arrays.classNames }))).slice(0, 24);
  return {
    datasetVersion: {
      id,
      name: `data library at export (${crops.length} crops)`,
      splitRecipe: arrays.splitDescription,
      classNames: arrays.classNames,
    },
    crops,
    files,
    fileInfo,
    fileLabels,
    arrays,
    splitSha256,
  };
}
