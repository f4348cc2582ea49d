// What a new user hit, each checked where it can fail: refused URL overrides shown on every area, ...
import { expect, test } from './studio';

test('bad URL overrides are shown on every area, not only System', async ({ studio, page }) => {
  await studio.open('Train', ['training.batch_size=abc', 'unknown.key=1']);
  const errors = page.getByRole('alert').filter({ hasText: 'training.batch_size' });
  for (const area of ['Train', 'Data', 'Evaluate'] as const) {
    if (area !== 'Train') await studio.goTo(area);
    await expect(errors).toContainText('Bad value for "training.batch_size": got "abc", expected an integer');
    await expect(errors).toContainText('Unknown key "unknown.key"');
  }
  await page.getByRole('button', { name: 'Fix them in System → Configuration' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'System', exact: true })).toBeVisible();
  await expect(errors).toContainText('Unknown key "unknown.key"');
  await page.getByLabel(/Overrides/).fill('training.batch_size=128');
  await page.getByRole('button', { name: 'Apply' }).click();
  await studio.goTo('Train');
  await expect(page.getByRole('alert').filter({ hasText: 'training.batch_size' })).toHaveCount(0);
});

test('URL fields take paths relative to the page, such as their placeholders; other schemes are refused by name', async ({
  studio,
  page,
}) => {
  await studio.open('Data');
  const field = page.getByLabel('HDF5 file URL');
  await expect(field).toHaveAttribute('placeholder', /demo\/left_low_0\.h5/);
  await field.fill('demo/left_low_0.h5');
  await page.getByRole('button', { name: 'Open URL' }).click();
  await expect(
    page.getByRole('article', { name: 'Source left_low_0.h5' }).getByTestId('source-count'),
  ).toHaveText('1,025'); // the demo's low-flow file (research class balance 51.25/48.75)
  await field.fill('file:///tmp/x.h5');
  await page.getByRole('button', { name: 'Open URL' }).click();
  await expect(studio.messages).toContainText('"file:///tmp/x.h5" uses file: give an http(s) address');

  await studio.goTo('Evaluate');
  await page.getByLabel('Model URL').fill('demo/lenet5/model.json');
  await page.getByRole('button', { name: 'Import from URL' }).click();
  await expect(page.getByTestId('evaluate-model-info')).toContainText('lenet5');
});

test('the live view follows the running job through the queue, until the user picks another', async ({
  studio,
  page,
}) => {
  await studio.open('Extract');
  await page
    .getByLabel(/Videos to extract/)
    .setInputFiles(['e2e/fixtures/spatter_low_flow.webm', 'e2e/fixtures/spatter_high_flow.webm']);
  await expect(page.getByLabel('Status of spatter_high_flow.webm')).toHaveText(/running|done/, {
    timeout: 120_000,
  });
  // the second video started: the live view is on it, not on the first one it opened with
  await expect(page.getByRole('region', { name: 'Extraction of spatter_high_flow.webm' })).toBeVisible();
  await expect(page.getByLabel('Status of spatter_high_flow.webm')).toHaveText('done', { timeout: 120_000 });
  await page
    .getByRole('list', { name: 'Extraction queue' })
    .getByRole('button', { name: 'spatter_low_flow.webm', exact: true })
    .click();
  await expect(page.getByRole('region', { name: 'Extraction of spatter_low_flow.webm' })).toBeVisible();
});
