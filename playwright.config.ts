// Playwright: e2e tests against the production build (vite build + preview), in Debian's Chromium by
// executablePath (CHROMIUM_PATH, default /usr/bin/chromium) or in Playwright's own Chromium where it is installed.
import { defineConfig, devices } from '@playwright/test';
import { launchOptions } from './scripts/lib/chromium.mjs';

const port = Number(process.env.STUDIO_PORT ?? 4173);
const outDir = process.env.STUDIO_OUT_DIR ?? 'dist';

export default defineConfig({
  testDir: 'e2e',
  // Separate result folders so parallel runs (different STUDIO_OUT_DIR) don't overwrite each other.
  outputDir: outDir === 'dist' ? 'test-results' : `test-results/${outDir}`,
  timeout: 180_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  use: {
    baseURL: `http://localhost:${port}/`,
    trace: 'on-first-retry',
    viewport: { width: 1440, height: 900 },
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        viewport: { width: 1440, height: 900 },
        launchOptions: launchOptions(),
      },
    },
  ],
  webServer: {
    command: `node node_modules/vite/bin/vite.js build --outDir ${outDir} && node node_modules/vite/bin/vite.js preview --outDir ${outDir} --port ${port} --strictPort`,
    url: `http://localhost:${port}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 180_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
