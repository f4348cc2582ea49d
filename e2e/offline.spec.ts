// Offline under `npm start` (vite preview): the studio loaded once keeps working with the server stopped — a
// reload shows it and "Load demo data" opens the demo from the service worker's precache. vite preview answers
// with `Vary: Origin`, which made the hand-written worker's cache lookups miss (a blank page). A new build does
// not take over an open tab: the tab offers "Reload now".
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect, test } from './studio';

const outDir = process.env.STUDIO_OUT_DIR ?? 'dist';
// A preview server of our own (the suite's stays up), on a port beside the suite's.
const port = Number(process.env.STUDIO_PORT ?? 4173) + 1000;
const base = `http://localhost:${port}/`;

async function startPreview(): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      path.resolve('node_modules/vite/bin/vite.js'),
      'preview',
      '--outDir',
      outDir,
      '--port',
      String(port),
      '--strictPort',
    ],
    { stdio: 'ignore' },
  );
  await expect
    .poll(
      async () => {
        try {
          return (await fetch(base)).status;
        } catch {
          return 0;
        }
      },
      { timeout: 60_000 },
    )
    .toBe(200);
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

test('loaded once from vite preview, the studio reloads and opens the demo with the server stopped', async ({
  page,
}) => {
  const server = await startPreview();
  try {
    await test.step('first visit: the service worker precaches the build (its responses carry Vary)', async () => {
      const res = await page.goto(`${base}#/train`);
      expect(res?.headers()['vary'] ?? '').toMatch(/origin/i);
      await expect(page.getByRole('heading', { level: 2, name: 'Train', exact: true })).toBeVisible();
      // `ready` resolves once the worker is active, i.e. after its install precached every file.
      await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    });
  } finally {
    await stop(server);
  }
  await expect
    .poll(() =>
      fetch(base).then(
        () => 'up',
        () => 'down',
      ),
    )
    .toBe('down');

  await test.step('server stopped: a reload shows the studio', async () => {
    await page.reload();
    await expect(page.getByRole('heading', { level: 2, name: 'Train', exact: true })).toBeVisible();
  });

  await test.step('"Load demo data" opens the demo from the precache', async () => {
    const offer = page.getByRole('region', { name: 'New here? Try the demo' });
    await offer.getByRole('button', { name: 'Load demo data' }).click();
    await expect(
      page.getByRole('article', { name: 'Source left_low_0.h5' }).getByTestId('source-count'),
    ).toHaveText('1,025');
    await expect(
      page.getByRole('article', { name: 'Source left_high_2.h5' }).getByTestId('source-count'),
    ).toHaveText('975');
    await expect(page.getByRole('region', { name: 'Messages' }).getByRole('alert')).toHaveCount(0);
  });
});

test('a new build waits: the open tab offers "Reload now" instead of switching under the user', async ({
  page,
}) => {
  const root = path.resolve(outDir);
  let swSuffix = '';
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    let rel = decodeURIComponent(url.pathname.slice(1)) || 'index.html';
    if (rel.endsWith('/')) rel += 'index.html';
    const file = path.join(root, rel);
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile())
      return void res.writeHead(404).end();
    const type = rel.endsWith('.js') ? 'text/javascript' : rel.endsWith('.html') ? 'text/html' : undefined;
    // A "new build": the service worker's bytes change.
    const body = rel === 'sw.js' ? readFileSync(file, 'utf8') + swSuffix : readFileSync(file);
    res.writeHead(200, { ...(type ? { 'content-type': type } : {}), 'cache-control': 'no-cache' });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, 'localhost', () => r()));
  const base = `http://localhost:${(server.address() as AddressInfo).port}/`;
  try {
    await page.goto(`${base}#/data`);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await page.reload();
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

    swSuffix = '\n// a new build\n';
    await page.reload();
    const notice = page
      .getByRole('region', { name: 'Messages' })
      .getByText('An update of the studio is available');
    await expect(notice).toBeVisible({ timeout: 60_000 });
    // Until the user chooses, the tab keeps its worker: no skipWaiting under an open tab.
    const waiting = await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.getRegistration();
      return reg?.waiting !== null && reg?.waiting !== undefined;
    });
    expect(waiting).toBe(true);
    const reloaded = page.waitForEvent('load');
    await page.getByRole('button', { name: 'Reload now' }).click();
    await reloaded;
    await expect
      .poll(() =>
        page.evaluate(async () => {
          const reg = await navigator.serviceWorker.getRegistration();
          return reg?.waiting === null && navigator.serviceWorker.controller !== null;
        }),
      )
      .toBe(true);
    // the new worker took over on the user's reload; the offer is gone
    await expect(page.getByRole('heading', { level: 2, name: 'Data', exact: true })).toBeVisible();
    await expect(page.getByText('An update of the studio is available')).toHaveCount(0);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});
