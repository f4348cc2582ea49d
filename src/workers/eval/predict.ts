// Batched inference of a loaded model over cached grey crops: centre crop, scale, run, and turn the outputs
// into probabilities (sigmoid for one logit, softmax for several), releasing every tensor per batch.
import * as tf from '@tensorflow/tfjs';
import { cropBatch } from '../../core/eval/preprocess';
import type { TaskContext } from '../task';
import type { ModelInfo } from './tfjs-model';

export interface LoadedModel {
  model: tf.LayersModel;
  info: ModelInfo;
}

export interface PredictOptions {
  batchSize?: number;
  /** Return raw model outputs instead of probabilities (for comparing with an ONNX export). */
  raw?: boolean;
}

/** Probabilities N x numOutputs for `n` crops of `side` x `side` in `x`. */
export async function predictCrops(
  loaded: LoadedModel,
  x: Uint8Array,
  side: number,
  ctx: Pick<TaskContext, 'progress' | 'checkpoint'> | null,
  opts: PredictOptions = {},
): Promise<Float32Array> {
  const { info, model } = loaded;
  const n = Math.floor(x.length / (side * side));
  if (n * side * side !== x.length) {
    throw new Error(`Crop buffer of ${x.length} bytes is not a whole number of ${side}x${side} crops`);
  }
  const k = info.numOutputs;
  const out = new Float32Array(n * k);
  const batch = opts.batchSize ?? 256;
  const { size, channels } = info.input;
  let buf: Float32Array | undefined;
  for (let start = 0; start < n; start += batch) {
    const end = Math.min(n, start + batch);
    buf = cropBatch(x, side, info.input, start, end, buf);
    const y = tf.tidy(() => {
      const input = tf.tensor4d(buf!.subarray(0, (end - start) * size * size * channels), [
        end - start,
        size,
        size,
        channels,
      ]);
      let z = model.predict(input) as tf.Tensor2D;
      if (!opts.raw && info.output === 'logit') z = k === 1 ? tf.sigmoid(z) : tf.softmax(z);
      return z;
    });
    out.set((await y.data()) as Float32Array, start * k);
    y.dispose();
    ctx?.progress({ done: end, total: n, unit: 'crops' });
    await ctx?.checkpoint();
  }
  return out;
}
