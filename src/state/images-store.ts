// Labelled image sets (folder per class, CSV, steel layout, the generated steel demo): what was opened, its
// labels, its split, the training configuration and the last run's results, exports and the ONNX check.
import * as Comlink from 'comlink';
import { create } from 'zustand';
import type { BackendName } from '../core/backends/backends';
import { defaultAugment, type AugmentConfig } from '../core/images/augment';
import type { EpochRecord, ImageTrainConfig, ResultsJson } from '../core/images/experiment';
import { csvLabels, imageFolderLabels, isImagePath, isSteelLayout, steelLabels } from '../core/images/labels';
import { splitImages, STRATIFIED_70_15_15 } from '../core/images/split';
import { STEEL_CLASSES } from '../core/images/steel-demo';
import { withDatasetVersion } from '../core/images/run-record';
import { isZipPath } from '../core/images/zip';
import type { ImageLabels } from '../core/images/task';
import type { ImageDatasetVersion } from '../core/images/version';
import type { ModelInfo } from '../workers/train/models/registry';
import { imagesWorker } from '../workers/images/client';
import type { ImageFile } from '../workers/images/decode';
import { downloadBytes } from './eval-store';
import {
  diffFromLatest,
  finishImageRun,
  holdRunLock,
  saveImageVersion,
  startImageRun,
  useImageRuns,
  versionOfSet,
} from './image-runs';
import { inspectImageSet, unreadableOf } from './image-findings-store';

export interface ImageSplit {
  train: number[];
  val: number[];
  test: number[];
  description: string;
  warnings: string[];
}

export interface PreviewImages {
  height: number;
  width: number;
  channels: number;
  original: Uint8Array[];
  augmented: Uint8Array[];
}

