// Trust, end to end: runs are bound to dataset versions. A run interrupted by a reload continues only on its
// own data and ends with the uninterrupted run's weights; evaluation uses the run's frozen test split and never
// rewrites its recorded test accuracy; a video whose name says nothing stays unlabelled until the user chooses.
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { greyCropsAsPng, lenetModelFiles, seededLenetWeights } from './model-files';
import { expect, test, type Studio } from './studio';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const fx = (name: string) => join(fixtures, name);

async function openFixtures(studio: Studio, files = ['left_low_0.h5', 'left_high_2.h5']): Promise<void> {
  await studio.page.getByLabel('Open HDF5 files').setInputFiles(files.map(fx));
  for (const f of files) {
    await expect(
      studio.page.getByRole('article', { name: `Source ${f}` }).getByTestId('source-count'),
    ).toHaveText(f.includes('high') ? '237' : '101');
  }
}

const valPoints = async (page: Page) =>
  Number(await page.getByTestId('chart-val-acc').getAttribute('data-points'));

/** Every stored run (newest first) with the largest weight difference between the two given runs' resume points. */
async function storedRuns(page: Page) {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('spatter-studio');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const all = <T>(store: string) =>
      new Promise<T>((resolve, reject) => {
        const req = db.transaction(store).objectStore(store).getAll();
        req.onsuccess = () => resolve(req.result as T);
        req.onerror = () => reject(req.error);
      });
    const runs =
      await all<{ id: string; createdAt: number; status: string; datasetVersionId?: string }[]>('runs');
    runs.sort((a, b) => a.createdAt - b.createdAt);
    const latest = await Promise.all(
      runs.map(
        (r) =>
          new Promise<{ epoch: number; weights: Record<string, Float32Array> } | undefined>((resolve) => {
            const req = db.transaction('latest').objectStore('latest').get(r.id);
            req.onsuccess = () => resolve((req.result as { state?: never } | undefined)?.state);
          }),
      ),
    );
    let maxDiff = -1;
    if (latest.length >= 2 && latest[0] && latest[1]) {
      maxDiff = 0;
      for (const [name, w] of Object.entries(latest[0].weights)) {
        const o = latest[1].weights[name]!;
        for (let i = 0; i < w.length; i++) maxDiff = Math.max(maxDiff, Math.abs(w[i]! - o[i]!));
      }
    }
    db.close();
    return {
      runs: runs.map((r, i) => ({ ...r, epoch: latest[i]?.epoch ?? null })),
      maxDiff,
    };
  });
}

