// Eval worker API: holds loaded models by key (a run's weights or an imported TF.js model), predicts splits
// and crops with them, and writes the exports (TF.js layers + metadata.json, ONNX).
import * as tf from '@tensorflow/tfjs';
import { cacheTransform } from '../../core/data/grey-resize';
import type { SplitArrays } from '../../core/data/training-arrays';
import type { PredictionSet } from '../../core/eval/evaluation';
import { describePreprocessing } from '../../core/eval/preprocess';
import { exportOnnx, type OnnxExportOptions } from '../../core/export/onnx';
import type { ModelInputSpec, WeightMap } from '../../core/export/sequential';
import type { BackendName } from '../../core/backends/backends';
import { initTfBackend } from '../compute/tf-backends';
import { H5FileReader, type StoredCrop } from '../data/h5-reader';
import { runTask, TaskRegistry, type TaskOptions } from '../task';
import { predictCrops, type LoadedModel } from './predict';
import {
  buildLayersModel,
  describeLoadedModel,
  loadLayersModelFromFiles,
  loadLayersModelFromUrl,
  METADATA_FORMAT,
  METADATA_VERSION,
  parseMetadata,
  saveLayersModel,
  type ExportedFile,
  type ModelFiles,
  type ModelInfo,
  type ModelMetadata,
} from './tfjs-model';

const tasks = new TaskRegistry();
let mountSeq = 0;

/** One stored crop (JPEG bytes or raw pixels) as a cache crop: grey, side x side. */
async function cacheCrop(c: StoredCrop, side: number): Promise<Uint8Array> {
  if (c.kind === 'pixels') return cacheTransform(c.data, c.width, c.height, c.channels, side);
  const bmp = await createImageBitmap(new Blob([c.bytes.slice().buffer as ArrayBuffer]));
  try {
    const canvas = new OffscreenCanvas(bmp.width, bmp.height);
    const g = canvas.getContext('2d', { willReadFrequently: true })!;
    g.drawImage(bmp, 0, 0);
    return cacheTransform(g.getImageData(0, 0, bmp.width, bmp.height).data, bmp.width, bmp.height, 4, side);
  } finally {
    bmp.close();
  }
}
const models = new Map<string, LoadedModel>();
let importSeq = 0;

let backendChosen = false;

/**
 * Inference runs on wasm when the browser has it (the fastest CPU path measured here), else cpu. Chosen
 * explicitly: asking tfjs for its backend would start its own pick (webgpu/webgl, slow on software GPUs).
 */
async function ensureBackend(): Promise<void> {
  if (backendChosen) return;
  for (const name of ['wasm', 'cpu'] as BackendName[]) {
    try {
      await initTfBackend(name);
      backendChosen = true;
      return;
    } catch {
      // try the next one
    }
  }
}

function getLoaded(key: string): LoadedModel {
  const m = models.get(key);
  if (!m)
    throw new Error(
      `Model "${key}" is not loaded in the eval worker; load the run or import the model again`,
    );
  return m;
}

function put(key: string, loaded: LoadedModel): void {
  models.get(key)?.model.dispose();
  models.set(key, loaded);
}

export interface RunModelSpec {
  /** Registry name, e.g. `lenet5`. */
  modelName: string;
  input: ModelInputSpec;
  weights: WeightMap;
  classNames: string[];
}

export interface ImportResult {
  key: string;
  info: ModelInfo;
  metadata?: ModelMetadata;
  /** A non-fatal problem (e.g. an unreadable metadata.json) to show beside the imported model. */
  warning?: string;
}

export interface TfjsExportRequest {
  /** Shown in metadata.json: what the model was trained on and how well it did. */
  training: Record<string, unknown>;
  cacheSide: number;
}

