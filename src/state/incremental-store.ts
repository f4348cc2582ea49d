// Incremental learning of the page: a pipeline replays the open crops as seeded chunks; after each chunk a
// candidate is trained (train worker) on the data so far, evaluated with production on one frozen held-out set
// (eval worker), put through the acceptance gate, registered, and the aliases move. Every finished chunk is
// saved, so a reload continues from the last one; pause, stop, progress with time left.
import * as Comlink from 'comlink';
import { create } from 'zustand';
import type { StudioConfig } from '../core/config/config';
import type { TrainingArrays } from '../core/data/training-arrays';
import { evaluate, type PredictionSet } from '../core/eval/evaluation';
import type { EvaluationMetrics, EvaluationRecord } from '../core/eval/records';
import {
  assertNoOverlap,
  chunkNote,
  extendBySource,
  planBySource,
  chunkProblem,
  pipelineSecondsLeft,
  planPipeline,
  splitTrainVal,
  trainingIds,
  validateConfig,
  STRATEGY_LABELS,
  type PipelineConfig,
  type PipelinePlan,
} from '../core/incremental/plan';
import { reportCsv, reportJson, type ChunkRow } from '../core/incremental/report';
import { applyGate, DEFAULT_GATE, validateGate, type GateVerdict } from '../core/registry/gate';
import { currentAliases } from '../core/registry/registry';
import { EarlyStopping } from '../core/train/early-stopping';
import { emptyHistory } from '../core/train/history';
import { evalWorker } from '../workers/eval/client';
import { trainWorker } from '../workers/train/client';
import type { LiveInfo, ResumeState, RunResult, TrainEvents } from '../workers/train/loop';
import type { WeightMap } from '../workers/train/trainer';
import {
  buildCropPool,
  gather,
  missingFromPool,
  saveDatasetVersion,
  sourceOfId,
  type CropPool,
} from './incremental-data';
import { notifyError, useNotices } from './notices-store';
import { useDataStore } from './data-store';
import { useRegistry } from './registry-store';
import { endedRun, useRuns, type RunRecord } from './runs-store';
import { useSettings } from './settings-store';
import { putBlob, studioDb, type KeyedRecord } from './storage/db';
import { settingsFromConfig, transferArrays } from './train-store';

export type PipelineStatus = 'running' | 'paused' | 'stopped' | 'interrupted' | 'done' | 'failed';
export type TrainBackend = 'wasm' | 'cpu' | 'webgl' | 'webgpu';

export interface PipelineRecord {
  id: string;
  name: string;
  createdAt: number;
  updatedAt: number;
  config: PipelineConfig;
  model: StudioConfig['model']['name'];
  backend: TrainBackend;
  classNames: string[];
  side: number;
  plan: PipelinePlan;
  heldOutVersionId: string;
  status: PipelineStatus;
  message: string;
  rows: ChunkRow[];
}

export interface PipelineProgress {
  chunk: number;
  chunks: number;
  /** Fraction of the current chunk's training done. */
  chunkFraction: number;
  chunkSecondsLeft: number | null;
  totalSecondsLeft: number | null;
  stage: string;
}

export const DEFAULT_PIPELINE: PipelineConfig = {
  chunking: 'seeded',
  chunkSize: 1000,
  heldOut: 500,
  maxChunks: 0,
  strategy: 'scratch',
  replaySize: 500,
  valFraction: 0.15,
  epochs: 3,
  batchSize: 64,
  lr: 1e-3,
  seed: 1234,
  onChunkFailure: 'continue',
  gate: DEFAULT_GATE,
};

export interface IncrementalState {
  loaded: boolean;
  pipelines: PipelineRecord[];
  activeId: string | null;
  /** The pipeline this page is running now (null: none). */
  runningId: string | null;
  paused: boolean;
  progress: PipelineProgress | null;
  load(): Promise<void>;
  start(config: PipelineConfig, opts?: { backend?: TrainBackend; name?: string }): Promise<void>;
  /** Continue a stopped or interrupted pipeline from its last finished chunk. */
  continueRun(id: string): Promise<void>;
  pause(): void;
  resume(): void;
  stop(): void;
  select(id: string): void;
  remove(id: string): Promise<void>;
  csv(id: string): string;
  json(id: string): string;
}

