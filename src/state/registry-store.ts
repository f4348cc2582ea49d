// The model registry of the page: model versions and their append-only alias events in the studio database
// (Dexie), the actions that register a run's chosen checkpoint, promote, roll back, answer "production at T",
// export and import lineage, and hand the production model to Evaluate as its default.
import { create } from 'zustand';
import type { DatasetVersion } from '../core/dataset/version';
import type { EvaluationRecord } from '../core/eval/records';
import {
  buildLineage,
  lineageOf,
  parseLineage,
  planMerge,
  type LineageFile,
  type LineageRun,
} from '../core/registry/lineage';
import {
  aliasAt,
  candidateEvents,
  currentAliases,
  nextVersionNumber,
  promoteEvents,
  rollbackEvents,
  type Alias,
  type AliasEvent,
  type ModelCard,
  type ModelVersion,
  type VersionMetrics,
} from '../core/registry/registry';
import type { WeightMap } from '../workers/train/trainer';
import { useDataStore } from './data-store';
import { useEval } from './eval-store';
import { notifyError, useNotices } from './notices-store';
import { useRuns, type RunRecord } from './runs-store';
import { studioDb, type KeyedRecord } from './storage/db';

export interface RegisterOptions {
  /** Checkpoint name; default the run's best (highest validation accuracy). */
  checkpoint?: string;
  datasetVersionId?: string | null;
  metrics?: Partial<VersionMetrics>;
  trainedOn?: string;
  training?: ModelCard['training'];
  pipelineId?: string | null;
  chunk?: number | null;
}

export interface ExternalModel {
  /** A stable reference to where the model lives (e.g. `job:<id>`), in place of a run id. */
  ref: string;
  model: string;
  trainedOn: string;
  datasetVersionId: string | null;
  accuracy: number;
  count: number;
  training: Record<string, string | number | boolean>;
}

export interface RegistryState {
  loaded: boolean;
  versions: ModelVersion[];
  events: AliasEvent[];
  /** The version whose lineage is shown. */
  selected: string | null;
  select(versionId: string | null): void;
  load(): Promise<void>;
  /** Register a finished run's chosen checkpoint as a new version (returns the existing one if already). */
  registerRun(runId: string, opts?: RegisterOptions): Promise<ModelVersion>;
  /**
   * A model trained outside the studio (a scale-out job's model.onnx): a version without studio weights
   * (origin 'imported'), with its lineage, data and the studio's own evaluation of it.
   */
  registerExternal(opts: ExternalModel): Promise<ModelVersion>;
  updateMetrics(versionId: string, metrics: VersionMetrics): Promise<void>;
  setCandidate(versionId: string, reason: string, evaluationId?: string | null): Promise<void>;
  promote(versionId: string, reason: string, evaluationId?: string | null): Promise<void>;
  /** One click: the previous production version returns. */
  rollback(): Promise<void>;
  aliases(): Record<Alias, string | null>;
  /** The version that was production at time t. */
  productionAt(t: number): ModelVersion | null;
  /** Weights of a version (from its run's checkpoint), or null when they are not in this browser. */
  loadWeights(versionId: string): Promise<WeightMap | null>;
  lineage(versionId?: string): Promise<LineageFile>;
  importLineage(text: string, fileName: string): Promise<number | null>;
  /** Load the production version into Evaluate and select it (the default model there). */
  useProductionInEvaluate(): Promise<boolean>;
}

