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
import { useDataStore } from './data-store';
import { notifyError } from './notices-store';
import { useRuns, type RunRecord } from './runs-store';
import { useSettings } from './settings-store';

export type TrainPhase = 'idle' | 'preparing' | 'running' | 'paused' | 'stopping' | 'done';

export interface StartOptions {
  /** End after this many batches (a quick look). */
  maxBatches?: number;
  /** Continue this run from its latest saved state. */
  resumeRunId?: string;
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
      arrays = await useDataStore.getState().buildTrainingArrays();
      if (opts.resumeRunId) {
        const prev = useRuns.getState().runs.find((r) => r.id === opts.resumeRunId);
        const latest = await useRuns.getState().loadLatest(opts.resumeRunId);
        if (!prev || !latest) throw new Error(`Run ${opts.resumeRunId} has no saved state to resume from`);
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
        const id = `run-${new Date().toISOString().replace(/[:.]/g, '-')}`;
        run = {
          id,
          name: `${config.model.name} · ${backend} · ${new Date().toLocaleString()}`,
          createdAt: Date.now(),
          model: config.model.name,
          backend,
          config: runConfig(config, backend),
          splitDescription: arrays.splitDescription,
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
    const cur = useRuns.getState().runs.find((r) => r.id === run.id) ?? run;
    const finished: RunRecord = {
      ...cur,
      status: result.status,
      message: result.message,
      history: result.history,
      bestValAcc: result.bestValAcc,
      test: result.test,
    };
    try {
      await useRuns.getState().saveRun(finished);
      if (result.final) await useRuns.getState().saveLatest(run.id, result.final);
    } catch (e) {
      notifyError(`The run ${run.name} was not saved`, e instanceof Error ? e.message : String(e));
    }
    if (result.status === 'failed') notifyError(`Training run ${run.name} failed`, result.message);
    set({ phase: 'done', result, history: result.history, message: result.message });
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
