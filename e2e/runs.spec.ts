// Runs area end to end: two short trained runs (different learning rates) are compared (curves overlaid,
// configuration differences), renamed, tagged and filtered; one is exported, deleted and imported back; the
// imported run is evaluated on labelled crops and its confusion matrix must equal the predictions this test
// computes from the exported weights; a run file from a newer studio is refused and nothing changes.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { cropBatch } from '../src/core/eval/preprocess';
import { decodeTensor, parseRunFile, RUN_FILE_VERSION } from '../src/core/eval/run-file';
import { buildLayersModel } from '../src/workers/eval/tfjs-model';
import { greyCropsAsPng } from './model-files';
import { expect, test, type Studio } from './studio';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const fx = (name: string) => join(fixtures, name);
const SIDE = 40;
const N = 16;

async function trainRun(studio: Studio, lr: string): Promise<void> {
  const page = studio.page;
  await studio.open('Train', [
    'training.batch_size=64',
    'training.epochs=2',
    'training.early_stopping=false',
    `training.lr=${lr}`,
  ]);
  await page.getByLabel('Training backend').selectOption('wasm');
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.getByTestId('train-phase')).toHaveText('running');
  await expect(page.getByTestId('train-phase')).toHaveText('done', { timeout: 240_000 });
}

/** Seeded grey crops: bright blobs of varied size, some with a second blob. */
function makeCrops(): Uint8Array {
  const x = new Uint8Array(N * SIDE * SIDE);
  let s = 99;
  const rand = () => (s = (s * 16807) % 2147483647) / 2147483647;
  for (let i = 0; i < N; i++) {
    const blobs = 1 + Math.floor(2 * rand());
    for (let b = 0; b < blobs; b++) {
      const cx = 10 + 20 * rand();
      const cy = 10 + 20 * rand();
      const r = 2 + 9 * rand();
      const peak = 80 + 175 * rand();
      for (let y = 0; y < SIDE; y++)
        for (let xx = 0; xx < SIDE; xx++) {
          const k = (i * SIDE + y) * SIDE + xx;
          const v = peak * Math.exp(-((xx - cx) ** 2 + (y - cy) ** 2) / (2 * r * r));
          x[k] = Math.min(255, Math.round(x[k]! + v));
        }
    }
  }
  return x;
}

