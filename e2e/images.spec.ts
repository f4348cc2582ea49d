// Images area end to end: a folder-per-class set and a steel-layout CSV set (tiny 32x160 grey fixtures from
// scripts/images/make-fixtures.mjs) open, split stratified 70/15/15, train ConvNeXt-atto + CBAM for one epoch on
// wasm, show per-class and macro/micro metrics, give results.json, and export ONNX whose logits in onnxruntime
// match the studio's (<= 1e-4), and a TF.js graph model that tf.loadGraphModel loads with the same logits (Node on
// cpu, and a browser page over HTTP on WebGL). The same set zipped (and the steel set zipped by Python) opens alike.
// The run lasts: after a reload it is listed with its dataset version, and its results.json (with the version id),
// ONNX and TF.js exports come back from the browser's storage.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Download } from '@playwright/test';
import * as tf from '@tensorflow/tfjs';
import { zipSync } from 'fflate';
import * as ort from 'onnxruntime-web';
import { decodeGreyPng } from '../scripts/images/grey-png.mjs';
import { PYTHON } from './python';
import { expect, test, type Studio } from './studio';

const fixtures = fileURLToPath(new URL('./fixtures/images/', import.meta.url));
/** The tfjs a web page would load from a CDN: the UMD bundle (window.tf). */
const TFJS_BUNDLE = fileURLToPath(
  new URL('../node_modules/@tensorflow/tfjs/dist/tf.min.js', import.meta.url),
);
const H = 32;
const W = 160;

interface Case {
  name: string;
  folder: string;
  count: number;
  task: string;
  split: string;
  classes: string[];
}

const CASES: Case[] = [
  {
    name: 'folder per class (multi-class)',
    folder: 'folder',
    count: 24,
    task: 'multi-class',
    // 8 per class: 5 train, 1 val, 2 test each
    split: '15 / 3 / 6',
    classes: ['patches', 'pits', 'scratches'],
  },
  {
    name: 'steel layout CSV (multi-label)',
    folder: 'steel',
    count: 28,
    task: 'multi-label',
    split: '',
    classes: ['1', '2', '3', '4'],
  },
];

async function trainOneEpoch(studio: Studio): Promise<void> {
  const page = studio.page;
  await page.getByLabel('Training backend').selectOption('wasm');
  await page.getByLabel('Model', { exact: true }).selectOption('convnext-atto-cbam');
  await page.getByLabel('Epochs', { exact: true }).fill('1');
  await page.getByLabel('Batch size', { exact: true }).fill('8');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('images-progress')).toContainText('Done', { timeout: 240_000 });
}

