// worker_threads side of generate-set.mjs: makes a range of crops of one class (one camera view, or views drawn
// at random when `view` is null) and JPEG-encodes them.
import { parentPort } from 'node:worker_threads';
import { createJpegEncoder } from './jpeg-encoder.mjs';
import { loadCore } from './load-core.mjs';

const synth = await loadCore('src/core/synth/index.ts');
const generators = new Map();
const encoders = new Map();

parentPort.on('message', ({ id, seed, flow, view, from, to, quality }) => {
  let gen = generators.get(seed);
  if (!gen) generators.set(seed, (gen = new synth.CropGenerator(seed)));
  let encode = encoders.get(quality);
  if (!encode) encoders.set(quality, (encode = createJpegEncoder(quality)));
  const out = [];
  for (let i = from; i < to; i++) {
    const c = gen.cropAt(flow, i, view ?? undefined);
    out.push(encode(c.rgba, c.width, c.height).slice());
  }
  parentPort.postMessage(
    { id, crops: out },
    out.map((c) => c.buffer),
  );
});
parentPort.postMessage({ ready: true });
