// Bench: ConvNeXt training throughput at full resolution (256 x 1600 grey, 4 sigmoid outputs, focal loss):
// train.convnext_atto.<backend>.b8.256x1600 and train.convnext_tiny.<backend>.b4.256x1600 on wasm (and webgpu
// where present). A batch that the memory estimate refuses is reported as 0 with the refusal in the note; the
// largest batch that fits (1) is then timed on wasm as .b1 so there is a figure to compare.
import type { BackendName } from '../../core/backends/backends';
import { WorkerBridge } from '../../workers/bridge';
import type { ImagesApi } from '../../workers/images/api';
import type { BenchRecord, BenchScenario } from '../types';

const RUNS: { model: string; tag: string; batch: number }[] = [
  { model: 'convnext-atto', tag: 'convnext_atto', batch: 8 },
  { model: 'convnext-tiny', tag: 'convnext_tiny', batch: 4 },
];
const H = 256;
const W = 1600;

export const scenario: BenchScenario = {
  name: 'train-convnext',
  description: 'ConvNeXt-atto (b8) and ConvNeXt-Tiny (b4) training steps at 256x1600 grey, images/s',
  async run(log) {
    const out: BenchRecord[] = [];
    const backends: BackendName[] = ['wasm', ...('gpu' in navigator ? (['webgpu'] as const) : [])];
    for (const backend of backends) {
      for (const r of RUNS) {
        const worker = new WorkerBridge<ImagesApi>(
          `bench-${r.tag}-${backend}`,
          () =>
            new Worker(new URL('../../workers/images/images.worker.ts', import.meta.url), { type: 'module' }),
        );
        const time = async (batch: number, name: string, extra = '') => {
          const res = await worker.api.benchStep(backend, {
            model: r.model,
            batch,
            height: H,
            width: W,
            warmup: 1,
            steps: 2,
          });
          log(`${name}: ${res.imgPerSec.toFixed(3)} img/s (${(res.msPerStep / 1000).toFixed(1)} s/step)`);
          out.push({
            name,
            value: Math.round(res.imgPerSec * 1000) / 1000,
            unit: 'img/s',
            note: `2 timed steps after 1 warm-up, ${(res.msPerStep / 1000).toFixed(1)} s/step, grey [${batch},${H},${W},1], 4 outputs, focal loss, Adam${extra}`,
          });
        };
        const name = `train.${r.tag}.${backend}.b${r.batch}.${H}x${W}`;
        try {
          await time(r.batch, name);
        } catch (e) {
          const msg = e instanceof Error ? e.message : String(e);
          log(`${name}: ${msg}`);
          out.push({ name, value: 0, unit: 'img/s', note: msg });
          // batch 1 on wasm only: the software GPUs of a machine without one take minutes per step
          if (backend === 'wasm' && /needs about/.test(msg) && !/even one image/.test(msg)) {
            try {
              await time(
                1,
                `train.${r.tag}.${backend}.b1.${H}x${W}`,
                `; batch ${r.batch} refused by the memory estimate`,
              );
            } catch (e2) {
              log(`b1: ${e2 instanceof Error ? e2.message : String(e2)}`);
            }
          }
        } finally {
          worker.terminate();
        }
      }
    }
    return out;
  },
};
