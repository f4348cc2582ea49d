// TF.js layers models for evaluation and exchange: build a tf.LayersModel from the training registry's
// weights (same numbers, standard format), save it as model.json + weights.bin + metadata.json, and import a
// layers model from files or a URL, refusing anything that is not one or whose input the crops cannot fill.
import * as tf from '@tensorflow/tfjs';
import {
  sequentialModel,
  shapeModel,
  type ModelInputSpec,
  type WeightMap,
} from '../../core/export/sequential';
import { buildResnetLayersModel } from './resnet-layers';

export const METADATA_FORMAT = 'spatter-studio-model';
export const METADATA_VERSION = 1;
/** The run file's format tag, recognised so a run file dropped on the model import gets a useful answer. */
const RUN_FORMAT_HINT = 'spatter-studio-run';

export class ModelImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelImportError';
  }
}

/** What the studio knows about a model it can run. */
export interface ModelInfo {
  /** Registry name when known (`lenet5`), else the imported model's own name. */
  name: string;
  input: ModelInputSpec;
  /** 1: one score for class 1; k >= 2: one per class. */
  numOutputs: number;
  /** Whether the outputs are raw logits (sigmoid/softmax still to apply) or probabilities. */
  output: 'logit' | 'probability';
  classNames: string[];
  parameters: number;
  /** What the model was trained on, when its metadata says something the user must know (the demo model:
   *  synthetic data only). */
  trainedOn?: string;
}

export interface ModelMetadata {
  format: typeof METADATA_FORMAT;
  version: number;
  model: string;
  classNames: string[];
  input: ModelInputSpec & { layout: 'NHWC'; dtype: 'float32'; range: [number, number] };
  output: { kind: 'logit' | 'probability'; units: number; meaning: string };
  preprocessing: Record<string, unknown>;
  training: Record<string, unknown>;
  exportedAt: string;
}

/** A layers model with the same forward pass as the registry model `name` and these weights. */
export function buildLayersModel(name: string, input: ModelInputSpec, weights: WeightMap): tf.LayersModel {
  if (name === 'resnet-small') return buildResnetLayersModel(input, weights);
  const shaped = shapeModel(sequentialModel(name), input, weights);
  const model = tf.sequential({ name });
  const pending: { layer: tf.layers.Layer; kernel: string; bias: string; shape: number[] }[] = [];
  let first = true;
  let seq = 0;
  for (const s of shaped) {
    const op = s.op;
    // Only the first layer declares the input shape.
    const shape = first ? { inputShape: [input.size, input.size, input.channels] } : {};
    let layer: tf.layers.Layer;
    switch (op.kind) {
      case 'conv':
        layer = tf.layers.conv2d({
          ...shape,
          name: op.weight.split('.')[0]!,
          filters: op.filters,
          kernelSize: op.kernel,
          strides: 1,
          padding: 'valid',
        });
        pending.push({ layer, kernel: op.weight, bias: op.bias, shape: s.weightShape! });
        break;
      case 'pool': {
        const cfg = {
          ...shape,
          name: `pool${++seq}`,
          poolSize: op.size,
          strides: op.size,
          padding: 'valid' as const,
        };
        layer = op.mode === 'max' ? tf.layers.maxPooling2d(cfg) : tf.layers.averagePooling2d(cfg);
        break;
      }
      case 'act':
        layer = tf.layers.activation({ ...shape, name: `${op.fn}${++seq}`, activation: op.fn });
        break;
      case 'flatten':
        // NHWC flatten order (h, w, c), the same as the registry's reshape.
        layer = tf.layers.flatten({ ...shape, name: 'flatten' });
        break;
      case 'dense':
        layer = tf.layers.dense({
          ...shape,
          name: op.weight.split('.')[0]!,
          units: op.units,
          activation: op.activation ?? 'linear',
        });
        pending.push({ layer, kernel: op.weight, bias: op.bias, shape: s.weightShape! });
        break;
    }
    model.add(layer);
    first = false;
  }
  for (const p of pending) {
    const k = tf.tensor(weights[p.kernel]!, p.shape);
    const b = tf.tensor(weights[p.bias]!, [p.shape[p.shape.length - 1]!]);
    p.layer.setWeights([k, b]);
    k.dispose();
    b.dispose();
  }
  return model;
}