for (const c of CASES) {
  test(`images: ${c.name} opens, splits, trains ConvNeXt-atto + CBAM on wasm, exports ONNX and TF.js that match`, async ({
    studio,
    page,
  }, testInfo) => {
    test.setTimeout(360_000);
    await studio.open('Images');

    await test.step('open the set: images, task and classes', async () => {
      await page.getByLabel('Open image folder').setInputFiles(join(fixtures, c.folder));
      await expect(page.getByTestId('images-count')).toHaveText(String(c.count));
      await expect(page.getByTestId('images-task')).toHaveText(c.task);
      const rows = page.getByRole('table', { name: 'Classes' }).locator('tbody tr');
      await expect(rows).toHaveCount(c.classes.length);
      for (const [i, name] of c.classes.entries())
        await expect(rows.nth(i).locator('td').first()).toHaveText(name);
    });

    await test.step('split stratified 70/15/15', async () => {
      await page.getByRole('button', { name: 'Split 70/15/15 (stratified)' }).click();
      const sizes = page.getByTestId('split-sizes');
      if (c.split) await expect(sizes).toHaveText(c.split);
      const [tr, va, te] = (await sizes.textContent())!.split('/').map((s) => Number(s.trim()));
      expect(tr! + va! + te!).toBe(c.count);
      expect(Math.abs(tr! - 0.7 * c.count)).toBeLessThanOrEqual(2);
      await expect(page.getByTestId('images-model-info')).toContainText(
        `FLOPs (multiply-adds) per image at ${H}×${W}`,
      );
    });

    if (c.task === 'multi-class') {
      await test.step('a run that would not fit is refused before it starts, saying what to lower', async () => {
        await page.getByLabel('Training backend').selectOption('wasm');
        await page.getByLabel('Input height').fill('256');
        await page.getByLabel('Input width').fill('1600');
        await page.getByLabel('Batch size', { exact: true }).fill('8');
        await page.getByRole('button', { name: 'Train', exact: true }).click();
        await expect(page.getByTestId('images-error')).toContainText(
          'Training ConvNeXt-Atto + CBAM at 256x1600 with batch 8 needs about',
        );
        await expect(page.getByTestId('images-error')).toContainText('lower the batch size to 1 or less');
        await page.getByLabel('Input height').fill(String(H));
        await page.getByLabel('Input width').fill(String(W));
      });
    }

    let versionId = '';
    await test.step('the set and split have a content-addressed dataset version', async () => {
      const current = page.getByTestId('images-version-current');
      await expect(current).toContainText('kept when a run starts');
      versionId = (await current.locator('[data-version-id]').getAttribute('data-version-id'))!;
      expect(versionId).toMatch(/^iv-[0-9a-f]{24}$/);
    });

    await test.step('train ConvNeXt-atto + CBAM one epoch on wasm', async () => {
      await trainOneEpoch(studio);
      await expect(page.getByRole('table', { name: 'Epochs' }).locator('tbody tr')).toHaveCount(1);
    });

    await test.step('per-class and macro / micro metrics, and results.json', async () => {
      const perClass = page.getByRole('table', { name: 'Per-class metrics' }).locator('tbody tr');
      await expect(perClass).toHaveCount(c.classes.length);
      await expect(page.getByTestId('results-macro-f1')).toHaveText(/^\d\.\d{3}$/);
      await expect(page.getByTestId('results-micro-f1')).toHaveText(/^\d\.\d{3}$/);
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Download results.json' }).click();
      const r = JSON.parse(await readFile(await (await download).path(), 'utf8'));
      expect(r.schema).toBe('spatter-studio/image-results@1');
      expect(r.config.model).toBe('convnext-atto-cbam');
      expect(r.config.task).toBe(c.task);
      expect([r.config.height, r.config.width]).toEqual([H, W]);
      expect(r.experiment.backend).toBe('wasm');
      expect(r.history).toHaveLength(1);
      expect(r.per_class.map((p: { name: string }) => p.name)).toEqual(c.classes);
      expect(r.dataset.images).toBe(c.count);
      expect(r.dataset.version.id).toBe(versionId);
      expect(
        r.dataset.version.images.train + r.dataset.version.images.val + r.dataset.version.images.test,
      ).toBe(c.count);
      expect(r.dataset.version.classCounts.train).toHaveLength(c.classes.length);
      expect(r.pr_curves).toHaveLength(c.classes.length);
      await expect(page.getByRole('img', { name: /^PR curve of / })).toHaveCount(c.classes.length);
      expect(r.config.focalAlpha).toHaveLength(c.task === 'multi-class' ? 3 : 4);
      await expect(page.getByTestId('results-micro-f1')).toHaveText(r.test.micro.f1.toFixed(3));
      if (c.task === 'multi-class') expect(r.test.micro.f1).toBeCloseTo(r.test.accuracy, 10);
      else expect(r.confusion).toHaveLength(4);
    });

    let onnxBytes: Buffer | null = null;
    let ref: { outputs: number; paths: string[]; logits: number[] } = { outputs: 0, paths: [], logits: [] };
    let x = new Float32Array(0);
    const tfjsDir = testInfo.outputPath('tfjs');
    await test.step('ONNX export runs in onnxruntime with the same test logits (<= 1e-4)', async () => {
      const downloads: Promise<Download>[] = [];
      const seen = new Promise<void>((resolve) => {
        page.on('download', (d) => {
          downloads.push(Promise.resolve(d));
          if (downloads.length === 2) resolve();
        });
      });
      await page.getByRole('button', { name: 'Export ONNX' }).click();
      await seen;
      const files = await Promise.all(downloads);
      const onnx = files.find((d) => d.suggestedFilename().endsWith('.onnx'))!;
      const logitsFile = files.find((d) => d.suggestedFilename().endsWith('.test-logits.json'))!;
      expect(onnx.suggestedFilename()).toBe('convnext-atto-cbam.onnx');
      ref = JSON.parse(await readFile(await logitsFile.path(), 'utf8')) as typeof ref;
      const n = ref.paths.length;
      expect(n).toBeGreaterThan(0);
      x = new Float32Array(n * H * W);
      for (const [i, p] of ref.paths.entries()) {
        const img = decodeGreyPng(await readFile(join(fixtures, p)));
        expect([img.height, img.width]).toEqual([H, W]);
        img.pixels.forEach((v, j) => (x[i * H * W + j] = v / 255));
      }
      ort.env.wasm.numThreads = 1;
      onnxBytes = await readFile(await onnx.path());
      const session = await ort.InferenceSession.create(new Uint8Array(onnxBytes));
      const out = await session.run({ input: new ort.Tensor('float32', x, [n, 1, H, W]) });
      const got = out.logit!.data as Float32Array;
      expect(got.length).toBe(n * ref.outputs);
      let maxDiff = 0;
      for (let i = 0; i < got.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i]! - ref.logits[i]!));
      testInfo.annotations.push({ type: 'onnx max abs logit diff', description: String(maxDiff) });
      expect(maxDiff).toBeLessThanOrEqual(1e-4);
      await session.release();
    });

    await test.step('TF.js export loads with tf.loadGraphModel and gives the same test logits', async () => {
      const downloads: Download[] = [];
      const seen = new Promise<void>((resolve) => {
        page.on('download', (d) => {
          if (downloads.push(d) === 2) resolve();
        });
      });
      await page.getByRole('button', { name: 'Export TF.js (graph model)' }).click();
      await seen;
      await expect(page.getByTestId('images-tfjs-note')).toContainText('tf.loadGraphModel');
      const byName = new Map(downloads.map((d) => [d.suggestedFilename(), d]));
      expect([...byName.keys()].sort()).toEqual(['model.json', 'model.weights.bin']);
      await mkdir(tfjsDir, { recursive: true });
      for (const [name, d] of byName) await d.saveAs(join(tfjsDir, name));
      const model = await loadGraphModelFromFolder(join(tfjsDir, 'model.json'));
      expect(model.metadata).toMatchObject({ model: 'convnext-atto-cbam', task: c.task, classes: c.classes });
      const n = ref.paths.length;
      const [logit, probability] = model.predict(tf.tensor4d(x, [n, H, W, 1])) as tf.Tensor[];
      expect(logit!.shape).toEqual([n, ref.outputs]);
      expect(probability!.shape).toEqual([n, ref.outputs]);
      const got = logit!.dataSync();
      let maxDiff = 0;
      for (let i = 0; i < got.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i]! - ref.logits[i]!));
      testInfo.annotations.push({ type: 'tfjs max abs logit diff', description: String(maxDiff) });
      expect(maxDiff).toBeLessThanOrEqual(1e-4);
      tf.dispose([logit!, probability!]);
      model.dispose();
    });

    await test.step('the same files load in a browser page from their URL and run on WebGL, as a web app does', async () => {
      const viewer = await page.context().newPage();
      const origin = 'http://tfjs-check.localhost';
      await viewer.route(`${origin}/**`, (route) => {
        const name = new URL(route.request().url()).pathname.slice(1);
        if (name === 'index.html')
          return route.fulfill({
            contentType: 'text/html',
            body: '<!doctype html><title>TF.js check</title>',
          });
        return route.fulfill({ path: join(tfjsDir, name) });
      });
      await viewer.goto(`${origin}/index.html`);
      await viewer.addScriptTag({ path: TFJS_BUNDLE });
      const n = ref.paths.length;
      const got = await viewer.evaluate(
        async ({ pixels, shape }) => {
          const tfw = (window as unknown as { tf: typeof tf }).tf;
          if (!(await tfw.setBackend('webgl'))) throw new Error('tfjs found no WebGL in this Chromium');
          const model = await tfw.loadGraphModel('/model.json');
          const [logit] = model.predict(tfw.tensor4d(pixels, shape)) as tf.Tensor[];
          return Array.from(await logit!.data());
        },
        { pixels: Array.from(x), shape: [n, H, W, 1] as [number, number, number, number] },
      );
      expect(got).toHaveLength(n * ref.outputs);
      let maxDiff = 0;
      for (let i = 0; i < got.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i]! - ref.logits[i]!));
      expect(maxDiff).toBeLessThanOrEqual(1e-4);
      await viewer.close();
    });

    if (c.task === 'multi-class') {
      await test.step('after a reload the run is listed with its version; results.json, ONNX and TF.js come back', async () => {
        const macro = (await page.getByTestId('results-macro-f1').textContent())!;
        await page.reload();
        await studio.open('Images');
        const row = page.getByRole('table', { name: 'Image runs' }).locator('tbody tr');
        await expect(row).toHaveCount(1);
        await expect(row.locator(`[data-version-id="${versionId}"]`)).toHaveText(versionId.slice(0, 11));
        await expect(row.getByTestId('run-macro-f1')).toHaveText(macro);
        await expect(row.locator('td').nth(3)).toHaveText('done');
        const versions = page.getByRole('table', { name: 'Image dataset versions' }).locator('tbody tr');
        await expect(versions).toHaveCount(1);
        await expect(versions.locator(`[data-version-id="${versionId}"]`)).toBeVisible();
        const download = page.waitForEvent('download');
        await row.getByRole('button', { name: 'results.json' }).click();
        const r = JSON.parse(await readFile(await (await download).path(), 'utf8'));
        expect(r.dataset.version.id).toBe(versionId);
        expect(r.test.macro.f1.toFixed(3)).toBe(macro);
        const onnx = page.waitForEvent('download');
        await row.getByRole('button', { name: 'ONNX' }).click();
        const again = await readFile(await (await onnx).path());
        expect(again.equals(onnxBytes!)).toBe(true);
        const tfjs: Download[] = [];
        const both = new Promise<void>((resolve) => {
          page.on('download', (d) => {
            if (tfjs.push(d) === 2) resolve();
          });
        });
        await row.getByRole('button', { name: 'TF.js' }).click();
        await both;
        const pastDir = testInfo.outputPath('tfjs-past-run');
        await mkdir(pastDir, { recursive: true });
        for (const d of tfjs) await d.saveAs(join(pastDir, d.suggestedFilename()));
        expect(tfjs.map((d) => d.suggestedFilename()).sort()).toEqual(['model.json', 'model.weights.bin']);
        const model = await loadGraphModelFromFolder(join(pastDir, 'model.json'));
        const n = ref.paths.length;
        const [logit, probability] = model.predict(tf.tensor4d(x, [n, H, W, 1])) as tf.Tensor[];
        const got = logit!.dataSync();
        let maxDiff = 0;
        for (let i = 0; i < got.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i]! - ref.logits[i]!));
        expect(maxDiff).toBeLessThanOrEqual(1e-4);
        tf.dispose([logit!, probability!]);
        model.dispose();
        // the same folder opened again makes the same version (same bytes, labels and split)
        await page.getByLabel('Open image folder').setInputFiles(join(fixtures, c.folder));
        const current = page.getByTestId('images-version-current');
        await expect(current).toContainText('kept as v1');
        await expect(current.locator('[data-version-id]')).toHaveAttribute('data-version-id', versionId);
      });
    }
  });
}

