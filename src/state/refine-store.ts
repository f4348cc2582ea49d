// Label refinement: every crop of the data library with its label and where it came from, K-fold out-of-sample
// probabilities (train worker), confident-learning label issues, pseudo-labels for unlabelled crops, embeddings
// and their 2D map (refine worker), spatter descriptors, undoable edits, the refined dataset version with its
// provenance, and the retrain on it (evaluated on the base version's unchanged test split).
import { create } from 'zustand';
import type { TrainingArrays } from '../core/data/training-arrays';
import {
  LABEL_SOURCES,
  SPLIT_NAMES,
  emptyItems,
  makeDatasetVersion,
  type DatasetItems,
  type DatasetVersion,
  type DatasetVersionHeader,
  type LabelSource,
} from '../core/dataset/version';
import {
  binaryProbs,
  findLabelIssues,
  type LabelIssue,
  type ProbMatrix,
} from '../core/refine/confident-learning';
import { refineCsv } from '../core/refine/csv';
import { confusionMatrix, predictClasses, reportFromConfusion } from '../core/eval/metrics';
import type { EvaluationRecord } from '../core/eval/records';
import { EditLog, describeEdit, trainingRows, type Edit, type EditKind } from '../core/refine/edits';
import { pseudoLabels, type PseudoLabelPreview } from '../core/refine/pseudo-labels';
import type { Progress } from '../workers/task';
import { dataWorker } from '../workers/data/client';
import type { AllCrops } from '../workers/data/data-library';
import { refineWorker } from '../workers/refine/client';
import { DEFAULT_MAP_OPTIONS } from '../workers/refine/api';
import { trainWorker } from '../workers/train/client';
import type { WeightMap } from '../workers/train/trainer';
import { useDataStore } from './data-store';
import { notifyError, useNotices } from './notices-store';
import { useRuns, type RunRecord } from './runs-store';
import { useSettings } from './settings-store';
import { getBlobBytes, putBlob, studioDb } from './storage/db';
import { settingsFromConfig, useTrain } from './train-store';

/** What the registry hook receives for a retrained run (connected by the registry feature). */
export interface RetrainedCandidate {
  runId: string;
  runName: string;
  datasetVersionId: string;
  parentVersionId: string;
  test: { loss: number; acc: number; count: number } | null;
  /** The evaluation record of the run on the base version's test split (null when the run left no weights). */
  evaluationId: string | null;
}

/** Returns a line for the user (e.g. "model v3 registered as candidate"), or nothing. */
export type RegistryHook = (c: RetrainedCandidate) => Promise<string | void>;

let registryHook: RegistryHook | null = null;

/** The registry connects here; without it a retrained run stays a run. */
export function setRegistryHook(hook: RegistryHook | null): void {
  registryHook = hook;
}

export type ColourBy =
  'label' | 'predicted' | 'label-source' | 'split' | 'suspected' | 'cluster' | `descriptor:${number}`;

export type MapKind = 'umap' | 'pca';

export interface RefineOptions {
  folds: number;
  epochs: number;
  /** End each fold after this many batches (0: train the epochs). */
  maxBatches: number;
  /** Which model gives the embeddings: the first fold's model, or a saved run. */
  embedFrom: 'fold' | string;
  clusters: number;
  knnK: number;
}

export interface RetrainState {
  runId: string | null;
  status: string;
  test: { acc: number; count: number } | null;
  registry: string | null;
  evaluationId?: string | null;
}

export interface RefineState {
  busy: { message: string; done: number; total?: number } | null;
  error: string | null;
  crops: AllCrops | null;
  classNames: string[];
  base: { version: DatasetVersion; items: DatasetItems } | null;
  log: EditLog | null;
  /** Bumped on every edit, undo or redo, so views re-read the log. */
  revision: number;
  options: RefineOptions;
  /** Out-of-sample P(class 1) per crop (K-fold), and the labels it was computed against. */
  probs: { p1: Float32Array; labels: Int8Array; foldAccuracy: number[]; model: string } | null;
  issues: LabelIssue[];
  /** Estimated noise: calibrated confident joint. */
  noise: number[][] | null;
  embedding: { values: Float32Array; dim: number; key: string } | null;
  map: { xy: Float32Array; kind: MapKind } | null;
  descriptors: Float32Array | null;
  clusters: {
    cluster: Uint16Array;
    descriptions: { text: string; size: number; cx: number; cy: number }[];
  } | null;
  knnP1: Float32Array | null;
  colourBy: ColourBy;
  selection: number[];
  thresholds: number[];
  requireKnnAgreement: boolean;
  savedVersion: DatasetVersion | null;
  retrain: RetrainState | null;

