// Evaluate area, end to end: a LeNet5 built in this test (tfjs in Node, seeded weights) is imported as TF.js
// files, labelled crop images are dropped in, and the confusion matrix must equal the predictions computed
// here; the threshold slider moves it; the ONNX export runs in onnxruntime with the same logits; the
// predictions CSV has a row per crop; a file that is not a model is refused and nothing else is lost.
import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { cropBatch } from '../src/core/eval/preprocess';
import { buildLayersModel } from '../src/workers/eval/tfjs-model';
import { greyCropsAsPng, LENET_INPUT as INPUT, lenetModelFiles, seededLenetWeights } from './model-files';
import { expect, test } from './studio';

const SIDE = 40;
const PER_CLASS = 10;
const N = 2 * PER_CLASS;

/** Seeded crops: smooth blobs of different brightness and size, so the model's outputs spread. */
function makeCrops(): Uint8Array {
  const x = new Uint8Array(N * SIDE * SIDE);
  let s = 2024;
  const rand = () => (s = (s * 16807) % 2147483647) / 2147483647;
  for (let i = 0; i < N; i++) {
    const cx = 12 + 16 * rand();
    const cy = 12 + 16 * rand();
    const r = 3 + 10 * rand();
    const peak = 60 + 195 * rand();
    for (let y = 0; y < SIDE; y++)
      for (let xx = 0; xx < SIDE; xx++) {
        const d2 = (xx - cx) ** 2 + (y - cy) ** 2;
        x[(i * SIDE + y) * SIDE + xx] = Math.round(peak * Math.exp(-d2 / (2 * r * r)) + 10 * rand());
      }
  }
  return x;
}