const asRecord = (p: PipelineRecord) => p as unknown as KeyedRecord;

let abort: AbortController | null = null;
let currentRunId: string | null = null;
/** Resolves waiters when the pipeline is un-paused. */
let pauseWake: (() => void) | null = null;

function metricsOf(set: PredictionSet): { metrics: EvaluationMetrics; correct: boolean[] } {
  const ev = evaluate(set, 0.5);
  const pos = ev.report.perClass[1] ?? ev.report.perClass[0]!;
  const correct = Array.from(set.labels, (l, i) => ev.predicted[i] === l);
  return {
    metrics: {
      count: set.labels.length,
      accuracy: ev.report.accuracy,
      loss: null,
      precision: pos.precision,
      recall: pos.recall,
      f1: pos.f1,
      confusion: ev.confusion.counts,
      excluded: {},
    },
    correct,
  };
}

const zeros = (w: WeightMap): WeightMap =>
  Object.fromEntries(Object.entries(w).map(([k, v]) => [k, new Float32Array(v.length)]));

/** A warm start: production's weights, a fresh optimizer, history and early stopping. */
function warmStart(weights: WeightMap, lr: number): ResumeState {
  return {
    epoch: 0,
    weights,
    optimizer: { step: 0, m: zeros(weights), v: zeros(weights) },
    history: emptyHistory(),
    earlyStopping: new EarlyStopping().state,
    lr,
  };
}

const newId = (prefix: string) =>
  `${prefix}-${new Date().toISOString().replace(/[:.]/g, '-')}-${Math.random().toString(36).slice(2, 6)}`;

/** The source name of each crop id, by the sources open now. */
function sourceIdOf(): (id: string) => string {
  const sources = useDataStore.getState().sources;
  return (id) => sourceOfId(id, sources);
}

/** Sources in the order they were opened (the order builds arrived). */
function sourceOrder(): string[] {
  return useDataStore.getState().sources.map((s) => s.name);
}

function sourcePlan(pool: CropPool, config: PipelineConfig): PipelinePlan {
  return planBySource(pool.ids, sourceIdOf(), sourceOrder(), config);
}

