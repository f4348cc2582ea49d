// Extract: drop each fixture video, let the studio extract it, and compare its detections (the downloaded research
// CSVs) with the native OpenCV reference: counts equal on >= 98% of frames, >= 95% of reference boxes matched
// (IoU >= 0.7). A corrupt video and an HEVC video show their messages, the queue goes on and nothing else is lost.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { parseBoxesCsv, parseSpatterAtFrameCsv } from '../src/core/extract/csv';
import { fidelityReport } from '../src/core/extract/fidelity';
import { pythonHas, verifyResearchH5 } from './python';
import { expect, test } from './studio';

const fixtures = path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures');
const fixture = (name: string) => path.join(fixtures, name);

async function downloadText(page: Page, button: string, video: string): Promise<string> {
  const row = page.getByRole('listitem', { name: `Video ${video}` });
  const [dl] = await Promise.all([
    page.waitForEvent('download'),
    row.getByRole('button', { name: button }).click(),
  ]);
  return readFileSync((await dl.path())!, 'utf8');
}

// One case (the shortest) also checks the HDF5 download and the Data area gallery, reusing its extraction.
const cases = [
  { video: 'spatter_high_flow.mp4', ref: 'high_mp4' },
  { video: 'spatter_low_flow.mp4', ref: 'low_mp4', h5: true },
  { video: 'spatter_high_flow.webm', ref: 'high_webm' },
  { video: 'spatter_low_flow.webm', ref: 'low_webm' },
];

for (const c of cases) {
  test(`extracts ${c.video} like the native OpenCV reference`, async ({ studio, page }) => {
    await studio.open('Extract');
    await test.step('drop the video', async () => {
      await page.getByLabel(/Videos to extract/).setInputFiles(fixture(c.video));
    });
    const status = page.getByLabel(`Status of ${c.video}`);
    await expect(status).toHaveText('done', { timeout: 150_000 });
    const counts = parseSpatterAtFrameCsv(await downloadText(page, 'Download per-frame CSV', c.video));
    const boxes = parseBoxesCsv(await downloadText(page, 'Download boxes CSV', c.video));
    const ref = {
      counts: parseSpatterAtFrameCsv(readFileSync(fixture(`ref_${c.ref}_spatter_at_frame.csv`), 'utf8')),
      boxes: parseBoxesCsv(readFileSync(fixture(`ref_${c.ref}_boxes.csv`), 'utf8')),
    };
    const r = fidelityReport(ref, { counts, boxes });
    test.info().annotations.push({
      type: 'fidelity',
      description: `${c.video}: counts equal on ${(100 * r.countAgreement).toFixed(1)}%, box recall ${(100 * r.boxRecall).toFixed(1)}%`,
    });
    expect(counts.length).toBe(ref.counts.length);
    expect(r.countAgreement).toBeGreaterThanOrEqual(0.98);
    expect(r.boxRecall).toBeGreaterThanOrEqual(0.95);
    await expect(page.getByLabel('Spatters found')).toHaveText(String(boxes.length));
    if (!('h5' in c)) return;
    const base = c.video.replace(/\.[^.]+$/, '');
    await test.step('the HDF5 download is research layout: h5py reads it, every crop decodes', async () => {
      const row = page.getByRole('listitem', { name: `Video ${c.video}` });
      const [dl] = await Promise.all([
        page.waitForEvent('download'),
        row.getByRole('button', { name: 'Download HDF5' }).click(),
      ]);
      expect(dl.suggestedFilename()).toBe(`${base}.h5`);
      const out = path.join(mkdtempSync(path.join(tmpdir(), 'spatter-e2e-')), `${base}.h5`);
      await dl.saveAs(out);
      test.skip(!pythonHas('h5py, cv2'), 'python3-h5py / python3-opencv are not installed');
      const report = verifyResearchH5(out);
      expect(
        Object.fromEntries(Object.entries(report).map(([k, v]) => [k, [v.count, v.decoded, v.strpad]])),
      ).toEqual({ [`${base}_0`]: [ref.boxes.length, ref.boxes.length, 'nullpad'] });
    });
    await test.step('the crops appear in the Data area gallery', async () => {
      await studio.goTo('Data');
      const source = page.getByRole('article', { name: `Source ${base}` });
      await expect(source.getByTestId('source-count')).toHaveText(String(ref.boxes.length));
      await expect(page.getByTestId('gallery-count')).toHaveText(`${ref.boxes.length} crops shown`);
    });
  });
}

