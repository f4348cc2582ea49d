// Shard worker API (data-parallel training): a Trainer replica on its own tfjs backend that computes one shard's
// gradients from the weights it is sent (data-parallel.ts). One such worker per extra core, started by the
// train worker (shard-pool.ts).
import * as Comlink from 'comlink';
import type { BackendName } from '../../core/backends/backends';
import { initTfBackend } from '../compute/tf-backends';
import { shardGradsOf, type BatchShape, type ShardGrads } from './data-parallel';
import { Trainer, type TrainerOptions, type WeightMap } from './trainer';
import { registerWasmTrainingKernels } from './wasm-kernels';

registerWasmTrainingKernels();

let trainer: Trainer | null = null;

export const shardApi = {
  /** Start `backend` and a replica of the model; returns the backend actually running. */
  async init(backend: BackendName, opts: TrainerOptions): Promise<string> {
    await initTfBackend(backend);
    trainer?.dispose();
    trainer = new Trainer(opts);
    const tf = await import('@tensorflow/tfjs');
    return tf.getBackend();
  },

  async grads(weights: WeightMap, x: Float32Array, y: Float32Array, shape: BatchShape): Promise<ShardGrads> {
    if (!trainer) throw new Error('The shard worker was asked for gradients before init');
    trainer.setWeights(weights);
    const out = await shardGradsOf(trainer, x, y, shape);
    return Comlink.transfer(
      out,
      Object.values(out.grads).map((g) => g.buffer as ArrayBuffer),
    );
  },
};

export type ShardApi = typeof shardApi;
