// Images worker API: decode an opened image set once (kept here, never copied back), train a registry model on
// it, preview augmentations, and export the last trained model (ONNX, TF.js graph model) together with
// the test-set logits the export can be checked against.
import * as tf from '@tensorflow/tfjs';
import * as Comlink from 'comlink';
import type { BackendName } from '../../core/backends/backends';
import { exportConvNextOnnx } from '../../core/export/onnx-convnext';
import { exportConvNextTfjs } from '../../core/export/tfjs-convnext';
import type { AugmentConfig } from '../../core/images/augment';
import type { ImageInspection } from '../../core/images/findings';
import { checkTrainConfig, type ImageTrainConfig, type ResultsJson } from '../../core/images/experiment';
import type { LabelledImage } from '../../core/images/task';
import { DEFAULT_ZIP_LIMITS, planImageZip, unpackZipEntry } from '../../core/images/zip';
import { generateSteelSet, steelCsv } from '../../core/images/steel-demo';
import { createRng } from '../../core/train/rng';
import { initTfBackend } from '../compute/tf-backends';
import { runTask, TaskRegistry, type TaskOptions } from '../task';
import { convnextExportSpec } from '../train/models/convnext';
import { getModel, listModels, type ModelInfo } from '../train/models/registry';
import type { WeightMap } from '../train/trainer';
import { registerWasmTrainingKernels } from '../train/wasm-kernels';
import { augmentBatch } from './augment';
import { benchImageStep, type ImageStepBench } from './bench';
import { packWeights, type WeightsManifest } from '../../core/images/run-record';
import type { ImageFileFacts } from '../../core/images/version';
import { decodeImages, type DecodedSet, type ImageFile } from './decode';
import { describeFile } from './describe';
import { inspectImages } from './inspect';
import { checkMemory, modelInput, runImageTraining, type ImageTrainEvents } from './image-train';

registerWasmTrainingKernels();

const tasks = new TaskRegistry();
let decoded: DecodedSet | null = null;
let last: {
  cfg: ImageTrainConfig;
  weights: WeightMap;
  results: ResultsJson;
  testIds: number[];
  testLogits: Float32Array;
} | null = null;

function need(): DecodedSet {
  if (!decoded) throw new Error('No image set is loaded: open a folder of images first');
  return decoded;
}

async function logitsOf(cfg: ImageTrainConfig, weights: WeightMap, ids: number[]): Promise<Float32Array> {
  const set = need();
  const model = getModel(cfg.model);
  const specs = model.params(modelInput(cfg));
  const per = set.height * set.width * set.channels;
  const outs = specs.find((s) => s.name === 'head.b')?.shape[0] ?? 1;
  const out = new Float32Array(ids.length * outs);
  for (let s = 0; s < ids.length; s += 8) {
    const part = ids.slice(s, s + 8);
    const z = tf.tidy(() => {
      const p = Object.fromEntries(specs.map((sp) => [sp.name, tf.tensor(weights[sp.name]!, sp.shape)]));
      const buf = new Float32Array(part.length * per);
      part.forEach((id, i) => set.pixels[id]!.forEach((v, j) => (buf[i * per + j] = v / 255)));
      return model.apply(p, tf.tensor4d(buf, [part.length, set.height, set.width, set.channels]), false);
    });
    out.set((await z.data()) as Float32Array, s * outs);
    z.dispose();
  }
  return out;
}