interface ImagesState {
  files: ImageFile[];
  labels: ImageLabels | null;
  /** Natural size of the first image [height, width]. */
  naturalSize: [number, number] | null;
  error: string | null;
  split: ImageSplit | null;
  config: ImageTrainConfig;
  backend: BackendName;
  models: ModelInfo[];
  phase: 'idle' | 'decoding' | 'training' | 'done' | 'failed';
  progress: string;
  history: EpochRecord[];
  results: ResultsJson | null;
  preview: PreviewImages | null;
  onnxCheck: string | null;
  /** The dataset version the open set with its split makes (kept when a run starts), or null while reading. */
  version: ImageDatasetVersion | null;
  /** Saving a run or reading the files for the version failed (the run itself may have finished). */
  versionError: string | null;
  /** How the open set's version differs from the latest kept one (null: none kept, or the same). */
  versionDiff: { against: string; changes: string[] } | null;
  /** What the last TF.js export wrote and how to load it. */
  tfjsNote: string | null;
  open(files: File[]): Promise<void>;
  loadDemo(count?: number): Promise<void>;
  makeSplit(seed?: number): void;
  /** Work out the open set's version (file digests in the worker, cached). */
  refreshVersion(): Promise<void>;
  setConfig(patch: Partial<ImageTrainConfig>): void;
  setAugment(a: AugmentConfig): void;
  setBackend(b: BackendName): void;
  refreshModels(): Promise<void>;
  train(): Promise<void>;
  stop(): void;
  previewAugment(): Promise<void>;
  downloadResults(): void;
  exportOnnx(): Promise<void>;
  exportTfjs(): Promise<void>;
  /** Take a labelled set (from open or the demo): reset the run, split 70/15/15, size the input. */
  loadLabelled(files: ImageFile[], labels: ImageLabels): Promise<void>;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

function defaultConfig(): ImageTrainConfig {
  return {
    model: 'convnext-atto-cbam',
    task: 'multi-label',
    classNames: [],
    height: 256,
    width: 1600,
    channels: 1,
    batchSize: 8,
    epochs: 30,
    lr: 1e-3,
    weightDecay: 0.05,
    warmupEpochs: 2,
    patience: 15,
    loss: 'focal',
    focalGamma: 2,
    augment: defaultAugment(),
    seed: 42,
    maxBatchesPerEpoch: 0,
    classWeights: false,
  };
}

async function naturalSize(blob: Blob): Promise<[number, number] | null> {
  try {
    const bmp = await createImageBitmap(blob);
    const s: [number, number] = [bmp.height, bmp.width];
    bmp.close();
    return s;
  } catch {
    return null;
  }
}

const roundTo32 = (v: number) => Math.max(32, Math.floor(v / 32) * 32);

let abort: AbortController | null = null;
/** What the worker holds decoded: "<n files>:<h>x<w>". */
let decodedKey = '';

export const useImages = create<ImagesState>(
  (set, get) =>
    ({
      files: [],
      labels: null,
      naturalSize: null,
      error: null,
      split: null,
      config: defaultConfig(),
      backend: 'wasm',
      models: [],
      phase: 'idle',
      progress: '',
      history: [],
      results: null,
      preview: null,
      onnxCheck: null,
      version: null,
      versionError: null,
      versionDiff: null,
      tfjsNote: null,

      async open(list) {
        try {
          // a ZIP's entries stand in for the folder it was made from (unpacked in the images worker)
          const all: { path: string; file: Blob; name: string }[] = [];
          for (const f of list) {
            if (!isZipPath(f.name)) {
              all.push({ path: f.webkitRelativePath || f.name, file: f, name: f.name });
              continue;
            }
            set({ progress: `Unpacking ${f.name}…`, error: null });
            const unzipped = await imagesWorker.run('unzipImageSet', [f, f.name], {
              onProgress: (p) =>
                set({ progress: `Unpacking ${f.name}: ${p.done} / ${p.total ?? '?'} files` }),
            });
            for (const e of unzipped) {
              all.push({ path: e.path, file: e.blob, name: `${f.name}/${e.path}` });
            }
          }
          const from = new Map<string, string>();
          for (const f of all) {
            const prev = from.get(f.path);
            if (prev !== undefined) {
              throw new Error(
                `"${f.path}" is opened twice (${prev} and ${f.name}): open one set at a time, or put the files in different folders`,
              );
            }
            from.set(f.path, f.name);
          }
          const images = all.filter((f) => isImagePath(f.path));
          const csv = all.find((f) => f.path.toLowerCase().endsWith('.csv'));
          const paths = images.map((f) => f.path);
          let labels: ImageLabels;
          if (csv) {
            const text = await csv.file.text();
            const name = csv.name;
            labels = isSteelLayout(text) ? steelLabels(text, name, paths) : csvLabels(text, name, paths);
          } else labels = imageFolderLabels(paths);
          const zips = list.filter((f) => isZipPath(f.name)).map((f) => f.name);
          if (zips.length) labels.source = `${labels.source} in ${zips.join(', ')}`;
          const byPath = new Map(images.map((f) => [f.path, f.file]));
          const files = labels.items.map((it) => ({ path: it.path, blob: byPath.get(it.path)! }));
          await get().loadLabelled(files, labels);
        } catch (e) {
          set({ error: message(e), progress: '' });
        }
      },

      async loadDemo(count = 120) {
        set({ progress: 'Generating steel-like images…', error: null });
        try {
          const { files, csv } = await imagesWorker.run('generateSteelDemo', [count, 7], {
            onProgress: (p) =>
              set({ progress: `Generating steel-like images: ${p.done} / ${p.total ?? count}` }),
          });
          const labels = steelLabels(
            csv,
            'steel-demo.csv',
            files.map((f) => f.path),
            STEEL_CLASSES.length,
          );
          labels.classNames = [...STEEL_CLASSES];
          labels.source = `generated steel-like demo (${count} images, 256x1600 grey)`;
          await get().loadLabelled(files, labels);
        } catch (e) {
          set({ error: message(e), progress: '' });
        }
      },

      makeSplit(seed = 42) {
        const { labels, files } = get();
        if (!labels) return;
        try {
          // Unreadable files (found by the quality check) stay out of every split.
          const out = new Set(unreadableOf(files));
          const keep = labels.items.flatMap((_, i) => (out.has(i) ? [] : [i]));
          const s = splitImages(
            labels.task,
            labels.classNames.length,
            keep.map((i) => labels.items[i]!),
            seed,
            STRATIFIED_70_15_15,
          );
          const left = out.size
            ? [`${out.size} unreadable image(s) left out of the split (see Findings)`]
            : [];
          set({
            split: {
              train: Array.from(s.train, (i) => keep[i]!),
              val: Array.from(s.val, (i) => keep[i]!),
              test: Array.from(s.test, (i) => keep[i]!),
              description: s.description,
              warnings: [...s.warnings, ...left],
            },
            error: null,
          });
          void get().refreshVersion();
        } catch (e) {
          set({ error: message(e), version: null, versionDiff: null });
        }
      },

      async refreshVersion() {
        const { files, labels, split } = get();
        set({ version: null, versionError: null, versionDiff: null });
        if (!labels || !split) return;
        try {
          const { version, header, entries } = await versionOfSet(files, labels, split);
          const d = await diffFromLatest(header, entries, version.id);
          const versionDiff = d ? { against: d.against.name, changes: d.changes } : null;
          // the set or split may have changed meanwhile
          if (get().labels === labels && get().split === split) set({ version, versionDiff });
        } catch (e) {
          if (get().labels === labels) set({ versionError: message(e) });
        }
      },

      setConfig(patch) {
        set({ config: { ...get().config, ...patch } });
        if ('height' in patch || 'width' in patch || 'model' in patch) void get().refreshModels();
      },
      setAugment(a) {
        set({ config: { ...get().config, augment: a } });
      },
      setBackend(b) {
        set({ backend: b });
      },

      async refreshModels() {
        const { config } = get();
        try {
          const models = await imagesWorker.api.listModels(
            config.height,
            config.width,
            config.channels,
            config.task === 'binary' ? 1 : Math.max(1, config.classNames.length),
          );
          set({ models });
        } catch (e) {
          set({ error: message(e) });
        }
      },

      async train() {
        const { labels, split, files, backend } = get();
        let { config } = get();
        if (!labels || !split) {
          set({ error: 'Open an image set and split it before training' });
          return;
        }
        abort = new AbortController();
        let runId: string | null = null;
        let releaseLock = () => {};
        set({
          phase: 'decoding',
          error: null,
          history: [],
          results: null,
          onnxCheck: null,
          progress: 'Decoding images…',
        });
        try {
          await imagesWorker.api.checkRun(config, backend);
          set({ progress: 'Freezing the dataset version…' });
          const frozen = await versionOfSet(files, labels, split, abort.signal);
          const version = await saveImageVersion(frozen.header, frozen.entries);
          set({ version, progress: 'Decoding images…' });
          const key = `${files.length}:${config.height}x${config.width}`;
          if (key !== decodedKey) {
            const r = await imagesWorker.run(
              'decode',
              [files, config.height, config.width, 'auto', unreadableOf(files)],
              {
                signal: abort.signal,
                onProgress: (p) => set({ progress: `Decoding images: ${p.done} / ${p.total ?? '?'}` }),
              },
            );
            decodedKey = key;
            config = { ...config, channels: r.channels };
            set({ config });
          }
          runId = `images-${Date.now()}`;
          await startImageRun({
            id: runId,
            createdAt: Date.now(),
            backend,
            config,
            datasetVersionId: version.id,
          });
          useImageRuns.getState().setCurrent(runId);
          releaseLock = holdRunLock(runId);
          set({ phase: 'training', progress: 'Training…' });
          const events = {
            onEpoch: (e: EpochRecord) => set({ history: [...get().history, e] }),
            onBatch: (e: { epoch: number; batch: number; batches: number; loss: number }) =>
              set({
                progress: `epoch ${e.epoch + 1}/${config.epochs}, batch ${e.batch + 1}/${e.batches}, loss ${e.loss.toFixed(4)}`,
              }),
          };
          const trained = await imagesWorker.run(
            'train',
            [runId, backend, labels.items, split, labels.source, config, Comlink.proxy(events)],
            { signal: abort.signal },
          );
          const results = withDatasetVersion(trained, version);
          const id = runId;
          runId = null; // trained: a failure to record it below is not a failed run
          // Recorded before 'Done' shows, so what the page shows as done is also kept.
          try {
            await finishImageRun(id, {
              history: results.history,
              results,
              weights: await imagesWorker.api.lastWeightsPacked(),
            });
          } catch (e) {
            set({ versionError: `The run finished but could not be kept in this browser: ${message(e)}` });
          }
          set({
            phase: 'done',
            results,
            progress: `Done: ${results.experiment.stopped}, ${results.timings.epochs} epoch(s)`,
          });
        } catch (e) {
          set({ phase: 'failed', error: message(e), progress: '' });
          if (runId)
            await finishImageRun(runId, { history: get().history, error: message(e) }).catch((e2: unknown) =>
              set({ versionError: `The failed run could not be recorded: ${message(e2)}` }),
            );
        } finally {
          abort = null;
          releaseLock();
          useImageRuns.getState().setCurrent(null);
          void useImageRuns
            .getState()
            .load()
            .catch((e: unknown) => set({ versionError: message(e) }));
        }
      },

      stop() {
        abort?.abort();
      },

      async previewAugment() {
        const { files, config, labels } = get();
        if (!labels) return;
        try {
          const key = `${files.length}:${config.height}x${config.width}`;
          if (key !== decodedKey) {
            const r = await imagesWorker.run(
              'decode',
              [files, config.height, config.width, 'auto', unreadableOf(files)],
              {},
            );
            decodedKey = key;
            set({ config: { ...get().config, channels: r.channels } });
          }
          const out = new Set(unreadableOf(files));
          const preview = await imagesWorker.api.previewAugment(
            files.flatMap((_, i) => (out.has(i) ? [] : [i])).slice(0, 3),
            config.augment,
            Date.now() % 1000,
            get().backend,
          );
          set({ preview });
        } catch (e) {
          set({ error: message(e) });
        }
      },

      downloadResults() {
        const r = get().results;
        if (r)
          downloadBytes(`results-${r.experiment.runId}.json`, JSON.stringify(r, null, 2), 'application/json');
      },

      async exportOnnx() {
        try {
          const r = await imagesWorker.api.exportOnnx();
          const name = get().results?.config.model ?? 'model';
          downloadBytes(`${name}.onnx`, r.bytes, 'application/octet-stream');
          const paths = r.testIds.map((i) => get().labels!.items[i]!.path);
          downloadBytes(
            `${name}.test-logits.json`,
            JSON.stringify({ outputs: r.outputs, paths, logits: Array.from(r.testLogits) }),
            'application/json',
          );
          set({
            onnxCheck: `ONNX written (${(r.bytes.length / 1e6).toFixed(1)} MB) with the test-set logits to check it against`,
          });
        } catch (e) {
          set({ error: message(e) });
        }
      },

      async exportTfjs() {
        try {
          const r = await imagesWorker.api.exportTfjs();
          downloadBytes('model.json', r.modelJson, 'application/json');
          downloadBytes(r.weightsPath, r.weights, 'application/octet-stream');
          const run = get().results?.experiment.runId ?? '';
          set({
            tfjsNote: `TF.js graph model of ${run} written: model.json + ${r.weightsPath} (${(r.weights.length / 1e6).toFixed(1)} MB). Keep them side by side and load with tf.loadGraphModel('…/model.json'); input NHWC pixels / 255, outputs logit and probability`,
          });
        } catch (e) {
          set({ error: message(e) });
        }
      },

      async loadLabelled(files: ImageFile[], labels: ImageLabels) {
        const size = files[0] ? await naturalSize(files[0].blob) : null;
        decodedKey = '';
        const config = {
          ...get().config,
          task: labels.task,
          classNames: labels.classNames,
          loss: 'focal' as const,
          ...(size ? { height: roundTo32(size[0]), width: roundTo32(size[1]) } : {}),
        };
        set({
          files,
          labels,
          naturalSize: size,
          error: null,
          split: null,
          config,
          phase: 'idle',
          history: [],
          results: null,
          preview: null,
          onnxCheck: null,
          progress: '',
        });
        get().makeSplit(config.seed);
        // Check every file in the background; unreadable ones then leave the split.
        void inspectImageSet(files).then((facts) => {
          if (facts?.some((f) => f.decodeError !== undefined) && get().files === files)
            get().makeSplit(get().config.seed);
        });
        await get().refreshModels();
      },
    }) as ImagesState & { loadLabelled(files: ImageFile[], labels: ImageLabels): Promise<void> },
);