test('evaluate an imported model: confusion matrix, threshold, ONNX, CSV, bad input', async ({
  studio,
  page,
}, testInfo) => {
  const weights = await seededLenetWeights(77);
  // A larger last layer spreads the logits, so no crop sits on the decision threshold.
  weights['fc3.w'] = weights['fc3.w']!.map((v) => v * 40);
  const model = buildLayersModel('lenet5', INPUT, weights);
  const files = await lenetModelFiles(weights, { note: 'seeded weights made by the e2e test' });
  const crops = makeCrops();
  const logits = tf.tidy(
    () =>
      (
        model.predict(tf.tensor4d(cropBatch(crops, SIDE, INPUT, 0, N), [N, 32, 32, 3])) as tf.Tensor
      ).dataSync() as Float32Array,
  );
  const probs = Array.from(logits, (z) => 1 / (1 + Math.exp(-z)));
  const labels = [...new Array<number>(PER_CLASS).fill(0), ...new Array<number>(PER_CLASS).fill(1)];
  const counts = (t: number) => {
    const cm = [
      [0, 0],
      [0, 0],
    ];
    probs.forEach((p, i) => (cm[labels[i]!]![p >= t ? 1 : 0]! += 1));
    return cm;
  };
  // Thresholds to check: 0.5 and the grid value splitting the predictions most evenly, both with a margin.
  const grid = Array.from({ length: 99 }, (_, i) => (i + 1) / 100);
  const safe = grid.filter((t) => probs.every((p) => Math.abs(p - t) > 1e-4));
  expect(safe).toContain(0.5);
  const other = safe
    .filter((t) => t !== 0.5)
    .sort(
      (a, b) =>
        Math.abs(probs.filter((p) => p >= a).length - N / 2) -
        Math.abs(probs.filter((p) => p >= b).length - N / 2),
    )[0]!;

  await test.step('import the TF.js model (model.json + weights.bin + metadata.json)', async () => {
    await studio.open('Evaluate');
    await page.getByLabel('Import TF.js model files').setInputFiles(files);
    await expect(page.getByTestId('evaluate-model-info')).toContainText('lenet5');
    await expect(page.getByTestId('evaluate-model-info')).toContainText('low, high');
  });

  await test.step('drop labelled crop images (PNG, lossless)', async () => {
    // The page encodes the grey crops as PNG so the studio decodes exactly these pixels.
    const pngs = await greyCropsAsPng(page, crops, SIDE, N);
    const asFiles = (from: number, to: number) =>
      pngs.slice(from, to).map((b64, k) => ({
        name: `crop_${String(from + k).padStart(2, '0')}.png`,
        mimeType: 'image/png',
        buffer: Buffer.from(b64, 'base64'),
      }));
    await page.getByLabel('Class of dropped images').selectOption({ label: 'low' });
    await page.getByLabel('Crop images to evaluate').setInputFiles(asFiles(0, PER_CLASS));
    await expect(page.getByTestId('evaluate-dropped-count')).toContainText(`${PER_CLASS} dropped images`);
    await page.getByLabel('Class of dropped images').selectOption({ label: 'high' });
    await page.getByLabel('Crop images to evaluate').setInputFiles(asFiles(PER_CLASS, N));
    await expect(page.getByTestId('evaluate-dropped-count')).toContainText(
      `${N} dropped images (0 unlabelled)`,
    );
  });

  const expectCounts = async (cm: number[][]) => {
    for (const i of [0, 1])
      for (const j of [0, 1])
        await expect(page.getByTestId(`cm-${i}-${j}`).locator('strong')).toHaveText(String(cm[i]![j]));
  };

  await test.step('evaluate: the confusion matrix equals the predictions computed in the test', async () => {
    await page.getByRole('button', { name: 'Evaluate', exact: true }).click();
    await expect(page.getByTestId('evaluate-split')).toHaveText('dropped images');
    await expectCounts(counts(0.5));
    const cm = counts(0.5);
    await expect(page.getByTestId('evaluate-accuracy')).toHaveText(
      `${((100 * (cm[0]![0]! + cm[1]![1]!)) / N).toFixed(1)}%`,
    );
  });

  await test.step('classify the dropped images without their labels', async () => {
    await page.getByRole('button', { name: 'Classify dropped images' }).click();
    const high = probs.filter((p) => p >= 0.5).length;
    await expect(page.getByTestId('crop-predictions-summary')).toHaveText(
      `${N} images: ${N - high} low, ${high} high at threshold 0.50`,
    );
    await expect(
      page.getByRole('list', { name: 'Classified images, least confident first' }).getByRole('img'),
    ).toHaveCount(N);
  });

  await test.step(`the threshold slider (to ${other}) updates the matrix`, async () => {
    await page.getByLabel('Decision threshold').fill(String(other));
    await expect(page.getByTestId('evaluate-threshold')).toHaveText(other.toFixed(2));
    await expectCounts(counts(other));
    await page.getByLabel('Decision threshold').fill('0.5');
    await expectCounts(counts(0.5));
  });

  await test.step('a confusion-matrix cell shows its crops', async () => {
    const cm = counts(0.5);
    await page.getByTestId('cm-1-1').click();
    const cell = page.getByRole('region', { name: 'Crops in the chosen cell' });
    await expect(cell.getByRole('img')).toHaveCount(cm[1]![1]!);
  });

  await test.step('misclassified crops say which class is predicted and which is actual', async () => {
    const cm = counts(0.5);
    const captions = page
      .getByRole('region', { name: 'Misclassified crops' })
      .getByTestId('misclassified-caption');
    await expect(captions).toHaveCount(Math.min(60, cm[0]![1]! + cm[1]![0]!));
    for (const t of await captions.allTextContents())
      expect(t).toMatch(/^predicted (low|high) \d+\.\d%, actual (low|high)$/);
  });

  await test.step('the predictions CSV has one row per crop with the same predicted classes', async () => {
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download predictions CSV' }).click();
    const path = await (await download).path();
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('id,split,actual,predicted,p_high,confidence,correct');
    expect(lines).toHaveLength(N + 1);
    for (const line of lines.slice(1)) {
      const [id, , , predicted] = line.split(',');
      const i = Number(/crop_(\d+)/.exec(id!)![1]);
      expect(predicted).toBe(probs[i]! >= 0.5 ? 'high' : 'low');
    }
  });

  await test.step('the ONNX export runs in onnxruntime with the same logits (max abs diff < 1e-4)', async () => {
    await page.getByLabel('ONNX input layout').selectOption('NCHW');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export ONNX' }).click();
    const d = await download;
    expect(d.suggestedFilename()).toMatch(/\.onnx$/);
    const bytes = new Uint8Array(await readFile(await d.path()));
    const nhwc = cropBatch(crops, SIDE, INPUT, 0, N);
    const nchw = new Float32Array(nhwc.length);
    for (let n = 0; n < N; n++)
      for (let p = 0; p < 32 * 32; p++)
        for (let c = 0; c < 3; c++) nchw[(n * 3 + c) * 1024 + p] = nhwc[(n * 1024 + p) * 3 + c]!;
    ort.env.wasm.numThreads = 1;
    const session = await ort.InferenceSession.create(bytes);
    const out = await session.run({ input: new ort.Tensor('float32', nchw, [N, 3, 32, 32]) });
    const got = out.logit!.data as Float32Array;
    let maxDiff = 0;
    for (let i = 0; i < N; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i]! - logits[i]!));
    testInfo.annotations.push({ type: 'onnx max abs logit diff', description: String(maxDiff) });
    expect(maxDiff).toBeLessThan(1e-4);
    await session.release();
  });

  await test.step('a file that is not a model is refused; the loaded model stays', async () => {
    await page.getByLabel('Import TF.js model files').setInputFiles('e2e/fixtures/left_low_0.h5');
    await expect(studio.messages).toContainText('left_low_0.h5 is not a TensorFlow.js model');
    await expect(page.getByTestId('evaluate-model-info')).toContainText('lenet5');
    await expectCounts(counts(0.5));
  });

  await test.step('import the same model from a URL (model.json with weights.bin beside it)', async () => {
    const base = 'https://models.example.test/lenet5/';
    const cors = { 'access-control-allow-origin': '*' };
    await page.context().route(`${base}**`, (route) => {
      const name = route.request().url().slice(base.length);
      const f = files.find((x) => x.name === name);
      return f
        ? route.fulfill({ status: 200, headers: cors, contentType: f.mimeType, body: f.buffer })
        : route.fulfill({ status: 404, headers: cors, contentType: 'text/plain', body: 'not found' });
    });
    await page.getByLabel('Model URL').fill(`${base}model.json`);
    await page.getByRole('button', { name: 'Import from URL' }).click();
    await expect(page.getByTestId('evaluate-model-info')).toContainText('lenet5');
    await expect(page.getByLabel('Model to evaluate')).toContainText(`${base}model.json`);
    // the model fetched by URL classifies the dropped crops exactly as the one from files
    await page.getByRole('button', { name: 'Evaluate', exact: true }).click();
    await expectCounts(counts(0.5));
    await page.getByLabel('Model URL').fill(`${base}missing/model.json`);
    await page.getByRole('button', { name: 'Import from URL' }).click();
    await expect(studio.messages).toContainText('HTTP 404');
  });
});

