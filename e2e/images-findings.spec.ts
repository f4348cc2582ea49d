// Images area quality findings and gallery, end to end: a folder-per-class set written by the test (fixture
// images, a copy of one under another class, one of another size, a blank one, an unreadable file and a class
// with one image) opens; the findings name those images, the split leaves the unreadable file out, and each
// finding's button filters the gallery to its images. A larger set shows the gallery stays virtualised.
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeGreyPng } from '../scripts/images/grey-png.mjs';
import { expect, test } from './studio';

const fixtures = fileURLToPath(new URL('./fixtures/images/folder/', import.meta.url));

/** A grey PNG with a pattern of its own (seeded by `k`), `h` x `w`. */
function pattern(k: number, h = 32, w = 160): Buffer {
  const px = new Uint8Array(h * w);
  for (let i = 0; i < px.length; i++) px[i] = (i * 7 + k * 13) % 251;
  // the first two pixels spell k, so no two patterns are the same bytes
  px[0] = k & 255;
  px[1] = k >> 8;
  return encodeGreyPng(px, w, h);
}

async function writeSet(root: string): Promise<void> {
  for (const c of ['pits', 'patches', 'scratches', 'inclusions'])
    await mkdir(join(root, c), { recursive: true });
  for (const c of ['pits', 'patches']) {
    for (const f of ['00.png', '01.png', '02.png']) await copyFile(join(fixtures, c, f), join(root, c, f));
  }
  for (const f of ['00.png', '01.png'])
    await copyFile(join(fixtures, 'scratches', f), join(root, 'scratches', f));
  // the same bytes as pits/00.png, under another class
  await copyFile(join(fixtures, 'pits', '00.png'), join(root, 'scratches', 'dup.png'));
  await writeFile(join(root, 'patches', 'wide.png'), pattern(1, 40, 200));
  await writeFile(
    join(root, 'patches', 'blank.png'),
    encodeGreyPng(new Uint8Array(32 * 160).fill(7), 160, 32),
  );
  await writeFile(join(root, 'pits', 'broken.png'), 'this is not a PNG');
  await writeFile(join(root, 'inclusions', 'only.png'), pattern(2));
}

