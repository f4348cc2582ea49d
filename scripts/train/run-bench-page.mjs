// Runs one bench scenario (default train-step) in the built page in headless Chromium, for iterating on the
// training figures without the full bench runner:
//   node scripts/train/run-bench-page.mjs [scenario] [outDir] [port]
// Environment: TRAIN_BENCH_BACKENDS=wasm,cpu narrows train-step; TRAIN_FULL_FRACTION=0.1,
// TRAIN_FULL_EPOCHS=20 (a measured 20-epoch run) and TRAIN_FULL_DIRS=full-train set train-full-scale. Like bench/run.mjs it
// answers the page's __benchHost('files', selector, dirs) with the .h5 files of the first non-empty
// bench/.data/<dir>, so the scenarios that open a set from disk run here too.
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { launchOptions } from '../lib/chromium.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const scenario = process.argv[2] ?? 'train-step';
const outDir = process.argv[3] ?? 'dist-train';
const port = Number(process.argv[4] ?? 4303);
const globals = {
  __trainBenchBackends: process.env.TRAIN_BENCH_BACKENDS?.split(','),
  __trainFullFraction: process.env.TRAIN_FULL_FRACTION ? Number(process.env.TRAIN_FULL_FRACTION) : undefined,
  __trainFullDirs: process.env.TRAIN_FULL_DIRS?.split(','),
  __trainFullEpochs: process.env.TRAIN_FULL_EPOCHS ? Number(process.env.TRAIN_FULL_EPOCHS) : undefined,
};

const server = spawn(
  process.execPath,
  ['node_modules/vite/bin/vite.js', 'preview', '--outDir', outDir, '--port', String(port), '--strictPort'],
  { stdio: 'ignore' },
);
try {
  const url = `http://localhost:${port}/`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).ok) break;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const browser = await chromium.launch(launchOptions());
  const page = await browser.newPage();
  page.setDefaultTimeout(0);
  page.on('console', (m) => console.log(`[page] ${m.text()}`));
  await page.exposeFunction('__benchHost', async (op, selector, dirs) => {
    if (op !== 'files') return null;
    for (const d of dirs) {
      const dir = path.join(root, 'bench/.data', d);
      const names = (await readdir(dir).catch(() => [])).filter((f) => f.endsWith('.h5')).sort();
      if (names.length === 0) continue;
      await page.setInputFiles(
        selector,
        names.map((n) => path.join(dir, n)),
      );
      return { dir: path.relative(root, dir), names };
    }
    return { dir: null, names: [] };
  });
  await page.goto(url);
  await page.waitForFunction(() => globalThis.__studioBench !== undefined);
  await page.evaluate((g) => {
    for (const [k, v] of Object.entries(g)) if (v !== null && v !== undefined) globalThis[k] = v;
  }, globals);
  const timer = setInterval(async () => {
    const log = await page.evaluate(() => globalThis.__studioBench.log.splice(0)).catch(() => []);
    for (const l of log) console.log(l);
  }, 2000);
  const records = await page.evaluate((s) => globalThis.__studioBench.run(s), scenario);
  clearInterval(timer);
  for (const l of await page.evaluate(() => globalThis.__studioBench.log.splice(0)).catch(() => []))
    console.log(l);
  console.log(JSON.stringify(records, null, 1));
  await browser.close();
} finally {
  server.kill();
}