test('a run interrupted by a reload continues on its own data only, and ends with the uninterrupted run’s weights', async ({
  studio,
  page,
}) => {
  test.setTimeout(600_000);
  const overrides = ['training.batch_size=16', 'training.epochs=40', 'training.early_stopping=false'];
  await studio.open('Data', overrides);
  await openFixtures(studio);
  await studio.goTo('Train');
  await page.getByLabel('Training backend').selectOption('wasm');

  await test.step('an uninterrupted run of the same seed', async () => {
    await page.getByRole('button', { name: 'Start training' }).click();
    await expect(page.getByTestId('train-phase')).toHaveText('done', { timeout: 300_000 });
    await expect(page.getByRole('region', { name: 'Training status' })).toContainText('Trained 40 epochs');
  });

  await test.step('the same run, paused mid-run and the page reloaded', async () => {
    await page.getByRole('button', { name: 'Start training' }).click();
    // the chart starts again with the new run (it still shows the first run's 40 epochs while preparing)
    await expect.poll(() => valPoints(page), { timeout: 120_000 }).toBeLessThan(40);
    await expect.poll(() => valPoints(page), { timeout: 120_000 }).toBeGreaterThanOrEqual(2);
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect(page.getByTestId('train-phase')).toHaveText('paused');
    await page.reload();
    await expect(page.getByRole('heading', { level: 2, name: 'Train', exact: true })).toBeVisible();
  });
  const cut = await storedRuns(page);
  expect(cut.runs).toHaveLength(2);
  expect(cut.runs[0]!.datasetVersionId).toMatch(/^dv-/);
  expect(cut.runs[1]!.datasetVersionId).toBe(cut.runs[0]!.datasetVersionId);
  const boundary = cut.runs[1]!.epoch!;
  expect(boundary).toBeGreaterThanOrEqual(1);
  expect(boundary).toBeLessThan(40);

  await test.step('without its data, Continue is refused with a message naming what is missing', async () => {
    const pick = page.getByLabel('Continue a stopped run');
    const option = pick.locator('option', { hasText: 'interrupted' }).first();
    await pick.selectOption({ label: (await option.textContent())! });
    await expect(studio.messages).toContainText('not open: left_low_0.h5, left_high_2.h5');
    await expect(page.getByTestId('train-phase')).toHaveText('idle');
  });

  await test.step('re-open the files (in the other order) and continue to the end', async () => {
    await studio.goTo('Data');
    await openFixtures(studio, ['left_high_2.h5', 'left_low_0.h5']);
    await studio.goTo('Train');
    const pick = page.getByLabel('Continue a stopped run');
    const option = pick.locator('option', { hasText: 'interrupted' }).first();
    await pick.selectOption({ label: (await option.textContent())! });
    await expect(page.getByRole('region', { name: 'Training status' })).toContainText(
      `Resumed at epoch ${boundary + 1}`,
    );
    await expect(page.getByTestId('train-phase')).toHaveText('done', { timeout: 300_000 });
    // the chart continues from the boundary: one point per epoch, no stray line from the cut epoch
    await expect(page.getByTestId('chart-val-acc')).toHaveAttribute('data-points', '40');
  });

  const end = await storedRuns(page);
  expect(end.runs.map((r) => r.epoch)).toEqual([40, 40]);
  expect(end.maxDiff).toBeGreaterThanOrEqual(0);
  expect(end.maxDiff).toBeLessThanOrEqual(1e-6);
});

test('evaluation uses the run’s frozen test split; its recorded test accuracy never changes', async ({
  studio,
  page,
}) => {
  test.setTimeout(300_000);
  await studio.open('Data', ['training.batch_size=32', 'training.epochs=3']);
  await openFixtures(studio);
  await studio.goTo('Train');
  await page.getByLabel('Training backend').selectOption('wasm');
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.getByTestId('train-phase')).toHaveText('done', { timeout: 200_000 });
  const status = (await page.getByRole('region', { name: 'Training status' }).textContent()) ?? '';
  const [, recordedAcc, testCount] = /test accuracy ([\d.]+)% on (\d+) crops/.exec(status)!;

  await test.step('the data library changes: one file closed and reopened after the other', async () => {
    await studio.goTo('Data');
    await page.getByRole('button', { name: 'Close left_low_0.h5' }).click();
    await openFixtures(studio, ['left_low_0.h5']);
  });

  await studio.goTo('Runs');
  const row = page.locator('[data-testid^="run-row-"]').first();
  await expect(row.getByTestId('run-test-acc')).toContainText(Number(recordedAcc).toFixed(1));
  await row.getByRole('button', { name: /Details of/ }).click();
  await page.getByRole('button', { name: 'Evaluate', exact: true }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Evaluate', exact: true })).toBeVisible();

  await test.step('by default on the run’s own frozen test split', async () => {
    await expect(page.getByRole('radio', { name: /The run’s own frozen split/ })).toBeChecked();
    await page.getByRole('button', { name: 'Evaluate', exact: true }).click();
    await expect(page.getByTestId('evaluation-data')).toContainText('the run’s own test split');
    const cm: number[] = [];
    for (const i of [0, 1])
      for (const j of [0, 1])
        cm.push(Number(await page.getByTestId(`cm-${i}-${j}`).locator('strong').textContent()));
    expect(cm.reduce((a, b) => a + b, 0)).toBe(Number(testCount));
  });

  await test.step('on the library as it is now: kept as another evaluation, labelled as other data', async () => {
    await page.getByRole('radio', { name: /The data library as it is now/ }).check();
    await page.getByRole('button', { name: /data library splits|splits from the data library/ }).click();
    await expect(page.getByRole('radio', { name: /Test split/ })).toBeEnabled();
    await page.getByRole('button', { name: 'Evaluate', exact: true }).click();
    await expect(page.getByTestId('evaluation-data')).toContainText('other data than the run’s own');
  });

  await studio.goTo('Runs');
  await expect(row.getByTestId('run-test-acc')).toContainText(Number(recordedAcc).toFixed(1));
  await row.getByRole('button', { name: /Details of/ }).click();
  const evals = page.getByRole('table', { name: /Evaluations of/ });
  await expect(evals.locator('tbody tr')).toHaveCount(2);
  await expect(evals).toContainText('the run’s own test split');
  await expect(evals).toContainText('other data');
});

