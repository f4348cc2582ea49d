// Data store: the opened sources (HDF5 files and in-memory crop sets from other areas), their labels and
// class names, the overview and findings, the split in use, and the actions other areas call
// (addMemorySource, openFiles, openUrls, buildTrainingArrays). The heavy state lives in the data worker.
import { create } from 'zustand';
import type { CropChunk } from '../core/data/crop-chunks';
import type { LabelSource } from '../core/dataset/version';
import { resolveUserUrl } from '../core/routing/user-url';
import { inferLabel, RESEARCH_CLASSES, type ClassDef } from '../core/data/labels';
import type { Finding } from '../core/data/quality';
import type { SplitOptions } from '../core/data/splits';
import type { TrainingArrays } from '../core/data/training-arrays';
import type { Progress } from '../workers/task';
import { dataWorker } from '../workers/data/client';
import type {
  ExportedFile,
  OpenError,
  SavedLabels,
  SourceSummary,
  SplitSummary,
} from '../workers/data/data-library';
import { notifyError, useNotices } from './notices-store';
import { useSettings } from './settings-store';
import { useSourceFiles } from './source-files';
import { studioDbReady } from './storage/db';

export interface MemorySourceInput {
  name: string;
  /** null: unlabelled (the user is asked to choose; never guessed). */
  label: number | null;
  /** Where the label came from (default: the user). */
  labelSource?: LabelSource;
  /** JPEG bytes of each crop (small sets)... */
  crops?: Uint8Array[];
  /** ...or the crops as Blob chunks (extraction of long videos: the bytes stay out of the page's heap). */
  chunks?: CropChunk[];
  /** Where the crops came from, e.g. the video file name. */
  origin: string;
}

export interface BuildOptions {
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

export interface DataState {
  sources: SourceSummary[];
  /** Files that could not be opened, each with its specific message. */
  openErrors: OpenError[];
  classNames: string[];
  findings: { total: number; findings: Finding[] };
  split: SplitSummary | null;
  busy: { message: string; done: number; total?: number } | null;
  /** Bumped whenever crops, labels or flags change, so views re-query. */
  version: number;
  lastDecode: { decoded: number; failed: number; seconds: number } | null;

  /** Open HDF5 files; each is remembered by content digest (with its handle, where the browser gave one). */
  openFiles(files: File[], handles?: (FileSystemFileHandle | null)[]): Promise<void>;
  openUrls(urls: string[]): Promise<void>;
  addMemorySource(src: MemorySourceInput): Promise<SourceSummary>;
  /** Crops as image files (JPEG/PNG, e.g. dropped by the user) become one in-memory source. */
  addCropImages(files: File[]): Promise<void>;
  /** Bring back the in-memory sources saved in IndexedDB (once per page; the Data area calls it on mount). */
  restore(): Promise<void>;
  closeSource(id: string): Promise<void>;
  setLabel(id: string, label: number | null): Promise<void>;
  /** Label single crops by ordinal (null: back to their source's label). In-memory only, like CSV imports. */
  setCropLabelsByOrdinal(ordinals: number[], labels: (number | null)[] | number | null): Promise<void>;
  setClassNames(names: string[]): Promise<void>;
  /** Decode every crop into the cache and refresh findings. */
  scan(opts?: BuildOptions): Promise<void>;
  refreshSplit(): Promise<void>;
  /** The split recipe from the settings (data.split, data.seed, data.ratios, data.class_ratio). */
  splitOptions(): SplitOptions;
  /** Change one data setting through the override text, so the URL keeps reproducing the setup. */
  setDataSetting(key: 'split' | 'seed' | 'ratios' | 'class_ratio' | 'cache_size', value: string): boolean;
  buildTrainingArrays(opts?: BuildOptions): Promise<TrainingArrays>;
  importCsv(text: string, fileName: string): Promise<void>;
  exportCsv(shuffled: boolean): Promise<string>;
  /** The research-layout file, written to disk (OPFS) by the worker where it can: see ui/shared/save-file. */
  exportH5(sourceIds: string[], fileName: string, opts?: BuildOptions): Promise<ExportedFile>;
}

/** "1:1" → [1, 1]; empty → null; malformed → null with a notice. */
export function parseClassRatio(text: string): number[] | null {
  const t = text.trim();
  if (!t) return null;
  const parts = t.split(/[:/,]/).map((x) => Number(x.trim()));
  if (parts.length < 2 || parts.some((x) => !Number.isFinite(x) || x < 0)) return null;
  return parts;
}

function classDefs(names: string[]): ClassDef[] {
  return names.map((name, i) => ({
    name,
    tokens:
      RESEARCH_CLASSES[i]?.name === name ? RESEARCH_CLASSES[i].tokens : [name.split(/\s+/)[0]!.toLowerCase()],
  }));
}

// ---- persistence of in-memory sources (so crops extracted from a video survive a reload): state/storage ----

const memoryTable = async () => (await studioDbReady()).memorySources;

interface StoredMemorySource extends MemorySourceInput {
  key: string;
}

/** Persisted key of each memory source by its worker id. */
const memoryKeys = new Map<string, string>();

let restored: Promise<void> | null = null;

function throttle(fn: (p: Progress) => void, ms = 100): (p: Progress) => void {
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (now - last >= ms || (p.total !== undefined && p.done >= p.total)) {
      last = now;
      fn(p);
    }
  };
}

