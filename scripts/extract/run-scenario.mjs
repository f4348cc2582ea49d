// Run one page bench scenario against a build folder and print its records (without touching bench/results.json).
// usage: STUDIO_OUT_DIR=dist-extract [KEYS=h264.high,vp9.low] node scripts/extract/run-scenario.mjs extract-fps [pixel,paths]
// (KEYS: extract-fps runs those fixture videos only)
import { chromium } from '@playwright/test';
import { launchOptions } from '../lib/chromium.mjs';
import { servePreview } from '../lib/serve.mjs';

const [name, query = ''] = process.argv.slice(2);
const server = await servePreview({
  outDir: process.env.STUDIO_OUT_DIR ?? 'dist-extract',
  port: Number(process.env.STUDIO_PORT ?? 4302),
});
const browser = await chromium.launch(launchOptions());
try {
  const page = await browser.newPage();
  page.on('console', (m) => console.error(`[page] ${m.text()}`));
  page.on('crash', () => console.error('page crashed'));
  page.on('close', () => console.error('page closed', new Date().toISOString()));
  page.on('pageerror', (e) => console.error('pageerror', e.message));
  browser.on('disconnected', () => console.error('browser disconnected'));
  await page.goto(server.url);
  await page.waitForFunction(() => window.__studioBench !== undefined, null, { timeout: 60_000 });
  const timer = setInterval(async () => {
    for (const l of await page.evaluate(() => window.__studioBench.log.splice(0)).catch(() => []))
      console.error(l);
  }, 1000);
  if (process.env.KEYS)
    await page.evaluate((k) => (globalThis.__extractKeys = k.split(',')), process.env.KEYS);
  if (query) await page.evaluate((q) => (globalThis.__extractPixelPaths = q.split(',')), query);
  const records = await page.evaluate((n) => window.__studioBench.run(n), name);
  clearInterval(timer);
  for (const l of await page.evaluate(() => window.__studioBench.log.splice(0))) console.error(l);
  console.log(JSON.stringify(records, null, 1));
} finally {
  await browser.close();
  server.close();
}
