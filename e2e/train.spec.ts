// Train area end to end: open the h5py fixtures, train 5 batches on each tfjs backend (webgpu, webgl, wasm,
// cpu), see the loss fall and the chart move, and compare the first step's loss across backends; then a short
// run on wasm with epochs, pause/resume, a stop and a continue.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Studio } from './studio';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const fx = (name: string) => join(fixtures, name);

async function openFixtures(studio: Studio, overrides: string[]): Promise<void> {
  await studio.open('Data', overrides);
  await studio.page.getByLabel('Open HDF5 files').setInputFiles([fx('left_low_0.h5'), fx('left_high_2.h5')]);
  await expect(
    studio.page.getByRole('article', { name: 'Source left_high_2.h5' }).getByTestId('source-count'),
  ).toHaveText('237');
  await studio.goTo('Train');
}

const chart = (studio: Studio) => studio.page.getByTestId('chart-batch-loss');

/** First-batch loss per backend, compared once every backend has trained (the tests below run in order). */
const firstLoss = new Map<string, number>();

test.describe('Train area: 5 batches on every backend', () => {
  test.describe.configure({ mode: 'serial' });
  // A training split that fits in one batch (10% of the 338 fixture crops, batch 64) and no augmentation:
  // every step sees the same images, so 5 Adam steps lower the loss for sure (not a matter of which crops a
  // batch drew), and the first loss is the same computation on every backend. A small validation split (5%)
  // keeps the per-epoch validation cheap on the software GPUs.
  const overrides = [
    'training.batch_size=64',
    'data.ratios=0.1,0.05,0.85',
    'training.rotation=0',
    'training.early_stopping=false',
  ];
  for (const backend of ['wasm', 'cpu', 'webgl', 'webgpu'] as const) {
    test(`trains 5 batches on ${backend}: the loss falls and the chart moves`, async ({ studio, page }) => {
      test.setTimeout(300_000);
      await openFixtures(studio, overrides);
      await page.getByLabel('Training backend').selectOption(backend);
      await page.getByRole('button', { name: 'Train 5 batches' }).click();
      await expect(page.getByTestId('train-phase')).toHaveText('done', { timeout: 280_000 });
      await expect(page.getByRole('status')).toContainText(`on ${backend}`);
      await expect(chart(studio)).toHaveAttribute('data-points', '5');
      const first = Number(await chart(studio).getAttribute('data-first-loss'));
      const last = Number(await chart(studio).getAttribute('data-last-loss'));
      // BCE of an untrained net on balanced-ish classes is near ln 2
      expect(first).toBeGreaterThan(0.3);
      expect(first).toBeLessThan(2);
      expect(last).toBeLessThan(first);
      firstLoss.set(backend, first);
      // one batch per epoch: 4 epochs were validated before the 5th batch ended the run, each with a
      // training accuracy from its batch
      const acc = page.getByTestId('chart-val-acc');
      await expect(acc).toHaveAttribute('data-points', '4');
      const trainAcc = Number(await acc.getAttribute('data-last-train-acc'));
      expect(trainAcc).toBeGreaterThanOrEqual(0);
      expect(trainAcc).toBeLessThanOrEqual(1);
      // the chart drew a line
      await expect(chart(studio).locator('.recharts-line path').first()).toHaveAttribute('d', /L/);
    });
  }

  test('the first step gives the same loss on every backend (within 1e-3)', () => {
    expect([...firstLoss.keys()].sort()).toEqual(['cpu', 'wasm', 'webgl', 'webgpu']);
    test.info().annotations.push({
      type: 'first-batch loss',
      description: JSON.stringify(Object.fromEntries(firstLoss)),
    });
    const ref = firstLoss.get('cpu')!;
    for (const [backend, loss] of firstLoss) expect(Math.abs(loss - ref), backend).toBeLessThan(1e-3);
  });
});

test.describe('Train area', () => {
  test('the stronger model (resnet-small, parameter count listed) trains on wasm', async ({
    studio,
    page,
  }) => {
    await openFixtures(studio, [
      'training.batch_size=64',
      'data.ratios=0.1,0.05,0.85',
      'training.rotation=0',
      'training.early_stopping=false',
    ]);
    const model = page.getByRole('combobox', { name: 'Model', exact: true });
    await expect(model.locator('option', { hasText: 'resnet' })).toHaveText(/103,289 parameters/);
    await model.selectOption('resnet-small');
    await page.getByLabel('Training backend').selectOption('wasm');
    await page.getByRole('button', { name: 'Train 5 batches' }).click();
    await expect(page.getByTestId('train-phase')).toHaveText('done', { timeout: 120_000 });
    await expect(chart(studio)).toHaveAttribute('data-points', '5');
    const first = Number(await chart(studio).getAttribute('data-first-loss'));
    const last = Number(await chart(studio).getAttribute('data-last-loss'));
    expect(last).toBeLessThan(first);
  });

  test('a wasm run trains epochs, can be stopped, and continues from its saved state', async ({
    studio,
    page,
  }) => {
    test.setTimeout(300_000);
    await openFixtures(studio, [
      'training.batch_size=32',
      'training.epochs=40',
      'training.early_stopping=false',
    ]);
    await page.getByLabel('Training backend').selectOption('wasm');
    await page.getByRole('button', { name: 'Start training' }).click();
    await expect
      .poll(async () => Number(await page.getByTestId('chart-val-acc').getAttribute('data-points')), {
        timeout: 120_000,
      })
      .toBeGreaterThanOrEqual(2);
    await test.step('pause and resume', async () => {
      await page.getByRole('button', { name: 'Pause' }).click();
      await expect(page.getByTestId('train-phase')).toHaveText('paused');
      await page.getByRole('button', { name: 'Resume' }).click();
      await expect(page.getByTestId('train-phase')).toHaveText('running');
    });
    await page.getByRole('button', { name: 'Stop' }).click();
    await expect(page.getByTestId('train-phase')).toHaveText('done');
    await expect(page.getByText(/Stopped by the user/)).toBeVisible();
    const epochsBefore = Number(await page.getByTestId('chart-val-acc').getAttribute('data-points'));
    await test.step('continue the stopped run', async () => {
      const pick = page.getByLabel('Continue a stopped run');
      const option = pick.locator('option', { hasText: 'stopped' }).first();
      await pick.selectOption({ label: (await option.textContent())! });
      await expect(page.getByTestId('train-phase')).toHaveText('running');
      await expect
        .poll(async () => Number(await page.getByTestId('chart-val-acc').getAttribute('data-points')), {
          timeout: 120_000,
        })
        .toBeGreaterThan(epochsBefore);
      await page.getByRole('button', { name: 'Stop' }).click();
      await expect(page.getByTestId('train-phase')).toHaveText('done');
    });
  });
});
