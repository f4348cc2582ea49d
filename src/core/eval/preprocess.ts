// Evaluation-time preprocessing: cached grey crops (side x side, uint8) -> model input (NHWC float32 in
// [0, 1]), centre-cropped to the model's input side and replicated to its channels. This is the research
// test transform (CenterCrop(32) of the 40 px crop, ToTensor, grey -> RGB); training adds random rotation.

export interface InputShape {
  size: number;
  channels: number;
}

/** Where the centre crop starts on a side (torchvision CenterCrop: round((side - size) / 2)). */
export function centreOffset(side: number, size: number): number {
  return Math.round((side - size) / 2);
}

/**
 * Samples [start, end) of `x` (N x side x side grey) as a float batch [end - start, size, size, channels].
 * `out` may be passed in to reuse one buffer across batches.
 */
export function cropBatch(
  x: Uint8Array,
  side: number,
  input: InputShape,
  start: number,
  end: number,
  out?: Float32Array,
): Float32Array {
  const { size, channels } = input;
  if (size > side) {
    throw new Error(`The model needs ${size}x${size} inputs but the crops are only ${side}x${side}`);
  }
  const n = end - start;
  const need = n * size * size * channels;
  const buf = out && out.length >= need ? out.subarray(0, need) : new Float32Array(need);
  const off = centreOffset(side, size);
  let o = 0;
  for (let i = start; i < end; i++) {
    const base = i * side * side;
    for (let y = 0; y < size; y++) {
      const row = base + (y + off) * side + off;
      for (let xx = 0; xx < size; xx++) {
        const v = x[row + xx]! / 255;
        for (let c = 0; c < channels; c++) buf[o++] = v;
      }
    }
  }
  return buf;
}

/** A description of the preprocessing, stored in exported metadata so other tools can reproduce it. */
export function describePreprocessing(side: number, input: InputShape) {
  return {
    source: 'spatter crop (JPEG) decoded to grey, resized to the cache side',
    cacheSide: side,
    centreCrop: input.size,
    centreOffset: centreOffset(side, input.size),
    scale: '1/255 (values in [0, 1])',
    channels: input.channels,
    greyReplicated: input.channels > 1,
    layout: 'NHWC for TF.js; the ONNX export says its own layout',
  };
}