test('evaluate on the test split of HDF5 fixtures opened in the Data area', async ({ studio, page }) => {
  const weights = await seededLenetWeights(3);
  const files = await lenetModelFiles(weights);
  await studio.open('Data');
  await page
    .getByLabel('Open HDF5 files')
    .setInputFiles(['e2e/fixtures/left_low_0.h5', 'e2e/fixtures/left_high_2.h5']);
  await expect(
    page.getByRole('article', { name: 'Source left_high_2.h5' }).getByTestId('source-count'),
  ).toHaveText('237');
  await studio.goTo('Evaluate');
  await page.getByLabel('Import TF.js model files').setInputFiles(files);
  await expect(page.getByTestId('evaluate-model-info')).toContainText('lenet5');
  await page.getByRole('button', { name: 'Use the data library splits' }).click();
  // 338 crops, 60/20/20: the test split is labelled and chosen by default
  const testRadio = page.getByRole('radio', { name: /Test split/ });
  await expect(testRadio).toBeEnabled();
  await expect(testRadio).toBeChecked();
  const testCount = Number(/\((\d+)\)/.exec((await testRadio.locator('..').textContent()) ?? '')![1]);
  expect(testCount).toBeGreaterThan(50);
  await page.getByRole('button', { name: 'Evaluate', exact: true }).click();
  await expect(page.getByTestId('evaluate-split')).toHaveText('test');
  const cm: number[][] = [];
  for (const i of [0, 1]) {
    cm.push([]);
    for (const j of [0, 1])
      cm[i]!.push(Number(await page.getByTestId(`cm-${i}-${j}`).locator('strong').textContent()));
  }
  expect(cm.flat().reduce((a, b) => a + b, 0)).toBe(testCount);
  // The CSV of the same predictions tells the same story cell by cell.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download predictions CSV' }).click();
  const rows = (await readFile(await (await download).path(), 'utf8')).trim().split('\n').slice(1);
  const fromCsv = [
    [0, 0],
    [0, 0],
  ];
  for (const r of rows) {
    const [, split, actual, predicted] = r.split(',');
    expect(split).toBe('test');
    // the data library names the classes "low gas flow" and "high gas flow"
    fromCsv[actual!.includes('high') ? 1 : 0]![predicted!.includes('high') ? 1 : 0]! += 1;
  }
  expect(fromCsv).toEqual(cm);
  expect(cm[0]![0]! + cm[0]![1]!).toBeGreaterThan(0);
  expect(cm[1]![0]! + cm[1]![1]!).toBeGreaterThan(0);
});

