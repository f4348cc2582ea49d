// resnet-small is a first-class model: trained for one epoch on the demo data (wasm), it is evaluated on its test
// split, classifies a build from a fixture video, and exports to TF.js and ONNX; onnxruntime on the ONNX export
// gives the logits of the TF.js export (tfjs in Node) within 1e-4, and the studio's own probabilities on the same
// crops (dropped in Evaluate as lossless PNG).
import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import type { Download } from '@playwright/test';
import { cropBatch } from '../src/core/eval/preprocess';
import { loadLayersModelFromFiles } from '../src/workers/eval/tfjs-model';
import { greyCropsAsPng } from './model-files';
import { expect, test } from './studio';

const SIDE = 40;
const INPUT = { size: 32, channels: 3 };
const N = 16;

/** Seeded grey crops: blobs of different brightness, size and place, so the logits spread. */
function makeCrops(): Uint8Array {
  const x = new Uint8Array(N * SIDE * SIDE);
  let s = 31;
  const rand = () => (s = (s * 16807) % 2147483647) / 2147483647;
  for (let i = 0; i < N; i++) {
    const cx = 10 + 20 * rand();
    const cy = 10 + 20 * rand();
    const r = 2 + 10 * rand();
    const peak = 40 + 215 * rand();
    for (let y = 0; y < SIDE; y++)
      for (let xx = 0; xx < SIDE; xx++) {
        const d2 = (xx - cx) ** 2 + (y - cy) ** 2;
        x[(i * SIDE + y) * SIDE + xx] = Math.round(peak * Math.exp(-d2 / (2 * r * r)) + 8 * rand());
      }
  }
  return x;
}