export const useDataStore = create<DataState>((set, get) => {
  const refresh = async () => {
    const [sources, findings] = await Promise.all([
      dataWorker.api.summaries(),
      dataWorker.api.listFindings(2000),
    ]);
    set((s) => ({ sources, findings, version: s.version + 1 }));
  };

  const progress = (message: string, outer?: (p: Progress) => void) =>
    throttle((p) => {
      set({ busy: { message: p.message ?? message, done: p.done, total: p.total } });
      outer?.(p);
    });

  const ensureRestored = () => {
    restored ??= (async () => {
      const all = (await (await memoryTable()).toArray().catch(() => [])) as unknown as StoredMemorySource[];
      for (const m of all ?? []) {
        const summary = await dataWorker.api.addMemorySource({
          name: m.name,
          label: m.label,
          ...(m.labelSource ? { labelSource: m.labelSource } : {}),
          origin: m.origin,
          ...(m.chunks ? { chunks: m.chunks } : { crops: m.crops ?? [] }),
        });
        memoryKeys.set(summary.id, m.key);
      }
      if (all?.length) await afterChange();
    })();
    return restored;
  };

  const afterChange = async () => {
    try {
      await dataWorker.run('index', [], { onProgress: progress('Indexing crops') });
    } finally {
      set({ busy: null });
    }
    await restoreLabels();
    await refresh();
    await get().refreshSplit();
  };

  // ---- the user's labels, kept by source content digest across reloads ----
  const labelsRestored = new Set<string>();
  const restoreLabels = async () => {
    const db = await studioDbReady();
    for (const s of await dataWorker.api.summaries()) {
      if (!s.contentDigest || labelsRestored.has(s.id)) continue;
      labelsRestored.add(s.id);
      const rec = await db.meta.get(`labels:${s.contentDigest}`);
      if (rec) await dataWorker.api.applySavedLabels(s.id, rec.value as SavedLabels);
    }
  };
  const keepLabels = async () => {
    const db = await studioDbReady();
    for (const s of await dataWorker.api.summaries()) {
      if (!s.contentDigest) continue;
      const saved = await dataWorker.api.savedLabels(s.id);
      if (saved) await db.meta.put({ key: `labels:${s.contentDigest}`, value: saved });
      else await db.meta.delete(`labels:${s.contentDigest}`);
    }
  };

  return {
    sources: [],
    openErrors: [],
    classNames: RESEARCH_CLASSES.map((c) => c.name),
    findings: { total: 0, findings: [] },
    split: null,
    busy: null,
    version: 0,
    lastDecode: null,

    openFiles: async (files, handles) => {
      if (files.length === 0) return;
      await ensureRestored();
      set({ busy: { message: `Opening ${files.map((f) => f.name).join(', ')}`, done: 0 } });
      try {
        const r = await dataWorker.api.openFiles(files);
        for (const e of r.errors) notifyError(`${e.file} could not be opened`, e.message);
        set((s) => ({
          openErrors: [...s.openErrors.filter((o) => !r.errors.some((e) => e.file === o.file)), ...r.errors],
        }));
        // Small sets are decoded at once so findings (black, undecodable) show without another click; the
        // decode pass measures each crop as it reads it, so they are read once, not indexed first.
        const total = (await dataWorker.api.summaries()).reduce((a, s) => a + s.count, 0);
        if (total <= 20_000) await get().scan();
        else await afterChange();
        // Remember each opened file by its content digest, so it can come back after a reload.
        const now = get().sources;
        for (const opened of r.sources) {
          const summary = now.find((x) => x.id === opened.id);
          const k = files.findIndex((f) => f.name === opened.name);
          if (summary?.contentDigest && k >= 0) {
            await useSourceFiles
              .getState()
              .remember(files[k]!, summary.contentDigest, handles?.[k] ?? null)
              .catch(() => undefined);
          }
        }
      } catch (e) {
        notifyError('Opening files failed', e instanceof Error ? e.message : String(e));
      } finally {
        set({ busy: null });
      }
    },

    openUrls: async (urls) => {
      const files: File[] = [];
      for (const typed of urls) {
        const resolved = resolveUserUrl(typed, document.baseURI);
        if (!resolved.ok) {
          notifyError(`${typed} could not be opened`, resolved.error);
          set((s) => ({ openErrors: [...s.openErrors, { file: typed, message: resolved.error }] }));
          continue;
        }
        const url = resolved.url;
        const name = decodeURIComponent(new URL(url).pathname.split('/').pop() || 'download.h5');
        try {
          const res = await fetch(url);
          if (!res.ok) throw new Error(`the server answered ${res.status} ${res.statusText}`);
          files.push(new File([await res.blob()], name));
        } catch (e) {
          const message = `${url} could not be downloaded (${e instanceof Error ? e.message : String(e)}). Check the address.`;
          notifyError(`${name} could not be opened`, message);
          set((s) => ({ openErrors: [...s.openErrors, { file: name, message }] }));
        }
      }
      await get().openFiles(files);
    },

    addMemorySource: async (src) => {
      await ensureRestored();
      const summary = await dataWorker.api.addMemorySource(src);
      const key = `${src.origin}:${src.name}:${Date.now()}`;
      memoryKeys.set(summary.id, key);
      await (await memoryTable()).put({ key, ...src } satisfies StoredMemorySource);
      await afterChange();
      return summary;
    },

    addCropImages: async (files) => {
      if (files.length === 0) return;
      const crops = await Promise.all(files.map(async (f) => new Uint8Array(await f.arrayBuffer())));
      // Name the source after what the files share (e.g. `left_low_000.jpg`… → `left_low`), so the
      // research label inference still applies.
      const first = files[0]!.name.replace(/\.[^.]+$/, '');
      let name = first;
      for (const f of files) {
        const n = f.name.replace(/\.[^.]+$/, '');
        let k = 0;
        while (k < name.length && k < n.length && name[k] === n[k]) k++;
        name = name.slice(0, k);
      }
      name = name.replace(/[_\-\s.\d]+$/, '') || first;
      const classes = classDefs(get().classNames);
      const label = inferLabel(name, classes) ?? inferLabel(first, classes);
      await get().addMemorySource({ name, label, crops, origin: `${files.length} dropped image files` });
    },

    restore: () => ensureRestored(),

    closeSource: async (id) => {
      await dataWorker.api.closeSource(id);
      const key = memoryKeys.get(id);
      if (key) {
        memoryKeys.delete(id);
        await (await memoryTable()).delete(key);
      }
      await refresh();
      await get().refreshSplit();
    },

    setLabel: async (id, label) => {
      await dataWorker.api.setLabel(id, label);
      const key = memoryKeys.get(id);
      if (key && label !== null) {
        // Keep the saved copy's label in step, so a reload shows the user's choice.
        const table = await memoryTable();
        const saved = await table.get(key);
        if (saved) await table.put({ ...saved, label, labelSource: 'user' });
      }
      await keepLabels().catch(() => undefined);
      await refresh();
      await get().refreshSplit();
    },

    setCropLabelsByOrdinal: async (ordinals, labels) => {
      await dataWorker.api.setCropLabelsByOrdinal(ordinals, labels);
      await keepLabels().catch(() => undefined);
      await refresh();
      await get().refreshSplit();
    },

    setClassNames: async (names) => {
      set({ classNames: names });
      await dataWorker.api.setClasses(classDefs(names));
      await refresh();
      await get().refreshSplit();
    },

    scan: async (opts) => {
      await ensureRestored();
      try {
        const side = useSettings.getState().config.data.cache_size;
        const r = await dataWorker.run('decodeAll', [side], {
          signal: opts?.signal,
          onProgress: progress('Decoding crops', opts?.onProgress),
        });
        set({ lastDecode: r });
      } finally {
        set({ busy: null });
      }
      await restoreLabels();
      await refresh();
      await get().refreshSplit();
    },

    splitOptions: () => {
      const d = useSettings.getState().config.data;
      return {
        kind: d.split,
        seed: d.seed,
        ratios: [...d.ratios],
        classRatio: parseClassRatio(d.class_ratio),
      };
    },

    setDataSetting: (key, value) => {
      const settings = useSettings.getState();
      const tokens = settings.overridesText.split(/\s+/).filter((t) => t && !t.startsWith(`data.${key}=`));
      if (value.trim() !== '') tokens.push(`data.${key}=${value.trim()}`);
      const ok = settings.setOverrides(tokens.join(' '));
      if (!ok) {
        const errs = useSettings
          .getState()
          .configErrors.map((e) => e.message)
          .join('; ');
        notifyError(`data.${key}=${value} was not applied`, errs);
        settings.setOverrides(settings.overridesText);
      }
      return ok;
    },

    refreshSplit: async () => {
      if (get().sources.length === 0) {
        set({ split: null });
        return;
      }
      try {
        set({ split: await dataWorker.api.makeSplit(get().splitOptions()) });
      } catch (e) {
        set({ split: null });
        notifyError('The split could not be made', e instanceof Error ? e.message : String(e));
      }
    },

    buildTrainingArrays: async (opts) => {
      await ensureRestored();
      if (get().sources.length === 0) {
        throw new Error('No crops are open: open HDF5 files or extract crops in the Data area first.');
      }
      const side = useSettings.getState().config.data.cache_size;
      try {
        const arrays = await dataWorker.run(
          'buildTrainingArrays',
          [{ side, split: get().splitOptions(), classNames: get().classNames }],
          { signal: opts?.signal, onProgress: progress('Preparing training data', opts?.onProgress) },
        );
        return arrays;
      } finally {
        set({ busy: null });
        void refresh();
      }
    },

    importCsv: async (text, fileName) => {
      try {
        const r = await dataWorker.api.importCsv(text);
        await keepLabels().catch(() => undefined);
        useNotices.getState().notify({
          kind: r.unmatched ? 'warning' : 'info',
          title: `${fileName}: ${r.matched.toLocaleString('en')} of ${r.rows.toLocaleString('en')} rows applied`,
          ...(r.unmatched
            ? {
                detail: `${r.unmatched} rows name crops that are not open, e.g. ${r.firstUnmatched}. Open those files and import again.`,
              }
            : {}),
        });
        await refresh();
        await get().refreshSplit();
      } catch (e) {
        notifyError(`${fileName} is not a crop index`, e instanceof Error ? e.message : String(e));
      }
    },

    exportCsv: (shuffled) => dataWorker.api.exportCsv(shuffled, useSettings.getState().config.data.seed),

    exportH5: async (sourceIds, fileName, opts) => {
      try {
        return await dataWorker.run('exportH5', [sourceIds, fileName], {
          signal: opts?.signal,
          onProgress: progress('Exporting HDF5', opts?.onProgress),
        });
      } finally {
        set({ busy: null });
      }
    },
  };
});

// Re-split when the data settings change (seed, recipe, shares, class ratio), and re-decode when the
// cache side changes (the worker invalidates its cache).
if (typeof window !== 'undefined') {
  useSettings.subscribe((s, prev) => {
    const a = s.config.data;
    const b = prev.config.data;
    if (a === b) return;
    if (
      a.split !== b.split ||
      a.seed !== b.seed ||
      a.ratios !== b.ratios ||
      a.class_ratio !== b.class_ratio
    ) {
      void useDataStore.getState().refreshSplit();
    }
  });
}
