// Evaluation state: the models the eval worker holds (runs and imports), the data evaluated (a split of the
// training arrays, test by default, or labelled images dropped in), the predictions and every figure derived
// from them at the current decision threshold, and the exports.
import { create } from 'zustand';
import { cropBlobs, type CropChunk } from '../core/data/crop-chunks';
import type { SplitArrays, TrainingArrays } from '../core/data/training-arrays';
import { allMetricsCsv, configDiff } from '../core/eval/compare';
import { predictionsToCsv } from '../core/eval/csv';
import { allBlackFlags } from '../core/data/quality';
import { metricsOfSummary, type EvaluationRecord } from '../core/eval/records';
import { datesFromPerFrameCounts, timelineCsv, type CropPrediction } from '../core/eval/timeline';
import { parseSpatterAtFrameCsv } from '../core/extract/csv';
import { resolveUserUrl } from '../core/routing/user-url';
import {
  evaluate,
  summarizeEvaluation,
  type Evaluation,
  type EvaluationSummary,
  type PredictionSet,
} from '../core/eval/evaluation';
import {
  decodeTensor,
  encodeTensor,
  makeRunFile,
  parseRunFile,
  RunFileError,
  serializeRunFile,
  type EncodedTensor,
} from '../core/eval/run-file';
import type { ModelInputSpec, WeightMap } from '../core/export/sequential';
import { evalWorker } from '../workers/eval/client';
import type { ResumeState } from '../workers/train/loop';
import { getModel } from '../workers/train/models/registry';
import type { RunModelSpec } from '../workers/eval/api';
import type { ModelInfo } from '../workers/eval/tfjs-model';
import type { Progress } from '../workers/task';
import { extractVideoCrops } from './classify-video';
import { useDataStore } from './data-store';
import { useDatasets } from './dataset-store';
import { useEvaluations } from './evaluations-store';
import { useExtractStore } from './extract-store';
import { notifyError, useNotices } from './notices-store';
import { useRuns, type RunRecord } from './runs-store';
import { useSettings } from './settings-store';

export type SplitName = 'train' | 'val' | 'test';

export interface EvalModel {
  key: string;
  /** What the user sees: the run name or the imported file/URL. */
  label: string;
  info: ModelInfo;
  origin: 'run' | 'import';
  runId?: string;
  /** Kept for runs so the ONNX export (which needs the registry name and raw weights) is possible. */
  spec?: RunModelSpec;
}

/** Images dropped in, each drop with one label (or none: then they can only be classified). */
export interface DroppedSet {
  names: string[];
  x: Uint8Array;
  side: number;
  /** Class index per image, -1 when unlabelled. */
  labels: number[];
}

export type DataChoice = SplitName | 'dropped';

/**
 * Whose split a run is evaluated on: its own frozen dataset version (the default, and the only way to its own
 * test score) or the data library as it is now (other data: stored as a separate evaluation, labelled so).
 */
export type DataBasis = 'own' | 'library';

export interface EvalState {
  models: EvalModel[];
  activeKey: string | null;
  /** The data library's arrays, handed over by the data/train side (null until a dataset is prepared). */
  trainingArrays: TrainingArrays | null;
  dropped: DroppedSet | null;
  data: DataChoice;
  basis: DataBasis;
  /** The dataset version the library splits (`trainingArrays`) were frozen as. */
  libraryVersionId: string | null;
  /** What the shown evaluation was made on (stored as an evaluation record). */
  lastRecord: EvaluationRecord | null;
  setBasis(b: DataBasis): void;
  predictions: PredictionSet | null;
  /** The crops behind `predictions` (to show them), side x side grey each. */
  predictionCrops: { x: Uint8Array; side: number } | null;
  evaluation: Evaluation | null;
  threshold: number;
  busy: { what: string; progress?: Progress } | null;
  /** Summary of the last evaluation per model key, for runs to keep. */
  summaries: Record<string, EvaluationSummary>;
  /** The last classified video: every crop's P(class 1) with its frame and layer. */
  video: VideoClassification | null;
  /** The last classification of dropped images. */
  cropPredictions: CropPredictions | null;