test('a corrupt video shows its message and the next video is still extracted', async ({ studio, page }) => {
  await studio.open('Extract');
  const input = page.getByLabel(/Videos to extract/);
  await input.setInputFiles([
    { name: 'broken.mp4', mimeType: 'video/mp4', buffer: Buffer.from('this is not a video '.repeat(200)) },
    {
      name: 'spatter_low_flow.mp4',
      mimeType: 'video/mp4',
      buffer: readFileSync(fixture('spatter_low_flow.mp4')),
    },
  ]);
  await expect(page.getByLabel('Status of broken.mp4')).toHaveText('failed');
  await expect(page.getByRole('listitem', { name: 'Video broken.mp4' }).getByRole('alert')).toContainText(
    'broken.mp4 is not a video the studio can read',
  );
  await expect(studio.messages).toContainText('broken.mp4');
  await expect(page.getByLabel('Status of spatter_low_flow.mp4')).toHaveText('done', { timeout: 150_000 });
});

test('an HEVC video is refused with a message; the other videos and the earlier crops are kept', async ({
  studio,
  page,
}) => {
  const input = page.getByLabel(/Videos to extract/);
  const refCrops = (ref: string) =>
    parseBoxesCsv(readFileSync(fixture(`ref_${ref}_boxes.csv`), 'utf8')).length;
  await studio.open('Extract');
  await test.step('an earlier extraction: its crops go to the data library', async () => {
    await input.setInputFiles(fixture('spatter_low_flow.mp4'));
    await expect(page.getByLabel('Status of spatter_low_flow.mp4')).toHaveText('done', { timeout: 150_000 });
  });
  await test.step('drop the HEVC video together with a good one', async () => {
    await input.setInputFiles([fixture('spatter_hevc_high_flow.mp4'), fixture('spatter_high_flow.mp4')]);
  });
  const hevc = 'spatter_hevc_high_flow.mp4';
  await expect(page.getByLabel(`Status of ${hevc}`)).toHaveText('failed');
  const alert = page.getByRole('listitem', { name: `Video ${hevc}` }).getByRole('alert');
  await expect(alert).toContainText(`${hevc} uses HEVC (H.265)`);
  await expect(alert).toContainText('cannot decode');
  await expect(alert).toContainText('Re-encode it to H.264');
  await expect(studio.messages).toContainText(`${hevc} uses HEVC (H.265)`);
  await expect(page.getByLabel('Status of spatter_high_flow.mp4')).toHaveText('done', { timeout: 150_000 });
  await test.step('the earlier job is still done, with its outputs', async () => {
    await expect(page.getByLabel('Status of spatter_low_flow.mp4')).toHaveText('done');
    const row = page.getByRole('listitem', { name: 'Video spatter_low_flow.mp4' });
    await expect(row.getByRole('button', { name: 'Download HDF5' })).toBeVisible();
    const counts = parseSpatterAtFrameCsv(
      await downloadText(page, 'Download per-frame CSV', 'spatter_low_flow.mp4'),
    );
    expect(counts.length).toBe(
      parseSpatterAtFrameCsv(readFileSync(fixture('ref_low_mp4_spatter_at_frame.csv'), 'utf8')).length,
    );
  });
  await test.step('the data library holds the crops of both good videos, none from the HEVC file', async () => {
    await studio.goTo('Data');
    const source = (name: string) => page.getByRole('article', { name: `Source ${name}`, exact: true });
    await expect(source('spatter_low_flow').getByTestId('source-count')).toHaveText(
      String(refCrops('low_mp4')),
    );
    await expect(source('spatter_high_flow').getByTestId('source-count')).toHaveText(
      String(refCrops('high_mp4')),
    );
    await expect(source('spatter_hevc_high_flow')).toHaveCount(0);
  });
});

test('steps through a frame and names rejected contours', async ({ studio, page }) => {
  await studio.open('Extract');
  await page.getByLabel(/Videos to extract/).setInputFiles(fixture('spatter_high_flow.mp4'));
  await page.getByRole('spinbutton', { name: 'Frame', exact: true }).fill('280');
  await page.getByRole('button', { name: 'Show frame' }).click();
  const table = page.getByRole('table', { name: 'Contours of frame 280' });
  await expect(table).toContainText('blue (recoater light)');
  await page.getByRole('spinbutton', { name: 'Frame', exact: true }).fill('124');
  await page.getByRole('button', { name: 'Show frame' }).click();
  const t124 = page.getByRole('table', { name: 'Contours of frame 124' });
  await expect(t124).toContainText('spatter');
  await expect(t124).toContainText('too small');
});
