// Bench: the synthetic generator in the synth worker — scene frames rendered per second (640x360, no
// encoding), videos encoded per second with WebCodecs (H.264 MP4 and VP9 WebM, 250 frames), and crops made
// per second (simulate + JPEG via OffscreenCanvas + research HDF5). Real time is 25 frames/s.
import { DEFAULT_SCENE, GAS_FLOW } from '../../core/synth/params';
import { synthWorker } from '../../workers/synth/client';
import type { BenchRecord, BenchScenario } from '../types';

export const scenario: BenchScenario = {
  name: 'synth-generate',
  description: 'Synthetic scenes: render frames/s, WebCodecs encode frames/s, crops/s',
  async run(log) {
    const records: BenchRecord[] = [];
    const params = { ...DEFAULT_SCENE, layers: 1, layerSeconds: 10, gasFlow: GAS_FLOW.high };
    await synthWorker.api.benchRender(params, 10); // warm-up (JIT, noise table)
    const frames = 250;
    const s = await synthWorker.api.benchRender(params, frames);
    log(`rendered ${frames} frames in ${s.toFixed(2)} s`);
    records.push({
      name: 'synth.render.frames_per_s',
      value: Math.round(frames / s),
      unit: 'frames/s',
      note: '640x360 RGBA, high flow, no encoding (real time = 25)',
    });
    const support = await synthWorker.api.videoSupport();
    for (const format of ['mp4', 'webm'] as const) {
      if (!support[format]) {
        log(`${format}: not supported by this browser's encoder`);
        continue;
      }
      const r = await synthWorker.run('renderVideo', [params, format, { from: 0, count: frames }]);
      log(
        `${format} (${r.codec}): ${r.frames} frames in ${r.seconds.toFixed(2)} s, ${r.bytes.byteLength} bytes`,
      );
      records.push({
        name: `synth.video.${format}.frames_per_s`,
        value: Math.round(r.frames / r.seconds),
        unit: 'frames/s',
        note: `${r.codec}, 640x360, render + encode + mux (real time = 25)`,
      });
    }
    const n = 500;
    const c = await synthWorker.run('makeCropSet', [{ seed: 1, low: n, high: n, stem: 'bench', h5: true }]);
    log(`${2 * n} crops + 2 HDF5 files in ${c.seconds.toFixed(2)} s`);
    records.push({
      name: 'synth.crops.crops_per_s',
      value: Math.round((2 * n) / c.seconds),
      unit: 'crops/s',
      note: 'simulate + JPEG (the wasm encoder, as cv2.imencode) + research HDF5, 1,000 crops',
    });
    return records;
  },
};
