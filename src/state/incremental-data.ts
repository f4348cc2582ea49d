// The crops an incremental pipeline draws from: every labelled crop of the open data library pooled by crop id
// (whatever split the Data area shows), and dataset versions for the held-out set and each training set, built
// from the open sources. A stand-in until the data worker makes dataset versions itself (issue 11): the source
// digest here is the source's name, size and crop count, and says so.
import type { SplitArrays, TrainingArrays } from '../core/data/training-arrays';
import {
  emptyItems,
  LABEL_SOURCES,
  makeDatasetVersion,
  SPLIT_NAMES,
  type DatasetSourceRef,
  type DatasetVersion,
  type SplitName,
} from '../core/dataset/version';
import type { SourceSummary } from '../workers/data/data-library';
import { useDataStore, type BuildOptions } from './data-store';
import { putBlob, studioDb } from './storage/db';

/** Every labelled crop once: pixels (side x side each), labels and ids, with an index by id. */
export interface CropPool {
  side: number;
  classNames: string[];
  x: Uint8Array;
  y: Uint8Array;
  ids: string[];
  indexOf: Map<string, number>;
}

export function poolFromArrays(a: TrainingArrays): CropPool {
  const parts = [a.train, a.val, a.test];
  const n = parts.reduce((s, p) => s + p.y.length, 0);
  const px = a.side * a.side;
  const x = new Uint8Array(n * px);
  const y = new Uint8Array(n);
  const ids: string[] = [];
  let k = 0;
  for (const p of parts) {
    x.set(p.x.subarray(0, p.y.length * px), k * px);
    y.set(p.y, k);
    ids.push(...p.ids);
    k += p.y.length;
  }
  const indexOf = new Map(ids.map((id, i) => [id, i]));
  return { side: a.side, classNames: a.classNames, x, y, ids, indexOf };
}

export async function buildCropPool(opts?: BuildOptions): Promise<CropPool> {
  return poolFromArrays(await useDataStore.getState().buildTrainingArrays(opts));
}

/** The crops of `ids` as a split (copied out of the pool, so it can be transferred). */
export function gather(pool: CropPool, ids: readonly string[]): SplitArrays {
  const px = pool.side * pool.side;
  const x = new Uint8Array(ids.length * px);
  const y = new Uint8Array(ids.length);
  ids.forEach((id, i) => {
    const j = pool.indexOf.get(id);
    if (j === undefined) throw new Error(`Crop ${id} is not open`);
    x.set(pool.x.subarray(j * px, (j + 1) * px), i * px);
    y[i] = pool.y[j]!;
  });
  return { x, y, ids: [...ids] };
}

/** Ids of `ids` that the pool lacks. */
export function missingFromPool(pool: CropPool, ids: readonly string[]): string[] {
  return ids.filter((id) => !pool.indexOf.has(id));
}

/** The source name of a crop id (`source/dataset/index`). */
export function sourceOfId(id: string, sources: readonly Pick<SourceSummary, 'name'>[]): string {
  const s = sources.find((x) => id.startsWith(`${x.name}/`));
  return s?.name ?? id.slice(0, id.indexOf('/'));
}

/**
 * A dataset version of the given crops (each with its split), made from the open sources and saved with its
 * packed items. Content-addressed: the same crops, labels and splits give the same id (saved once).
 */
export async function saveDatasetVersion(
  pool: CropPool,
  members: { ids: readonly string[]; split: SplitName }[],
  name: string,
  splitRecipe: string,
  parent: string | null = null,
): Promise<DatasetVersion> {
  const summaries = useDataStore.getState().sources;
  const n = members.reduce((s, m) => s + m.ids.length, 0);
  const items = emptyItems(n);
  const sources: DatasetSourceRef[] = [];
  const sourcePos = new Map<string, number>();
  const fileNameCode = LABEL_SOURCES.indexOf('file-name');
  let k = 0;
  for (const m of members) {
    const code = SPLIT_NAMES.indexOf(m.split);
    for (const id of m.ids) {
      const srcName = sourceOfId(id, summaries);
      let si = sourcePos.get(srcName);
      if (si === undefined) {
        const s = summaries.find((x) => x.name === srcName);
        si = sources.length;
        sourcePos.set(srcName, si);
        sources.push({
          id: s?.id ?? srcName,
          name: srcName,
          kind: s?.kind ?? 'memory',
          contentDigest: `name+size+count:${srcName}:${s?.sizeBytes ?? 0}:${s?.count ?? 0}`,
          digestMethod: 'name, size and crop count (stand-in until sources are digested)',
          sizeBytes: s?.sizeBytes ?? 0,
          datasets: [],
          crops: s?.count ?? 0,
        });
      }
      const src = sources[si]!;
      const rest = id.slice(srcName.length + 1);
      const cut = rest.lastIndexOf('/');
      const dataset = cut >= 0 ? rest.slice(0, cut) : '';
      let di = src.datasets.indexOf(dataset);
      if (di < 0) {
        di = src.datasets.length;
        src.datasets.push(dataset);
      }
      items.source[k] = si;
      items.dataset[k] = di;
      items.index[k] = Number(rest.slice(cut + 1)) || 0;
      items.label[k] = pool.y[pool.indexOf.get(id) ?? -1] ?? -1;
      items.labelSource[k] = fileNameCode;
      items.split[k] = items.label[k]! < 0 ? SPLIT_NAMES.indexOf('excluded') : code;
      k++;
    }
  }
  const { version, itemBytes } = makeDatasetVersion(
    { classNames: pool.classNames, sources, splitRecipe, parent },
    items,
    name,
    Date.now(),
  );
  const db = studioDb();
  if (!(await db.datasetVersions.get(version.id))) {
    await putBlob(`dataset-version:${version.id}`, `dv-items:${version.id}`, itemBytes);
    await db.datasetVersions.put(version);
  }
  return version;
}