export const api = {
  listModels(height: number, width: number, channels: number, classes: number): ModelInfo[] {
    return listModels({ size: height, height, width, channels, classes }).filter((m) =>
      m.name.startsWith('convnext'),
    );
  },

  /**
   * The images and CSVs of a ZIP as files (paths inside the ZIP kept), unpacked here rather than on the main
   * thread; throws the refusal (damaged, encrypted, too big, no images) naming the ZIP.
   */
  unzipImageSet(zip: Blob, name: string, opts?: TaskOptions): Promise<ImageFile[]> {
    return runTask(tasks, opts, async (ctx) => {
      if (zip.size > DEFAULT_ZIP_LIMITS.maxBytes) {
        throw new Error(
          `${name} is ${(zip.size / 1e9).toFixed(1)} GB, more than the studio unpacks in memory (${(DEFAULT_ZIP_LIMITS.maxBytes / 1e9).toFixed(1)} GB): unzip it and open the folder`,
        );
      }
      const data = new Uint8Array(await zip.arrayBuffer());
      const entries = planImageZip(name, data);
      const files: ImageFile[] = [];
      for (const e of entries) {
        const f = unpackZipEntry(name, data, e);
        files.push({ path: f.path, blob: new Blob([f.bytes as Uint8Array<ArrayBuffer>]) });
        // every 64 files: a large ZIP holds tens of thousands of small images
        if (files.length % 64 === 0 || files.length === entries.length) {
          ctx.progress({
            done: files.length,
            total: entries.length,
            unit: 'files',
            message: `unpacking ${name}`,
          });
        }
        await ctx.checkpoint();
      }
      return files;
    });
  },

  /** Check a run before anything is decoded: settings, and the memory estimate (throws the refusal). */
  checkRun(cfg: ImageTrainConfig, backend: BackendName): void {
    checkTrainConfig(cfg);
    checkMemory(cfg, backend);
  },

  /**
   * Decode the set at the input size; returns what was found (channels, original sizes), not the pixels. Files
   * in `leaveOut` (unreadable, kept out of the split) are skipped.
   */
  decode(
    files: ImageFile[],
    height: number,
    width: number,
    channels: 1 | 3 | 'auto',
    leaveOut: number[],
    opts?: TaskOptions,
  ): Promise<{ count: number; channels: number; originalSizes: [number, number][] }> {
    return runTask(tasks, opts, async (ctx) => {
      decoded = null;
      last = null;
      const set = await decodeImages(
        files,
        height,
        width,
        channels,
        async (done) => {
          ctx.progress({ done, total: files.length, unit: 'images' });
          await ctx.checkpoint();
        },
        leaveOut,
      );
      decoded = set;
      return { count: set.pixels.length, channels: set.channels, originalSizes: set.originalSizes };
    });
  },

  /** Read and decode each file once for the quality findings: digest, natural size, grey or colour, min / max / mean. */
  inspect(files: ImageFile[], opts?: TaskOptions): Promise<ImageInspection[]> {
    return runTask(tasks, opts, async (ctx) =>
      inspectImages(files, async (done) => {
        ctx.progress({ done, total: files.length, unit: 'images' });
        await ctx.checkpoint();
      }),
    );
  },

  train(
    runId: string,
    backend: BackendName,
    items: LabelledImage[],
    split: { train: number[]; val: number[]; test: number[]; description: string },
    source: string,
    cfg: ImageTrainConfig,
    events: ImageTrainEvents,
    opts?: TaskOptions,
  ): Promise<ResultsJson> {
    return runTask(tasks, opts, async (ctx) => {
      const set = need();
      if (set.height !== cfg.height || set.width !== cfg.width || set.channels !== cfg.channels) {
        throw new Error(
          `The set was decoded at ${set.height}x${set.width}x${set.channels} but the run asks ${cfg.height}x${cfg.width}x${cfg.channels}: decode it again`,
        );
      }
      await initTfBackend(backend);
      const r = await runImageTraining(
        { pixels: set.pixels, items, split, source },
        cfg,
        {
          onEpoch: (e) => events.onEpoch?.(e),
          onBatch: (e) => {
            ctx.progress({
              done: e.batch + 1,
              total: e.batches,
              unit: 'batches',
              message: `epoch ${e.epoch + 1}`,
            });
            events.onBatch?.(e);
          },
        },
        { checkpoint: () => ctx.checkpoint(), stopped: () => ctx.signal.aborted, backend, runId },
      );
      const testLogits = await logitsOf(cfg, r.weights, split.test);
      last = { cfg, weights: r.weights, results: r.results, testIds: split.test, testLogits };
      return r.results;
    });
  },

  /**
   * Originals and augmented versions of a few images (uint8, the set's layout), for the preview, on `backend`
   * (initialised here: the preview may come before any run).
   */
  async previewAugment(
    indices: number[],
    augment: AugmentConfig,
    seed: number,
    backend: BackendName,
  ): Promise<{
    height: number;
    width: number;
    channels: number;
    original: Uint8Array[];
    augmented: Uint8Array[];
  }> {
    const set = need();
    await initTfBackend(backend);
    const ids = indices.filter((i) => i >= 0 && i < set.pixels.length);
    const per = set.height * set.width * set.channels;
    const buf = new Float32Array(ids.length * per);
    ids.forEach((id, i) => set.pixels[id]!.forEach((v, j) => (buf[i * per + j] = v / 255)));
    const y = tf.tidy(() =>
      tf.mul(
        augmentBatch(
          tf.tensor4d(buf, [ids.length, set.height, set.width, set.channels]),
          augment,
          createRng(seed),
        ),
        255,
      ),
    );
    const data = await y.data();
    y.dispose();
    const augmented = ids.map((_, i) =>
      Uint8Array.from(data.subarray(i * per, (i + 1) * per), (v) => Math.round(v)),
    );
    return {
      height: set.height,
      width: set.width,
      channels: set.channels,
      original: ids.map((i) => set.pixels[i]!),
      augmented,
    };
  },

  /** The last run as ONNX (ConvNeXt), with its test-set logits from tfjs for checking the file. */
  exportOnnx(): { bytes: Uint8Array; testIds: number[]; testLogits: Float32Array; outputs: number } {
    if (!last) throw new Error('Train a model first: there is nothing to export');
    const r = api.exportOnnxOf(last.cfg, last.weights, last.results.dataset.source);
    return { ...r, testIds: last.testIds, testLogits: last.testLogits };
  },

  /** A model's weights (a past run's, kept in the studio database) as ONNX (ConvNeXt). */
  exportOnnxOf(
    cfg: ImageTrainConfig,
    weights: WeightMap,
    source: string,
  ): { bytes: Uint8Array; outputs: number } {
    const spec = convnextExportSpec(
      cfg.model,
      modelInput(cfg),
      cfg.task === 'multi-class' ? 'softmax' : 'sigmoid',
    );
    const bytes = exportConvNextOnnx(spec, weights, {
      metadata: { classes: cfg.classNames.join(','), task: cfg.task, preprocessing: 'pixels / 255, NCHW' },
      docString: `${cfg.model} trained in Spatter Studio on ${source}`,
    });
    return { bytes, outputs: spec.classes };
  },

  /** The last run's trained (best-epoch) weights packed as one byte array (transferred), to keep with its record. */
  lastWeightsPacked(): { bytes: Uint8Array; manifest: WeightsManifest } {
    if (!last) throw new Error('Train a model first: there are no weights');
    const names = getModel(last.cfg.model)
      .params(modelInput(last.cfg))
      .map((s) => s.name);
    const r = packWeights(last.weights, names);
    return Comlink.transfer(r, [r.bytes.buffer as ArrayBuffer]);
  },

  /** Digest and size of each file (what a dataset version records), in order. */
  describeFiles(files: ImageFile[], opts?: TaskOptions): Promise<ImageFileFacts[]> {
    return runTask(tasks, opts, async (ctx) => {
      const out: ImageFileFacts[] = [];
      for (const f of files) {
        out.push(await describeFile(f));
        ctx.progress({ done: out.length, total: files.length, unit: 'images' });
        await ctx.checkpoint();
      }
      return out;
    });
  },

  /**
   * The last run as a TF.js graph model (model.json + one weights shard) that tf.loadGraphModel loads and runs:
   * input NHWC pixels / 255, outputs `logit` and `probability`.
   */
  exportTfjs(): { modelJson: string; weights: Uint8Array; weightsPath: string } {
    if (!last) throw new Error('Train a model first: there is nothing to export');
    return api.exportTfjsOf(last.cfg, last.weights, {
      trainedOn: last.results.dataset.source,
      runId: last.results.experiment.runId,
    });
  },

  /** A model's weights (the last run's or a past run's) as a TF.js graph model. */
  exportTfjsOf(
    cfg: ImageTrainConfig,
    weights: WeightMap,
    about: { trainedOn?: string; runId?: string } = {},
  ): { modelJson: string; weights: Uint8Array; weightsPath: string } {
    if (!cfg.model.startsWith('convnext')) {
      throw new Error(
        `TF.js export from the Images area writes the ConvNeXt models it trains; ${cfg.model} is not one of them`,
      );
    }
    const spec = convnextExportSpec(
      cfg.model,
      modelInput(cfg),
      cfg.task === 'multi-class' ? 'softmax' : 'sigmoid',
    );
    return exportConvNextTfjs(spec, weights, {
      metadata: {
        classes: cfg.classNames,
        task: cfg.task,
        ...(about.trainedOn !== undefined ? { trainedOn: about.trainedOn } : {}),
        ...(about.runId !== undefined ? { runId: about.runId } : {}),
      },
    });
  },

  /** The generated steel-like demo: PNG files (256 x 1600 grey) and their labels in the steel layout. */
  generateSteelDemo(
    count: number,
    seed: number,
    opts?: TaskOptions,
  ): Promise<{ files: ImageFile[]; csv: string }> {
    return runTask(tasks, opts, async (ctx) => {
      const images = generateSteelSet(count, seed);
      const canvas = new OffscreenCanvas(1600, 256);
      const c2d = canvas.getContext('2d');
      if (!c2d) throw new Error('This browser gives workers no 2D canvas to draw the demo images with');
      const files: ImageFile[] = [];
      for (const im of images) {
        const rgba = new Uint8ClampedArray(im.pixels.length * 4);
        for (let i = 0; i < im.pixels.length; i++) {
          rgba[i * 4] = rgba[i * 4 + 1] = rgba[i * 4 + 2] = im.pixels[i]!;
          rgba[i * 4 + 3] = 255;
        }
        c2d.putImageData(new ImageData(rgba, 1600, 256), 0, 0);
        files.push({
          path: `steel-demo/${im.name}`,
          blob: await canvas.convertToBlob({ type: 'image/png' }),
        });
        ctx.progress({ done: files.length, total: count, unit: 'images' });
        await ctx.checkpoint();
      }
      return { files, csv: steelCsv(images) };
    });
  },

  /** Time training steps of an image model on `backend` (bench); throws the memory refusal when it will not fit. */
  benchStep(
    backend: BackendName,
    o: ImageStepBench,
    opts?: TaskOptions,
  ): Promise<{ imgPerSec: number; msPerStep: number; steps: number }> {
    return runTask(tasks, opts, async (ctx) => {
      await initTfBackend(backend);
      let done = 0;
      return benchImageStep(o, backend, async () => {
        ctx.progress({ done: ++done, total: o.warmup + o.steps, unit: 'steps' });
        await ctx.checkpoint();
      });
    });
  },

  cancel(taskId: string): boolean {
    return tasks.cancel(taskId);
  },
};

export type ImagesApi = typeof api;