export const api = {
  /** Use a particular tfjs backend for inference (tests use cpu). */
  async setBackend(name: BackendName): Promise<string> {
    await initTfBackend(name);
    backendChosen = true;
    return tf.getBackend();
  },

  /** The backend inference runs on (starting the default one if none was chosen yet). */
  async backend(): Promise<string> {
    await ensureBackend();
    return tf.getBackend();
  },

  /** Load a studio run's weights as a model under `key` (replacing what was there). */
  async loadRunModel(key: string, spec: RunModelSpec): Promise<ModelInfo> {
    await ensureBackend();
    const model = buildLayersModel(spec.modelName, spec.input, spec.weights);
    const info: ModelInfo = {
      name: spec.modelName,
      input: spec.input,
      numOutputs: 1,
      output: 'logit',
      classNames: spec.classNames,
      parameters: model.countParams(),
    };
    put(key, { model, info });
    return info;
  },

  /** Import a TF.js layers model from its files; refuses non-models and inputs the crops cannot fill. */
  async importModelFiles(files: ModelFiles, cacheSide: number): Promise<ImportResult> {
    await ensureBackend();
    const { metadata, warning } = parseMetadata(files.metadataJson);
    const model = await loadLayersModelFromFiles(files);
    return register(model, cacheSide, metadata, warning);
  },

  async importModelUrl(url: string, cacheSide: number): Promise<ImportResult> {
    await ensureBackend();
    const { model, metadataJson } = await loadLayersModelFromUrl(url);
    const { metadata, warning } = parseMetadata(metadataJson);
    return register(model, cacheSide, metadata, warning);
  },

  modelInfo(key: string): ModelInfo {
    return getLoaded(key).info;
  },

  release(key: string): boolean {
    const m = models.get(key);
    m?.model.dispose();
    return models.delete(key);
  },

  /** The model's probabilities on a labelled split, as the PredictionSet every evaluation figure is built from. */
  predictSplit(
    key: string,
    split: SplitArrays,
    side: number,
    splitName: string,
    opts?: TaskOptions,
  ): Promise<PredictionSet> {
    return runTask(tasks, opts, async (ctx) => {
      await ensureBackend();
      const loaded = getLoaded(key);
      const probs = await predictCrops(loaded, split.x, side, ctx);
      return {
        split: splitName,
        classNames: loaded.info.classNames,
        ids: split.ids,
        labels: split.y,
        probs,
        numOutputs: loaded.info.numOutputs,
      };
    });
  },

  /** Probabilities (N x numOutputs) for unlabelled crops; `raw` returns the model's outputs as they are. */
  classifyCrops(
    key: string,
    x: Uint8Array,
    side: number,
    raw = false,
    opts?: TaskOptions,
  ): Promise<Float32Array> {
    return runTask(tasks, opts, async (ctx) => {
      await ensureBackend();
      return predictCrops(getLoaded(key), x, side, ctx, { raw });
    });
  },

  /**
   * Decode dropped image files (PNG, JPEG, ...) into cache crops: grey, bilinear-resized to side x side, the
   * same transform as the data library's cache. Files that are not images are listed, not fatal.
   */
  decodeImages(
    files: Blob[],
    names: string[],
    side: number,
    opts?: TaskOptions,
  ): Promise<{ x: Uint8Array; names: string[]; failed: string[] }> {
    return runTask(tasks, opts, async (ctx) => {
      const crops: Uint8Array[] = [];
      const ok: string[] = [];
      const failed: string[] = [];
      for (let i = 0; i < files.length; i++) {
        try {
          const bytes = new Uint8Array(await files[i]!.arrayBuffer());
          crops.push(await cacheCrop({ kind: 'encoded', bytes }, side));
          ok.push(names[i]!);
        } catch {
          failed.push(names[i]!);
        }
        ctx.progress({ done: i + 1, total: files.length, unit: 'images' });
        await ctx.checkpoint();
      }
      const x = new Uint8Array(crops.length * side * side);
      crops.forEach((c, i) => x.set(c, i * side * side));
      return { x, names: ok, failed };
    });
  },

  /**
   * Every crop of an HDF5 file in stored order (datasets `<video>_<n>` by n, elements in order), decoded
   * into cache crops: the research tool's output for one video, whose per-frame CSV then dates each crop.
   */
  readH5Crops(
    file: File,
    side: number,
    opts?: TaskOptions,
  ): Promise<{ x: Uint8Array; count: number; failed: string[] }> {
    return runTask(tasks, opts, async (ctx) => {
      const h5 = (await import('h5wasm')).default;
      const module = await h5.ready;
      const FS = module.FS;
      const dir = `/eval-${++mountSeq}`;
      FS.mkdir(dir);
      FS.mount(FS.filesystems.WORKERFS, { blobs: [{ name: file.name, data: file }] }, dir);
      const reader = H5FileReader.open(h5, module, `${dir}/${file.name}`, file.name);
      try {
        const order = (n: string) => Number(/_(\d+)$/.exec(n)?.[1] ?? 0);
        const datasets = [...reader.datasets].sort(
          (a, b) => order(a.name) - order(b.name) || a.name.localeCompare(b.name),
        );
        const total = datasets.reduce((t, d) => t + d.count, 0);
        const x = new Uint8Array(total * side * side);
        const failed: string[] = [];
        let k = 0;
        for (const ds of datasets) {
          for (let start = 0; start < ds.count; start += 256) {
            const batch = reader.read(ds, start, Math.min(256, ds.count - start));
            for (let j = 0; j < batch.length; j++, k++) {
              try {
                x.set(await cacheCrop(batch[j]!, side), k * side * side);
              } catch {
                failed.push(`${file.name}/${ds.name}/${start + j}`);
              }
            }
            ctx.progress({ done: k, total, unit: 'crops', message: `${file.name} › ${ds.name}` });
            await ctx.checkpoint();
          }
        }
        return { x, count: total, failed };
      } finally {
        reader.close();
        try {
          FS.unmount(dir);
          FS.rmdir(dir);
        } catch {
          /* already gone */
        }
      }
    });
  },

  /** model.json + weights.bin + metadata.json for a loaded model. */
  async exportTfjs(key: string, req: TfjsExportRequest): Promise<ExportedFile[]> {
    const { model, info } = getLoaded(key);
    const metadata: ModelMetadata = {
      format: METADATA_FORMAT,
      version: METADATA_VERSION,
      model: info.name,
      classNames: info.classNames,
      input: { ...info.input, layout: 'NHWC', dtype: 'float32', range: [0, 1] },
      output: {
        kind: info.output,
        units: info.numOutputs,
        meaning:
          info.numOutputs === 1
            ? `P(${info.classNames[1]}) = sigmoid(output)`
            : 'one score per class, in classNames order',
      },
      preprocessing: describePreprocessing(req.cacheSide, info.input),
      training: req.training,
      exportedAt: new Date().toISOString(),
    };
    return saveLayersModel(model, metadata);
  },

  /**
   * ONNX bytes for a loaded studio model (a run, or a studio TF.js export imported back): its
   * layer weights are read back under the registry's names (conv1/kernel -> conv1.w).
   */
  exportOnnxLoaded(key: string, options: OnnxExportOptions = {}): Uint8Array {
    const { model, info } = getLoaded(key);
    const weights = weightsOfLayersModel(model);
    return exportOnnx(info.name, info.input, weights, {
      ...options,
      metadata: { classes: info.classNames.join(','), ...options.metadata },
    });
  },

  /** ONNX bytes for a studio model (LeNet5 family or resnet-small); pure computation, no tfjs needed. */
  exportOnnx(spec: RunModelSpec, options: OnnxExportOptions = {}): Uint8Array {
    return exportOnnx(spec.modelName, spec.input, spec.weights, {
      ...options,
      metadata: { classes: spec.classNames.join(','), ...options.metadata },
    });
  },

  cancel(taskId: string): boolean {
    return tasks.cancel(taskId);
  },
};

