// Dataset versions of the page: freeze the data library as an immutable, content-addressed version (crops,
// labels with their sources, split), keep every version in IndexedDB, and rebuild a version's training arrays
// later — whatever the library's order or labels are by then.
import { create } from 'zustand';
import type { TrainingArrays } from '../core/data/training-arrays';
import {
  decodeItems,
  makeDatasetVersion,
  type DatasetItems,
  type DatasetVersion,
  type DatasetVersionHeader,
} from '../core/dataset/version';
import type { Progress } from '../workers/task';
import { dataWorker } from '../workers/data/client';
import { useDataStore } from './data-store';
import { useSettings } from './settings-store';
import { getBlobBytes, putBlob, studioDb } from './storage/db';

export interface VersionCheck {
  /** Sources of the version that are not open now (by content digest). */
  missingSources: string[];
  /** Crops whose label in the library differs from the version's now (the version keeps its own). */
  changedLabels: number;
}

export interface DatasetState {
  versions: DatasetVersion[];
  loaded: boolean;
  load(): Promise<void>;
  /** Freeze the library as it is now (split from the data settings) and keep it; same content → same version. */
  freezeCurrent(opts?: {
    name?: string;
    signal?: AbortSignal;
    onProgress?: (p: Progress) => void;
  }): Promise<DatasetVersion>;
  get(id: string): Promise<DatasetVersion | null>;
  items(id: string): Promise<DatasetItems>;
  /** Can the version be rebuilt from what is open now? */
  check(id: string): Promise<VersionCheck>;
  /** The version's own training arrays (its crops, labels and split). */
  arraysFor(
    id: string,
    opts?: {
      splits?: ('train' | 'val' | 'test')[];
      signal?: AbortSignal;
      onProgress?: (p: Progress) => void;
    },
  ): Promise<TrainingArrays>;
  rename(id: string, name: string): Promise<void>;
  /** Seal and keep a version made elsewhere (a pipeline's held-out set, a relabelled copy…); same content, same version. */
  save(header: DatasetVersionHeader, items: DatasetItems, name: string): Promise<DatasetVersion>;
}

const itemsKey = (id: string) => `dataset-items:${id}`;

function headerOf(v: DatasetVersion): DatasetVersionHeader {
  return { classNames: v.classNames, sources: v.sources, splitRecipe: v.splitRecipe, parent: v.parent };
}

async function itemBytesOf(id: string): Promise<Uint8Array> {
  const bytes = await getBlobBytes(itemsKey(id));
  if (!bytes) {
    throw new Error(
      `The crops of dataset version ${id} are not in this browser's storage (was site data cleared?). Make a new version from the Data area.`,
    );
  }
  return bytes;
}

export const useDatasets = create<DatasetState>((set, get) => ({
  versions: [],
  loaded: false,

  load: async () => {
    const versions = await studioDb().datasetVersions.orderBy('createdAt').reverse().toArray();
    set({ versions, loaded: true });
  },

  freezeCurrent: async (opts = {}) => {
    const data = useDataStore.getState();
    await data.restore();
    if (data.sources.length === 0 && useDataStore.getState().sources.length === 0) {
      throw new Error('No crops are open: open HDF5 files or extract crops in the Data area first.');
    }
    const side = useSettings.getState().config.data.cache_size;
    const snap = await dataWorker.run('versionSnapshot', [{ side, split: data.splitOptions() }], {
      signal: opts.signal,
      onProgress: opts.onProgress,
    });
    if (!get().loaded) await get().load();
    const n = get().versions.length + 1;
    return get().save(snap.header, decodeItems(snap.itemBytes), opts.name ?? `v${n}`);
  },

  save: async (header, items, name) => {
    const { version, itemBytes } = makeDatasetVersion(header, items, name, Date.now());
    const existing = await studioDb().datasetVersions.get(version.id);
    if (existing) return existing;
    await putBlob(`dataset-version:${version.id}`, itemsKey(version.id), itemBytes);
    await studioDb().datasetVersions.put(version);
    set((s) => ({ versions: [version, ...s.versions.filter((v) => v.id !== version.id)] }));
    return version;
  },

  get: async (id) => (await studioDb().datasetVersions.get(id)) ?? null,

  items: async (id) => decodeItems(await itemBytesOf(id)),

  check: async (id) => {
    const v = await get().get(id);
    if (!v) throw new Error(`Dataset version ${id} is not in this browser's storage`);
    await useDataStore.getState().restore();
    return dataWorker.run('checkVersion', [headerOf(v), await itemBytesOf(id)]);
  },

  arraysFor: async (id, opts = {}) => {
    const v = await get().get(id);
    if (!v) throw new Error(`Dataset version ${id} is not in this browser's storage`);
    await useDataStore.getState().restore();
    const side = useSettings.getState().config.data.cache_size;
    return dataWorker.run(
      'arraysForVersion',
      [headerOf(v), await itemBytesOf(id), { side, ...(opts.splits ? { splits: opts.splits } : {}) }],
      { signal: opts.signal, onProgress: opts.onProgress },
    );
  },

  rename: async (id, name) => {
    await studioDb().datasetVersions.update(id, { name });
    set((s) => ({ versions: s.versions.map((v) => (v.id === id ? { ...v, name } : v)) }));
  },
}));
