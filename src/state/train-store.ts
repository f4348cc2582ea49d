// Training state of the page: the live run (throttled metric stream from the train worker), its controls
// (start, pause, resume, stop) and the hand-over of each event to the runs store for persistence.
import * as Comlink from 'comlink';
import { create } from 'zustand';
import { runConfig, type StudioConfig } from '../core/config/config';
import type { TrainingArrays } from '../core/data/training-arrays';
import {
  appendBatches,
  emptyHistory,
  type BatchPoint,
  type EpochPoint,
  type MetricHistory,
} from '../core/train/history';
import { transfer } from '../workers/bridge';
import { trainWorker } from '../workers/train/client';
import type { ModelInfo } from '../workers/train/models/registry';
import type { LiveInfo, ResumeState, RunResult, TrainEvents, TrainingSettings } from '../workers/train/loop';
import { useDatasets } from './dataset-store';
import { notifyError } from './notices-store';
import { endedRun, useRuns, type RunRecord } from './runs-store';
import { useSettings } from './settings-store';

export type TrainPhase = 'idle' | 'preparing' | 'running' | 'paused' | 'stopping' | 'done';

export interface StartOptions {
  /** End after this many batches (a quick look). */
  maxBatches?: number;
  /** Continue this run from its latest saved state. */
  resumeRunId?: string;
  /** Train on these arrays instead of the data library's current split (e.g. a refined dataset version). */
  arrays?: () => Promise<TrainingArrays>;
  /** The dataset version `arrays` are (so the run is bound to it). */
  datasetVersionId?: string;
  /** The new run's name (default: model · backend · time). */
  name?: string;
  /** Called once the run has ended and is saved (e.g. to hand it to the model registry). */
  onFinished?: (run: RunRecord, result: RunResult) => void | Promise<void>;
}

export interface TrainState {
  /** The model registry as the train worker lists it (loaded on demand, keeps tfjs off the main thread). */
  models: ModelInfo[];
  loadModels(size: number, channels: number): Promise<void>;
  phase: TrainPhase;
  runId: string | null;
  backend: string | null;
  history: MetricHistory;
  info: LiveInfo | null;
  message: string | null;
  result: RunResult | null;
  start(opts?: StartOptions): Promise<void>;
  pause(): void;
  resume(): void;
  stop(): void;
}

/**
 * Why a run cannot be continued exactly now (null when it can): it needs its own dataset version, and every
 * source of that version open (matched by content digest).
 */
export async function resumeProblem(run: RunRecord): Promise<string | null> {
  if (!run.datasetVersionId) {
    return `${run.name} was trained before dataset versions existed: its data cannot be rebuilt exactly, so it cannot be continued. Start a new run.`;
  }
  const v = await useDatasets.getState().get(run.datasetVersionId);
  if (!v)
    return `The dataset version of ${run.name} (${run.datasetVersionId}) is no longer stored in this browser. Start a new run.`;
  const check = await useDatasets.getState().check(run.datasetVersionId);
  if (check.missingSources.length) {
    return `Continuing ${run.name} needs its dataset version ${v.name} (${v.id}) exactly, but ${check.missingSources.length > 1 ? 'these sources are' : 'this source is'} not open: ${check.missingSources.join(', ')}. Open the same file${check.missingSources.length > 1 ? 's' : ''} in the Data area (a file with other content does not count), then continue.`;
  }
  return null;
}

export function settingsFromConfig(c: StudioConfig): TrainingSettings {
  const t = c.training;
  return {
    batchSize: t.batch_size,
    epochs: t.epochs,
    lr: t.lr,
    weightDecay: t.weight_decay,
    loss: t.loss,
    schedule: t.schedule,
    augment: { rotation: t.rotation, flips: t.flips, brightness: t.brightness, contrast: t.contrast },
    earlyStopping: t.early_stopping,
    patience: t.patience,
    minDelta: t.min_delta,
    checkpointEvery: t.checkpoint_every,
    seed: t.seed,
  };
}

/** The arrays with their buffers marked for transfer to the train worker (they are unusable here afterwards). */
export function transferArrays(a: TrainingArrays): TrainingArrays {
  const buffers = [a.train, a.val, a.test].flatMap((s) => [s.x.buffer, s.y.buffer]) as ArrayBuffer[];
  return transfer(a, [...new Set(buffers)]);
}

let abort: AbortController | null = null;

