// The input of a job's model.onnx: the studio's cached grey crops (side x side, uint8) centre-cropped to the model's
// input, scaled to [0, 1], replicated to its channels, in NCHW order (what train.py's PyTorch model takes).
import { centreOffset } from '../eval/preprocess';

/** Crops [start, end) of `x` (N x side x side) as a float batch [end - start, channels, size, size]. */
export function nchwBatch(
  x: Uint8Array,
  side: number,
  size: number,
  channels: number,
  start: number,
  end: number,
): Float32Array {
  if (size > side)
    throw new Error(`The model needs ${size}x${size} inputs but the crops are only ${side}x${side}`);
  const n = end - start;
  const out = new Float32Array(n * channels * size * size);
  const off = centreOffset(side, size);
  const plane = size * size;
  for (let i = 0; i < n; i++) {
    const base = (start + i) * side * side;
    for (let yy = 0; yy < size; yy++) {
      for (let xx = 0; xx < size; xx++) {
        const v = x[base + (yy + off) * side + off + xx]! / 255;
        for (let c = 0; c < channels; c++) out[(i * channels + c) * plane + yy * size + xx] = v;
      }
    }
  }
  return out;
}