/** tf.loadGraphModel on files saved next to each other, as a TF.js user loads them (model.json names its shards). */
async function loadGraphModelFromFolder(modelJsonPath: string): Promise<tf.GraphModel> {
  await tf.setBackend('cpu');
  const json = JSON.parse(await readFile(modelJsonPath, 'utf8')) as tf.io.ModelJSON;
  const dir = dirname(modelJsonPath);
  return tf.loadGraphModel({
    load: () =>
      tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const shards = await Promise.all(manifest.flatMap((g) => g.paths).map((p) => readFile(join(dir, p))));
        const data = Buffer.concat(shards);
        const specs = manifest.flatMap((g) => g.weights);
        return [specs, data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)];
      }),
  });
}

test('images: a CSV naming an image that is not there is refused with the file and line', async ({
  studio,
  page,
}) => {
  await studio.open('Images');
  const dir = join(fixtures, 'steel');
  await page.getByLabel('Open image files').setInputFiles([
    { name: 'steel_0000.png', mimeType: 'image/png', buffer: await readFile(join(dir, 'steel_0000.png')) },
    { name: 'steel_0001.png', mimeType: 'image/png', buffer: await readFile(join(dir, 'steel_0001.png')) },
    {
      name: 'labels.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('image,label\nsteel_0000.png,a\nnope.png,b\n'),
    },
  ]);
  await expect(page.getByTestId('images-error')).toHaveText(
    'labels.csv line 3: image "nope.png" is not among the opened images',
  );
});

