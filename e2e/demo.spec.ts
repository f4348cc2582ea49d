// First visit: the studio offers its built-in demo; one click and the crops of both classes are in the gallery,
// the build videos wait in the Extract queue and the demo LeNet5 is ready to evaluate.
import { expect, test } from './studio';

test('a first visit offers the demo, and one click opens its crops', async ({ studio, page }) => {
  await studio.open('Train');
  const offer = page.getByRole('region', { name: 'New here? Try the demo' });
  await expect(offer).toBeVisible();
  await offer.getByRole('button', { name: 'Load demo data' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Data', exact: true })).toBeVisible();
  await expect(
    page.getByRole('article', { name: 'Source left_low_0.h5' }).getByTestId('source-count'),
  ).toHaveText('1,025'); // the research's class balance: 51.25% low flow
  await expect(
    page.getByRole('article', { name: 'Source left_high_2.h5' }).getByTestId('source-count'),
  ).toHaveText('975');
  await expect(page.getByTestId('gallery-count')).toHaveText('2,000 crops shown');
  await expect(offer).toBeHidden();

  await test.step('the demo videos wait in the Extract queue, not started', async () => {
    await studio.goTo('Extract');
    for (const name of ['spatter_low_flow.mp4', 'spatter_high_flow.mp4'])
      await expect(page.getByLabel(`Status of ${name}`)).toHaveText('queued');
  });

  await test.step('the demo LeNet5 is ready to evaluate and tells the gas flows of the demo videos apart', async () => {
    await studio.goTo('Evaluate');
    await expect(page.getByTestId('evaluate-model-info')).toContainText('lenet5');
    await expect(page.getByTestId('evaluate-model-info')).toContainText('high gas flow');
    await expect(page.getByTestId('evaluate-model-trained-on')).toContainText('synthetic data only');
    // The verdict names a class only when the 95% interval of the share excludes one half.
    for (const flow of ['low', 'high']) {
      await page.getByLabel('Classify a video').setInputFiles(`public/demo/spatter_${flow}_flow.mp4`);
      await expect(page.getByRole('heading', { name: new RegExp(`Video spatter_${flow}_flow`) })).toBeVisible(
        {
          timeout: 120_000,
        },
      );
      await expect(page.getByTestId('video-verdict')).toHaveText(
        new RegExp(`^${flow} gas flow: \\d+% of \\d+ crops`),
      );
    }
    await studio.goTo('Data');
  });

  await test.step('the queued demo videos extract on request and their crops join the data library', async () => {
    await studio.goTo('Extract');
    await page.getByRole('button', { name: 'Extract queued videos' }).click();
    for (const name of ['spatter_low_flow.mp4', 'spatter_high_flow.mp4'])
      await expect(page.getByLabel(`Status of ${name}`)).toHaveText('done', { timeout: 120_000 });
    await expect(page.getByRole('button', { name: 'Extract queued videos' })).toBeHidden();
    await studio.goTo('Data');
    const low = page.getByRole('article', { name: 'Source spatter_low_flow' });
    await expect(low.getByTestId('source-count')).not.toHaveText('0');
  });

  await test.step('the offer does not come back after a reload', async () => {
    await page.reload();
    await expect(page.getByRole('heading', { level: 2, name: 'Data', exact: true })).toBeVisible();
    await expect(page.getByRole('region', { name: 'New here? Try the demo' })).toBeHidden();
  });
});
