// Bench: LeNet5 training throughput (one step = forward, backward, Adam) at batch 256 on each tfjs backend,
// each in its own train worker, and on wasm data-parallel across one worker per core. A backend that is missing or cannot train yet gets value 0 and a note.
import { BACKENDS, type BackendName } from '../../core/backends/backends';
import { createTrainWorker } from '../../workers/train/client';
import type { BenchRecord, BenchScenario } from '../types';

// Software GPUs and the plain-JS backend take seconds per step here: time few steps on them.
const STEPS: Record<BackendName, { warmup: number; steps: number }> = {
  webgpu: { warmup: 1, steps: 1 },
  webgl: { warmup: 1, steps: 2 },
  wasm: { warmup: 3, steps: 30 },
  cpu: { warmup: 1, steps: 1 },
};

const BATCH = 256;

export const scenario: BenchScenario = {
  name: 'train-step',
  description: `LeNet5 training step (Adam, BCE with logits) at batch ${BATCH}, images/s per backend`,
  async run(log) {
    const out: BenchRecord[] = [];
    // scripts/train/run-bench-page.mjs can narrow the run to some backends while iterating.
    const only = (globalThis as { __trainBenchBackends?: BackendName[] }).__trainBenchBackends;
    for (const backend of only ?? BACKENDS) {
      const name = `train.lenet5.${backend}.b${BATCH}`;
      const worker = createTrainWorker(`train-bench-${backend}`);
      try {
        const r = await worker.api.benchStep(backend, { batch: BATCH, ...STEPS[backend] });
        log(
          `${name}: ${r.imgPerSec.toFixed(1)} img/s (${r.msPerStep.toFixed(0)} ms/step, loss ${r.firstLoss.toFixed(4)} -> ${r.lastLoss.toFixed(4)})`,
        );
        out.push({
          name,
          value: Math.round(r.imgPerSec * 10) / 10,
          unit: 'img/s',
          note: `${r.steps} timed steps after ${STEPS[backend].warmup} warm-up, ${r.msPerStep.toFixed(0)} ms/step; grey batch [256,32,32,1] into the 3-channel model (kernel folded, same numbers as replicated grey)`,
        });
        if (backend === 'wasm') {
          // The same model fed 3 replicated channels, as PyTorch is fed: shows what the grey folding buys.
          const rgb = await worker.api.benchStep(backend, {
            batch: BATCH,
            ...STEPS[backend],
            replicate: true,
          });
          log(`${name}.replicated: ${rgb.imgPerSec.toFixed(1)} img/s`);
          out.push({
            name: `${name}.replicated`,
            value: Math.round(rgb.imgPerSec * 10) / 10,
            unit: 'img/s',
            note: 'batch [256,32,32,3] (grey replicated to 3 channels, no folding)',
          });
          // Data-parallel on every core: shard workers beside this one, gradients combined each step.
          const cores = navigator.hardwareConcurrency || 1;
          if (cores > 1) {
            const par = await worker.api.benchStep(backend, {
              batch: BATCH,
              ...STEPS[backend],
              workers: cores,
            });
            const parName = `train.lenet5.wasm.workers${par.workers}.b${BATCH}`;
            log(
              `${parName}: ${par.imgPerSec.toFixed(1)} img/s (${par.msPerStep.toFixed(0)} ms/step, loss ${par.firstLoss.toFixed(4)} -> ${par.lastLoss.toFixed(4)}); ${(par.imgPerSec / r.imgPerSec).toFixed(2)}x one worker`,
            );
            out.push({
              name: parName,
              value: Math.round(par.imgPerSec * 10) / 10,
              unit: 'img/s',
              note: `data-parallel: ${par.workers} workers (one per core), the batch in ${par.workers} shards, gradients combined each step, one Adam update; ${par.msPerStep.toFixed(0)} ms/step; ${(par.imgPerSec / r.imgPerSec).toFixed(2)}x one worker; yardstick torch.lenet5.step.b256.threads${cores}`,
            });
          }
        }
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        log(`${name}: cannot train: ${msg}`);
        out.push({ name, value: 0, unit: 'img/s', note: `cannot train on ${backend}: ${msg}` });
      } finally {
        worker.terminate();
      }
    }
    return out;
  },
};