test('images: the generated steel demo opens in one click at full resolution', async ({ studio, page }) => {
  test.setTimeout(240_000);
  await studio.open('Images');
  await page.getByRole('button', { name: /Generate steel demo/ }).click();
  await expect(page.getByTestId('images-count')).toHaveText('120', { timeout: 180_000 });
  await expect(page.getByTestId('images-task')).toHaveText('multi-label');
  const rows = page.getByRole('table', { name: 'Classes' }).locator('tbody tr');
  await expect(rows.locator('td:first-child')).toHaveText(['scratches', 'pits', 'patches', 'inclusions']);
  const counts = (await rows.locator('td:nth-child(2)').allTextContents()).map(Number);
  // inclusions are the rare kind
  expect(Math.min(...counts)).toBe(counts[3]);
  await expect(page.getByTestId('images-model-info')).toContainText('per image at 256×1600');
  await expect(page.getByTestId('split-sizes')).toHaveText(/^\d+ \/ \d+ \/ \d+$/);
});

/** The folder-per-class fixture zipped in one top folder, as zip tools make it, with macOS litter beside it. */
async function zippedFolderFixture(): Promise<Buffer> {
  const tree: Record<string, Uint8Array> = {
    '__MACOSX/folder/._pits': new Uint8Array([0, 5, 22, 7]),
    'folder/.DS_Store': new Uint8Array([0, 0, 0, 1]),
  };
  const root = join(fixtures, 'folder');
  for (const cls of (await readdir(root)).sort()) {
    for (const f of (await readdir(join(root, cls))).sort()) {
      tree[`folder/${cls}/${f}`] = new Uint8Array(await readFile(join(root, cls, f)));
    }
  }
  return Buffer.from(zipSync(tree));
}

