// The foundation: the shell, hash routing with config overrides, backend detection, and each compute backend
// (WebGPU, WebGL, WASM, CPU) running a small op with correct numbers.
import { expect, test } from './studio';

test('the shell shows every area and routes by hash', async ({ studio, page }) => {
  await studio.open('Data');
  const nav = page.getByRole('navigation', { name: 'Studio areas' });
  for (const area of [
    'Data',
    'Extract',
    'Generate',
    'Train',
    'Search',
    'Evaluate',
    'Refine',
    'Images',
    'Runs',
    'Models',
    'System',
  ] as const) {
    await test.step(`go to ${area}`, async () => {
      await studio.goTo(area);
      await expect(nav.getByRole('link', { name: area })).toHaveAttribute('aria-current', 'page');
      expect(page.url()).toContain(`#/${area.toLowerCase()}`);
    });
  }
  await test.step('the keyboard reaches and drives the navigation', async () => {
    await page.reload();
    // Press Tab only once the shell is rendered, or the key lands on an empty document.
    await expect(page.getByRole('heading', { level: 2, name: 'System', exact: true })).toBeVisible();
    await page.keyboard.press('Tab');
    await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(nav.getByRole('link', { name: 'Data' })).toBeFocused();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { level: 2, name: 'Extract', exact: true })).toBeVisible();
  });
});

test('config overrides come from the URL and the text field, and bad ones are named', async ({
  studio,
  page,
}) => {
  await studio.open('System', ['training.batch_size=512', 'extract.min_area=2500']);
  await expect(page.getByTestId('config-training.batch_size')).toHaveText('512');
  await page.getByText('extract', { exact: true }).click();
  await expect(page.getByTestId('config-extract.min_area')).toHaveText('2500');

  const field = page.getByLabel(/Overrides/);
  await expect(field).toHaveValue('training.batch_size=512 extract.min_area=2500');
  await field.fill('training.batch_size=abc training.optimizer=sgd');
  await page.getByRole('button', { name: 'Apply' }).click();
  const errors = page.getByRole('alert').filter({ hasText: 'training.batch_size' });
  await expect(errors).toContainText('Bad value for "training.batch_size": got "abc", expected an integer');
  await expect(errors).toContainText('Unknown key "training.optimizer"');
  // The last good configuration stays.
  await expect(page.getByTestId('config-training.batch_size')).toHaveText('512');

  await field.fill('training.epochs=3');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('config-training.epochs')).toHaveText('3');
  await expect(page).toHaveURL(/#\/system\?training\.epochs=3$/);
});

test('WebGPU, WebGL and WASM are detected and each computes a small op correctly', async ({
  studio,
  page,
}) => {
  await studio.open('System');
  await expect(page.getByTestId('cap-webgpu')).toContainText('WebGPU on', { timeout: 60_000 });
  await expect(page.getByTestId('cap-webgl')).toContainText('WebGL2 on');
  await expect(page.getByTestId('cap-wasm')).toContainText('WebAssembly + SIMD');

  await page.getByRole('button', { name: 'Check backends' }).click();
  for (const b of ['webgpu', 'webgl', 'wasm', 'cpu']) {
    await expect(page.getByTestId(`smoke-${b}`)).toContainText('correct', { timeout: 120_000 });
  }
});

test('the backend choice persists across reloads', async ({ studio, page }) => {
  await studio.open('System');
  await page.getByRole('radio', { name: 'wasm' }).check();
  await expect(page.getByTestId('active-backend')).toContainText('Training will use wasm');
  await page.reload();
  await expect(page.getByRole('radio', { name: 'wasm' })).toBeChecked();
  await expect(page.getByLabel('Compute backend')).toHaveValue('wasm');
});

test('the worker layer reports progress, cancels, transfers, and recovers from errors and crashes', async ({
  studio,
  page,
}) => {
  await studio.open('System');
  await page.getByRole('button', { name: 'Check workers' }).click();
  for (const name of ['progress', 'cancel', 'transfer', 'error', 'crash']) {
    await expect(page.getByTestId(`worker-check-${name}`)).toContainText('ok');
  }
  await expect(page.getByTestId('worker-check-error')).toContainText('deliberate error for the self-check');
  // The deliberate crash of a passing check leaves no "crashed" message behind.
  await expect(page.getByTestId('worker-check-crash')).toContainText('crash seen');
  await expect(studio.messages.getByRole('alert')).toHaveCount(0);
});