test('images: findings name unreadable, duplicate, other-size, blank and rare-class images; the gallery filters to them', async ({
  studio,
  page,
}) => {
  const dir = await mkdtemp(join(tmpdir(), 'studio-findings-'));
  const root = join(dir, 'findings-set');
  try {
    await writeSet(root);
    expect(await readdir(root)).toHaveLength(4);
    await studio.open('Images');

    await test.step('open the set: 13 images, all in the gallery', async () => {
      await page.getByLabel('Open image folder').setInputFiles(root);
      await expect(page.getByTestId('images-count')).toHaveText('13');
      await expect(page.getByTestId('images-gallery-count')).toHaveText('13');
    });

    const findings = page.getByRole('list', { name: 'Image findings' });
    const finding = (rule: string) => findings.locator(`li[data-rule="${rule}"]`);

    await test.step('each problem is a finding that names its images and says what to do', async () => {
      await expect(finding('unreadable')).toContainText(
        '1 image could not be decoded (findings-set/pits/broken.png',
      );
      await expect(finding('unreadable')).toContainText('left out of the split and training');
      await expect(finding('duplicate-conflict')).toContainText(
        '2 images in 1 group are the same bytes under different classes (findings-set/pits/00.png is pits, findings-set/scratches/dup.png is scratches)',
      );
      await expect(finding('odd-size')).toContainText(
        '1 image is not 32×160 like the other 11 (findings-set/patches/wide.png is 40×200)',
      );
      await expect(finding('odd-size')).toContainText('resize or crop them to 32×160');
      await expect(finding('blank')).toContainText('findings-set/patches/blank.png: every pixel 7');
      await expect(finding('rare-class').filter({ hasText: '"inclusions"' })).toContainText(
        '1 image, fewer than the 3 a 70/15/15 split needs',
      );
      // errors first
      await expect(findings.locator('li').first()).toHaveAttribute('data-rule', 'unreadable');
      await expect(finding('duplicate')).toHaveCount(0);
    });

    await test.step('the split leaves the unreadable file out', async () => {
      await expect(
        page.getByText('1 unreadable image(s) left out of the split (see Findings)'),
      ).toBeVisible();
      const [tr, va, te] = (await page.getByTestId('split-sizes').textContent())!
        .split('/')
        .map((s) => Number(s.trim()));
      expect(tr! + va! + te!).toBe(12);
    });

    await test.step('decoding for training skips the unreadable file (the augmentation preview decodes the set)', async () => {
      await page.getByRole('button', { name: 'Preview augmentations' }).click();
      await expect(page.getByLabel('Augmentation preview').locator('canvas')).toHaveCount(6);
      await expect(page.getByTestId('images-error')).toHaveCount(0);
    });

    const gallery = page.getByRole('list', { name: 'Image thumbnails' });
    const cells = gallery.getByRole('listitem');

    await test.step("a finding's button filters the gallery to its images", async () => {
      await finding('duplicate-conflict').getByRole('button', { name: 'Show 2 in gallery' }).click();
      await expect(page.getByTestId('images-gallery-count')).toHaveText('2');
      await expect(cells).toHaveCount(2);
      await expect(cells.nth(0)).toHaveAttribute('aria-label', /^findings-set\/pits\/00\.png: pits; /);
      await expect(cells.nth(1)).toHaveAttribute(
        'aria-label',
        /^findings-set\/scratches\/dup\.png: scratches; /,
      );
      // the thumbnails are the files themselves
      const img = cells.nth(0).locator('img');
      await expect(img).toHaveJSProperty('complete', true);
      expect(await img.evaluate((el: HTMLImageElement) => [el.naturalHeight, el.naturalWidth])).toEqual([
        32, 160,
      ]);

      await finding('unreadable').getByRole('button', { name: 'Show 1 in gallery' }).click();
      await expect(cells).toHaveCount(1);
      await expect(cells.first()).toContainText('unreadable');
      await expect(cells.first()).toContainText('not in a split');

      await finding('odd-size').getByRole('button', { name: 'Show 1 in gallery' }).click();
      await expect(cells).toHaveCount(1);
      await expect(cells.first()).toHaveAttribute(
        'aria-label',
        /^findings-set\/patches\/wide\.png: patches; /,
      );
    });

    await test.step('class, split and "flagged" filters', async () => {
      await page.getByLabel('Gallery quality').selectOption('');
      await page.getByLabel('Gallery class').selectOption({ label: 'inclusions' });
      await expect(page.getByTestId('images-gallery-count')).toHaveText('1');
      await page.getByLabel('Gallery class').selectOption({ label: 'no class' });
      await expect(page.getByTestId('images-gallery-count')).toHaveText('0');
      await page.getByLabel('Gallery class').selectOption({ label: 'all classes' });
      await page.getByLabel('Gallery split').selectOption({ label: 'not in a split' });
      await expect(page.getByTestId('images-gallery-count')).toHaveText('1');
      await page.getByLabel('Gallery split').selectOption({ label: 'all splits' });
      await page.getByLabel('Gallery quality').selectOption({ label: 'flagged by a finding' });
      // unreadable 1 + duplicates 2 + other size 1 + blank 1 + inclusions 1, and any class a split left short
      const flagged = Number(await page.getByTestId('images-gallery-count').textContent());
      expect(flagged).toBeGreaterThanOrEqual(6);
      expect(flagged).toBeLessThanOrEqual(13);
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('images: the gallery shows every image of a large set, rendering only the visible rows', async ({
  studio,
  page,
}) => {
  const dir = await mkdtemp(join(tmpdir(), 'studio-gallery-'));
  const root = join(dir, 'big-set');
  try {
    for (const c of ['a', 'b']) {
      await mkdir(join(root, c), { recursive: true });
      for (let i = 0; i < 150; i++)
        await writeFile(
          join(root, c, `${String(i).padStart(3, '0')}.png`),
          pattern(i + (c === 'b' ? 150 : 0)),
        );
    }
    await studio.open('Images');
    await page.getByLabel('Open image folder').setInputFiles(root);
    await expect(page.getByTestId('images-count')).toHaveText('300');
    await expect(page.getByTestId('images-gallery-count')).toHaveText('300');
    await expect(page.getByTestId('images-no-findings')).toContainText('all 300 images are readable');

    const viewport = page.locator('.images-viewport');
    const cells = page.getByRole('list', { name: 'Image thumbnails' }).getByRole('listitem');
    const shown = await cells.count();
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(100);

    const labelsOf = () => cells.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    const top = await labelsOf();

    await viewport.evaluate((el) => (el.scrollTop = el.scrollHeight));
    // the rows at the top have left the DOM; the last rows are there instead
    await expect.poll(async () => (await labelsOf()).filter((l) => top.includes(l)).length).toBe(0);
    const bottom = await labelsOf();
    expect(bottom.length).toBeGreaterThan(0);
    expect(bottom.length).toBeLessThan(100);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