export interface ExportedFile {
  name: string;
  type: string;
  bytes: Uint8Array;
}

/** Save a layers model as `model.json` + `weights.bin` + `metadata.json` (the TF.js layers format). */
export async function saveLayersModel(
  model: tf.LayersModel,
  metadata: ModelMetadata,
): Promise<ExportedFile[]> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!artifacts?.weightData || !artifacts.weightSpecs) throw new Error('TF.js returned no weights to save');
  const weightData = tf.io.CompositeArrayBuffer.join(artifacts.weightData);
  const modelJson = {
    format: 'layers-model',
    generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
    convertedBy: null,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
    userDefinedMetadata: { spatterStudio: { model: metadata.model, classNames: metadata.classNames } },
  };
  const enc = new TextEncoder();
  return [
    { name: 'model.json', type: 'application/json', bytes: enc.encode(JSON.stringify(modelJson)) },
    { name: 'weights.bin', type: 'application/octet-stream', bytes: new Uint8Array(weightData) },
    { name: 'metadata.json', type: 'application/json', bytes: enc.encode(JSON.stringify(metadata, null, 2)) },
  ];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Parse model.json text with refusals that say what the file is instead. */
export function parseModelJson(text: string, fileName = 'model.json'): tf.io.ModelJSON {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new ModelImportError(
      `${fileName} is not a TensorFlow.js model: it is not JSON. Choose the model.json of a TF.js layers model ` +
        '(an ONNX, Keras .h5 or PyTorch file must be converted first).',
    );
  }
  if (!isObject(doc)) throw new ModelImportError(`${fileName} is not a TensorFlow.js model.json.`);
  if (doc.format === RUN_FORMAT_HINT) {
    throw new ModelImportError(
      `${fileName} is a Spatter Studio run file: import it in the Runs area instead.`,
    );
  }
  if (doc.format === METADATA_FORMAT) {
    throw new ModelImportError(
      `${fileName} is the metadata.json of an export; choose the model.json beside it (with weights.bin).`,
    );
  }
  if (!isObject(doc.modelTopology)) {
    throw new ModelImportError(`${fileName} has no modelTopology, so it is not a TensorFlow.js model.json.`);
  }
  if (doc.format === 'graph-model' || 'node' in doc.modelTopology) {
    throw new ModelImportError(
      `${fileName} is a TF.js graph model; only layers models (format "layers-model") can be imported.`,
    );
  }
  if (!Array.isArray(doc.weightsManifest)) {
    throw new ModelImportError(`${fileName} lists no weights (no weightsManifest).`);
  }
  return doc as unknown as tf.io.ModelJSON;
}

/** Check that a loaded model takes what the studio can give and returns what it can read. */
export function describeLoadedModel(
  model: tf.LayersModel,
  opts: { cacheSide: number; classNames?: string[]; name?: string },
): ModelInfo {
  const inShape = model.inputs[0]?.shape ?? [];
  const shown = `[${inShape.map((d) => (d === null ? 'batch' : d)).join(', ')}]`;
  if (model.inputs.length !== 1 || inShape.length !== 4) {
    throw new ModelImportError(
      `The model takes input ${shown}; the studio feeds one image batch [batch, size, size, channels].`,
    );
  }
  const [, h, w, c] = inShape as [null, number, number, number];
  if (h !== w || (c !== 1 && c !== 3)) {
    throw new ModelImportError(
      `The model's input ${shown} does not fit: the studio feeds square grey crops as [batch, size, size, 1 or 3].`,
    );
  }
  if (h > opts.cacheSide) {
    throw new ModelImportError(
      `The model's input ${shown} needs ${h}x${h} images but the crops are ${opts.cacheSide}x${opts.cacheSide} ` +
        `(data.cache_size); raise data.cache_size to at least ${h} or use a model with a smaller input.`,
    );
  }
  const outShape = model.outputs[0]?.shape ?? [];
  const units = outShape[outShape.length - 1];
  if (model.outputs.length !== 1 || outShape.length !== 2 || typeof units !== 'number' || units < 1) {
    throw new ModelImportError(
      `The model's output [${outShape.join(', ')}] is not a class score per image ([batch, 1] or [batch, classes]).`,
    );
  }
  const last = model.layers[model.layers.length - 1];
  const act = (last?.getConfig() as { activation?: string } | undefined)?.activation;
  const output = act === 'sigmoid' || act === 'softmax' ? 'probability' : 'logit';
  const numClasses = units === 1 ? 2 : units;
  const classNames =
    opts.classNames && opts.classNames.length === numClasses
      ? opts.classNames
      : Array.from({ length: numClasses }, (_, i) => `class ${i}`);
  return {
    name: opts.name ?? model.name,
    input: { size: h, channels: c },
    numOutputs: units,
    output,
    classNames,
    parameters: model.countParams(),
  };
}

