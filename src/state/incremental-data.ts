// The crops an incremental pipeline draws from: every labelled crop of the open data library pooled by crop id
// (whatever split the Data area shows), and dataset versions for the held-out set and each training set, derived
// from the version the library is frozen as when the pool is built (sources by content digest).
import type { SplitArrays, TrainingArrays } from '../core/data/training-arrays';
import {
  emptyItems,
  SPLIT_NAMES,
  type DatasetItems,
  type DatasetVersion,
  type SplitName,
} from '../core/dataset/version';
import type { SourceSummary } from '../workers/data/data-library';
import type { BuildOptions } from './data-store';
import { useDatasets } from './dataset-store';

/** Every labelled crop once: pixels (side x side each), labels and ids, with an index by id. */
export interface CropPool {
  side: number;
  classNames: string[];
  x: Uint8Array;
  y: Uint8Array;
  ids: string[];
  indexOf: Map<string, number>;
  /** The library frozen as a dataset version when the pool was built (the parent of the pipeline's versions). */
  base?: { version: DatasetVersion; items: DatasetItems };
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
  const ds = useDatasets.getState();
  const version = await ds.freezeCurrent(opts);
  const pool = poolFromArrays(await ds.arraysFor(version.id, opts ?? {}));
  return { ...pool, base: { version, items: await ds.items(version.id) } };
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
 * A dataset version of the given crops (each with its split), derived from the pool's base version (the library
 * frozen when the pool was built: real source digests and label sources). Content-addressed: the same crops,
 * labels and splits give the same id (saved once).
 */
export async function saveDatasetVersion(
  pool: CropPool,
  members: { ids: readonly string[]; split: SplitName }[],
  name: string,
  splitRecipe: string,
): Promise<DatasetVersion> {
  const base = pool.base;
  if (!base)
    throw new Error('The crop pool has no dataset version to derive from; build it with buildCropPool');
  const { version, items: baseItems } = base;
  const where = new Map<string, number>();
  for (let k = 0; k < baseItems.index.length; k++) {
    const src = version.sources[baseItems.source[k]!]!;
    where.set(`${src.name}/${src.datasets[baseItems.dataset[k]!]}/${baseItems.index[k]}`, k);
  }
  const n = members.reduce((s, m) => s + m.ids.length, 0);
  const items = emptyItems(n);
  let j = 0;
  for (const m of members) {
    const code = SPLIT_NAMES.indexOf(m.split);
    for (const id of m.ids) {
      const k = where.get(id);
      if (k === undefined) throw new Error(`Crop ${id} is not in dataset version ${version.id}`);
      items.source[j] = baseItems.source[k]!;
      items.dataset[j] = baseItems.dataset[k]!;
      items.index[j] = baseItems.index[k]!;
      items.label[j] = baseItems.label[k]!;
      items.labelSource[j] = baseItems.labelSource[k]!;
      items.split[j] = items.label[j]! < 0 ? SPLIT_NAMES.indexOf('excluded') : code;
      j++;
    }
  }
  return useDatasets
    .getState()
    .save(
      { classNames: version.classNames, sources: version.sources, splitRecipe, parent: version.id },
      items,
      name,
    );
}