test('images: a ZIP of a folder-per-class set opens with the same classes and counts as the folder', async ({
  studio,
  page,
}, testInfo) => {
  await studio.open('Images');
  const rows = page.getByRole('table', { name: 'Classes' }).locator('tbody tr');
  const table = async () =>
    Promise.all((await rows.all()).map(async (r) => (await r.locator('td').allTextContents()).slice(0, 2)));

  await test.step('the folder itself', async () => {
    await page.getByLabel('Open image folder').setInputFiles(join(fixtures, 'folder'));
    await expect(page.getByTestId('images-count')).toHaveText('24');
  });
  const fromFolder = await table();
  expect(fromFolder).toEqual([
    ['patches', '8'],
    ['pits', '8'],
    ['scratches', '8'],
  ]);

  await test.step('the same set zipped (one top folder, __MACOSX/ and .DS_Store inside)', async () => {
    await page.getByLabel('Open image ZIP').setInputFiles({
      name: 'defects.zip',
      mimeType: 'application/zip',
      buffer: await zippedFolderFixture(),
    });
    await expect(page.getByText('images from sub-folders in defects.zip;')).toBeVisible();
    await expect(page.getByTestId('images-count')).toHaveText('24');
    await expect(page.getByTestId('images-task')).toHaveText('multi-class');
    await expect(rows).toHaveCount(3);
    expect(await table()).toEqual(fromFolder);
    await expect(page.getByTestId('images-error')).toHaveCount(0);
    await expect(page.getByTestId('split-sizes')).toHaveText('15 / 3 / 6');
  });

  await test.step('the steel-layout set zipped by Python (zipfile, deflate, folder entries) opens multi-label', async () => {
    if (!existsSync(PYTHON)) {
      testInfo.annotations.push({
        type: 'skipped step',
        description: 'no /usr/bin/python3 to write the ZIP',
      });
      return;
    }
    const out = testInfo.outputPath('steel.zip');
    const script = [
      'import os, sys, zipfile',
      'src, out = sys.argv[1], sys.argv[2]',
      'with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:',
      '    z.writestr("steel/", "")',
      '    for f in sorted(os.listdir(src)): z.write(os.path.join(src, f), "steel/" + f)',
    ].join('\n');
    execFileSync(PYTHON, ['-c', script, join(fixtures, 'steel'), out]);
    await page.getByLabel('Open image ZIP').setInputFiles(out);
    await expect(page.getByTestId('images-count')).toHaveText('28');
    await expect(page.getByTestId('images-task')).toHaveText('multi-label');
    await expect(rows.locator('td:first-child')).toHaveText(['1', '2', '3', '4']);
    await expect(page.getByText(/in steel\.zip;/)).toBeVisible();
  });

  await test.step('two ZIPs holding the same paths are refused rather than merged', async () => {
    const zip = await zippedFolderFixture();
    await page.getByLabel('Open image ZIP').setInputFiles([
      { name: 'a.zip', mimeType: 'application/zip', buffer: zip },
      { name: 'b.zip', mimeType: 'application/zip', buffer: zip },
    ]);
    await expect(page.getByTestId('images-error')).toContainText(
      'is opened twice (a.zip/folder/patches/00.png and b.zip/folder/patches/00.png)',
    );
  });

  await test.step('a damaged ZIP dropped on the panel is refused, naming it', async () => {
    const dt = await page.evaluateHandle(() => {
      const t = new DataTransfer();
      t.items.add(
        new File([new Uint8Array([80, 75, 3, 4, 1, 2, 3])], 'broken.zip', { type: 'application/zip' }),
      );
      return t;
    });
    await page.getByRole('region', { name: 'Open an image set' }).dispatchEvent('drop', { dataTransfer: dt });
    await expect(page.getByTestId('images-error')).toHaveText(
      'broken.zip is not a readable ZIP (no end-of-archive record: the file is cut short or is not a ZIP): zip the folder again and open the new file',
    );
  });
});