test('a video whose name says nothing is unlabelled: its crops stay out of a version’s splits until labelled', async ({
  studio,
  page,
}) => {
  test.setTimeout(300_000);
  const dir = mkdtempSync(join(tmpdir(), 'spatter-unnamed-'));
  const video = join(dir, 'build_42.mp4');
  copyFileSync(fx('spatter_high_flow.mp4'), video);
  await studio.open('Extract');
  await page.getByLabel(/Videos to extract/).setInputFiles(video);
  await expect(page.getByLabel('Status of build_42.mp4')).toHaveText('done', { timeout: 150_000 });

  await studio.goTo('Data');
  const unlabelled = page.getByRole('status', { name: 'build_42 is unlabelled' });
  await expect(unlabelled).toBeVisible();
  await openFixtures(studio);
  const versions = page.getByRole('table', { name: 'Dataset versions' });
  await page.getByRole('button', { name: 'Freeze the data now as a version' }).click();
  await expect(versions.locator('tbody tr')).toHaveCount(1);
  // the 237 crops of build_42 are unlabelled and in no split; the fixtures' 338 are split
  await expect(versions.locator('tbody tr').first()).toContainText('237 unlabelled');

  await unlabelled.getByRole('button', { name: /as high gas flow/ }).click();
  await expect(unlabelled).toHaveCount(0);
  await expect(
    page.getByRole('article', { name: 'Source build_42' }).getByTestId('label-source'),
  ).toContainText('set by you');
  await page.getByRole('button', { name: 'Freeze the data now as a version' }).click();
  await expect(versions.locator('tbody tr')).toHaveCount(2);
  await expect(versions.locator('tbody tr').first()).toContainText('0 unlabelled');

  await test.step('crops dropped in Evaluate are unlabelled by default', async () => {
    await studio.goTo('Evaluate');
    await expect(page.getByLabel('Class of dropped images')).toHaveValue('');
  });
});

test('all-black crops are flagged where predictions are shown and counted as no class', async ({
  studio,
  page,
}) => {
  const files = await lenetModelFiles(await seededLenetWeights(3));
  await studio.open('Evaluate');
  await page.getByLabel('Import TF.js model files').setInputFiles(files);
  await expect(page.getByTestId('evaluate-model-info')).toContainText('lenet5');
  const side = 40;
  const crops = new Uint8Array(4 * side * side);
  // crops 0 and 1 all black; 2 and 3 a bright blob on noise
  for (let i = 2; i < 4; i++)
    for (let p = 0; p < side * side; p++)
      crops[i * side * side + p] = ((p * 37 + i * 11) % 90) + (p % side > 15 && p % side < 25 ? 150 : 0);
  const pngs = await greyCropsAsPng(page, crops, side, 4);
  await expect(page.getByLabel('Class of dropped images')).toHaveValue('');
  await page.getByLabel('Crop images to evaluate').setInputFiles(
    pngs.map((b64, k) => ({
      name: `crop_${k}.png`,
      mimeType: 'image/png',
      buffer: Buffer.from(b64, 'base64'),
    })),
  );
  await expect(page.getByTestId('evaluate-dropped-count')).toContainText('4 dropped images (4 unlabelled)');
  await page.getByRole('button', { name: 'Classify dropped images' }).click();
  await expect(page.getByTestId('crop-predictions-summary')).toContainText(
    '2 all black (flagged, not counted as a class)',
  );
  const summary = (await page.getByTestId('crop-predictions-summary').textContent()) ?? '';
  const [, low, high] = /(\d+) low, (\d+) high/.exec(summary)!;
  expect(Number(low) + Number(high)).toBe(2);
  await expect(page.getByRole('img', { name: /crop_0\.png: all black/ })).toBeVisible();
});