const newId = (prefix: string) =>
  `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

const asRecord = <T extends { id: string }>(x: T) => x as unknown as KeyedRecord;

function describeRunData(run: RunRecord): string {
  return `${run.splitDescription || 'the split of the run'}`;
}

export const DEFAULT_CLASS_NAMES = ['low gas flow', 'high gas flow'];

export const useRegistry = create<RegistryState>((set, get) => {
  const appendEvents = async (added: AliasEvent[]) => {
    await studioDb().aliasEvents.bulkPut(added.map(asRecord));
    set((s) => ({ events: [...s.events, ...added] }));
  };

  return {
    loaded: false,
    versions: [],
    events: [],
    selected: null,
    select: (versionId) => set({ selected: versionId }),

    load: async () => {
      const db = studioDb();
      const [versions, events] = await Promise.all([db.modelVersions.toArray(), db.aliasEvents.toArray()]);
      set({
        loaded: true,
        versions: (versions as unknown as ModelVersion[]).sort((a, b) => a.n - b.n),
        events: events as unknown as AliasEvent[],
      });
    },

    registerRun: async (runId, opts = {}) => {
      if (!get().loaded) await get().load();
      const runs = useRuns.getState();
      if (!runs.loaded) await runs.load();
      const run = useRuns.getState().runs.find((r) => r.id === runId);
      if (!run) throw new Error(`Run ${runId} is not in this browser: it cannot be registered`);
      let checkpoint = opts.checkpoint;
      if (!checkpoint) {
        const best = [...run.checkpoints].sort((a, b) => b.valAcc - a.valAcc || a.valLoss - b.valLoss)[0];
        if (!best)
          throw new Error(`Run "${run.name}" has no checkpoint: train it for at least one epoch first`);
        checkpoint = best.name;
      }
      const known = get().versions.find((v) => v.runId === runId && v.checkpoint === checkpoint);
      if (known) return known;
      const classNames =
        useDataStore.getState().classNames.length === 2
          ? useDataStore.getState().classNames
          : DEFAULT_CLASS_NAMES;
      const version: ModelVersion = {
        id: newId('mv'),
        n: nextVersionNumber(get().versions),
        createdAt: Date.now(),
        runId,
        checkpoint,
        datasetVersionId: opts.datasetVersionId ?? null,
        metrics: {
          accuracy: run.test?.acc ?? null,
          f1: null,
          precision: null,
          recall: null,
          count: run.test?.count ?? null,
          evaluationId: null,
          ...opts.metrics,
        },
        card: {
          model: run.model,
          input: { size: run.config.model.input_size, channels: run.config.model.channels },
          classNames,
          trainedOn: opts.trainedOn ?? describeRunData(run),
          training: opts.training ?? {
            epochs: run.config.training.epochs,
            batch_size: run.config.training.batch_size,
            lr: run.config.training.lr,
            seed: run.config.training.seed,
            backend: run.backend,
          },
          intendedUse:
            'Classify spatter crops (grey, 40×40 cache, centre-cropped to the input) from LPBF build videos by gas flow.',
          limitations:
            'Judged on the held-out crops named in its evaluations only; other machines, cameras or materials may differ.',
        },
        origin: 'trained',
        pipelineId: opts.pipelineId ?? null,
        chunk: opts.chunk ?? null,
      };
      await studioDb().modelVersions.put(asRecord(version));
      set((s) => ({ versions: [...s.versions, version] }));
      return version;
    },

    registerExternal: async (m) => {
      if (!get().loaded) await get().load();
      const known = get().versions.find((v) => v.runId === m.ref);
      if (known) return known;
      const version: ModelVersion = {
        id: newId('mv'),
        n: nextVersionNumber(get().versions),
        createdAt: Date.now(),
        runId: m.ref,
        checkpoint: 'model.onnx',
        datasetVersionId: m.datasetVersionId,
        metrics: {
          accuracy: m.accuracy,
          f1: null,
          precision: null,
          recall: null,
          count: m.count,
          evaluationId: null,
        },
        card: {
          model: m.model,
          input: { size: 32, channels: 3 },
          classNames: DEFAULT_CLASS_NAMES,
          trainedOn: m.trainedOn,
          training: m.training,
          intendedUse:
            'Classify spatter crops from LPBF build videos by gas flow; evaluated by the studio in onnxruntime-web.',
          limitations:
            'Trained outside the studio: its weights are the job’s model.onnx (Runs → Scale out), not a studio run.',
        },
        origin: 'imported',
        pipelineId: null,
        chunk: null,
      };
      await studioDb().modelVersions.put(asRecord(version));
      set((s) => ({ versions: [...s.versions, version] }));
      return version;
    },

    updateMetrics: async (versionId, metrics) => {
      const v = get().versions.find((x) => x.id === versionId);
      if (!v) return;
      const next = { ...v, metrics };
      await studioDb().modelVersions.put(asRecord(next));
      set((s) => ({ versions: s.versions.map((x) => (x.id === versionId ? next : x)) }));
    },

    setCandidate: async (versionId, reason, evaluationId = null) => {
      await appendEvents(
        candidateEvents(get().events, versionId, {
          at: Date.now(),
          reason,
          evaluationId,
          newId: () => newId('ae'),
        }),
      );
    },

    promote: async (versionId, reason, evaluationId = null) => {
      try {
        await appendEvents(
          promoteEvents(get().events, versionId, {
            at: Date.now(),
            reason,
            evaluationId,
            newId: () => newId('ae'),
          }),
        );
      } catch (e) {
        notifyError('The version was not promoted', e instanceof Error ? e.message : String(e));
      }
    },

    rollback: async () => {
      try {
        const prev = currentAliases(get().events).previous;
        const v = get().versions.find((x) => x.id === prev);
        await appendEvents(
          rollbackEvents(get().events, {
            at: Date.now(),
            reason: `Rollback by the user to version ${v?.n ?? '?'}`,
            newId: () => newId('ae'),
          }),
        );
      } catch (e) {
        notifyError('Rollback is not possible', e instanceof Error ? e.message : String(e));
      }
    },

    aliases: () => currentAliases(get().events),

    productionAt: (t) => {
      const id = aliasAt(get().events, 'production', t);
      return get().versions.find((v) => v.id === id) ?? null;
    },

    loadWeights: async (versionId) => {
      const v = get().versions.find((x) => x.id === versionId);
      if (!v) return null;
      const state = await useRuns.getState().loadCheckpoint(v.runId, v.checkpoint);
      return state?.weights ?? null;
    },

    lineage: async (versionId) => {
      if (!get().loaded) await get().load();
      if (!useRuns.getState().loaded) await useRuns.getState().load();
      const db = studioDb();
      const versions = get().versions;
      const runIds = new Set(versions.map((v) => v.runId));
      const dvIds = new Set(versions.map((v) => v.datasetVersionId).filter((x): x is string => !!x));
      const evaluations = (await db.evaluations.toArray()).filter(
        (e) =>
          (e.modelVersionId && versions.some((v) => v.id === e.modelVersionId)) ||
          (e.runId && runIds.has(e.runId)),
      );
      for (const e of evaluations) dvIds.add(e.datasetVersionId);
      const datasetVersions = (await db.datasetVersions.bulkGet([...dvIds])).filter(
        (d): d is DatasetVersion => !!d,
      );
      const runs: LineageRun[] = useRuns
        .getState()
        .runs.filter((r) => runIds.has(r.id))
        .map((r) => ({
          id: r.id,
          name: r.name,
          model: r.model,
          backend: r.backend,
          createdAt: r.createdAt,
          status: r.status,
          splitDescription: r.splitDescription,
          config: r.config,
          test: r.test,
        }));
      const file = buildLineage({
        exportedAt: Date.now(),
        versions,
        aliasEvents: get().events,
        runs,
        datasetVersions,
        evaluations: evaluations as EvaluationRecord[],
      });
      return versionId ? lineageOf(file, versionId) : file;
    },

    importLineage: async (text, fileName) => {
      try {
        if (!get().loaded) await get().load();
        const file = parseLineage(text);
        const plan = planMerge({ versions: get().versions, aliasEvents: get().events }, file);
        const db = studioDb();
        await db.transaction(
          'rw',
          [db.modelVersions, db.aliasEvents, db.evaluations, db.datasetVersions],
          async () => {
            await db.modelVersions.bulkPut(plan.versions.map(asRecord));
            await db.aliasEvents.bulkPut(plan.aliasEvents.map(asRecord));
            for (const e of file.evaluations)
              if (!(await db.evaluations.get(e.id))) await db.evaluations.put(e);
            for (const d of file.datasetVersions)
              if (!(await db.datasetVersions.get(d.id))) await db.datasetVersions.put(d);
          },
        );
        await get().load();
        useNotices.getState().notify({
          kind: 'info',
          title: `${fileName}: ${plan.versions.length} version${plan.versions.length === 1 ? '' : 's'} and ${plan.aliasEvents.length} alias move${plan.aliasEvents.length === 1 ? '' : 's'} imported${plan.known ? ` (${plan.known} already here)` : ''}`,
        });
        return plan.versions.length;
      } catch (e) {
        notifyError(`${fileName} was not imported`, e instanceof Error ? e.message : String(e));
        return null;
      }
    },

    useProductionInEvaluate: async () => {
      if (!get().loaded) await get().load();
      const id = currentAliases(get().events).production;
      const v = get().versions.find((x) => x.id === id);
      if (!v) return false;
      const key = `run-${v.runId}`;
      if (useEval.getState().models.some((m) => m.key === key)) return true;
      const weights = await get().loadWeights(v.id);
      if (!weights) return false;
      const m = await useEval
        .getState()
        .addRunModel(v.runId, `production · version ${v.n} (${v.card.model})`, {
          modelName: v.card.model,
          input: v.card.input,
          weights,
          classNames: v.card.classNames,
        });
      return m !== null;
    },
  };
});
