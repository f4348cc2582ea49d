// Runs one bench scenario (default train-step) in the built page in headless Chromium, for iterating on the
// training figures without the full bench runner: node scripts/train/run-bench-page.mjs [scenario] [outDir] [port]
import { spawn } from 'node:child_process';
import { chromium } from '@playwright/test';

const scenario = process.argv[2] ?? 'train-step';
const outDir = process.argv[3] ?? 'dist-train';
const port = Number(process.argv[4] ?? 4303);
// TRAIN_BENCH_BACKENDS=wasm,cpu narrows the train-step scenario.
const backends = process.env.TRAIN_BENCH_BACKENDS?.split(',');
const args = [
  '--headless=new',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-angle=swiftshader',
];

const server = spawn(
  process.execPath,
  ['node_modules/vite/bin/vite.js', 'preview', '--outDir', outDir, '--port', String(port), '--strictPort'],
  {
    stdio: 'ignore',
  },
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
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args });
  const page = await browser.newPage();
  page.on('console', (m) => console.log(`[page] ${m.text()}`));
  await page.goto(url);
  await page.waitForFunction(() => globalThis.__studioBench !== undefined);
  if (backends) await page.evaluate((b) => (globalThis.__trainBenchBackends = b), backends);
  const timer = setInterval(async () => {
    const log = await page.evaluate(() => globalThis.__studioBench.log.splice(0)).catch(() => []);
    for (const l of log) console.log(l);
  }, 2000);
  const records = await page.evaluate((s) => globalThis.__studioBench.run(s), scenario);
  clearInterval(timer);
  console.log(JSON.stringify(records, null, 1));
  await browser.close();
} finally {
  server.kill();
}