test('opened files come back after a reload: from the browser’s copy, or re-picked and checked by digest', async ({
  studio,
  page,
}) => {
  await studio.open('Data');
  await page.getByRole('checkbox', { name: /Keep a copy of opened HDF5 files/ }).check();
  await openFixtures(studio, ['left_low_0.h5']);
  await page.getByRole('checkbox', { name: /Keep a copy of opened HDF5 files/ }).uncheck();
  await openFixtures(studio, ['left_high_2.h5']);
  await expect(page.getByText('Every file opened before is open.')).toBeVisible();

  await page.reload();
  await expect(page.getByRole('heading', { level: 2, name: 'Data', exact: true })).toBeVisible();
  const toReopen = page.getByRole('list', { name: 'Files to reopen' });
  await expect(toReopen.getByRole('listitem')).toHaveCount(2);
  await expect(toReopen).toContainText('copy kept in this browser');

  await test.step('the kept copy reopens in one click, with the same content digest', async () => {
    await toReopen.getByRole('button', { name: 'Reopen left_low_0.h5' }).click();
    await expect(
      page.getByRole('article', { name: 'Source left_low_0.h5' }).getByTestId('source-count'),
    ).toHaveText('101');
    await expect(toReopen.getByRole('listitem')).toHaveCount(1);
  });

  await test.step('a re-picked file with other content under the same name is not taken for it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spatter-repick-'));
    const impostor = join(dir, 'left_high_2.h5');
    copyFileSync(fx('vlen_low_0.h5'), impostor);
    await toReopen.getByLabel('Re-pick left_high_2.h5').setInputFiles(impostor);
    await expect(studio.messages).toContainText('is not the left_high_2.h5 opened before');
    await expect(toReopen.getByRole('listitem')).toHaveCount(1);
  });

  await test.step('the right file re-picked matches', async () => {
    await page.getByRole('button', { name: 'Close left_high_2.h5' }).click();
    await toReopen.getByLabel('Re-pick left_high_2.h5').setInputFiles(fx('left_high_2.h5'));
    await expect(page.getByText('Every file opened before is open.')).toBeVisible();
  });
});

test('labels the user chose come back after a reload (by content digest), per source and per crop', async ({
  studio,
  page,
}) => {
  const dir = mkdtempSync(join(tmpdir(), 'spatter-labels-'));
  const unnamed = join(dir, 'build_9.h5');
  copyFileSync(fx('left_high_2.h5'), unnamed);
  await studio.open('Data');
  await page.getByLabel('Open HDF5 files').setInputFiles(unnamed);
  const status = page.getByRole('status', { name: 'build_9.h5 is unlabelled' });
  await status.getByRole('button', { name: /as high gas flow/ }).click();
  await expect(status).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole('heading', { level: 2, name: 'Data', exact: true })).toBeVisible();
  await page.getByLabel('Open HDF5 files').setInputFiles(unnamed);
  const article = page.getByRole('article', { name: 'Source build_9.h5' });
  await expect(article.getByTestId('source-count')).toHaveText('237');
  await expect(article.getByTestId('label-source')).toContainText('high gas flow');
  await expect(article.getByTestId('label-source')).toContainText('set by you');
});
