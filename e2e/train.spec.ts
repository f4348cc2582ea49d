// Train area end to end: open the h5py fixtures, train a few batches on each tfjs backend (webgpu, webgl,
// wasm, cpu) and see the loss fall and the chart move; then a full short run on wasm with epochs, a stop and
// a continue.
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

test.describe('Train area', () => {
  for (const backend of ['wasm', 'cpu', 'webgl', 'webgpu'] as const) {
    test(`trains 5 batches on ${backend}: the loss falls and the chart moves`, async ({ studio, page }) => {
      test.setTimeout(300_000);
      await openFixtures(studio, ['training.batch_size=32']);
      await page.getByLabel('Training backend').selectOption(backend);
      await page.getByRole('button', { name: 'Train 5 batches' }).click();
      await expect(page.getByTestId('train-phase')).toHaveText('done', { timeout: 280_000 });
      await expect(page.getByRole('status')).toContainText(`on ${backend}`);
      await expect(chart(studio)).toHaveAttribute('data-points', '5');
      const first = Number(await chart(studio).getAttribute('data-first-loss'));
      const last = Number(await chart(studio).getAttribute('data-last-loss'));
      expect(first).toBeGreaterThan(0.3);
      expect(last).toBeLessThan(first);
      // the chart drew a line
      await expect(chart(studio).locator('.recharts-line path').first()).toHaveAttribute('d', /L/);
    });
  }

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
