// Builds the built-in demo in public/demo: research-layout HDF5 crops of both classes (Node generator, all three
// camera views mixed in), the demo LeNet5 trained with the research recipe on a larger synthetic set (not
// shipped) and a short video of each gas flow, encoded by WebCodecs in headless Chromium (the same code the
// Generate area runs), then checks the total stays under 15 MB.  usage: npm run generate:demo
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';
import { launchOptions } from '../lib/chromium.mjs';
import { closeCore, loadCore, repoRoot } from './load-core.mjs';

const LIMIT = 15 * 1024 * 1024;
const out = path.join(repoRoot, 'public/demo');
const port = Number(process.env.STUDIO_PORT ?? 4304);

const synth = await loadCore('src/core/synth/index.ts');
await closeCore();
fs.mkdirSync(out, { recursive: true });

console.log('crops → public/demo');
execFileSync(
  process.execPath,
  [
    path.join(repoRoot, 'scripts/generate/generate-set.mjs'),
    '--crops',
    String(synth.DEMO_CROPS),
    '--positions',
    'left',
    '--mixed-views',
    '--seed',
    String(synth.DEMO_SEED),
    '--out',
    out,
  ],
  { stdio: 'inherit' },
);

console.log(
  `LeNet5 → public/demo/lenet5 (research recipe in PyTorch on ${synth.DEMO_TRAIN_CROPS} synthetic crops)`,
);
const trainDir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-train-'));
const weights = path.join(trainDir, 'weights.json');
const trainSeed = synth.DEMO_SEED + 100;
try {
  execFileSync(
    process.execPath,
    [
      path.join(repoRoot, 'scripts/generate/generate-set.mjs'),
      '--crops',
      String(synth.DEMO_TRAIN_CROPS),
      '--seed',
      String(trainSeed),
      '--out',
      trainDir,
    ],
    { stdio: 'inherit' },
  );
  const files = fs
    .readdirSync(trainDir)
    .filter((f) => f.endsWith('.h5'))
    .map((f) => `${path.join(trainDir, f)}:${f.includes('_low_') ? 0 : 1}`);
  execFileSync(
    '/usr/bin/python3',
    [path.join(repoRoot, 'scripts/generate/train_demo_model.py'), weights, ...files],
    { stdio: 'inherit' },
  );
  execFileSync(
    process.execPath,
    [
      path.join(repoRoot, 'scripts/generate/export-demo-model.mjs'),
      weights,
      `${synth.DEMO_TRAIN_CROPS.toLocaleString('en')} synthetic crops (npm run generate:set -- --crops ${synth.DEMO_TRAIN_CROPS} --seed ${trainSeed}: left/mid/right views, both gas flows); no real crops`,
    ],
    { stdio: 'inherit' },
  );
} catch (e) {
  // python3-torch is a dev-machine tool; without it the committed model stays as it is.
  console.warn(`LeNet5 not rebuilt (needs /usr/bin/python3 with torch, h5py, cv2): ${e.message}`);
} finally {
  fs.rmSync(trainDir, { recursive: true, force: true });
}

console.log('videos → public/demo (WebCodecs in headless Chromium)');
const server = await createServer({
  root: repoRoot,
  logLevel: 'error',
  server: { port, strictPort: true, hmr: false },
});
await server.listen();
const browser = await chromium.launch(launchOptions());
try {
  const page = await browser.newPage();
  await page.goto(`http://localhost:${port}/index.html`);
  for (const video of synth.DEMO_FILES.filter((f) => f.kind === 'video')) {
    const flow = video.label === 0 ? 'low' : 'high';
    const params = {
      ...synth.DEMO_VIDEO_SCENE,
      seed: synth.DEMO_SEED + video.label,
      gasFlow: synth.GAS_FLOW[flow],
    };
    const b64 = await page.evaluate(async (p) => {
      const m = await import('/src/workers/synth/video.ts');
      const ctx = { signal: new AbortController().signal, progress() {}, check() {}, async checkpoint() {} };
      const r = await m.encodeSceneVideo(p, 'mp4', ctx, undefined, 300_000);
      let s = '';
      for (let i = 0; i < r.bytes.length; i += 0x8000)
        s += String.fromCharCode(...r.bytes.subarray(i, i + 0x8000));
      return btoa(s);
    }, params);
    const file = path.join(repoRoot, 'public', video.path);
    fs.writeFileSync(file, Buffer.from(b64, 'base64'));
    console.log(`${video.path}: ${fs.statSync(file).size} bytes`);
  }
} finally {
  await browser.close();
  await server.close();
}

let total = 0;
for (const f of fs.readdirSync(out, { recursive: true })) {
  const st = fs.statSync(path.join(out, f));
  if (st.isFile()) total += st.size;
}
for (const f of synth.DEMO_FILES) {
  if (!fs.existsSync(path.join(repoRoot, 'public', f.path))) throw new Error(`${f.path} was not made`);
}
console.log(`public/demo: ${(total / 1024 / 1024).toFixed(2)} MB`);
if (total > LIMIT) throw new Error(`public/demo is ${total} bytes, over the 15 MB limit: lower DEMO_CROPS`);
