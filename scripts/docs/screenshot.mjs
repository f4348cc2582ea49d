// Takes the README screenshot: the built studio with the demo loaded, in headless Chromium.
// usage: npm run build && node scripts/docs/screenshot.mjs [area] [out.png]
import { chromium } from '@playwright/test';
import { launchOptions } from '../lib/chromium.mjs';
import { servePreview } from '../lib/serve.mjs';

const area = process.argv[2] ?? 'data';
const out = process.argv[3] ?? 'docs/screenshot.png';
const server = await servePreview({ outDir: process.env.STUDIO_OUT_DIR ?? 'dist', port: 4185 });
const browser = await chromium.launch(launchOptions());
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(server.url);
  await page.getByRole('button', { name: 'Load demo data' }).click();
  await page.getByText('2,000 crops shown').waitFor();
  const gallery = page.getByRole('region', { name: 'Crop thumbnails' });
  await gallery.scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, -220));
  await page.waitForTimeout(2000);
  if (area !== 'data') {
    await page.goto(`${server.url}#/${area}`);
    await page.waitForTimeout(1500);
  }
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  server.close();
}
