// Train worker API: model registry, training-step benchmark (and, later, the training loop).
import type { BackendName } from '../../core/backends/backends';
import { initTfBackend } from '../compute/tf-backends';
import { runTask, TaskRegistry, type TaskOptions } from '../task';
import { benchTrainStep, type StepBenchOptions, type StepBenchResult } from './bench';
import { listModels, type ModelInfo } from './models/registry';
import { registerWasmTrainingKernels } from './wasm-kernels';

// Before any backend starts: the wasm backend then trains (see wasm-kernels.ts).
registerWasmTrainingKernels();

const tasks = new TaskRegistry();

export const api = {
  listModels(channels = 3, size = 32): ModelInfo[] {
    return listModels({ size, channels });
  },

  /** Time training steps of a model on `backend` (started here if needed). */
  benchStep(backend: BackendName, o: StepBenchOptions, opts?: TaskOptions): Promise<StepBenchResult> {
    return runTask(tasks, opts, async (ctx) => {
      await initTfBackend(backend);
      ctx.progress({ done: 0, total: o.warmup + o.steps, unit: 'steps', message: `${backend}: started` });
      let done = 0;
      return benchTrainStep(o, async () => {
        done += 1;
        ctx.progress({ done, total: o.warmup + o.steps, unit: 'steps' });
        await ctx.checkpoint();
      });
    });
  },

  cancel(taskId: string): boolean {
    return tasks.cancel(taskId);
  },
};

export type TrainApi = typeof api;