/** A layers model's weights under the registry's names: layer `conv1` kernel/bias -> `conv1.w`/`conv1.b`. */
function weightsOfLayersModel(model: tf.LayersModel): WeightMap {
  const out: WeightMap = {};
  for (const layer of model.layers) {
    const w = layer.getWeights();
    if (w.length === 0) continue;
    if (w.length !== 2)
      throw new Error(
        `Layer ${layer.name} has ${w.length} weight tensors; ONNX export expects kernel and bias`,
      );
    out[`${layer.name}.w`] = w[0]!.dataSync() as Float32Array;
    out[`${layer.name}.b`] = w[1]!.dataSync() as Float32Array;
  }
  return out;
}

function register(
  model: tf.LayersModel,
  cacheSide: number,
  metadata: ModelMetadata | undefined,
  warning: string | undefined,
): ImportResult {
  let info: ModelInfo;
  try {
    info = describeLoadedModel(model, {
      cacheSide,
      ...(metadata ? { classNames: metadata.classNames, name: metadata.model } : {}),
    });
    const training = metadata?.training;
    if (training?.syntheticOnly === true) {
      const data = typeof training.data === 'string' ? ` (${training.data})` : '';
      info.trainedOn = `Trained on synthetic data only${data}: no real research crop was used.`;
    }
  } catch (e) {
    model.dispose();
    throw e;
  }
  const key = `import-${++importSeq}`;
  put(key, { model, info });
  const out: ImportResult = { key, info };
  if (metadata) out.metadata = metadata;
  if (warning) out.warning = warning;
  return out;
}

export type EvalApi = typeof api;