  setOptions(o: Partial<RefineOptions>): void;
  prepare(): Promise<void>;
  trainFolds(): Promise<void>;
  computeEmbeddings(): Promise<void>;
  layoutMap(kind: MapKind): Promise<void>;
  describeClusters(): Promise<void>;
  setColourBy(c: ColourBy): void;
  select(rows: number[]): void;
  relabel(rows: number[], label: number): void;
  exclude(rows: number[]): void;
  include(rows: number[]): void;
  acceptCorrections(issues: LabelIssue[]): void;
  setThreshold(cls: number, t: number): void;
  setRequireKnn(on: boolean): void;
  pseudoPreview(): PseudoLabelPreview | null;
  acceptPseudoLabels(): void;
  undo(): void;
  redo(): void;
  saveVersion(name?: string): Promise<DatasetVersion | null>;
  retrainOnVersion(includeSources: LabelSource[]): Promise<void>;
  exportCsv(): string;
  cancel(): void;
}

const DEFAULT_OPTIONS: RefineOptions = {
  folds: 3,
  epochs: 2,
  maxBatches: 0,
  embedFrom: 'fold',
  clusters: 6,
  knnK: 10,
};

/** Crops held at once (40x40 grey: 1.6 KB each, 160 MB at the limit). */
const MAX_CROPS = 100_000;

let abort: AbortController | null = null;
/** The fold models' weights of the last K-fold pass (the default embedding model). */
let foldWeights: WeightMap[] = [];

const FILE_NAME = LABEL_SOURCES.indexOf('file-name');
const CSV = LABEL_SOURCES.indexOf('csv');
const UNLABELLED_SOURCE = LABEL_SOURCES.indexOf('unlabelled');
const EXCLUDED = SPLIT_NAMES.indexOf('excluded');

function backend() {
  return useSettings.getState().activeBackend()?.backend ?? 'wasm';
}

function modelSpec() {
  const c = useSettings.getState().config;
  return { model: c.model.name, input: { size: c.model.input_size, channels: c.model.channels } };
}

/** The base dataset version of the library as opened now. */
function baseVersion(a: AllCrops, classNames: string[], splitRecipe: string) {
  const n = a.label.length;
  const items = emptyItems(n);
  items.source.set(a.source);
  items.dataset.set(a.dataset);
  items.index.set(a.index);
  items.label.set(a.label);
  for (let i = 0; i < n; i++) {
    items.labelSource[i] = a.label[i]! < 0 ? UNLABELLED_SOURCE : a.ownLabel[i] ? CSV : FILE_NAME;
    items.split[i] = a.label[i]! < 0 || a.bad[i] ? EXCLUDED : a.split[i]!;
  }
  const header: DatasetVersionHeader = {
    classNames,
    sources: a.sources.map((s) => ({
      id: s.id,
      name: s.name,
      kind: s.kind,
      contentDigest: s.digest,
      digestMethod: `decoded grey ${a.side}x${a.side} pixels, 64-bit hash`,
      sizeBytes: s.sizeBytes,
      datasets: s.datasets,
      crops: s.crops,
    })),
    splitRecipe,
    parent: null,
  };
  return { ...makeDatasetVersion(header, items, 'library as opened', Date.now()), header, items };
}

function gather(a: AllCrops, rows: number[], labels: Int8Array) {
  const px = a.side * a.side;
  const x = new Uint8Array(rows.length * px);
  const y = new Uint8Array(rows.length);
  const ids: string[] = [];
  rows.forEach((r, k) => {
    x.set(a.x.subarray(r * px, (r + 1) * px), k * px);
    y[k] = labels[r]!;
    const s = a.sources[a.source[r]!]!;
    ids.push(`${s.name}/${s.datasets[a.dataset[r]!]}/${a.index[r]}`);
  });
  return { x, y, ids };
}

function throttle(fn: (p: Progress) => void, ms = 120): (p: Progress) => void {
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (now - last >= ms || (p.total !== undefined && p.done >= p.total)) {
      last = now;
      fn(p);
    }
  };
}

async function saveVersionRecord(version: DatasetVersion, itemBytes: Uint8Array, provenance?: unknown) {
  const db = studioDb();
  await db.datasetVersions.put(version);
  await putBlob(`dataset-version:${version.id}`, `dataset-items:${version.id}`, itemBytes);
  if (provenance !== undefined) {
    await putBlob(
      `dataset-version:${version.id}`,
      `dataset-provenance:${version.id}`,
      new TextEncoder().encode(JSON.stringify(provenance)),
    );
  }
}

