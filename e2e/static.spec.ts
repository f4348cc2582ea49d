// The static build from a plain static file server under a sub-path: no special headers, relative URLs
// everywhere, the built-in demo opens, and the studio comes back with the server gone (service worker).
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect, test } from './studio';

const SUB = '/some/sub/path/';
const root = path.resolve(process.env.STUDIO_OUT_DIR ?? 'dist');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.csv': 'text/csv',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
};

/** A plain file server: GET of files under SUB, nothing else (no COOP/COEP, no SPA fallback). */
function serveStatic(): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (!url.pathname.startsWith(SUB)) return void res.writeHead(404).end();
    let rel = decodeURIComponent(url.pathname.slice(SUB.length)) || 'index.html';
    if (rel.endsWith('/')) rel += 'index.html';
    const file = path.join(root, rel);
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile())
      return void res.writeHead(404).end();
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'content-length': statSync(file).size,
    });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, 'localhost', () => resolve(server)));
}

test('the static build runs from a sub-path, opens the demo, and works offline after the first visit', async ({
  studio,
  page,
}) => {
  expect(existsSync(path.join(root, 'index.html')), `${root} has no build: run vite build first`).toBe(true);
  const server = await serveStatic();
  const base = `http://localhost:${(server.address() as AddressInfo).port}${SUB}`;
  try {
    await test.step('open the studio under the sub-path', async () => {
      await page.goto(base);
      await expect(page.getByRole('heading', { level: 2 }).first()).toBeVisible();
    });

    await test.step('open the built-in demo', async () => {
      const offer = page.getByRole('button', { name: /load demo/i });
      if (await offer.count()) {
        await offer.first().click();
      } else {
        // Until the shell offers the demo, open its files the way a user would: by URL, relative to the page.
        await studio.goTo('Data');
        await page
          .getByLabel('HDF5 file URL')
          .fill(`${new URL('demo/left_low_0.h5', base)} ${new URL('demo/left_high_2.h5', base)}`);
        await page.getByRole('button', { name: 'Open URL' }).click();
      }
      await expect(page.getByRole('article', { name: /Source left_low_0/ })).toContainText('1,025');
      await expect(page.getByRole('article', { name: /Source left_high_2/ })).toContainText('975');
    });

    await test.step('the demo LeNet5 imports for evaluation', async () => {
      await studio.goTo('Evaluate');
      await page.getByLabel('Model URL').fill(new URL('demo/lenet5/model.json', base).href);
      await page.getByRole('button', { name: 'Import from URL' }).click();
      await expect(page.getByTestId('evaluate-model-info')).toContainText('lenet5');
      await expect(page.getByTestId('evaluate-model-info')).toContainText('high gas flow');
      await expect(page.getByTestId('evaluate-model-trained-on')).toContainText('synthetic data only');
    });

    await test.step('service worker installed and controlling the page', async () => {
      await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
      await page.reload();
      await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    });
  } finally {
    await new Promise((r) => server.close(r));
    server.closeAllConnections();
  }

  await test.step('the server is gone: the studio still opens', async () => {
    await page.goto(base);
    await expect(page.getByRole('heading', { level: 2 }).first()).toBeVisible();
    await studio.goTo('Generate');
    await expect(page.getByRole('button', { name: 'Generate video' })).toBeVisible();
  });
});
