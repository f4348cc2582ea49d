// Data area end to end: open the h5py fixtures through the file input, see their crops, survive broken
// inputs with specific messages, and export a research-layout file that h5py + OpenCV read back.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as jpeg from 'jpeg-js';
import { pythonHas, verifyResearchH5 } from './python';
import { expect, test } from './studio';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const fx = (name: string) => join(fixtures, name);

test.describe('Data area', () => {
  test('opens the h5py fixtures and shows 101 and 237 crops with thumbnails', async ({ studio, page }) => {
    await studio.open('Data');
    await test.step('open both files with the file picker', async () => {
      await page.getByLabel('Open HDF5 files').setInputFiles([fx('left_low_0.h5'), fx('left_high_2.h5')]);
    });
    const low = page.getByRole('article', { name: 'Source left_low_0.h5' });
    const high = page.getByRole('article', { name: 'Source left_high_2.h5' });
    await expect(low.getByTestId('source-count')).toHaveText('101');
    await expect(high.getByTestId('source-count')).toHaveText('237');
    await expect(low.getByLabel('Label of left_low_0.h5')).toHaveValue('0');
    await expect(high.getByLabel('Label of left_high_2.h5')).toHaveValue('1');
    await expect(page.getByTestId('gallery-count')).toHaveText('338 crops shown');
    await test.step('thumbnails are decoded images', async () => {
      const thumbs = page.getByRole('region', { name: 'Crop thumbnails' }).getByRole('img');
      await expect(thumbs.first()).toBeVisible();
      expect(await thumbs.count()).toBeGreaterThan(10);
      await expect
        .poll(() => thumbs.first().evaluate((img) => (img as HTMLImageElement).naturalWidth))
        .toBeGreaterThan(0);
    });
    await test.step('the research split is shown', async () => {
      await expect(page.getByTestId('split-description')).toContainText('random 60/20/20, seed 1234');
    });
    await test.step('filter by label and open one crop', async () => {
      await page.getByRole('group', { name: 'Gallery filters' }).getByLabel('Label').selectOption('0');
      await expect(page.getByTestId('gallery-count')).toHaveText('101 crops shown');
      await page.getByRole('button', { name: 'Crop left_low_0.h5 › spatter_low_flow_0 [0]' }).click();
      await expect(
        page.getByRole('dialog', { name: /Crop detail: left_low_0\.h5 › spatter_low_flow_0 \[0\]/ }),
      ).toBeVisible();
    });
  });

  test('broken inputs each say what is wrong and the rest keeps working', async ({ studio, page }) => {
    await studio.open('Data');
    await page
      .getByLabel('Open HDF5 files')
      .setInputFiles([
        fx('not_hdf5_low_0.h5'),
        fx('truncated_low_0.h5'),
        fx('mixed_types_low_0.h5'),
        fx('corrupt_low_0.h5'),
        fx('left_low_0.h5'),
      ]);
    const errors = page.getByRole('list', { name: 'Files that could not be opened' });
    await expect(errors).toContainText('not_hdf5_low_0.h5 is not an HDF5 file');
    await expect(errors).toContainText('truncated_low_0.h5 is truncated: it has 148,719 bytes');
    await expect(
      page.getByRole('article', { name: 'Source left_low_0.h5' }).getByTestId('source-count'),
    ).toHaveText('101');
    await expect(page.getByRole('list', { name: 'Datasets skipped in mixed_types_low_0.h5' })).toContainText(
      '/temperatures was skipped: it holds float32',
    );
    await expect(page.getByRole('list', { name: 'Data-quality findings' })).toContainText(
      'corrupt_low_0.h5 › spatter_low_flow_0 [3] is not a decodable image',
    );
    // 101 + 5 + 20 crops open; the corrupt one is flagged, the other 19 of its file still count.
    await expect(page.getByTestId('gallery-count')).toHaveText('126 crops shown');
    await page
      .getByRole('group', { name: 'Gallery filters' })
      .getByLabel('Quality')
      .selectOption('undecodable');
    await expect(page.getByTestId('gallery-count')).toHaveText('1 crops shown');
  });

  test('exports a research-layout HDF5 file that h5py reads and OpenCV decodes', async ({ studio, page }) => {
    await studio.open('Data');
    await page
      .getByLabel('Open HDF5 files')
      .setInputFiles([fx('left_low_0.h5'), fx('vlen_low_0.h5'), fx('left_high_2.h5')]);
    await expect(page.getByTestId('gallery-count')).toHaveText('439 crops shown');
    const downloadPromise = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export HDF5 (research layout)' }).click();
    const download = await downloadPromise;
    expect(download.suggestedFilename()).toBe('spatter_export.h5');
    const out = join(mkdtempSync(join(tmpdir(), 'spatter-e2e-')), 'spatter_export.h5');
    await download.saveAs(out);
    test.skip(!pythonHas('h5py, cv2'), 'python3-h5py / python3-opencv are not installed');
    const report = verifyResearchH5(out);
    // vlen_low_0.h5 has the same dataset name as left_low_0.h5, so it is written as vlen_low_0_0.
    expect(
      Object.fromEntries(Object.entries(report).map(([k, v]) => [k, [v.count, v.decoded, v.strpad]])),
    ).toEqual({
      spatter_low_flow_0: [101, 101, 'nullpad'],
      spatter_high_flow_0: [237, 237, 'nullpad'],
      vlen_low_0_0: [101, 101, 'nullpad'],
    });
  });

  test('crops added as an in-memory source survive a reload with their label; closing forgets them', async ({
    studio,
    page,
  }) => {
    // Seven distinct small JPEG crops (a bright spot moving over a dark field), as another area would add.
    const crops = Array.from({ length: 7 }, (_, i) => {
      const w = 24;
      const rgba = new Uint8Array(w * w * 4).fill(20);
      for (let y = 8; y < 14; y++)
        for (let x = 2 + i * 2; x < 8 + i * 2; x++) rgba.fill(230, (y * w + x) * 4, (y * w + x) * 4 + 3);
      return {
        name: `spatter_high_flow_00${i}.jpg`,
        mimeType: 'image/jpeg',
        buffer: Buffer.from(jpeg.encode({ width: w, height: w, data: rgba }, 95).data),
      };
    });
    await studio.open('Data');
    await page.getByLabel('Add crop images').setInputFiles(crops);
    const source = page.getByRole('article', { name: 'Source spatter_high_flow' });
    await expect(source.getByTestId('source-count')).toHaveText('7');
    await expect(source.getByLabel('Label of spatter_high_flow')).toHaveValue('1');
    await source.getByLabel('Label of spatter_high_flow').selectOption('0');
    // shown once the choice is saved
    await expect(source.getByTestId('label-source')).toContainText('set by you');
    await expect(page.getByTestId('split-description')).toBeVisible();

    await test.step('after a reload the source is back, with the label the user chose', async () => {
      await page.reload();
      await expect(source.getByTestId('source-count')).toHaveText('7');
      await expect(source.getByLabel('Label of spatter_high_flow')).toHaveValue('0');
      await expect(page.getByTestId('gallery-count')).toHaveText('7 crops shown');
      const thumb = page.getByRole('region', { name: 'Crop thumbnails' }).getByRole('img').first();
      await expect.poll(() => thumb.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(24);
    });

    await test.step('a closed source does not come back', async () => {
      await page.getByRole('button', { name: 'Close spatter_high_flow' }).click();
      await expect(source).toHaveCount(0);
      await page.reload();
      // Opening a file waits for the saved sources to be restored first, so this proves there are none.
      await page.getByLabel('Open HDF5 files').setInputFiles([fx('left_low_0.h5')]);
      await expect(page.getByTestId('gallery-count')).toHaveText('101 crops shown');
      await expect(source).toHaveCount(0);
    });
  });
});
