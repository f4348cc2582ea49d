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