  setTrainingArrays(a: TrainingArrays | null): void;
  /** Build the splits from the crops open in the data library (current data.* settings). */
  loadDataSplits(): Promise<void>;
  addRunModel(runId: string, label: string, spec: RunModelSpec): Promise<EvalModel | null>;
  importModelFiles(files: File[]): Promise<EvalModel | null>;
  importModelUrl(url: string): Promise<EvalModel | null>;
  selectModel(key: string): void;
  removeModel(key: string): void;
  setData(choice: DataChoice): void;
  /** Decode images and add them to the dropped set with `label` (null: unlabelled). */
  dropImages(files: File[], label: number | null, side?: number): Promise<void>;
  clearDropped(): void;
  runEvaluation(): Promise<Evaluation | null>;
  setThreshold(t: number): void;
  cancel(): void;
  exportTfjs(): Promise<void>;
  exportOnnx(layout: 'NCHW' | 'NHWC'): Promise<void>;
  downloadPredictionsCsv(): void;
  /** Classify every crop extracted from a video with the active model (the monitoring view). */
  classifyVideoCrops(input: VideoCropsInput): Promise<VideoClassification | null>;
  /**
   * Classify a build video: extract every crop with the Extract area's options (the extraction worker), date
   * each by frame and layer, then classify them (classifyVideoCrops). `cancel()` stops either phase.
   */
  classifyVideo(file: File): Promise<VideoClassification | null>;
  /**
   * Classify a build from the research tool's output for one video: its HDF5 of crops and its
   * `_spatter_at_frame.csv` (crops per frame, in the order they were stored), which dates every crop.
   */
  classifyResearchBuild(h5: File, perFrameCsv: File | null): Promise<VideoClassification | null>;
  /** Classify the dropped images (labelled or not): each one's predicted class and confidence. */
  classifyDropped(): Promise<void>;
  downloadVideoCsv(kind: 'crops' | 'frames' | 'layers'): void;
}

/** Crops of a build video decoded and classified at once (bounds the images held, whatever the video's length). */
const VIDEO_BATCH = 4096;

/** What the extraction hands over for one video: the crops (JPEG bytes, spooled in Blob chunks) and where each was found. */
export interface VideoCropsInput {
  videoName: string;
  chunks: CropChunk[];
  /** Frame index of each crop. */
  frames: number[];
  /** Layer index of each crop. */
  layers: number[];
  /** Frames in the video (so the timeline spans frames without spatter too). */
  totalFrames?: number;
}

export interface VideoClassification {
  videoName: string;
  modelLabel: string;
  classNames: string[];
  totalFrames: number | null;
  /** False when no per-frame log came with the crops: frames are then crop numbers and there is no timeline. */
  dated: boolean;
  predictions: CropPrediction[];
}

/** Predictions for crops without the evaluation figures (unlabelled images). */
export interface CropPredictions {
  names: string[];
  /** P(class 1) (one output) or per-class probabilities, N x numOutputs. */
  probs: Float32Array;
  numOutputs: number;
  classNames: string[];
  x: Uint8Array;
  side: number;
  /** All-black images: shown flagged, not counted as a class. */
  black: boolean[];
}

let abort: AbortController | null = null;

/** Stop the evaluation job in progress (if any) and start a new one: its signal. */
function restartJob(): AbortSignal {
  abort?.abort();
  abort = new AbortController();
  return abort.signal;
}

/**
 * A run evaluated on splits made with other data settings than it was trained with may be scored on crops it
 * trained on: say which settings differ (the user decides; settings are never changed behind their back).
 */
