// Compute worker API: what the browser offers for ML, and a correctness check per backend.
import type { BackendName } from '../../core/backends/backends';
import { runTask, TaskRegistry, type TaskOptions } from '../task';
import { detectCapabilities } from './detect';
import { runSmoke, type SmokeResult } from './smoke';

const tasks = new TaskRegistry();

export const api = {
  detect: detectCapabilities,

  /** Run the smoke op on each backend in turn, reporting each result as it lands. */
  smokeTest(backends: BackendName[], opts?: TaskOptions): Promise<SmokeResult[]> {
    return runTask(tasks, opts, async (ctx) => {
      const out: SmokeResult[] = [];
      for (const b of backends) {
        ctx.check();
        out.push(await runSmoke(b));
        ctx.progress({ done: out.length, total: backends.length, unit: 'backends', message: `${b} checked` });
      }
      return out;
    });
  },

  /** Worker-layer self-test: a cancellable task that reports progress every step. */
  countdown(steps: number, stepMs: number, opts?: TaskOptions): Promise<number> {
    return runTask(tasks, opts, async (ctx) => {
      for (let i = 1; i <= steps; i++) {
        await new Promise((r) => setTimeout(r, stepMs));
        ctx.check();
        ctx.progress({ done: i, total: steps, unit: 'steps' });
      }
      return steps;
    });
  },

  /** Worker-layer self-test: receives a transferred buffer (the sender's copy is detached) and sums it. */
  sumBytes(buffer: ArrayBuffer): number {
    const bytes = new Uint8Array(buffer);
    let s = 0;
    for (const b of bytes) s += b;
    return s;
  },

  /** Worker-layer self-test: throws inside the worker so the page can show a specific message. */
  async fail(message: string): Promise<never> {
    throw new Error(message);
  },

  /** Worker-layer self-test: crashes the worker outright (an uncaught error outside any call). */
  crash(): void {
    setTimeout(() => {
      throw new Error('deliberate crash for testing');
    }, 0);
  },

  cancel(taskId: string): boolean {
    return tasks.cancel(taskId);
  },
};

export type ComputeApi = typeof api;
