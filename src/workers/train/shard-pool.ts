// The train worker's shard workers: one per extra core, each a GradReplica for DataParallelStep. Started from
// inside the train worker (nested module workers), stopped with the run.
import * as Comlink from 'comlink';
import type { BackendName } from '../../core/backends/backends';
import type { GradReplica } from './data-parallel';
import type { ShardApi } from './shard-api';
import type { TrainerOptions } from './trainer';

export interface ShardPool {
  replicas: GradReplica[];
  terminate(): void;
}

/** Shards a run should use: one per core (at most `max`), only on the wasm backend (GPU backends use the GPU). */
export function shardCount(backend: string, requested: number, max = 4): number {
  if (backend !== 'wasm') return 1;
  const cores = typeof navigator !== 'undefined' ? (navigator.hardwareConcurrency ?? 1) : 1;
  return Math.max(1, Math.min(requested > 0 ? requested : cores, max));
}

/** Start `count` shard workers on `backend` with replicas of the model. */
export async function startShardPool(
  count: number,
  backend: BackendName,
  opts: TrainerOptions,
): Promise<ShardPool> {
  const workers: Worker[] = [];
  try {
    const apis = Array.from({ length: count }, (_, i) => {
      const w = new Worker(new URL('./shard.worker.ts', import.meta.url), {
        type: 'module',
        name: `shard-${i + 1}`,
      });
      workers.push(w);
      return Comlink.wrap<ShardApi>(w);
    });
    const running = await Promise.all(apis.map((a) => a.init(backend, opts)));
    const wrong = running.find((b) => b !== backend);
    if (wrong) throw new Error(`A shard worker started ${wrong} instead of ${backend}`);
    return {
      replicas: apis.map((a) => ({ grads: (w, x, y, shape) => a.grads(w, x, y, shape) })),
      terminate: () => workers.forEach((w) => w.terminate()),
    };
  } catch (e) {
    workers.forEach((w) => w.terminate());
    throw e;
  }
}