test('resnet-small trains one epoch on the demo data, is evaluated, classifies a build and exports to ONNX', async ({
  studio,
  page,
}, testInfo) => {
  test.setTimeout(600_000);
  await test.step('train resnet-small for one epoch on the demo data (wasm)', async () => {
    await studio.open('Train', [
      'model.name=resnet-small',
      'training.epochs=1',
      'training.batch_size=64',
      'training.backend=wasm',
    ]);
    await page
      .getByRole('region', { name: 'New here? Try the demo' })
      .getByRole('button', { name: 'Load demo data' })
      .click();
    await expect(page.getByTestId('gallery-count')).toHaveText('2,000 crops shown');
    await studio.goTo('Train');
    await expect(page.getByRole('combobox', { name: 'Model', exact: true })).toHaveValue('resnet-small');
    await page.getByRole('button', { name: 'Start training' }).click();
    await expect(page.getByTestId('train-phase')).toHaveText('done', { timeout: 480_000 });
  });

  await test.step('evaluate the run on the test split', async () => {
    await studio.goTo('Runs');
    await page
      .getByRole('row', { name: /resnet-small/ })
      .first()
      .getByRole('button', { name: /Details of/ })
      .click();
    await page.getByRole('region', { name: /^Run / }).getByRole('button', { name: 'Evaluate' }).click();
    await expect(page.getByRole('heading', { level: 2, name: 'Evaluate', exact: true })).toBeVisible();
    await expect(page.getByTestId('evaluate-model-info')).toContainText('resnet-small');
    // the run's own frozen test split (its dataset version) is the default: no library splits needed
    await expect(page.getByRole('radio', { name: /Test split/ })).toBeChecked();
    await page.getByRole('button', { name: 'Evaluate', exact: true }).click();
    await expect(page.getByTestId('evaluate-split')).toHaveText('test');
    let total = 0;
    for (const i of [0, 1])
      for (const j of [0, 1])
        total += Number(await page.getByTestId(`cm-${i}-${j}`).locator('strong').textContent());
    // 20% of the 2,000 demo crops
    expect(total).toBe(400);
  });

  await test.step('classify a build: the fixture video is extracted and its crops classified', async () => {
    await page.getByLabel('Classify a video').setInputFiles('e2e/fixtures/spatter_high_flow.mp4');
    await expect(page.getByRole('heading', { name: /Video spatter_high_flow/ })).toBeVisible({
      timeout: 180_000,
    });
    await expect(page.getByTestId('video-verdict')).toContainText(/\d+ crops/);
  });

  const downloads: Download[] = [];
  page.on('download', (d) => downloads.push(d));
  const file = async (suffix: string) => {
    await expect.poll(() => downloads.some((d) => d.suggestedFilename().endsWith(suffix))).toBe(true);
    const d = downloads.find((x) => x.suggestedFilename().endsWith(suffix))!;
    return readFile(await d.path());
  };

  const crops = makeCrops();
  let studioProbs: number[] = [];
  await test.step('the studio predicts seeded crops dropped as PNG images', async () => {
    const pngs = await greyCropsAsPng(page, crops, SIDE, N);
    const classes = page.getByLabel('Class of dropped images');
    await classes.selectOption({ index: 1 });
    await page.getByLabel('Crop images to evaluate').setInputFiles(
      pngs.map((b64, i) => ({
        name: `crop_${String(i).padStart(2, '0')}.png`,
        mimeType: 'image/png',
        buffer: Buffer.from(b64, 'base64'),
      })),
    );
    await expect(page.getByTestId('evaluate-dropped-count')).toContainText(`${N} dropped images`);
    const dropped = page.getByRole('radio', { name: /Dropped images/ });
    if (await dropped.count()) await dropped.check();
    await page.getByRole('button', { name: 'Evaluate', exact: true }).click();
    await expect(page.getByTestId('evaluate-split')).toHaveText('dropped images');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download predictions CSV' }).click();
    const rows = (await readFile(await (await download).path(), 'utf8')).trim().split('\n').slice(1);
    expect(rows).toHaveLength(N);
    studioProbs = new Array<number>(N);
    for (const r of rows) {
      const cells = r.split(',');
      studioProbs[Number(/crop_(\d+)/.exec(cells[0]!)![1])] = Number(cells[4]);
    }
  });

  await test.step('the ONNX export gives the TF.js export’s logits in onnxruntime (max abs diff < 1e-4)', async () => {
    await page.getByRole('button', { name: 'Export TF.js' }).click();
    const modelJson = (await file('model.json')).toString('utf8');
    const weights = await file('weights.bin');
    const metadataJson = (await file('metadata.json')).toString('utf8');
    expect(JSON.parse(metadataJson)).toMatchObject({ model: 'resnet-small' });
    await page.getByLabel('ONNX input layout').selectOption('NCHW');
    await page.getByRole('button', { name: 'Export ONNX' }).click();
    const onnx = new Uint8Array(await file('.onnx'));

    await tf.setBackend('cpu');
    const model = await loadLayersModelFromFiles({ modelJson, weights: { 'weights.bin': weights } });
    const nhwc = cropBatch(crops, SIDE, INPUT, 0, N);
    const expected = tf.tidy(
      () => (model.predict(tf.tensor4d(nhwc, [N, 32, 32, 3])) as tf.Tensor).dataSync() as Float32Array,
    );
    const nchw = new Float32Array(nhwc.length);
    for (let n = 0; n < N; n++)
      for (let p = 0; p < 32 * 32; p++)
        for (let c = 0; c < 3; c++) nchw[(n * 3 + c) * 1024 + p] = nhwc[(n * 1024 + p) * 3 + c]!;
    ort.env.wasm.numThreads = 1;
    const session = await ort.InferenceSession.create(onnx);
    const out = await session.run({ input: new ort.Tensor('float32', nchw, [N, 3, 32, 32]) });
    const got = out.logit!.data as Float32Array;
    await session.release();
    let maxDiff = 0;
    for (let i = 0; i < N; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i]! - expected[i]!));
    // and the studio's own probabilities (in-browser wasm inference of the run) on the same crops
    const prob = out.probability!.data as Float32Array;
    let maxProbDiff = 0;
    for (let i = 0; i < N; i++) maxProbDiff = Math.max(maxProbDiff, Math.abs(prob[i]! - studioProbs[i]!));
    testInfo.annotations.push({
      type: 'onnx vs studio max abs probability diff',
      description: String(maxProbDiff),
    });
    expect(maxProbDiff).toBeLessThan(1e-4);
    testInfo.annotations.push({ type: 'onnx max abs logit diff', description: String(maxDiff) });
    expect(maxDiff).toBeLessThan(1e-4);
    // One epoch moves resnet-small little (its residual gates start at 0), so the logits may sit close together;
    // the unit tests (src/workers/eval/*.test.ts) check agreement on weights whose logits spread.
    testInfo.annotations.push({
      type: 'logit spread',
      description: String(Math.max(...expected) - Math.min(...expected)),
    });
  });
});