/** Read metadata.json if given; a broken one is ignored with a reason (the model itself is what matters). */
export function parseMetadata(text: string | undefined): { metadata?: ModelMetadata; warning?: string } {
  if (text === undefined) return {};
  try {
    const doc = JSON.parse(text) as unknown;
    if (isObject(doc) && doc.format === METADATA_FORMAT) {
      if (typeof doc.version === 'number' && doc.version > METADATA_VERSION) {
        return {
          warning: `metadata.json is from a newer studio (version ${doc.version}); class names were still read`,
          metadata: doc as unknown as ModelMetadata,
        };
      }
      return { metadata: doc as unknown as ModelMetadata };
    }
    return {
      warning: 'metadata.json is not Spatter Studio metadata; class names default to class 0, class 1',
    };
  } catch {
    return { warning: 'metadata.json is not JSON; class names default to class 0, class 1' };
  }
}

export interface ModelFiles {
  /** model.json text. */
  modelJson: string;
  modelJsonName?: string;
  /** Weight files by file name (the names model.json's weightsManifest lists). */
  weights: Record<string, ArrayBuffer | Uint8Array>;
  metadataJson?: string;
}

/** Load a TF.js layers model from its files, with a specific refusal for every way it can be wrong. */
export async function loadLayersModelFromFiles(files: ModelFiles): Promise<tf.LayersModel> {
  const json = parseModelJson(files.modelJson, files.modelJsonName);
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: ArrayBuffer[] = [];
  for (const group of json.weightsManifest) {
    for (const path of group.paths) {
      const base = path.split('/').pop()!;
      const data = files.weights[path] ?? files.weights[base];
      if (!data) {
        throw new ModelImportError(
          `model.json needs the weights file "${base}"; choose it together with model.json.`,
        );
      }
      buffers.push(data instanceof Uint8Array ? data.slice().buffer : data);
    }
    specs.push(...group.weights);
  }
  const weightData = tf.io.CompositeArrayBuffer.join(buffers);
  const need = specs.reduce(
    (s, w) => s + w.shape.reduce((a, b) => a * b, 1) * (w.dtype === 'float32' || w.dtype === 'int32' ? 4 : 1),
    0,
  );
  if (specs.every((w) => !w.quantization) && weightData.byteLength !== need) {
    throw new ModelImportError(
      `The weights files hold ${weightData.byteLength} bytes but model.json describes ${need}: they do not belong together.`,
    );
  }
  try {
    return await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData }),
    );
  } catch (e) {
    throw new ModelImportError(
      `TF.js could not build the model from model.json: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

/** Load a layers model from a URL to its model.json (weights are fetched beside it). */
export async function loadLayersModelFromUrl(
  url: string,
): Promise<{ model: tf.LayersModel; metadataJson?: string }> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new ModelImportError(`Could not fetch ${url}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!res.ok) throw new ModelImportError(`Fetching ${url} failed: HTTP ${res.status}`);
  const text = await res.text();
  const json = parseModelJson(text, url);
  const base = new URL('.', new URL(url, self.location.href)).href;
  const weights: Record<string, ArrayBuffer> = {};
  for (const group of json.weightsManifest) {
    for (const path of group.paths) {
      const r = await fetch(new URL(path, base).href);
      if (!r.ok)
        throw new ModelImportError(
          `The weights file ${path} next to ${url} could not be fetched (HTTP ${r.status})`,
        );
      weights[path] = await r.arrayBuffer();
    }
  }
  let metadataJson: string | undefined;
  try {
    const r = await fetch(new URL('metadata.json', base).href);
    if (r.ok) metadataJson = await r.text();
  } catch {
    // metadata.json is optional
  }
  const model = await loadLayersModelFromFiles({ modelJson: text, modelJsonName: url, weights });
  return metadataJson === undefined ? { model } : { model, metadataJson };
}