export const useIncremental = create<IncrementalState>((set, get) => {
  const save = async (p: PipelineRecord) => {
    // A chunk finishing while the user has paused keeps the pipeline shown (and stored) as paused.
    const live = get().runningId === p.id && (p.status === 'running' || p.status === 'paused');
    const status = live ? (get().paused ? 'paused' : 'running') : p.status;
    const next = { ...p, status, updatedAt: Date.now() };
    await studioDb().pipelines.put(asRecord(next));
    set((s) => ({ pipelines: [next, ...s.pipelines.filter((x) => x.id !== p.id)] }));
    return next;
  };

  const waitWhilePaused = async () => {
    while (get().paused && !abort?.signal.aborted) {
      await new Promise<void>((r) => {
        pauseWake = r;
        setTimeout(r, 250);
      });
    }
  };

  /** Evaluate weights on the held-out crops in the eval worker. */
  const predictHeldOut = async (
    key: string,
    rec: PipelineRecord,
    weights: WeightMap,
    pool: CropPool,
  ): Promise<PredictionSet> => {
    await evalWorker.api.loadRunModel(key, {
      modelName: rec.model,
      input: {
        size: useSettings.getState().config.model.input_size,
        channels: useSettings.getState().config.model.channels,
      },
      weights,
      classNames: rec.classNames,
    });
    try {
      return await evalWorker.run(
        'predictSplit',
        [key, gather(pool, rec.plan.heldOut), pool.side, 'held-out'],
        {
          ...(abort ? { signal: abort.signal } : {}),
        },
      );
    } finally {
      void evalWorker.api.release(key);
    }
  };

  const saveEvaluation = async (
    rec: PipelineRecord,
    k: number,
    role: 'candidate' | 'production',
    runId: string,
    checkpoint: string,
    versionId: string,
    set_: PredictionSet,
    metrics: EvaluationMetrics,
  ): Promise<EvaluationRecord> => {
    const id = newId('ev');
    const predictionsKey = `pred:${id}`;
    await putBlob(`evaluation:${id}`, predictionsKey, new Uint8Array(set_.probs.buffer.slice(0)));
    const r: EvaluationRecord = {
      id,
      createdAt: Date.now(),
      runId,
      checkpoint,
      modelVersionId: versionId,
      datasetVersionId: rec.heldOutVersionId,
      split: 'test',
      own: false,
      metrics,
      predictionsKey,
      threshold: 0.5,
      note: `pipeline ${rec.id} chunk ${k + 1}: ${role} on the frozen held-out set`,
    };
    await studioDb().evaluations.put(r);
    return r;
  };

  /** Train one chunk's candidate; null result means the user stopped it. */
  const trainChunk = async (
    rec: PipelineRecord,
    k: number,
    arrays: TrainingArrays,
    warm: ResumeState | undefined,
    secondsSoFar: number[],
    samplesSoFar: number[],
    remaining: number[],
  ): Promise<{ run: RunRecord; result: RunResult }> => {
    const base = useSettings.getState().config;
    const c = rec.config;
    const config = {
      ...base,
      model: { ...base.model, name: rec.model },
      training: { ...base.training, epochs: c.epochs, batch_size: c.batchSize, lr: c.lr, seed: c.seed + k },
    };
    const run: RunRecord = {
      id: `run-${rec.id}-c${k + 1}`,
      name: `${rec.name} · chunk ${k + 1}`,
      createdAt: Date.now(),
      model: rec.model,
      backend: rec.backend,
      config,
      splitDescription: arrays.splitDescription,
      status: 'running',
      message: warm ? 'Warm start from production' : '',
      history: emptyHistory(),
      bestValAcc: null,
      test: null,
      checkpoints: [],
    };
    await useRuns.getState().saveRun(run);
    currentRunId = run.id;
    const t0 = performance.now();
    const events: TrainEvents = {
      // a chunk interrupted mid-way is trained again (the pipeline continues from the last finished chunk)
      epochEnd: () => undefined,
      batches: (_points, info: LiveInfo) => {
        const chunkLeft = info.secondsLeft;
        const done = info.totalSteps ? info.doneSteps / info.totalSteps : 0;
        const elapsed = (performance.now() - t0) / 1000;
        const rest = pipelineSecondsLeft(
          [...secondsSoFar, elapsed / Math.max(1e-3, done)],
          [...samplesSoFar, arrays.train.y.length],
          remaining,
        );
        set({
          progress: {
            chunk: k + 1,
            chunks: rec.plan.chunks.length,
            chunkFraction: done,
            chunkSecondsLeft: chunkLeft,
            totalSecondsLeft: rest === null || chunkLeft === null ? null : rest + chunkLeft,
            stage: `Training chunk ${k + 1}: epoch ${info.epoch}, batch ${info.batch}/${info.batchesPerEpoch}`,
          },
        });
      },
      epoch: () => undefined,
      checkpoint: async (cp) => {
        await useRuns.getState().addCheckpoint(run.id, cp.meta, cp.state, 1);
      },
    };
    let result: RunResult;
    try {
      result = await trainWorker.run(
        'train',
        [
          run.id,
          rec.backend,
          transferArrays(arrays),
          {
            model: rec.model,
            input: { size: config.model.input_size, channels: config.model.channels },
            settings: { ...settingsFromConfig(config), earlyStopping: false, checkpointEvery: 0 },
            ...(warm ? { resume: warm } : {}),
          },
          Comlink.proxy(events),
        ],
        ...(abort ? [{ signal: abort.signal }] : []),
      );
    } catch (e) {
      result = {
        status: abort?.signal.aborted ? 'stopped' : 'failed',
        message: `Training failed: ${e instanceof Error ? e.message : String(e)}`,
        epochsDone: 0,
        history: emptyHistory(),
        bestValAcc: null,
        test: null,
        final: null,
      };
    }
    currentRunId = null;
    // A chunk's test is the pipeline's held-out evaluation (records of their own), not the run's.
    const finished = endedRun(run, { ...result, test: null });
    await useRuns.getState().saveRun(finished);
    return { run: finished, result };
  };

  const failedRow = (
    rec: PipelineRecord,
    k: number,
    reason: string,
    trainedOn: number,
    runId: string | null,
  ): ChunkRow => {
    const prodAcc = rec.rows.length ? rec.rows[rec.rows.length - 1]!.productionAfter : null;
    return {
      chunk: k + 1,
      chunkCrops: rec.plan.chunks[k]!.length,
      trainedOn,
      samplesSoFar: rec.plan.chunks.slice(0, k + 1).reduce((s, c) => s + c.length, 0),
      status: 'failed',
      accuracy: null,
      f1: null,
      precision: null,
      recall: null,
      productionAccuracy: prodAcc,
      productionAfter: prodAcc,
      pValue: null,
      significance: null,
      reason,
      note: '',
      versionId: null,
      versionN: null,
      runId,
      candidateEvaluationId: null,
      productionEvaluationId: null,
      seconds: 0,
      finishedAt: Date.now(),
    };
  };

  /** Run the chunks from the first unfinished one to the end (or a stop). */
  const runChunks = async (start: PipelineRecord, pool: CropPool) => {
    let rec = start;
    const registry = useRegistry.getState();
    if (!registry.loaded) await registry.load();
    const heldSlices = rec.plan.heldOut.map((id) => sourceOfId(id, useDataStore.getState().sources));
    for (let k = rec.rows.length; k < rec.plan.chunks.length; k++) {
      await waitWhilePaused();
      if (abort?.signal.aborted) break;
      const t0 = performance.now();
      const c = rec.config;
      const chunkIds = rec.plan.chunks[k]!;
      const ids = trainingIds(rec.plan, k, c);
      set({
        progress: {
          chunk: k + 1,
          chunks: rec.plan.chunks.length,
          chunkFraction: 0,
          chunkSecondsLeft: null,
          totalSecondsLeft: get().progress?.totalSecondsLeft ?? null,
          stage: `Preparing chunk ${k + 1}`,
        },
      });
      assertNoOverlap(rec.plan.heldOut, ids);
      const all = gather(pool, ids);
      const chunkY = gather(pool, chunkIds).y;
      const problem = chunkProblem(k + 1, chunkY, all.y, rec.classNames);
      if (problem) {
        rec = await save({ ...rec, rows: [...rec.rows, failedRow(rec, k, problem, ids.length, null)] });
        if (c.onChunkFailure === 'stop') {
          rec = await save({ ...rec, status: 'failed', message: problem });
          return rec;
        }
        continue;
      }
      const { train, val } = splitTrainVal(ids, all.y, c.valFraction, c.seed + k);
      const arrays: TrainingArrays = {
        side: pool.side,
        classNames: rec.classNames,
        splitDescription: `incremental ${rec.id}, chunk ${k + 1}: ${train.length} train / ${val.length} validation crops (${STRATEGY_LABELS[c.strategy]}); ${rec.plan.heldOut.length} held out`,
        train: gather(
          pool,
          train.map((i) => ids[i]!),
        ),
        val: gather(
          pool,
          val.map((i) => ids[i]!),
        ),
        test: { x: new Uint8Array(0), y: new Uint8Array(0), ids: [] },
      };
      const aliases = currentAliases(useRegistry.getState().events);
      const prodVersion = useRegistry.getState().versions.find((v) => v.id === aliases.production) ?? null;
      const prodWeights = prodVersion ? await useRegistry.getState().loadWeights(prodVersion.id) : null;
      const warm = c.strategy !== 'scratch' && prodWeights ? warmStart(prodWeights, c.lr) : undefined;
      const done = rec.rows.filter((r) => r.seconds > 0);
      const remaining = rec.plan.chunks
        .slice(k + 1)
        .map((_, j) => trainingIds(rec.plan, k + 1 + j, c).length);
      const { run, result } = await trainChunk(
        rec,
        k,
        arrays,
        warm,
        done.map((r) => r.seconds),
        done.map((r) => r.trainedOn),
        remaining,
      );
      if (result.status === 'stopped') break;
      if (result.status === 'failed') {
        rec = await save({
          ...rec,
          rows: [...rec.rows, failedRow(rec, k, result.message, ids.length, run.id)],
        });
        notifyError(`Chunk ${k + 1} of ${rec.name} failed`, result.message);
        if (c.onChunkFailure === 'stop') {
          rec = await save({
            ...rec,
            status: 'failed',
            message: `Stopped at chunk ${k + 1}: ${result.message}`,
          });
          return rec;
        }
        continue;
      }
      set((s) => ({
        progress: s.progress && { ...s.progress, stage: `Evaluating chunk ${k + 1}`, chunkFraction: 1 },
      }));
      const trainVersion = await saveDatasetVersion(
        pool,
        [
          { ids: train.map((i) => ids[i]!), split: 'train' },
          { ids: val.map((i) => ids[i]!), split: 'val' },
        ],
        `${rec.name} · chunk ${k + 1} training data`,
        arrays.splitDescription,
      );
      const version = await useRegistry.getState().registerRun(run.id, {
        datasetVersionId: trainVersion.id,
        trainedOn: `${ids.length} crops: ${STRATEGY_LABELS[c.strategy].toLowerCase()} (chunks 1–${k + 1} of pipeline ${rec.name})`,
        training: {
          strategy: c.strategy,
          epochs: c.epochs,
          batch_size: c.batchSize,
          lr: c.lr,
          seed: c.seed + k,
          backend: rec.backend,
          warm_start_from: warm && prodVersion ? `version ${prodVersion.n}` : 'none',
        },
        pipelineId: rec.id,
        chunk: k + 1,
      });
      const candWeights = await useRegistry.getState().loadWeights(version.id);
      if (!candWeights) throw new Error(`The checkpoint of chunk ${k + 1} was not saved`);
      const candSet = await predictHeldOut('incremental-candidate', rec, candWeights, pool);
      const cand = metricsOf(candSet);
      const candEval = await saveEvaluation(
        rec,
        k,
        'candidate',
        run.id,
        version.checkpoint,
        version.id,
        candSet,
        cand.metrics,
      );
      await useRegistry.getState().updateMetrics(version.id, {
        accuracy: cand.metrics.accuracy,
        f1: cand.metrics.f1,
        precision: cand.metrics.precision,
        recall: cand.metrics.recall,
        count: cand.metrics.count,
        evaluationId: candEval.id,
      });
      await useRegistry.getState().setCandidate(version.id, `Chunk ${k + 1} of ${rec.name}`, candEval.id);
      let prod: { metrics: EvaluationMetrics; correct: boolean[] } | null = null;
      let prodEval: EvaluationRecord | null = null;
      if (prodVersion && prodWeights) {
        const prodSet = await predictHeldOut('incremental-production', rec, prodWeights, pool);
        prod = metricsOf(prodSet);
        prodEval = await saveEvaluation(
          rec,
          k,
          'production',
          prodVersion.runId,
          prodVersion.checkpoint,
          prodVersion.id,
          prodSet,
          prod.metrics,
        );
      }
      const verdict: GateVerdict = applyGate(c.gate, {
        candidate: { accuracy: cand.metrics.accuracy, correct: cand.correct },
        production: prod ? { accuracy: prod.metrics.accuracy, correct: prod.correct } : null,
        slices: heldSlices,
      });
      if (verdict.pass) {
        await useRegistry
          .getState()
          .promote(version.id, `Gate passed at chunk ${k + 1}: ${verdict.reason}`, candEval.id);
      }
      const row: ChunkRow = {
        chunk: k + 1,
        chunkCrops: chunkIds.length,
        trainedOn: ids.length,
        samplesSoFar: rec.plan.chunks.slice(0, k + 1).reduce((s, x) => s + x.length, 0),
        status: verdict.pass ? 'promoted' : 'local',
        accuracy: cand.metrics.accuracy,
        f1: cand.metrics.f1,
        precision: cand.metrics.precision,
        recall: cand.metrics.recall,
        productionAccuracy: prod?.metrics.accuracy ?? null,
        productionAfter: verdict.pass ? cand.metrics.accuracy : (prod?.metrics.accuracy ?? null),
        pValue: verdict.pValue,
        significance: verdict.significance,
        reason: verdict.reason,
        note: chunkNote(chunkY, rec.classNames),
        versionId: version.id,
        versionN: version.n,
        runId: run.id,
        candidateEvaluationId: candEval.id,
        productionEvaluationId: prodEval?.id ?? null,
        seconds: (performance.now() - t0) / 1000,
        finishedAt: Date.now(),
      };
      rec = await save({
        ...rec,
        rows: [...rec.rows, row],
        message: `Chunk ${k + 1} done: ${verdict.reason}`,
      });
    }
    if (rec.rows.length >= rec.plan.chunks.length) {
      rec = await save({ ...rec, status: 'done', message: `All ${rec.plan.chunks.length} chunks done` });
    } else {
      rec = await save({
        ...rec,
        status: 'stopped',
        message: `Stopped after chunk ${rec.rows.length}; Continue resumes with chunk ${rec.rows.length + 1}`,
      });
    }
    return rec;
  };

  const drive = async (rec: PipelineRecord, pool: CropPool) => {
    abort = new AbortController();
    set({ runningId: rec.id, activeId: rec.id, paused: false });
    try {
      await runChunks(rec, pool);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      const cur = get().pipelines.find((p) => p.id === rec.id) ?? rec;
      if (abort?.signal.aborted) {
        await save({
          ...cur,
          status: 'stopped',
          message: `Stopped after chunk ${cur.rows.length}; Continue resumes with chunk ${cur.rows.length + 1}`,
        });
        return;
      }
      await save({ ...cur, status: 'failed', message: msg });
      notifyError(
        `The pipeline ${rec.name} stopped`,
        `${msg}. Finished chunks are kept; Continue resumes after them.`,
      );
    } finally {
      abort = null;
      set({ runningId: null, paused: false, progress: null });
    }
  };

  return {
    loaded: false,
    pipelines: [],
    activeId: null,
    runningId: null,
    paused: false,
    progress: null,

    load: async () => {
      if (get().runningId) return;
      const all = (await studioDb().pipelines.toArray()) as unknown as PipelineRecord[];
      const pipelines = all
        .map((p) =>
          p.status === 'running' || p.status === 'paused'
            ? {
                ...p,
                status: 'interrupted' as const,
                message: `Interrupted (the page closed) after chunk ${p.rows.length}; Continue resumes with chunk ${p.rows.length + 1}`,
              }
            : p,
        )
        .sort((a, b) => b.createdAt - a.createdAt);
      set((s) => ({ loaded: true, pipelines, activeId: s.activeId ?? pipelines[0]?.id ?? null }));
    },

    start: async (config, opts = {}) => {
      if (get().runningId) return;
      const bad = validateGate(config.gate);
      if (bad) {
        notifyError('The pipeline was not started', bad);
        return;
      }
      set({
        progress: {
          chunk: 0,
          chunks: 0,
          chunkFraction: 0,
          chunkSecondsLeft: null,
          totalSecondsLeft: null,
          stage: 'Preparing the crops',
        },
      });
      try {
        const pool = await buildCropPool();
        const invalid = validateConfig(config, pool.ids.length);
        if (invalid) throw new Error(invalid);
        const plan =
          config.chunking === 'per-source' ? sourcePlan(pool, config) : planPipeline(pool.ids, config);
        const id = newId('pipe');
        const name = opts.name?.trim() || `Pipeline ${new Date().toLocaleString()}`;
        const held = await saveDatasetVersion(
          pool,
          [{ ids: plan.heldOut, split: 'test' }],
          `${name} · frozen held-out set`,
          `held out once: ${plan.heldOut.length} crops, seed ${config.seed}`,
        );
        const rec: PipelineRecord = {
          id,
          name,
          createdAt: Date.now(),
          updatedAt: Date.now(),
          config,
          model: useSettings.getState().config.model.name,
          backend: opts.backend ?? 'wasm',
          classNames: pool.classNames,
          side: pool.side,
          plan,
          heldOutVersionId: held.id,
          status: 'running',
          message: `Started: ${plan.chunks.length} chunks ${config.chunking === 'per-source' ? '(one per source)' : `of ${config.chunkSize}`}, ${plan.heldOut.length} crops held out`,
          rows: [],
        };
        await save(rec);
        await drive(rec, pool);
      } catch (e) {
        set({ progress: null });
        notifyError('The pipeline was not started', e instanceof Error ? e.message : String(e));
      }
    },

    continueRun: async (id) => {
      if (get().runningId) return;
      const rec = get().pipelines.find((p) => p.id === id);
      if (!rec) return;
      if (rec.rows.length >= rec.plan.chunks.length && rec.config.chunking !== 'per-source') {
        notifyError(`${rec.name} is finished`, 'Start a new pipeline to go on with more data.');
        return;
      }
      set({
        progress: {
          chunk: rec.rows.length + 1,
          chunks: rec.plan.chunks.length,
          chunkFraction: 0,
          chunkSecondsLeft: null,
          totalSecondsLeft: null,
          stage: 'Preparing the crops',
        },
      });
      try {
        const pool = await buildCropPool();
        const missing = missingFromPool(pool, [...rec.plan.heldOut, ...rec.plan.chunks.flat()]);
        if (missing.length) {
          throw new Error(
            `${missing.length} crops of this pipeline are not open (e.g. ${missing[0]}): open the same data (for the demo, "Load demo data") and continue again`,
          );
        }
        // A per-source pipeline takes in the builds opened or extracted since (one chunk each).
        const plan =
          rec.config.chunking === 'per-source'
            ? extendBySource(rec.plan, pool.ids, sourceIdOf(), sourceOrder(), rec.config.maxChunks)
            : rec.plan;
        if (rec.rows.length >= plan.chunks.length) {
          throw new Error(
            `no new build since chunk ${rec.rows.length}: extract or open a new source (it becomes chunk ${rec.rows.length + 1}), then continue`,
          );
        }
        const next = await save({
          ...rec,
          plan,
          status: 'running',
          message: `Continuing with chunk ${rec.rows.length + 1} of ${rec.plan.chunks.length}`,
        });
        await drive(next, pool);
      } catch (e) {
        set({ progress: null });
        notifyError(`${rec.name} could not continue`, e instanceof Error ? e.message : String(e));
      }
    },

    pause: () => {
      if (!get().runningId || get().paused) return;
      set({ paused: true });
      if (currentRunId) void trainWorker.api.pause(currentRunId);
      const p = get().pipelines.find((x) => x.id === get().runningId);
      if (p) void save({ ...p, status: 'paused' });
    },

    resume: () => {
      if (!get().paused) return;
      set({ paused: false });
      if (currentRunId) void trainWorker.api.resume(currentRunId);
      pauseWake?.();
      const p = get().pipelines.find((x) => x.id === get().runningId);
      if (p) void save({ ...p, status: 'running' });
    },

    stop: () => {
      if (!abort) return;
      if (currentRunId) void trainWorker.api.resume(currentRunId);
      set({ paused: false });
      abort.abort();
      useNotices
        .getState()
        .notify({ kind: 'info', title: 'Stopping the pipeline: the chunk in progress is dropped' });
    },

    select: (id) => set({ activeId: id }),

    remove: async (id) => {
      if (get().runningId === id) return;
      await studioDb().pipelines.delete(id);
      set((s) => ({
        pipelines: s.pipelines.filter((p) => p.id !== id),
        activeId: s.activeId === id ? null : s.activeId,
      }));
    },

    csv: (id) => reportCsv(get().pipelines.find((p) => p.id === id)?.rows ?? []),

    json: (id) => {
      const p = get().pipelines.find((x) => x.id === id);
      if (!p) return '{}';
      return JSON.stringify(
        reportJson(
          p.id,
          { ...p.config, model: p.model, backend: p.backend },
          { count: p.plan.heldOut.length, datasetVersionId: p.heldOutVersionId },
          p.rows,
        ),
        null,
        2,
      );
    },
  };
});