function warnIfSplitDiffers(model: EvalModel, data: DataChoice): void {
  if (!model.runId || data === 'dropped') return;
  const run = useRuns.getState().runs.find((r) => r.id === model.runId);
  if (!run) return;
  const current = useSettings.getState().config.data;
  const differs = configDiff([{ data: run.config.data }, { data: current }], true);
  if (differs.length === 0) return;
  useNotices.getState().notify({
    kind: 'warning',
    title: `The ${data} split is not the one "${run.name}" was trained with`,
    detail:
      `These data settings differ from the run's: ${differs.map((d) => `${d.key} (run ${d.values[0]}, now ${d.values[1]})`).join(', ')}. ` +
      'Set them as the run had them (System area) and rebuild the splits for a clean test score.',
  });
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Save bytes as a download (the studio never uploads anything). */
export function downloadBytes(name: string, bytes: Uint8Array | string, type: string): void {
  const blob = new Blob([typeof bytes === 'string' ? bytes : (bytes.slice().buffer as ArrayBuffer)], {
    type,
  });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function fileBaseName(label: string): string {
  return label.replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '') || 'model';
}

function cacheSide(s: EvalState): number {
  return s.trainingArrays?.side ?? s.dropped?.side ?? 40;
}

function splitOf(
  s: EvalState,
): { arrays: SplitArrays; side: number; name: string; classNames?: string[] } | null {
  if (s.data === 'dropped') {
    const d = s.dropped;
    if (!d || d.labels.some((l) => l < 0)) return null;
    return {
      arrays: { x: d.x, y: Uint8Array.from(d.labels), ids: d.names },
      side: d.side,
      name: 'dropped images',
    };
  }
  const a = s.trainingArrays;
  if (!a) return null;
  return { arrays: a[s.data], side: a.side, name: s.data, classNames: a.classNames };
}

export const useEval = create<EvalState>((set, get) => {
  /** The chosen model, or null after telling the user to choose one before classifying `what`. */
  const chosenModel = (what: string): EvalModel | null => {
    const s = get();
    const model = s.models.find((m) => m.key === s.activeKey);
    if (!model)
      notifyError(`Choose a model before classifying ${what}`, 'Load a run or import a TF.js model.');
    return model ?? null;
  };
  const addModel = (m: EvalModel) =>
    set((s) => ({
      models: [...s.models.filter((x) => x.key !== m.key), m],
      activeKey: m.key,
      predictions: null,
      evaluation: null,
    }));

  return {
    models: [],
    activeKey: null,
    trainingArrays: null,
    dropped: null,
    data: 'test',
    basis: 'own',
    libraryVersionId: null,
    lastRecord: null,
    setBasis: (b) => set({ basis: b, predictions: null, evaluation: null, lastRecord: null }),
    predictions: null,
    predictionCrops: null,
    evaluation: null,
    threshold: 0.5,
    busy: null,
    summaries: {},
    video: null,
    cropPredictions: null,

    setTrainingArrays: (a) => set({ trainingArrays: a, predictions: null, evaluation: null }),

    loadDataSplits: async () => {
      const signal = restartJob();
      set({ busy: { what: 'Preparing the splits' } });
      try {
        const onProgress = (p: Progress) => set({ busy: { what: 'Preparing the splits', progress: p } });
        // The library's splits are frozen as a dataset version too, so an evaluation on them names its data.
        const version = await useDatasets.getState().freezeCurrent({ signal, onProgress });
        const arrays = await useDatasets.getState().arraysFor(version.id, { signal, onProgress });
        // A result on dropped images stays; one on the old splits no longer matches them.
        set((st) =>
          st.data === 'dropped'
            ? { trainingArrays: arrays, libraryVersionId: version.id }
            : {
                trainingArrays: arrays,
                libraryVersionId: version.id,
                predictions: null,
                evaluation: null,
                lastRecord: null,
              },
        );
      } catch (e) {
        if ((e as Error).name !== 'AbortError') notifyError('The splits could not be prepared', message(e));
      } finally {
        set({ busy: null });
      }
    },

    addRunModel: async (runId, label, spec) => {
      try {
        const key = `run-${runId}`;
        const info = await evalWorker.api.loadRunModel(key, spec);
        const m: EvalModel = { key, label, info, origin: 'run', runId, spec };
        addModel(m);
        return m;
      } catch (e) {
        notifyError(`Run "${label}" could not be loaded for evaluation`, message(e));
        return null;
      }
    },

    importModelFiles: async (files) => {
      const json = files.find((f) => f.name.endsWith('.json') && f.name !== 'metadata.json') ?? files[0];
      if (!json) return null;
      try {
        const meta = files.find((f) => f.name === 'metadata.json');
        const weights: Record<string, ArrayBuffer> = {};
        for (const f of files) if (f !== json && f !== meta) weights[f.name] = await f.arrayBuffer();
        const res = await evalWorker.api.importModelFiles(
          {
            modelJson: await json.text(),
            modelJsonName: json.name,
            weights,
            ...(meta ? { metadataJson: await meta.text() } : {}),
          },
          cacheSide(get()),
        );
        if (res.warning)
          useNotices.getState().notify({ kind: 'warning', title: `${json.name}: ${res.warning}` });
        const m: EvalModel = {
          key: res.key,
          label: `${res.info.name} (${json.name})`,
          info: res.info,
          origin: 'import',
        };
        addModel(m);
        return m;
      } catch (e) {
        notifyError(`${json.name} was not imported`, message(e));
        return null;
      }
    },

    importModelUrl: async (typed) => {
      // Resolved against the page here: the worker would resolve a relative path against its own script.
      const resolved = resolveUserUrl(typed, document.baseURI);
      if (!resolved.ok) {
        notifyError(`${typed} could not be imported`, resolved.error);
        return null;
      }
      const url = resolved.url;
      try {
        const res = await evalWorker.api.importModelUrl(url, cacheSide(get()));
        if (res.warning) useNotices.getState().notify({ kind: 'warning', title: `${url}: ${res.warning}` });
        const m: EvalModel = {
          key: res.key,
          label: `${res.info.name} (${url})`,
          info: res.info,
          origin: 'import',
        };
        addModel(m);
        return m;
      } catch (e) {
        notifyError(`The model at ${url} was not imported`, message(e));
        return null;
      }
    },

    selectModel: (key) => set({ activeKey: key, predictions: null, evaluation: null }),

    removeModel: (key) => {
      // The worker may never have started (nothing to release then).
      void Promise.resolve()
        .then(() => evalWorker.api.release(key))
        .catch(() => undefined);
      set((s) => ({
        models: s.models.filter((m) => m.key !== key),
        activeKey: s.activeKey === key ? null : s.activeKey,
        predictions: s.activeKey === key ? null : s.predictions,
        evaluation: s.activeKey === key ? null : s.evaluation,
      }));
    },

    setData: (choice) => set({ data: choice, predictions: null, evaluation: null }),

    dropImages: async (files, label, side) => {
      const s = side ?? cacheSide(get());
      set({ busy: { what: 'Decoding images' } });
      try {
        const res = await evalWorker.run('decodeImages', [files, files.map((f) => f.name), s]);
        if (res.failed.length) {
          notifyError(
            `${res.failed.length} of ${files.length} files are not images and were skipped`,
            res.failed.slice(0, 5).join(', ') + (res.failed.length > 5 ? ', ...' : ''),
          );
        }
        if (res.names.length) {
          const prev = get().dropped;
          const keep = prev && prev.side === s ? prev : null;
          const x = new Uint8Array((keep?.x.length ?? 0) + res.x.length);
          if (keep) x.set(keep.x);
          x.set(res.x, keep?.x.length ?? 0);
          set({
            dropped: {
              names: [...(keep?.names ?? []), ...res.names],
              x,
              side: s,
              labels: [...(keep?.labels ?? []), ...res.names.map(() => label ?? -1)],
            },
            data: 'dropped',
            predictions: null,
            evaluation: null,
          });
        }
      } catch (e) {
        notifyError('The dropped images could not be read', message(e));
      } finally {
        set({ busy: null });
      }
    },

    clearDropped: () =>
      set((s) => ({
        dropped: null,
        data: s.data === 'dropped' ? 'test' : s.data,
        predictions: s.data === 'dropped' ? null : s.predictions,
        evaluation: s.data === 'dropped' ? null : s.evaluation,
      })),

    runEvaluation: async () => {
      const s = get();
      const model = s.models.find((m) => m.key === s.activeKey);
      if (!model) {
        notifyError('Choose a model to evaluate', 'Load a run from the Runs area or import a TF.js model.');
        return null;
      }
      const run = model.runId ? useRuns.getState().runs.find((r) => r.id === model.runId) : undefined;
      const ownVersion = s.data !== 'dropped' && s.basis === 'own' ? run?.datasetVersionId : undefined;
      let split = splitOf(s);
      if (ownVersion && s.data !== 'dropped') {
        const which = s.data;
        set({ busy: { what: `Rebuilding the ${which} split of the run’s dataset version` } });
        try {
          const a = await useDatasets.getState().arraysFor(ownVersion, { splits: [which] });
          split = { arrays: a[which], side: a.side, name: which, classNames: a.classNames };
        } catch (e) {
          set({ busy: null });
          notifyError(`The ${which} split of ${model.label} could not be rebuilt`, message(e));
          return null;
        }
      }
      if (!split) {
        notifyError(
          s.data === 'dropped' ? 'Some dropped images have no label' : `There is no ${s.data} split yet`,
          s.data === 'dropped'
            ? 'Clear them and drop them again with a class chosen, or use a data split.'
            : 'Open HDF5 files in the Data area and prepare the splits first.',
        );
        return null;
      }
      const signal = restartJob();
      if (!ownVersion) warnIfSplitDiffers(model, s.data);
      set({ busy: { what: `Predicting the ${split.name} split` } });
      try {
        const pred = await evalWorker.run('predictSplit', [model.key, split.arrays, split.side, split.name], {
          signal,
          onProgress: (p) => set({ busy: { what: `Predicting the ${split.name} split`, progress: p } }),
        });
        const classNames =
          split.classNames && split.classNames.length === pred.classNames.length
            ? split.classNames
            : pred.classNames;
        const predictions = { ...pred, classNames };
        const ev = evaluate(predictions, get().threshold);
        const summary = summarizeEvaluation(ev);
        set((st) => ({
          predictions,
          predictionCrops: { x: split.arrays.x, side: split.side },
          evaluation: ev,
          summaries: { ...st.summaries, [model.key]: summary },
        }));
        // Every evaluation is its own record (run × dataset version × split); the run's recorded test
        // metrics are never touched.
        const versionId = ownVersion ?? (s.data === 'dropped' ? null : s.libraryVersionId);
        const record = await useEvaluations
          .getState()
          .add({
            runId: run?.id ?? null,
            checkpoint: null,
            modelVersionId: null,
            datasetVersionId: versionId ?? 'dropped-images',
            split: s.data === 'dropped' ? 'all' : s.data,
            own: Boolean(ownVersion) && s.data === 'test',
            metrics: metricsOfSummary(summary),
            predictionsKey: null,
            threshold: get().threshold,
            note: ownVersion
              ? `the run’s own ${s.data} split`
              : s.data === 'dropped'
                ? `${split.arrays.y.length} dropped images`
                : `the data library’s ${s.data} split (other data than the run’s own)`,
          })
          .catch(() => null);
        set({ lastRecord: record });
        return ev;
      } catch (e) {
        if ((e as Error).name !== 'AbortError') notifyError(`Evaluating ${model.label} failed`, message(e));
        return null;
      } finally {
        set({ busy: null });
      }
    },

    setThreshold: (t) => {
      const p = get().predictions;
      set({ threshold: t, evaluation: p ? evaluate(p, t) : null });
    },

    cancel: () => abort?.abort(),

    exportTfjs: async () => {
      const s = get();
      const model = s.models.find((m) => m.key === s.activeKey);
      if (!model) return;
      try {
        const summary = s.summaries[model.key];
        const files = await evalWorker.api.exportTfjs(model.key, {
          training: {
            run: model.runId ?? null,
            label: model.label,
            ...(summary ? { evaluation: summary } : {}),
          },
          cacheSide: cacheSide(s),
        });
        const base = fileBaseName(model.label);
        for (const f of files)
          downloadBytes(f.name === 'weights.bin' ? f.name : `${base}-${f.name}`, f.bytes, f.type);
      } catch (e) {
        notifyError(`Exporting ${model.label} as TF.js failed`, message(e));
      }
    },

    exportOnnx: async (layout) => {
      const s = get();
      const model = s.models.find((m) => m.key === s.activeKey);
      if (!model) return;
      try {
        const bytes = model.spec
          ? await evalWorker.api.exportOnnx(model.spec, { layout })
          : await evalWorker.api.exportOnnxLoaded(model.key, { layout });
        downloadBytes(`${fileBaseName(model.label)}.onnx`, bytes, 'application/octet-stream');
      } catch (e) {
        notifyError(`Exporting ${model.label} as ONNX failed`, message(e));
      }
    },

    classifyDropped: async () => {
      const s = get();
      const model = s.models.find((m) => m.key === s.activeKey);
      const d = s.dropped;
      if (!model || !d) return;
      set({ busy: { what: 'Classifying the dropped images' } });
      try {
        const probs = await evalWorker.run('classifyCrops', [model.key, d.x, d.side, false]);
        set({
          cropPredictions: {
            names: d.names,
            probs,
            numOutputs: model.info.numOutputs,
            classNames: model.info.classNames,
            x: d.x,
            side: d.side,
            black: allBlackFlags(d.x, d.side),
          },
        });
      } catch (e) {
        notifyError('Classifying the dropped images failed', message(e));
      } finally {
        set({ busy: null });
      }
    },

    classifyResearchBuild: async (h5, perFrameCsv) => {
      const s = get();
      const model = chosenModel(h5.name);
      if (!model) return null;
      const signal = restartJob();
      const side = cacheSide(s);
      try {
        const counts = perFrameCsv
          ? parseSpatterAtFrameCsv(await perFrameCsv.text(), perFrameCsv.name)
          : null;
        set({ busy: { what: `Reading the crops of ${h5.name}` } });
        const read = await evalWorker.run('readH5Crops', [h5, side], {
          signal,
          onProgress: (p) => set({ busy: { what: `Reading the crops of ${h5.name}`, progress: p } }),
        });
        const logged = counts ? counts.reduce((a, b) => a + b, 0) : read.count;
        if (perFrameCsv && logged !== read.count) {
          throw new Error(
            `${perFrameCsv.name} counts ${logged} crops but ${h5.name} holds ${read.count}: they are not from the same extraction run.`,
          );
        }
        if (read.failed.length) {
          throw new Error(
            `${read.failed.length} crops could not be decoded, e.g. ${read.failed[0]}; the file may be damaged.`,
          );
        }
        const { frames, layers } = counts
          ? datesFromPerFrameCounts(counts, useSettings.getState().config.extract.layer_gap)
          : {
              frames: Array.from({ length: read.count }, (_, i) => i),
              layers: new Array<number>(read.count).fill(0),
            };
        set({ busy: { what: `Classifying the crops of ${h5.name}` } });
        const probs = await evalWorker.run('classifyCrops', [model.key, read.x, side, false], {
          signal,
          onProgress: (p) => set({ busy: { what: `Classifying the crops of ${h5.name}`, progress: p } }),
        });
        const k = model.info.numOutputs;
        const black = allBlackFlags(read.x, side);
        const video: VideoClassification = {
          videoName: h5.name.replace(/\.h5$/i, ''),
          modelLabel: model.label,
          classNames: model.info.classNames,
          totalFrames: counts ? counts.length : null,
          dated: counts !== null,
          predictions: frames.map((frame, i) => ({
            frame,
            layer: layers[i]!,
            probability: k === 1 ? probs[i]! : probs[i * k + 1]!,
            ...(black[i] ? { black: true } : {}),
          })),
        };
        set({ video });
        return video;
      } catch (e) {
        if ((e as Error).name !== 'AbortError') notifyError(`Classifying ${h5.name} failed`, message(e));
        return null;
      } finally {
        set({ busy: null });
      }
    },

    classifyVideoCrops: async (input) => {
      const s = get();
      const model = chosenModel(input.videoName);
      if (!model) return null;
      const n = input.chunks.reduce((a, c) => a + c.sizes.length, 0);
      if (n !== input.frames.length || n !== input.layers.length) {
        notifyError(
          `The extraction of ${input.videoName} is inconsistent`,
          'Crops, frames and layers differ in count.',
        );
        return null;
      }
      const signal = restartJob();
      const side = cacheSide(s);
      try {
        // A batch at a time (decode, then classify), so only one batch's images are held whatever the video's
        // length; the crops are Blob slices of the spooled chunks.
        const k = model.info.numOutputs;
        const predictions: CropPrediction[] = [];
        let failed = 0;
        for (let start = 0; start === 0 || start < n; start += VIDEO_BATCH) {
          const end = Math.min(n, start + VIDEO_BATCH);
          const blobs = cropBlobs(input.chunks, start, end);
          const names = blobs.map((_, i) => String(start + i));
          const overall = (p: Progress): Progress => ({
            ...p,
            done: start + p.done,
            total: n,
            unit: 'crops',
          });
          const decodeWhat = `Decoding the crops of ${input.videoName}`;
          set({ busy: { what: decodeWhat, progress: overall({ done: 0 }) } });
          const decoded = await evalWorker.run('decodeImages', [blobs, names, side], {
            signal,
            onProgress: (p) => set({ busy: { what: decodeWhat, progress: overall(p) } }),
          });
          const classifyWhat = `Classifying the crops of ${input.videoName}`;
          set({ busy: { what: classifyWhat, progress: overall({ done: 0 }) } });
          const probs = await evalWorker.run('classifyCrops', [model.key, decoded.x, side, false], {
            signal,
            onProgress: (p) => set({ busy: { what: classifyWhat, progress: overall(p) } }),
          });
          const black = allBlackFlags(decoded.x, side);
          decoded.names.forEach((name, j) => {
            const i = Number(name);
            predictions.push({
              frame: input.frames[i]!,
              layer: input.layers[i]!,
              probability: k === 1 ? probs[j]! : probs[j * k + 1]!,
              ...(black[j] ? { black: true } : {}),
            });
          });
          failed += decoded.failed.length;
          if (end >= n) break;
        }
        if (failed) {
          notifyError(`${failed} crops of ${input.videoName} could not be decoded and were skipped`);
        }
        const video: VideoClassification = {
          videoName: input.videoName,
          modelLabel: model.label,
          classNames: model.info.classNames,
          totalFrames: input.totalFrames ?? null,
          dated: true,
          predictions,
        };
        set({ video });
        return video;
      } catch (e) {
        if ((e as Error).name !== 'AbortError')
          notifyError(`Classifying ${input.videoName} failed`, message(e));
        return null;
      } finally {
        set({ busy: null });
      }
    },

    classifyVideo: async (file) => {
      if (!chosenModel(file.name)) return null;
      const signal = restartJob();
      const what = `Extracting the crops of ${file.name}`;
      set({ busy: { what } });
      let input: VideoCropsInput;
      try {
        const { options, pixelPath } = useExtractStore.getState();
        input = await extractVideoCrops(file, options, pixelPath, {
          signal,
          onProgress: (p) => set({ busy: { what, progress: p } }),
        });
      } catch (e) {
        set({ busy: null });
        if ((e as Error).name !== 'AbortError' && !signal.aborted)
          notifyError(`Extracting the crops of ${file.name} failed`, message(e));
        return null;
      }
      if (signal.aborted) {
        set({ busy: null });
        return null;
      }
      if (input.frames.length === 0) {
        useNotices.getState().notify({
          kind: 'warning',
          title: `${file.name}: no spatter was found, so there is nothing to classify`,
          detail: 'Check the extraction options in the Extract area (threshold, areas, bounds).',
        });
      }
      return get().classifyVideoCrops(input);
    },

    downloadVideoCsv: (kind) => {
      const { video, threshold } = get();
      if (!video) return;
      downloadBytes(
        `${fileBaseName(video.videoName)}-${kind}.csv`,
        timelineCsv(kind, video.predictions, video.classNames, threshold),
        'text/csv',
      );
    },

    downloadPredictionsCsv: () => {
      const { predictions, evaluation, models, activeKey } = get();
      if (!predictions || !evaluation) return;
      const label = models.find((m) => m.key === activeKey)?.label ?? 'model';
      downloadBytes(
        `${fileBaseName(label)}-${predictions.split.replace(/\s+/g, '-')}-predictions.csv`,
        predictionsToCsv(predictions, evaluation.predicted, evaluation.confidence),
        'text/csv',
      );
    },
  };
});

// ---- runs: evaluate, rename/tag, export and import (the run records live in the runs store) -------------

/**
 * Fields the Runs area adds to a run record (kept by the runs store as they are). Evaluations are records of
 * their own (evaluations-store), never fields of the run.
 */
export interface RunExtras {
  tags?: string[];
}

export type RunWithExtras = RunRecord & RunExtras;

const DEFAULT_CLASSES = ['low gas flow', 'high gas flow'];

function runInput(run: RunRecord): ModelInputSpec {
  return { size: run.config.model.input_size, channels: run.config.model.channels };
}

function runClassNames(): string[] {
  const names = useDataStore.getState().classNames;
  return names.length === 2 ? names : DEFAULT_CLASSES;
}

// A run deleted in the Runs area leaves Evaluate's model list too (it was still offered there).
useRuns.subscribe((s, prev) => {
  if (s.runs === prev.runs) return;
  const kept = new Set(s.runs.map((r) => r.id));
  const deleted = new Set(prev.runs.filter((r) => !kept.has(r.id)).map((r) => r.id));
  if (deleted.size === 0) return;
  for (const m of useEval.getState().models)
    if (m.runId && deleted.has(m.runId)) useEval.getState().removeModel(m.key);
});

/** Load a run's best checkpoint into the eval worker and make it the model evaluated. */
export async function evaluateRun(runId: string): Promise<boolean> {
  const run = useRuns.getState().runs.find((r) => r.id === runId);
  if (!run) return false;
  const best = await useRuns.getState().loadBestWeights(runId);
  if (!best) {
    notifyError(`Run "${run.name}" has no checkpoint to evaluate`, 'Train it for at least one epoch first.');
    return false;
  }
  const m = await useEval.getState().addRunModel(run.id, `${run.name} (${best.meta.name})`, {
    modelName: run.model,
    input: runInput(run),
    weights: best.weights,
    classNames: runClassNames(),
  });
  // With crops open and no splits built yet, build them so the test split is ready to evaluate.
  if (m && !useEval.getState().trainingArrays && useDataStore.getState().sources.length > 0) {
    void useEval.getState().loadDataSplits();
  }
  return m !== null;
}

export async function updateRunMeta(runId: string, patch: { name?: string; tags?: string[] }): Promise<void> {
  const run = useRuns.getState().runs.find((r) => r.id === runId) as RunWithExtras | undefined;
  if (!run) return;
  const next: RunWithExtras = { ...run };
  if (patch.name !== undefined) next.name = patch.name.trim() || run.name;
  if (patch.tags !== undefined) next.tags = [...new Set(patch.tags.map((t) => t.trim()).filter(Boolean))];
  try {
    await useRuns.getState().saveRun(next);
  } catch (e) {
    notifyError(`Run "${run.name}" could not be saved`, message(e));
  }
}

function encodeWeights(modelName: string, input: ModelInputSpec, w: WeightMap): EncodedTensor[] {
  let shapes: Record<string, number[]> = {};
  try {
    shapes = Object.fromEntries(
      getModel(modelName)
        .params(input)
        .map((p) => [p.name, p.shape]),
    );
  } catch {
    // an architecture this studio does not know: keep the tensors flat
  }
  return Object.entries(w).map(([name, data]) => encodeTensor(name, shapes[name] ?? [data.length], data));
}

function decodeWeights(tensors: EncodedTensor[]): WeightMap {
  return Object.fromEntries(tensors.map((t) => [t.name, decodeTensor(t)]));
}

/** The run file of a run: record + best checkpoint (weights and the optimizer state to resume from). */
export async function buildRunFile(runId: string): Promise<string> {
  const run = useRuns.getState().runs.find((r) => r.id === runId);
  if (!run) throw new Error(`Run ${runId} is not in this browser's run history`);
  const best = await useRuns.getState().loadBestWeights(runId);
  const state = best ? await useRuns.getState().loadCheckpoint(runId, best.meta.name) : null;
  const input = runInput(run);
  const record = {
    ...run,
    checkpoints: best ? [best.meta] : [],
    resume: state
      ? {
          epoch: state.epoch,
          lr: state.lr,
          earlyStopping: state.earlyStopping,
          optimizer: {
            step: state.optimizer.step,
            m: encodeWeights(run.model, input, state.optimizer.m),
            v: encodeWeights(run.model, input, state.optimizer.v),
          },
        }
      : null,
  };
  const weights = best
    ? { model: run.model, input, tensors: encodeWeights(run.model, input, best.weights) }
    : null;
  return serializeRunFile(makeRunFile(record, weights));
}

export async function exportRun(runId: string): Promise<void> {
  const run = useRuns.getState().runs.find((r) => r.id === runId);
  try {
    const text = await buildRunFile(runId);
    downloadBytes(`${fileBaseName(run?.name ?? runId)}.run.json`, text, 'application/json');
  } catch (e) {
    notifyError(`Run "${run?.name ?? runId}" could not be exported`, message(e));
  }
}

/** Import a run file; refused files change nothing. Returns the new run's id. */
export async function importRunFile(text: string, fileName: string): Promise<string | null> {
  try {
    const file = parseRunFile(text, fileName);
    const src = file.run as unknown as RunWithExtras & {
      resume?: {
        epoch: number;
        lr: number;
        earlyStopping: ResumeState['earlyStopping'];
        optimizer: { step: number; m: EncodedTensor[]; v: EncodedTensor[] };
      } | null;
    };
    if (typeof src.config !== 'object' || !src.history || !Array.isArray(src.history.epochs)) {
      throw new RunFileError(`${fileName} has no configuration or metric history.`);
    }
    const runs = useRuns.getState().runs;
    // The same run again (same id, start time and history): nothing to add, and the user is told so.
    const same = runs.find(
      (r) =>
        r.id === src.id &&
        r.createdAt === src.createdAt &&
        JSON.stringify(r.history.epochs) === JSON.stringify(src.history.epochs),
    );
    if (same) {
      useNotices.getState().notify({
        kind: 'info',
        title: `Run "${same.name}" is already in the list`,
        detail: `${fileName} holds the same run (same id, start and history); nothing was added.`,
      });
      return same.id;
    }
    const id = runs.some((r) => r.id === src.id) ? `${src.id}-imported-${Date.now().toString(36)}` : src.id;
    const { resume, ...record } = src;
    const run: RunWithExtras = {
      ...record,
      id,
      name: runs.some((r) => r.name === src.name) ? `${src.name} (imported)` : src.name,
      status: src.status === 'running' ? 'interrupted' : src.status,
      checkpoints: [],
    };
    // Decode everything before writing anything, so a damaged file leaves the history untouched.
    const weights = file.weights ? decodeWeights(file.weights.tensors) : null;
    const meta = src.checkpoints?.[0];
    const state: ResumeState | null =
      weights && meta
        ? {
            epoch: resume?.epoch ?? meta.epoch,
            weights,
            optimizer: resume
              ? {
                  step: resume.optimizer.step,
                  m: decodeWeights(resume.optimizer.m),
                  v: decodeWeights(resume.optimizer.v),
                }
              : {
                  step: 0,
                  m: Object.fromEntries(
                    Object.entries(weights).map(([k, w]) => [k, new Float32Array(w.length)]),
                  ),
                  v: Object.fromEntries(
                    Object.entries(weights).map(([k, w]) => [k, new Float32Array(w.length)]),
                  ),
                },
            history: src.history,
            earlyStopping: resume?.earlyStopping ?? { best: meta.valAcc, bestEpoch: meta.epoch, wait: 0 },
            lr: resume?.lr ?? src.config.training.lr,
          }
        : null;
    await useRuns.getState().saveRun(run);
    if (state && meta)
      await useRuns
        .getState()
        .addCheckpoint(id, meta, state, Math.max(1, src.config.training.keep_checkpoints));
    useNotices.getState().notify({ kind: 'info', title: `Imported run "${run.name}" from ${fileName}` });
    return id;
  } catch (e) {
    notifyError(`${fileName} was not imported`, message(e));
    return null;
  }
}

export function allRunsMetricsCsv(runIds?: string[]): string {
  const runs = useRuns.getState().runs.filter((r) => !runIds || runIds.includes(r.id));
  return allMetricsCsv(
    runs.map((r) => ({ id: r.id, name: r.name, history: r.history.epochs.map((e) => ({ ...e })) })),
  );
}
