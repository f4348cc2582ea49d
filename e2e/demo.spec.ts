// First visit: the studio offers its built-in demo; one click and the crops of both classes are in the gallery.
import { expect, test } from './studio';

test('a first visit offers the demo, and one click opens its crops', async ({ studio, page }) => {
  await studio.open('Train');
  const offer = page.getByRole('region', { name: 'New here? Try the demo' });
  await expect(offer).toBeVisible();
  await offer.getByRole('button', { name: 'Load demo data' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Data', exact: true })).toBeVisible();
  await expect(
    page.getByRole('article', { name: 'Source left_low_0.h5' }).getByTestId('source-count'),
  ).toHaveText('1,000');
  await expect(
    page.getByRole('article', { name: 'Source left_high_2.h5' }).getByTestId('source-count'),
  ).toHaveText('1,000');
  await expect(page.getByTestId('gallery-count')).toHaveText('2,000 crops shown');
  await expect(offer).toBeHidden();

  await test.step('the offer does not come back after a reload', async () => {
    await page.reload();
    await expect(page.getByRole('heading', { level: 2, name: 'Data', exact: true })).toBeVisible();
    await expect(page.getByRole('region', { name: 'New here? Try the demo' })).toBeHidden();
  });
});