export const useRefine = create<RefineState>((set, get) => {
  const progress = (message: string) =>
    throttle((p) => set({ busy: { message: p.message ?? message, done: p.done, total: p.total } }));

  /** Run a step with the busy line, turning failures into a visible message. */
  const step = async (title: string, fn: (signal: AbortSignal) => Promise<void>) => {
    abort?.abort();
    const controller = new AbortController();
    abort = controller;
    set({ busy: { message: title, done: 0 }, error: null });
    try {
      await fn(controller.signal);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      if (!(e instanceof Error && e.name === 'AbortError')) {
        set({ error: `${title} failed: ${msg}` });
        notifyError(`${title} failed`, msg);
      }
    } finally {
      if (abort === controller) abort = null;
      set({ busy: null });
    }
  };

  const bump = () => set((s) => ({ revision: s.revision + 1 }));

  const edit = (kind: EditKind, rows: number[], labels?: number[], by = 'user', confidence?: number[]) => {
    const log = get().log;
    if (!log || rows.length === 0) return;
    try {
      log.apply({
        kind,
        items: rows,
        ...(labels ? { labels } : {}),
        provenance: { by, ...(confidence ? { confidence } : {}) },
        at: Date.now(),
      });
      set({ savedVersion: null });
      bump();
    } catch (e) {
      notifyError('The change was not applied', e instanceof Error ? e.message : String(e));
    }
  };

  return {
    busy: null,
    error: null,
    crops: null,
    classNames: [],
    base: null,
    log: null,
    revision: 0,
    options: DEFAULT_OPTIONS,
    probs: null,
    issues: [],
    noise: null,
    embedding: null,
    map: null,
    descriptors: null,
    clusters: null,
    knnP1: null,
    colourBy: 'label',
    selection: [],
    thresholds: [0.95, 0.95],
    requireKnnAgreement: false,
    savedVersion: null,
    retrain: null,

    setOptions: (o) => set((s) => ({ options: { ...s.options, ...o } })),

    prepare: () =>
      step('Preparing the crops', async (signal) => {
        const data = useDataStore.getState();
        await data.restore();
        if (useDataStore.getState().sources.length === 0) {
          throw new Error('No crops are open: open HDF5 files or load the demo in the Data area first.');
        }
        const total = useDataStore.getState().sources.reduce((a, src) => a + src.count, 0);
        if (total > MAX_CROPS) {
          throw new Error(
            `The library holds ${total.toLocaleString('en')} crops; Refine works on up to ${MAX_CROPS.toLocaleString('en')} at once (every crop's pixels are held in the page). Close some sources in the Data area and prepare again.`,
          );
        }
        const side = useSettings.getState().config.data.cache_size;
        const crops = await dataWorker.run('allCrops', [side, data.splitOptions()], {
          signal,
          onProgress: progress('Decoding crops'),
        });
        const classNames = [...useDataStore.getState().classNames];
        const recipe = useDataStore.getState().split?.description ?? 'current split';
        const b = baseVersion(crops, classNames, recipe);
        set({
          crops,
          classNames,
          base: { version: b.version, items: b.items },
          log: new EditLog(b.items, classNames.length),
          probs: null,
          issues: [],
          noise: null,
          embedding: null,
          map: null,
          clusters: null,
          knnP1: null,
          selection: [],
          savedVersion: null,
          retrain: null,
          thresholds: classNames.map(() => 0.95),
        });
        set({ busy: { message: 'Measuring spatter descriptors', done: 0, total: crops.label.length } });
        const descriptors = await refineWorker.run('descriptors', [crops.x, crops.side], {
          signal,
          onProgress: progress('Measuring spatter descriptors'),
        });
        set({ descriptors });
        // The raw-pixel view is there at once; the model's map replaces it once embeddings exist.
        const xy = await refineWorker.api.pixelPca(crops.x, crops.side);
        set({ map: { xy, kind: 'pca' } });
        await get().describeClusters();
        bump();
      }),

    trainFolds: () =>
      step('K-fold training', async (signal) => {
        const { crops, log, options, classNames } = get();
        if (!crops || !log) throw new Error('Prepare the crops first.');
        const include = new Uint8Array(crops.label.length);
        for (let i = 0; i < include.length; i++)
          include[i] = log.label[i]! >= 0 && log.split[i] !== EXCLUDED && !crops.bad[i] ? 1 : 0;
        const config = useSettings.getState().config;
        const spec = modelSpec();
        const labels = log.label.slice();
        const r = await trainWorker.run(
          'trainFolds',
          [
            backend(),
            { x: crops.x, side: crops.side, label: labels, include },
            {
              ...spec,
              settings: { ...settingsFromConfig(config), epochs: options.epochs },
              k: options.folds,
              seed: config.training.seed,
              classNames,
              ...(options.maxBatches > 0 ? { maxBatches: options.maxBatches } : {}),
            },
          ],
          { signal, onProgress: progress('K-fold training') },
        );
        foldWeights = r.weights;
        const m: ProbMatrix = binaryProbs(r.p1);
        const { issues, estimatedNoise } = findLabelIssues(m, labels);
        set({
          probs: { p1: r.p1, labels, foldAccuracy: r.foldAccuracy, model: spec.model },
          issues,
          noise: estimatedNoise,
        });
        bump();
      }),

    computeEmbeddings: () =>
      step('Embeddings', async (signal) => {
        const { crops, options, base } = get();
        if (!crops || !base) throw new Error('Prepare the crops first.');
        let ref: { model: string; input: { size: number; channels: number }; weights: WeightMap };
        let key: string;
        if (options.embedFrom === 'fold') {
          if (!foldWeights[0]) throw new Error('Train the K-fold models first, or choose a saved run.');
          ref = { ...modelSpec(), weights: foldWeights[0] };
          key = `fold1-${get().probs?.model ?? ''}-${base.version.id}-${options.folds}x${options.epochs}`;
        } else {
          const run = useRuns.getState().runs.find((r) => r.id === options.embedFrom);
          const best = await useRuns.getState().loadBestWeights(options.embedFrom);
          if (!run || !best) throw new Error(`Run ${options.embedFrom} has no saved weights.`);
          ref = {
            model: run.config.model.name,
            input: { size: run.config.model.input_size, channels: run.config.model.channels },
            weights: best.weights,
          };
          key = `${run.id}-${best.meta.name}-${base.version.id}`;
        }
        const cacheKey = `refine-embeddings:${key}`;
        const cached = options.embedFrom === 'fold' ? null : await getBlobBytes(cacheKey).catch(() => null);
        if (cached) {
          const values = new Float32Array(cached.buffer, cached.byteOffset, cached.byteLength / 4);
          set({ embedding: { values, dim: values.length / crops.label.length, key } });
          return;
        }
        const r = await trainWorker.run(
          'modelOutputs',
          [backend(), ref, { x: crops.x, side: crops.side }, true],
          {
            signal,
            onProgress: progress('Embedding crops'),
          },
        );
        set({ embedding: { values: r.values, dim: r.dim, key } });
        if (options.embedFrom !== 'fold')
          await putBlob('refine-embeddings', cacheKey, new Uint8Array(r.values.buffer)).catch(
            () => undefined,
          );
        const knnP1 = await refineWorker.api.knn({ x: r.values, dim: r.dim }, get().log!.label, options.knnK);
        set({ knnP1 });
      }),

    layoutMap: (kind) =>
      step(kind === 'umap' ? 'UMAP' : 'PCA', async (signal) => {
        const { crops, embedding } = get();
        if (!crops) throw new Error('Prepare the crops first.');
        let xy: Float32Array;
        if (kind === 'pca') xy = await refineWorker.api.pixelPca(crops.x, crops.side);
        else {
          if (!embedding) throw new Error('Compute the embeddings first.');
          xy = await refineWorker.run(
            'umap',
            [{ x: embedding.values, dim: embedding.dim }, DEFAULT_MAP_OPTIONS],
            { signal, onProgress: progress('UMAP') },
          );
        }
        set({ map: { xy, kind }, clusters: null });
        await get().describeClusters();
      }),

    describeClusters: async () => {
      const { map, descriptors, options } = get();
      if (!map) return;
      const c = await refineWorker.api.clusters(map.xy, descriptors ?? null, options.clusters);
      set({ clusters: c });
    },

    setColourBy: (c) => set({ colourBy: c }),
    select: (rows) => set({ selection: rows }),
    relabel: (rows, label) => edit('relabel', rows, [label]),
    exclude: (rows) => edit('exclude', rows),
    include: (rows) => edit('include', rows),
    acceptCorrections: (issues) =>
      edit(
        'cl-correction',
        issues.map((i) => i.item),
        issues.map((i) => i.predicted),
        `K-fold ${get().probs?.model ?? 'model'}`,
        issues.map((i) => 1 - i.selfConfidence),
      ),

    setThreshold: (cls, t) =>
      set((s) => {
        const thresholds = [...s.thresholds];
        thresholds[cls] = t;
        return { thresholds };
      }),
    setRequireKnn: (on) => set({ requireKnnAgreement: on }),

    pseudoPreview: () => {
      const { probs, log, crops, thresholds, requireKnnAgreement, knnP1 } = get();
      if (!probs || !log || !crops) return null;
      const candidates: number[] = [];
      for (let i = 0; i < log.label.length; i++) if (log.label[i]! < 0 && !crops.bad[i]) candidates.push(i);
      const r = pseudoLabels(binaryProbs(probs.p1), candidates, thresholds);
      if (!requireKnnAgreement || !knnP1) return r;
      const labels = r.labels.filter((l) => (knnP1[l.item]! >= 0.5 ? 1 : 0) === l.label);
      const admitted = thresholds.map((_, c) => labels.filter((l) => l.label === c).length);
      return { labels, admitted, rejected: r.rejected + (r.labels.length - labels.length) };
    },

    acceptPseudoLabels: () => {
      const preview = get().pseudoPreview();
      if (!preview || preview.labels.length === 0) {
        notifyError('No pseudo-labels to accept', 'Lower a threshold or train the K-fold models first.');
        return;
      }
      edit(
        'pseudo-label',
        preview.labels.map((l) => l.item),
        preview.labels.map((l) => l.label),
        `K-fold ${get().probs?.model ?? 'model'} (mean of ${get().options.folds} folds)`,
        preview.labels.map((l) => l.confidence),
      );
    },

    undo: () => {
      if (get().log?.undo()) {
        set({ savedVersion: null });
        bump();
      }
    },
    redo: () => {
      if (get().log?.redo()) {
        set({ savedVersion: null });
        bump();
      }
    },

    saveVersion: async (name) => {
      const { log, base, crops, classNames } = get();
      if (!log || !base || !crops) return null;
      const edits = log.edits;
      if (edits.length === 0) {
        notifyError(
          'Nothing to save',
          'Relabel, exclude or accept labels first; the version would equal its base.',
        );
        return null;
      }
      try {
        const header: DatasetVersionHeader = {
          classNames: base.version.classNames,
          sources: base.version.sources,
          splitRecipe: `${base.version.splitRecipe}; newly labelled crops in train`,
          parent: base.version.id,
        };
        const items = log.items(base.items);
        const baseBytes = makeDatasetVersion(
          { ...header, parent: null },
          base.items,
          base.version.name,
          base.version.createdAt,
        ).itemBytes;
        const { version, itemBytes } = makeDatasetVersion(
          header,
          items,
          name ?? `refined: ${edits.map((e) => describeEdit(e, classNames)).join('; ')}`,
          Date.now(),
        );
        await saveVersionRecord(base.version, baseBytes);
        await saveVersionRecord(version, itemBytes, {
          edits: edits.map((e: Edit) => ({
            kind: e.kind,
            at: e.at,
            provenance: e.provenance,
            crops: e.items.map((i) => ({
              source: base.version.sources[crops.source[i]!]!.name,
              dataset: base.version.sources[crops.source[i]!]!.datasets[crops.dataset[i]!],
              index: crops.index[i],
            })),
            labels: e.labels,
          })),
        });
        // The data library follows the label changes (per crop), so the Data area and later versions agree.
        const changed = log.changed().filter((i) => log.label[i] !== base.items.label[i]);
        if (changed.length) {
          const ordinals = changed.map((i) => i);
          await useDataStore.getState().setCropLabelsByOrdinal(
            ordinals,
            changed.map((i) => (log.label[i]! >= 0 ? log.label[i]! : null)),
          );
        }
        set({ savedVersion: version });
        useNotices.getState().notify({
          kind: 'info',
          title: `Dataset version ${version.id} saved`,
          detail: `${log.changed().length} crops differ from ${base.version.id}: ${edits.length} change${edits.length > 1 ? 's' : ''} recorded with provenance.`,
        });
        return version;
      } catch (e) {
        notifyError('The dataset version was not saved', e instanceof Error ? e.message : String(e));
        return null;
      }
    },

    retrainOnVersion: async (includeSources) => {
      let version = get().savedVersion;
      version ??= await get().saveVersion();
      const { log, base, crops, classNames } = get();
      if (!version || !log || !base || !crops) return;
      const refined = log.items(base.items);
      const train = trainingRows(refined, 'train', includeSources);
      const val = trainingRows(refined, 'val', includeSources);
      // The held-out test split of the base version, with its base labels: the comparison stays honest.
      const testRows = trainingRows(base.items, 'test');
      const arrays = (): Promise<TrainingArrays> =>
        Promise.resolve({
          side: crops.side,
          classNames,
          splitDescription: `${version.id} (refined from ${base.version.id}); test split of ${base.version.id} unchanged`,
          train: gather(crops, train, refined.label),
          val: gather(crops, val, refined.label),
          test: gather(crops, testRows, base.items.label),
        });
      const name = `Retrain on ${version.id}`;
      set({ retrain: { runId: null, status: 'starting', test: null, registry: null } });
      await useTrain.getState().start({
        arrays,
        datasetVersionId: version.id,
        name,
        onFinished: async (run: RunRecord, result) => {
          const test = result.test ? { acc: result.test.acc, count: result.test.count } : null;
          set({ retrain: { runId: run.id, status: result.status, test, registry: null } });
          let evaluationId: string | null = null;
          if (result.final && test) {
            // The run's metrics on the base version's test split, stored as an evaluation record.
            const testSet = gather(crops, testRows, base.items.label);
            const out = await trainWorker.run('modelOutputs', [
              backend(),
              {
                model: run.config.model.name,
                input: { size: run.config.model.input_size, channels: run.config.model.channels },
                weights: result.final.weights,
              },
              { x: testSet.x, side: crops.side },
              false,
            ]);
            const predicted = predictClasses(out.values, 1);
            const cm = confusionMatrix(testSet.y, predicted, classNames);
            const report = reportFromConfusion(cm);
            const record: EvaluationRecord = {
              id: `eval-${run.id}-${base.version.id}-test`,
              createdAt: Date.now(),
              runId: run.id,
              checkpoint: 'final',
              modelVersionId: null,
              datasetVersionId: base.version.id,
              split: 'test',
              own: true,
              metrics: {
                count: report.total,
                accuracy: report.accuracy,
                loss: result.test?.loss ?? null,
                precision: report.perClass[1]?.precision ?? 0,
                recall: report.perClass[1]?.recall ?? 0,
                f1: report.perClass[1]?.f1 ?? 0,
                confusion: cm.counts,
                excluded: {},
              },
              predictionsKey: null,
              threshold: 0.5,
              note: `retrained on ${version.id}; test split of ${base.version.id} with its labels, unchanged`,
            };
            await studioDb().evaluations.put(record);
            evaluationId = record.id;
            set({ retrain: { runId: run.id, status: result.status, test, registry: null, evaluationId } });
          }
          if (!registryHook) {
            set({
              retrain: {
                runId: run.id,
                status: result.status,
                test,
                registry: 'kept as a run (no registry connected)',
                evaluationId,
              },
            });
            return;
          }
          const line = await registryHook({
            runId: run.id,
            runName: run.name,
            datasetVersionId: version.id,
            parentVersionId: base.version.id,
            test: result.test,
            evaluationId,
          });
          set({
            retrain: {
              runId: run.id,
              status: result.status,
              test,
              registry: line || 'handed to the registry',
              evaluationId,
            },
          });
        },
      });
      const t = useTrain.getState();
      if (t.phase !== 'done')
        set({ retrain: { runId: t.runId, status: t.message ?? 'failed', test: null, registry: null } });
    },

    exportCsv: () => {
      const { crops, log, map, clusters, descriptors, classNames } = get();
      if (!crops || !log) return '';
      const rows = Array.from({ length: crops.label.length }, (_, i) => {
        const s = crops.sources[crops.source[i]!]!;
        const l = log.label[i]!;
        return {
          ordinal: i,
          file: s.name,
          dataset: s.datasets[crops.dataset[i]!] ?? '',
          index: crops.index[i]!,
          label: l >= 0 ? (classNames[l] ?? String(l)) : '',
          labelSource: LABEL_SOURCES[log.labelSource[i]!] ?? '',
          split: SPLIT_NAMES[log.split[i]!] ?? '',
        };
      });
      return refineCsv(rows, {
        map: map?.xy ?? null,
        cluster: clusters?.cluster ?? null,
        descriptors,
      });
    },

    cancel: () => abort?.abort(),
  };
});
