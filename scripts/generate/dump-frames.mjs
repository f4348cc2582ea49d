// Dev aid: renders frames of a synthetic scene to a raw RGBA file so native tools (python3 + OpenCV) can
// check them. usage: node scripts/generate/dump-frames.mjs OUT.rgba '{"gasFlow":2.4}' [from] [count]
import fs from 'node:fs';
import { closeCore, loadCore } from './load-core.mjs';

const [out, json = '{}', fromArg = '0', countArg] = process.argv.slice(2);
const synth = await loadCore('src/core/synth/index.ts');
const params = { ...synth.DEFAULT_SCENE, ...JSON.parse(json) };
const scene = new synth.SpatterScene(params);
const from = Number(fromArg);
const count = countArg ? Number(countArg) : scene.frameCount - from;
const fd = fs.openSync(out, 'w');
const buf = new Uint8ClampedArray(params.width * params.height * 4);
const t0 = performance.now();
for (let f = from; f < from + count; f++) {
  scene.renderFrame(f, buf);
  fs.writeSync(fd, buf);
}
const ms = performance.now() - t0;
fs.closeSync(fd);
console.log(
  JSON.stringify({
    frames: count,
    width: params.width,
    height: params.height,
    fps_render: Math.round((count / ms) * 1000),
  }),
);
await closeCore();
