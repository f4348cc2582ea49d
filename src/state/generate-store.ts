// Generate store: the synthetic scene parameters, the running job (video or crop set) with its progress and
// cancel, and the results as downloadable object URLs. Crop sets can go straight into the data library.
import { create } from 'zustand';
import { DEFAULT_SCENE, GAS_FLOW, checkSceneParams, type SceneParams } from '../core/synth/params';
import { researchClassCounts, type CropSetStats } from '../core/synth/research-stats';
import type { Progress } from '../workers/task';
import { synthWorker } from '../workers/synth/client';
import type { VideoFormat } from '../workers/synth/video';
import { useDataStore } from './data-store';
import { notifyError, useNotices } from './notices-store';

export interface GeneratedFile {
  fileName: string;
  url: string;
  bytes: number;
  /** A line for the result list, e.g. "439 frames, avc1.42001f, 2.1 s". */
  detail: string;
}

export interface CropSetSettings {
  seed: number;
  low: number;
  high: number;
  stem: string;
  addToLibrary: boolean;
}

export interface GenerateState {
  params: SceneParams;
  format: VideoFormat;
  crops: CropSetSettings;
  job: { kind: 'video' | 'crops'; progress: Progress | null } | null;
  results: GeneratedFile[];
  /** The research's statistics of the last crop set made (shown next to the research's own). */
  cropStats: CropSetStats | null;
  support: Record<VideoFormat, boolean> | null;

  setParam<K extends keyof SceneParams>(key: K, value: SceneParams[K]): void;
  setFormat(format: VideoFormat): void;
  setCrops(patch: Partial<CropSetSettings>): void;
  /** Problems with the current parameters (empty when they are fine). */
  problems(): string[];
  checkSupport(): Promise<void>;
  generateVideo(): Promise<GeneratedFile | null>;
  generateCrops(): Promise<GeneratedFile[]>;
  cancel(): void;
  clearResults(): void;
}

let controller: AbortController | null = null;

function isAbort(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}

/** A download of bytes, or of a Blob as it is (an OPFS File stays on disk: the object URL reads it from there). */
function fileOf(fileName: string, data: Uint8Array | Blob, type: string, detail: string): GeneratedFile {
  const blob = data instanceof Blob ? data : new Blob([data as BlobPart], { type });
  return { fileName, url: URL.createObjectURL(blob), bytes: blob.size, detail };
}

export const useGenerateStore = create<GenerateState>((set, get) => ({
  params: { ...DEFAULT_SCENE, layers: 1, layerSeconds: 10 },
  format: 'mp4',
  crops: { seed: 1234, ...researchClassCounts(1000), stem: 'synthetic', addToLibrary: true },
  job: null,
  results: [],
  cropStats: null,
  support: null,

  setParam: (key, value) => set((s) => ({ params: { ...s.params, [key]: value } })),
  setFormat: (format) => set({ format }),
  setCrops: (patch) => set((s) => ({ crops: { ...s.crops, ...patch } })),
  problems: () => checkSceneParams(get().params),

  checkSupport: async () => {
    try {
      set({ support: await synthWorker.api.videoSupport() });
    } catch {
      set({ support: { mp4: false, webm: false } });
    }
  },

  generateVideo: async () => {
    if (get().job) return null;
    const { params, format } = get();
    const problems = checkSceneParams(params);
    if (problems.length) {
      notifyError('The scene parameters are not valid', problems.join('; '));
      return null;
    }
    controller = new AbortController();
    set({ job: { kind: 'video', progress: null } });
    try {
      const r = await synthWorker.run('renderVideo', [params, format, null], {
        signal: controller.signal,
        onProgress: (p) => set({ job: { kind: 'video', progress: p } }),
      });
      const flow = params.gasFlow <= (GAS_FLOW.low + GAS_FLOW.high) / 2 ? 'low' : 'high';
      const file = fileOf(
        `spatter_${flow}_flow_seed${params.seed}.${format}`,
        r.bytes,
        r.mimeType,
        `${r.frames} frames, ${r.codec}, encoded in ${r.seconds.toFixed(1)} s`,
      );
      set((s) => ({ results: [file, ...s.results] }));
      return file;
    } catch (e) {
      if (!isAbort(e))
        notifyError(
          `The ${format.toUpperCase()} video could not be made`,
          `${e instanceof Error ? e.message : String(e)}. Try the other format, or a smaller resolution.`,
        );
      return null;
    } finally {
      controller = null;
      set({ job: null });
    }
  },

  generateCrops: async () => {
    if (get().job) return [];
    const c = get().crops;
    if (
      !Number.isInteger(c.low) ||
      !Number.isInteger(c.high) ||
      c.low < 0 ||
      c.high < 0 ||
      c.low + c.high === 0
    ) {
      notifyError('Crop counts must be whole numbers, at least one above 0', `low ${c.low}, high ${c.high}`);
      return [];
    }
    controller = new AbortController();
    set({ job: { kind: 'crops', progress: null } });
    try {
      const r = await synthWorker.run(
        'makeCropSet',
        [{ seed: c.seed, low: c.low, high: c.high, stem: c.stem || 'synthetic', h5: true }],
        { signal: controller.signal, onProgress: (p) => set({ job: { kind: 'crops', progress: p } }) },
      );
      const files: GeneratedFile[] = [];
      for (const cls of r.classes) {
        const h5 = cls.h5?.file ?? cls.h5?.bytes;
        if (h5) {
          files.push(
            fileOf(cls.fileName, h5, 'application/x-hdf5', `${cls.count} crops, class ${cls.label}`),
          );
        }
        if (c.addToLibrary) {
          await useDataStore.getState().addMemorySource({
            name: cls.fileName.replace(/\.h5$/, ''),
            label: cls.label,
            chunks: cls.chunks,
            origin: `synthetic, seed ${c.seed}`,
          });
        }
      }
      const csv = new TextEncoder().encode(r.indexCsv);
      files.push(fileOf(`${c.stem || 'synthetic'}_unshuffled_images.csv`, csv, 'text/csv', 'CSV index'));
      set((s) => ({ results: [...files, ...s.results], cropStats: r.stats }));
      if (c.addToLibrary)
        useNotices.getState().notify({
          kind: 'info',
          title: `${c.low + c.high} synthetic crops added to the data library`,
          detail: 'Open the Data area to see them, or train on them.',
        });
      return files;
    } catch (e) {
      if (!isAbort(e))
        notifyError('The synthetic crops could not be made', e instanceof Error ? e.message : String(e));
      return [];
    } finally {
      controller = null;
      set({ job: null });
    }
  },

  cancel: () => controller?.abort(),

  clearResults: () => {
    for (const f of get().results) URL.revokeObjectURL(f.url);
    set({ results: [] });
  },
}));