export const useTrain = create<TrainState>((set, get) => ({
  models: [],
  loadModels: async (size, channels) => {
    try {
      set({ models: await trainWorker.api.listModels(channels, size) });
    } catch (e) {
      notifyError('The model list could not be loaded', e instanceof Error ? e.message : String(e));
    }
  },
  phase: 'idle',
  runId: null,
  backend: null,
  history: emptyHistory(),
  info: null,
  message: null,
  result: null,

  start: async (opts = {}) => {
    if (get().phase === 'running' || get().phase === 'preparing' || get().phase === 'paused') return;
    set({ phase: 'preparing', message: 'Preparing the training data…', result: null, info: null });
    const settings = useSettings.getState();
    const runs = useRuns.getState();
    let run: RunRecord;
    let resume: ResumeState | undefined;
    let arrays: TrainingArrays;
    try {
      if (!settings.capabilities) await settings.detect();
      const backend = useSettings.getState().activeBackend()?.backend ?? 'wasm';
      if (!runs.loaded) await runs.load().catch(() => undefined);
      if (opts.resumeRunId) {
        const prev = useRuns.getState().runs.find((r) => r.id === opts.resumeRunId);
        const latest = await useRuns.getState().loadLatest(opts.resumeRunId);
        if (!prev || !latest) throw new Error(`Run ${opts.resumeRunId} has no saved state to resume from`);
        const problem = await resumeProblem(prev);
        if (problem) throw new Error(problem);
        set({ message: 'Rebuilding the run’s dataset version…' });
        arrays = await useDatasets.getState().arraysFor(prev.datasetVersionId!);
        run = {
          ...prev,
          status: 'running',
          message: `Resumed at epoch ${latest.epoch + 1} on ${backend}`,
          backend,
          config: runConfig(prev.config, backend),
        };
        resume = latest;
      } else {
        const config = useSettings.getState().config;
        // Every run is bound to an immutable dataset version: its crops, labels and split never change. A
        // caller that brings its own arrays (a refined version) names the version they are.
        let versionId: string | undefined = opts.datasetVersionId;
        if (opts.arrays) arrays = await opts.arrays();
        else {
          const version = await useDatasets.getState().freezeCurrent();
          arrays = await useDatasets.getState().arraysFor(version.id);
          versionId = version.id;
        }
        const id = `run-${new Date().toISOString().replace(/[:.]/g, '-')}`;
        run = {
          id,
          name: opts.name ?? `${config.model.name} · ${backend} · ${new Date().toLocaleString()}`,
          createdAt: Date.now(),
          model: config.model.name,
          backend,
          config: runConfig(config, backend),
          splitDescription: arrays.splitDescription,
          ...(versionId ? { datasetVersionId: versionId } : {}),
          status: 'running',
          message: '',
          history: emptyHistory(),
          bestValAcc: null,
          test: null,
          checkpoints: [],
        };
      }
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      set({ phase: 'idle', message: msg });
      notifyError('Training could not start', msg);
      return;
    }
    const config = run.config;
    await useRuns
      .getState()
      .saveRun(run)
      .catch(() => undefined);
    set({
      phase: 'running',
      runId: run.id,
      backend: run.backend,
      history: resume?.history ?? emptyHistory(),
      message: run.message || null,
    });

    const keep = config.training.keep_checkpoints;
    const events: TrainEvents = {
      batches: (points: BatchPoint[], info: LiveInfo) => {
        set((s) => ({ history: appendBatches(s.history, points), info }));
      },
      epoch: (p: EpochPoint) => {
        set((s) => ({ history: { ...s.history, epochs: [...s.history.epochs, p] } }));
      },
      epochEnd: async (state) => {
        try {
          await useRuns.getState().saveLatest(run.id, state);
        } catch (e) {
          notifyError(
            `The resume point after epoch ${state.epoch} of ${run.name} was not saved`,
            e instanceof Error ? e.message : String(e),
          );
        }
      },
      checkpoint: async (c) => {
        try {
          const cur = useRuns.getState().runs.find((r) => r.id === run.id) ?? run;
          await useRuns.getState().saveRun({ ...cur, history: c.state.history });
          await useRuns.getState().addCheckpoint(run.id, c.meta, c.state, keep);
        } catch (e) {
          notifyError(
            `Checkpoint ${c.meta.name} of ${run.name} was not saved`,
            e instanceof Error ? e.message : String(e),
          );
        }
      },
    };
    abort = new AbortController();
    let result: RunResult;
    try {
      result = await trainWorker.run(
        'train',
        [
          run.id,
          run.backend as 'webgpu' | 'webgl' | 'wasm' | 'cpu',
          transferArrays(arrays),
          {
            model: config.model.name,
            input: { size: config.model.input_size, channels: config.model.channels },
            settings: settingsFromConfig(config),
            ...(resume ? { resume } : {}),
            ...(opts.maxBatches !== undefined ? { maxBatches: opts.maxBatches } : {}),
          },
          Comlink.proxy(events),
        ],
        { signal: abort.signal },
      );
    } catch (e) {
      // The worker crashed (or the call failed outright): keep what the stream delivered.
      const msg = e instanceof Error ? e.message : String(e);
      result = {
        status: 'failed',
        message: `Training failed: ${msg}`,
        epochsDone: get().history.epochs.length,
        history: get().history,
        bestValAcc: null,
        test: null,
        final: null,
      };
    }
    abort = null;
    const finished = endedRun(run, result);
    try {
      await useRuns.getState().saveRun(finished);
      if (result.final) await useRuns.getState().saveLatest(run.id, result.final);
    } catch (e) {
      notifyError(`The run ${run.name} was not saved`, e instanceof Error ? e.message : String(e));
    }
    if (result.status === 'failed') notifyError(`Training run ${run.name} failed`, result.message);
    set({ phase: 'done', result, history: result.history, message: result.message });
    try {
      await opts.onFinished?.(finished, result);
    } catch (e) {
      notifyError(`After the run ${run.name}`, e instanceof Error ? e.message : String(e));
    }
  },

  pause: () => {
    const id = get().runId;
    if (!id || get().phase !== 'running') return;
    void trainWorker.api.pause(id);
    set({ phase: 'paused' });
  },

  resume: () => {
    const id = get().runId;
    if (!id || get().phase !== 'paused') return;
    void trainWorker.api.resume(id);
    set({ phase: 'running' });
  },

  stop: () => {
    if (!abort) return;
    set({ phase: 'stopping' });
    abort.abort();
  },
}));
