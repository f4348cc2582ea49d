// Train worker API: the model registry, training runs (start, pause, resume, stop through cancel) and the
// training-step benchmark. Metric events and checkpoints flow back through a comlink-proxied events object.
import * as Comlink from 'comlink';
import type { BackendName } from '../../core/backends/backends';
import type { TrainingArrays } from '../../core/data/training-arrays';
import { initTfBackend } from '../compute/tf-backends';
import { runTask, TaskRegistry, type TaskOptions } from '../task';
import { benchTrainStep, type StepBenchOptions, type StepBenchResult } from './bench';
import { runTraining, type RunResult, type RunSpec, type TrainEvents } from './loop';
import { listModels, type ModelInfo } from './models/registry';
import { shardCount, startShardPool } from './shard-pool';
import { registerWasmTrainingKernels } from './wasm-kernels';
import { trainFolds, type KFoldData, type KFoldSpec } from '../refine/kfold';
import { modelOutputs, type CropPixels, type ModelRef } from '../refine/model-outputs';

// Before any backend starts: the wasm backend then trains (see wasm-kernels.ts).
registerWasmTrainingKernels();

const tasks = new TaskRegistry();

/** Pause gates of the running runs, by run id. */
const pauses = new Map<string, { paused: boolean; wake: (() => void) | null }>();

export const api = {
  /** The crop models (ConvNeXt is trained on image sets, in the images worker). */
  listModels(channels = 3, size = 32): ModelInfo[] {
    return listModels({ size, channels }).filter((m) => !m.name.startsWith('convnext'));
  },

  /**
   * Train a run to its end (completed, early-stopped, stopped by cancel, or failed with a message). The
   * arrays should be transferred; `events` must be a comlink proxy.
   */
  train(
    runId: string,
    backend: BackendName,
    arrays: TrainingArrays,
    spec: RunSpec,
    events: TrainEvents,
    opts?: TaskOptions,
  ): Promise<RunResult> {
    return runTask(tasks, opts, async (ctx) => {
      const gate = { paused: false, wake: null as (() => void) | null };
      pauses.set(runId, gate);
      try {
        await initTfBackend(backend);
        return await runTraining(arrays, spec, events, {
          checkpoint: async () => {
            await ctx.checkpoint();
            while (gate.paused) {
              await new Promise<void>((r) => {
                gate.wake = r;
                // wake up now and then so a stop (cancel) during a pause is seen
                setTimeout(r, 200);
              });
              ctx.check();
            }
          },
          stopped: () => ctx.signal.aborted,
          // wasm trains data-parallel on every core; a failure to start the shard workers falls back to one.
          startReplicas: async (opts) => {
            const shards = shardCount(backend, 0);
            if (shards < 2) return null;
            try {
              return await startShardPool(shards - 1, backend, opts);
            } catch (e) {
              console.warn('Training on one core: the shard workers did not start', e);
              return null;
            }
          },
        });
      } finally {
        pauses.delete(runId);
      }
    });
  },

  pause(runId: string): boolean {
    const g = pauses.get(runId);
    if (g) g.paused = true;
    return g !== undefined;
  },

  resume(runId: string): boolean {
    const g = pauses.get(runId);
    if (g) {
      g.paused = false;
      g.wake?.();
    }
    return g !== undefined;
  },

  /** Time training steps of a model on `backend` (started here if needed). */
  benchStep(backend: BackendName, o: StepBenchOptions, opts?: TaskOptions): Promise<StepBenchResult> {
    return runTask(tasks, opts, async (ctx) => {
      await initTfBackend(backend);
      const shards = (o.workers ?? 1) > 1 ? shardCount(backend, o.workers!) : 1;
      const pool =
        shards > 1
          ? await startShardPool(shards - 1, backend, {
              model: o.model ?? 'lenet5',
              input: { size: 32, channels: 3 },
              lr: 1e-3,
              weightDecay: 1e-4,
              seed: o.seed ?? 1234,
            })
          : null;
      ctx.progress({ done: 0, total: o.warmup + o.steps, unit: 'steps', message: `${backend}: started` });
      let done = 0;
      try {
        return await benchTrainStep(
          o,
          async () => {
            done += 1;
            ctx.progress({ done, total: o.warmup + o.steps, unit: 'steps' });
            await ctx.checkpoint();
          },
          pool?.replicas ?? [],
        );
      } finally {
        pool?.terminate();
      }
    });
  },

  /** Label refinement: K-fold training for out-of-sample P(class 1) of every crop (see refine/kfold.ts). */
  trainFolds(backend: BackendName, data: KFoldData, spec: KFoldSpec, opts?: TaskOptions) {
    return runTask(tasks, opts, async (ctx) => {
      await initTfBackend(backend);
      const r = await trainFolds(data, spec, ctx);
      return Comlink.transfer(r, [r.p1.buffer as ArrayBuffer]);
    });
  },

  /** Label refinement: a model's penultimate-layer embedding (or P(class 1)) of every crop, batched. */
  modelOutputs(
    backend: BackendName,
    ref: ModelRef,
    data: CropPixels,
    embed: boolean,
    opts?: TaskOptions,
  ): Promise<{ values: Float32Array; dim: number }> {
    return runTask(tasks, opts, async (ctx) => {
      await initTfBackend(backend);
      const n = data.x.length / (data.side * data.side);
      const r = await modelOutputs(ref, data, {
        embed,
        tick: async (done) => {
          ctx.progress({ done, total: n, unit: 'crops' });
          await ctx.checkpoint();
        },
      });
      return Comlink.transfer(r, [r.values.buffer as ArrayBuffer]);
    });
  },

  cancel(taskId: string): boolean {
    return tasks.cancel(taskId);
  },
};

export type TrainApi = typeof api;
