// Extract, controlling a run shared between two workers (the video dropped on the drop zone): pause holds both (nothing moves while paused, even
// when the pause lands while the video is still being opened), resume finishes with the reference detections,
// and a finished extraction — its job, its per-frame log and its crops — is still there after a reload.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { parseSpatterAtFrameCsv } from '../src/core/extract/csv';
import { expect, test } from './studio';

const fixtures = path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures');
const VIDEO = 'spatter_high_flow.mp4';

async function perFrameCsv(page: Page): Promise<number[]> {
  const row = page.getByRole('listitem', { name: `Video ${VIDEO}` });
  const [dl] = await Promise.all([
    page.waitForEvent('download'),
    row.getByRole('button', { name: 'Download per-frame CSV' }).click(),
  ]);
  return parseSpatterAtFrameCsv(readFileSync((await dl.path())!, 'utf8'));
}

test('pause holds both workers, resume finishes the video, and the result survives a reload', async ({
  studio,
  page,
}) => {
  const reference = parseSpatterAtFrameCsv(
    readFileSync(path.join(fixtures, 'ref_high_mp4_spatter_at_frame.csv'), 'utf8'),
  );
  await studio.open('Extract', ['extract.workers=2']);
  const status = page.getByLabel(`Status of ${VIDEO}`);
  const progress = page.getByLabel(`Progress of ${VIDEO}`);

  await test.step('drop the video on the drop zone and pause as soon as it starts', async () => {
    // A real drop event carrying the file, as dragging it from the desktop does.
    const bytes = readFileSync(path.join(fixtures, VIDEO)).toString('base64');
    const transfer = await page.evaluateHandle(
      ({ b64, name }) => {
        const dt = new DataTransfer();
        const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        dt.items.add(new File([data], name, { type: 'video/mp4' }));
        return dt;
      },
      { b64: bytes, name: VIDEO },
    );
    await page.locator('.extract-drop').dispatchEvent('drop', { dataTransfer: transfer });
    await expect(status).toHaveText('running');
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect(status).toHaveText('paused');
  });

  await test.step('nothing moves while paused', async () => {
    // Reports already on their way when the pause landed settle first.
    await page.waitForTimeout(500);
    const held = await progress.getAttribute('value');
    await page.waitForTimeout(2000);
    await expect(progress).toHaveAttribute('value', held!);
    await expect(status).toHaveText('paused');
    expect(Number(held)).toBeLessThan(reference.length);
  });

  await test.step('resume finishes with the reference counts on every frame', async () => {
    await page.getByRole('button', { name: 'Resume' }).click();
    await expect(status).toHaveText('done', { timeout: 120_000 });
    expect(await perFrameCsv(page)).toEqual(reference);
  });

  const found = await page.getByLabel('Spatters found').textContent();
  await test.step('after a reload the job, its log and its crops are still there', async () => {
    await page.reload();
    await studio.goTo('Extract');
    await expect(status).toHaveText('done');
    expect(await perFrameCsv(page)).toEqual(reference);
    await studio.goTo('Data');
    const source = page.getByRole('article', { name: 'Source spatter_high_flow' });
    await expect(source.getByTestId('source-count')).toHaveText(found!);
    await expect(page.getByTestId('gallery-count')).toHaveText(`${found} crops shown`);
  });
});