test('classify a build: the fixture video’s crops and per-frame log give a timeline, a verdict and CSVs', async ({
  studio,
  page,
}) => {
  const weights = await seededLenetWeights(11);
  const files = await lenetModelFiles(weights);
  await studio.open('Evaluate');
  await page.getByLabel('Import TF.js model files').setInputFiles(files);
  await expect(page.getByTestId('evaluate-model-info')).toContainText('lenet5');

  await test.step('a log from another extraction is refused by name', async () => {
    await page.getByLabel('Build crops HDF5').setInputFiles('e2e/fixtures/left_low_0.h5');
    await page
      .getByLabel('Build per-frame CSV')
      .setInputFiles('e2e/fixtures/ref_high_mp4_spatter_at_frame.csv');
    await page.getByRole('button', { name: 'Classify build' }).click();
    await expect(studio.messages).toContainText('counts 237 crops but left_low_0.h5 holds 101');
  });

  const perFrame = (await readFile('e2e/fixtures/ref_high_mp4_spatter_at_frame.csv', 'utf8'))
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(',').map(Number) as [number, number]);
  const withSpatter = perFrame.filter(([, n]) => n > 0);

  await test.step('the high-flow video: 237 crops on a timeline with a verdict', async () => {
    await page.getByLabel('Build crops HDF5').setInputFiles('e2e/fixtures/left_high_2.h5');
    await page.getByRole('button', { name: 'Classify build' }).click();
    // crop 236 is all black (brightest grey 5 in OpenCV): flagged and left out of the verdict, with its count
    await expect(page.getByTestId('video-crops')).toHaveText('236');
    await expect(page.getByTestId('video-verdict')).toContainText(/236 crops/);
    await expect(page.getByTestId('video-verdict')).toContainText('1 all-black crop was left out');
    // the verdict says which threshold it counted the crops at
    await expect(page.getByTestId('video-verdict')).toContainText('≥ 0.50, the decision threshold');
    await expect(page.getByTestId('video-threshold')).toContainText('0.50');
    await expect(page.getByTestId('video-frames-chart')).toHaveAttribute(
      'data-points',
      String(withSpatter.length),
    );
  });

  await test.step('the per-frame CSV lists exactly the frames with spatter and their crop counts', async () => {
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download per-frame CSV' }).click();
    const lines = (await readFile(await (await download).path(), 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('frame,first_frame,last_frame,crops,mean_p_high,share_high');
    const rows = lines.slice(1).map((l) => l.split(',').map(Number));
    expect(rows.map((r) => [r[0], r[3]])).toEqual(withSpatter);
    for (const r of rows) {
      expect(r[4]).toBeGreaterThanOrEqual(0);
      expect(r[4]).toBeLessThanOrEqual(1);
    }
  });

  await test.step('the crops CSV has one row per crop, in frame order', async () => {
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download crops CSV' }).click();
    const rows = (await readFile(await (await download).path(), 'utf8')).trim().split('\n').slice(1);
    expect(rows).toHaveLength(237);
    const frames = rows.map((r) => Number(r.split(',')[1]));
    expect(frames).toEqual([...frames].sort((a, b) => a - b));
    expect(rows.every((r) => /,(low|high),[01]$/.test(r))).toBe(true);
    expect(rows.filter((r) => r.endsWith(',1'))).toHaveLength(1); // the all-black crop, flagged
  });

  await test.step('without the per-frame log: the same crops, a verdict, no timeline', async () => {
    await page.getByLabel('Build per-frame CSV').setInputFiles([]);
    await page.getByRole('button', { name: 'Classify build' }).click();
    await expect(page.getByText('No per-frame log came with these crops')).toBeVisible();
    await expect(page.getByTestId('video-crops')).toHaveText('236');
  });
});

test('classify a video: the fixture video is extracted and every crop classified into a timeline, a verdict and CSVs', async ({
  studio,
  page,
}) => {
  const weights = await seededLenetWeights(11);
  const files = await lenetModelFiles(weights);
  // The extractor matches the native OpenCV reference on this video: one crop per reference box.
  const refBoxes = (await readFile('e2e/fixtures/ref_high_mp4_boxes.csv', 'utf8'))
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(',').map(Number));
  const refFrames = [...new Set(refBoxes.map((b) => b[0]!))];
  const perFrameCount = refFrames.map((f) => [f, refBoxes.filter((b) => b[0] === f).length]);

  await studio.open('Evaluate');
  await expect(page.getByLabel('Classify a video')).toBeDisabled();
  await page.getByLabel('Import TF.js model files').setInputFiles(files);
  await expect(page.getByTestId('evaluate-model-info')).toContainText('lenet5');

  await test.step('cancel while it runs: nothing is classified, no error', async () => {
    await page.getByLabel('Classify a video').setInputFiles('e2e/fixtures/spatter_high_flow.mp4');
    await expect(page.getByTestId('evaluate-video-progress')).toContainText('spatter_high_flow.mp4');
    await page.getByRole('button', { name: 'Cancel video classification' }).click();
    await expect(page.getByRole('group', { name: 'Video classification progress' })).toBeHidden();
    await expect(page.getByTestId('video-crops')).toBeHidden();
    await expect(page.getByLabel('Classify a video')).toBeEnabled();
    await expect(studio.messages.getByText(/spatter_high_flow/)).toHaveCount(0);
  });

  let blackFrames: number[] = [];
  await test.step('drop the high-flow video: extraction, then classification, with progress', async () => {
    await page.getByLabel('Classify a video').setInputFiles('e2e/fixtures/spatter_high_flow.mp4');
    // every reference box is a crop: those judged (shown) plus the all-black ones the verdict leaves out
    await expect
      .poll(
        async () => {
          const shown = Number((await page.getByTestId('video-crops').textContent()) ?? NaN);
          const text = (await page.getByTestId('video-verdict').textContent()) ?? '';
          return shown + Number(/(\d+) all-black crops? (?:was|were) left out/.exec(text)?.[1] ?? 0);
        },
        { timeout: 120_000 },
      )
      .toBe(refBoxes.length);
    await expect(page.getByRole('group', { name: 'Video classification progress' })).toBeHidden();
    await expect(
      page.getByRole('heading', { name: /Video spatter_high_flow\.mp4, classified by/ }),
    ).toBeVisible();
    const shown = (await page.getByTestId('video-crops').textContent())!;
    await expect(page.getByTestId('video-verdict')).toContainText(`${shown} crops`);
  });

  await test.step('the crops CSV has one row per crop (the reference box count), dated by frame', async () => {
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download crops CSV' }).click();
    const d = await download;
    expect(d.suggestedFilename()).toBe('spatter_high_flow.mp4-crops.csv');
    const lines = (await readFile(await d.path(), 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('crop,frame,layer,p_high,predicted,all_black');
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows).toHaveLength(refBoxes.length);
    blackFrames = rows.filter((r) => r[5] === '1').map((r) => Number(r[1]));
    expect(rows.map((r) => Number(r[1]))).toEqual(refBoxes.map((b) => b[0]));
    for (const r of rows) {
      expect(Number(r[3])).toBeGreaterThanOrEqual(0);
      expect(Number(r[3])).toBeLessThanOrEqual(1);
      expect(r[4]).toBe(Number(r[3]) >= 0.5 ? 'high' : 'low');
    }
  });

  await test.step('per frame: a row for each frame with crops; per layer: the summary of every crop', async () => {
    let download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download per-frame CSV' }).click();
    const frames = (await readFile(await (await download).path(), 'utf8')).trim().split('\n').slice(1);
    expect(frames.map((l) => l.split(',').map(Number)).map((r) => [r[0], r[3]])).toEqual(perFrameCount);
    await expect(page.getByTestId('video-frames-chart')).toHaveAttribute(
      'data-points',
      String(refFrames.length),
    );

    download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download per-layer CSV' }).click();
    const layers = (await readFile(await (await download).path(), 'utf8')).trim().split('\n');
    expect(layers[0]).toBe('layer,first_frame,last_frame,crops,mean_p_high,share_high');
    const rows = layers.slice(1).map((l) => l.split(',').map(Number));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.reduce((s, r) => s + r[3]!, 0)).toBe(refBoxes.length);
    // all-black crops are flagged in the crops CSV and left out of the verdict only
    expect(blackFrames.length).toBeLessThanOrEqual(2);
    await expect(page.getByRole('table', { name: 'Build summary' }).getByRole('row').nth(1)).toHaveText(
      new RegExp(`^Layers with spatter\\s*${rows.length}$`),
    );
  });
});
