// What a trained model says about crops, batch by batch on the active tfjs backend: P(class 1) and the
// penultimate layer's activations (the embedding). The embedding is read by running the model with its final
// dense layer (D -> 1 logit) swapped for the identity (D -> D), so every model of the registry whose head ends in
// one dense layer gives its penultimate features without a second forward pass written by hand.
import * as tf from '@tensorflow/tfjs';
import type { WeightMap } from '../train/trainer';
import { getModel } from '../train/models/registry';
import type { ModelInput, ParamSpec } from '../train/models/types';
import { BatchSource, NO_AUGMENT, toTensors } from '../train/pipeline';

export interface CropPixels {
  /** N x side x side grey, uint8. */
  x: Uint8Array;
  side: number;
}

export interface ModelRef {
  model: string;
  input: ModelInput;
  weights: WeightMap;
}

/** The final dense layer (weights [D, 1] and bias [1]): the last parameter pair of that shape. */
export function finalDense(specs: ParamSpec[]): { w: ParamSpec; b: ParamSpec } {
  for (let i = specs.length - 1; i > 0; i--) {
    const w = specs[i - 1]!;
    const b = specs[i]!;
    if (w.shape.length === 2 && w.shape[1] === 1 && b.shape.length === 1 && b.shape[0] === 1) return { w, b };
  }
  throw new Error('The model has no final dense layer to one logit: its embeddings cannot be read');
}

function batches(data: CropPixels, rows: Uint32Array | null, batch: number): BatchSource {
  const n = data.x.length / (data.side * data.side);
  const ids = rows ?? Uint32Array.from({ length: n }, (_, i) => i);
  // A view of the chosen crops in the order given (BatchSource reads split.x by row index).
  const px = data.side * data.side;
  const x = rows ? new Uint8Array(ids.length * px) : data.x;
  if (rows) ids.forEach((r, k) => x.set(data.x.subarray(r * px, (r + 1) * px), k * px));
  return new BatchSource(
    { x, y: new Uint8Array(ids.length), ids: [] },
    data.side,
    batch,
    NO_AUGMENT,
    0,
    false,
  );
}

function paramTensors(ref: ModelRef, embed: boolean): { params: Record<string, tf.Tensor>; dim: number } {
  const def = getModel(ref.model);
  const specs = def.params(ref.input);
  const params: Record<string, tf.Tensor> = {};
  for (const s of specs) {
    const w = ref.weights[s.name];
    if (!w) throw new Error(`Weights for "${s.name}" are missing (model ${ref.model})`);
    params[s.name] = tf.tensor(w, s.shape);
  }
  let dim = 1;
  if (embed) {
    const { w, b } = finalDense(specs);
    dim = w.shape[0]!;
    params[w.name]!.dispose();
    params[b.name]!.dispose();
    params[w.name] = tf.eye(dim);
    params[b.name] = tf.zeros([dim]);
  }
  return { params, dim };
}

/**
 * Run the model over the crops (all, or the given rows): P(class 1) per crop, or with `embed` the penultimate
 * activations (N x dim). Calls `tick` after each batch (progress, cancellation).
 */
export async function modelOutputs(
  ref: ModelRef,
  data: CropPixels,
  opts: { embed: boolean; rows?: Uint32Array; batch?: number; tick?: (done: number) => Promise<void> },
): Promise<{ values: Float32Array; dim: number }> {
  const def = getModel(ref.model);
  const src = batches(data, opts.rows ?? null, opts.batch ?? 512);
  const { params, dim } = paramTensors(ref, opts.embed);
  const out = new Float32Array(src.count * dim);
  try {
    let done = 0;
    for (let b = 0; b < src.batches; b++) {
      const h = src.gather(b, ref.input.size);
      const { x, y } = toTensors(h);
      y.dispose();
      const z = tf.tidy(() => {
        const logits = def.apply(params, x, false);
        return opts.embed ? logits : tf.sigmoid(logits);
      });
      out.set((await z.data()) as Float32Array, done * dim);
      z.dispose();
      x.dispose();
      done += h.n;
      await opts.tick?.(done);
    }
  } finally {
    for (const t of Object.values(params)) t.dispose();
  }
  return { values: out, dim };
}