test('runs: compare, rename/tag/filter, export/delete/import, evaluate the imported run, refuse a newer file', async ({
  studio,
  page,
}, testInfo) => {
  test.setTimeout(600_000);
  await studio.open('Data');
  await page.getByLabel('Open HDF5 files').setInputFiles([fx('left_low_0.h5'), fx('left_high_2.h5')]);
  await expect(
    page.getByRole('article', { name: 'Source left_high_2.h5' }).getByTestId('source-count'),
  ).toHaveText('237');

  await test.step('train two short runs with different learning rates', async () => {
    await trainRun(studio, '0.001');
    await trainRun(studio, '0.003');
  });

  const table = page.getByRole('table', { name: 'Runs' });
  const rows = table.locator('tbody tr');
  await test.step('both runs are listed and can be compared', async () => {
    await studio.goTo('Runs');
    await expect(rows).toHaveCount(2);
    const boxes = table.getByRole('checkbox');
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    const compare = page.getByRole('region', { name: /Comparing 2 runs/ });
    await expect(compare).toBeVisible();
    // one line per run on the overlaid chart
    await expect(compare.locator('.recharts-line')).toHaveCount(2);
    const config = compare.getByRole('table', { name: 'Configuration comparison' });
    await expect(config.getByRole('row', { name: /training\.lr/ })).toContainText('0.001');
    await expect(config.getByRole('row', { name: /training\.lr/ })).toContainText('0.003');
    // only differences: the batch size is the same in both, so it is hidden until asked for
    await expect(config.getByRole('row', { name: /training\.batch_size/ })).toHaveCount(0);
    await compare.getByRole('checkbox', { name: 'Only differences' }).uncheck();
    await expect(config.getByRole('row', { name: /training\.batch_size/ })).toHaveCount(1);
    await expect(
      compare.getByRole('table', { name: 'Metrics at the best epoch' }).locator('tbody tr'),
    ).toHaveCount(2);
  });

  await test.step('rename and tag a run, then filter by the tag', async () => {
    await rows
      .nth(0)
      .getByRole('button', { name: /Details of/ })
      .click();
    const details = page.getByRole('region', { name: /^Run / });
    await details.getByLabel('Run name').fill('fast lr');
    await details.getByLabel('Run tags').fill('keeper, e2e');
    await details.getByRole('button', { name: 'Save name and tags' }).click();
    await expect(table.getByRole('rowheader', { name: 'fast lr' })).toBeVisible();
    await page.getByLabel('Filter runs').fill('keeper');
    await expect(rows).toHaveCount(1);
    await page.getByLabel('Filter runs').fill('');
    await expect(rows).toHaveCount(2);
  });

  let runFilePath = '';
  await test.step('export the run, delete it, import it back', async () => {
    const details = page.getByRole('region', { name: 'Run fast lr' });
    const download = page.waitForEvent('download');
    await details.getByRole('button', { name: 'Export run' }).click();
    const d = await download;
    expect(d.suggestedFilename()).toMatch(/fast_lr\.run\.json$/);
    runFilePath = testInfo.outputPath('fast-lr.run.json');
    await d.saveAs(runFilePath);
    // the run's config records the backend it ran on (the Train area's choice was wasm), not "auto"
    const exported = JSON.parse(await readFile(runFilePath, 'utf8')) as {
      run: { backend: string; config: { training: { backend: string } } };
    };
    expect(exported.run.backend).toBe('wasm');
    expect(exported.run.config.training.backend).toBe('wasm');
    await details.getByRole('button', { name: 'Delete run' }).click();
    await details.getByRole('button', { name: 'Really delete fast lr' }).click();
    await expect(rows).toHaveCount(1);
    await page.getByLabel('Import run file').setInputFiles(runFilePath);
    await expect(rows).toHaveCount(2);
    await expect(table.getByRole('rowheader', { name: 'fast lr' })).toBeVisible();
    await expect(table.getByRole('row', { name: /fast lr/ })).toContainText('keeper, e2e');
  });

  await test.step('importing the same run file again adds no second row, and says so', async () => {
    await page.getByLabel('Import run file').setInputFiles(runFilePath);
    await expect(studio.messages).toContainText('Run "fast lr" is already in the list');
    await expect(rows).toHaveCount(2);
  });

  await test.step('a run file from a newer studio is refused and nothing changes', async () => {
    const doc = JSON.parse(await readFile(runFilePath, 'utf8')) as { version: number };
    doc.version = RUN_FILE_VERSION + 1;
    const newer = testInfo.outputPath('newer.run.json');
    await writeFile(newer, JSON.stringify(doc));
    await page.getByLabel('Import run file').setInputFiles(newer);
    await expect(studio.messages).toContainText('newer.run.json was written by a newer Spatter Studio');
    await expect(rows).toHaveCount(2);
  });

  await test.step('evaluate the imported run: the confusion matrix equals this test’s predictions', async () => {
    // Predictions from the exported weights, computed here in Node.
    const file = parseRunFile(await readFile(runFilePath, 'utf8'));
    const w = Object.fromEntries(file.weights!.tensors.map((t) => [t.name, decodeTensor(t)]));
    await tf.setBackend('cpu');
    const input = file.weights!.input;
    const model = buildLayersModel(file.weights!.model, input, w);
    const crops = makeCrops();
    const probs = Array.from(
      tf.tidy(() =>
        (
          model.predict(
            tf.tensor4d(cropBatch(crops, SIDE, input, 0, N), [N, input.size, input.size, input.channels]),
          ) as tf.Tensor
        )
          .sigmoid()
          .dataSync(),
      ),
    );
    expect(probs.every((p) => Math.abs(p - 0.5) > 1e-4)).toBe(true);
    const labels = Array.from({ length: N }, (_, i) => (i < N / 2 ? 0 : 1));
    const cm = [
      [0, 0],
      [0, 0],
    ];
    probs.forEach((p, i) => (cm[labels[i]!]![p >= 0.5 ? 1 : 0]! += 1));

    await table
      .getByRole('row', { name: /fast lr/ })
      .getByRole('button', { name: /Details of/ })
      .click();
    await page.getByRole('region', { name: 'Run fast lr' }).getByRole('button', { name: 'Evaluate' }).click();
    await expect(page.getByRole('heading', { level: 2, name: 'Evaluate', exact: true })).toBeVisible();
    await expect(page.getByTestId('evaluate-model-info')).toContainText('lenet5');

    const pngs = await greyCropsAsPng(page, crops, SIDE, N);
    const files = (from: number, to: number) =>
      pngs.slice(from, to).map((b64, k) => ({
        name: `crop_${from + k}.png`,
        mimeType: 'image/png',
        buffer: Buffer.from(b64, 'base64'),
      }));
    const classes = page.getByLabel('Class of dropped images');
    await classes.selectOption({ index: 1 });
    await page.getByLabel('Crop images to evaluate').setInputFiles(files(0, N / 2));
    await classes.selectOption({ index: 2 });
    await page.getByLabel('Crop images to evaluate').setInputFiles(files(N / 2, N));
    await expect(page.getByTestId('evaluate-dropped-count')).toContainText(
      `${N} dropped images (0 unlabelled)`,
    );
    await page.getByRole('button', { name: 'Evaluate', exact: true }).click();
    for (const i of [0, 1])
      for (const j of [0, 1])
        await expect(page.getByTestId(`cm-${i}-${j}`).locator('strong')).toHaveText(String(cm[i]![j]));

    await test.step('the run’s ONNX export gives the same logits in onnxruntime', async () => {
      const logits = tf.tidy(() =>
        Array.from(
          (
            model.predict(
              tf.tensor4d(cropBatch(crops, SIDE, input, 0, N), [N, input.size, input.size, input.channels]),
            ) as tf.Tensor
          ).dataSync(),
        ),
      );
      await studio.goTo('Runs');
      await table
        .getByRole('row', { name: /fast lr/ })
        .getByRole('button', { name: /Details of/ })
        .click();
      const download = page.waitForEvent('download');
      await page
        .getByRole('region', { name: 'Run fast lr' })
        .getByRole('button', { name: 'Export ONNX model' })
        .click();
      const bytes = new Uint8Array(await readFile(await (await download).path()));
      const nhwc = cropBatch(crops, SIDE, input, 0, N);
      const c = input.channels;
      const hw = input.size * input.size;
      const nchw = new Float32Array(nhwc.length);
      for (let n = 0; n < N; n++)
        for (let p = 0; p < hw; p++)
          for (let k = 0; k < c; k++) nchw[(n * c + k) * hw + p] = nhwc[(n * hw + p) * c + k]!;
      ort.env.wasm.numThreads = 1;
      const session = await ort.InferenceSession.create(bytes);
      const out = await session.run({
        input: new ort.Tensor('float32', nchw, [N, c, input.size, input.size]),
      });
      const got = out.logit!.data as Float32Array;
      let diff = 0;
      for (let i = 0; i < N; i++) diff = Math.max(diff, Math.abs(got[i]! - logits[i]!));
      testInfo.annotations.push({ type: 'onnx max abs logit diff (trained run)', description: String(diff) });
      expect(diff).toBeLessThan(1e-4);
      await session.release();
    });
  });

  await test.step('evaluate the trained run on the test split; the accuracy is kept with the run', async () => {
    // (its details are still open from the ONNX export)
    await page.getByRole('region', { name: 'Run fast lr' }).getByRole('button', { name: 'Evaluate' }).click();
    const testRadio = page.getByRole('radio', { name: /Test split/ });
    await expect(testRadio).toBeEnabled();
    await testRadio.check();
    const testCount = Number(/\((\d+)\)/.exec((await testRadio.locator('..').textContent()) ?? '')![1]);
    await page.getByRole('button', { name: 'Evaluate', exact: true }).click();
    await expect(page.getByTestId('evaluate-split')).toHaveText('test');
    const cm: number[] = [];
    for (const ij of ['0-0', '0-1', '1-0', '1-1'])
      cm.push(Number(await page.getByTestId(`cm-${ij}`).locator('strong').textContent()));
    expect(cm.reduce((a, b) => a + b, 0)).toBe(testCount);
    const accuracy = (await page.getByTestId('evaluate-accuracy').textContent())!;
    expect(accuracy).toBe(`${((100 * (cm[0]! + cm[3]!)) / testCount).toFixed(1)}%`);
    await studio.goTo('Runs');
    await expect(table.getByRole('row', { name: /fast lr/ })).toContainText(accuracy);
  });
});
