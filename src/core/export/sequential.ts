// The LeNet5 family written as a plain layer list over the training registry's parameter names, so one
// description drives both exports (ONNX and TF.js layers) and the shapes can be checked before writing.
// Weights arrive in the training layout: conv kernels HWIO [k, k, in, out], dense [in, out], NHWC tensors.

export type Activation = 'relu' | 'tanh' | 'sigmoid';

export type LayerOp =
  | { kind: 'conv'; weight: string; bias: string; kernel: number; filters: number }
  | { kind: 'pool'; mode: 'max' | 'avg'; size: number }
  | { kind: 'act'; fn: Activation }
  | { kind: 'flatten' }
  | { kind: 'dense'; weight: string; bias: string; units: number; activation?: Activation };

export interface ModelInputSpec {
  /** Side of the square input (research: 32). */
  size: number;
  /** 3 (grey replicated, research) or 1. */
  channels: number;
}

export type WeightMap = Record<string, Float32Array>;

const head: LayerOp[] = [
  { kind: 'flatten' },
  { kind: 'dense', weight: 'fc1.w', bias: 'fc1.b', units: 120, activation: 'relu' },
  { kind: 'dense', weight: 'fc2.w', bias: 'fc2.b', units: 84, activation: 'relu' },
  { kind: 'dense', weight: 'fc3.w', bias: 'fc3.b', units: 1 },
];

const conv1 = { kind: 'conv', weight: 'conv1.w', bias: 'conv1.b', kernel: 5, filters: 6 } as const;
const conv2 = { kind: 'conv', weight: 'conv2.w', bias: 'conv2.b', kernel: 5, filters: 16 } as const;

/** Layer lists by registry name; the output is one logit (P(high flow) = sigmoid(logit)). */
export const SEQUENTIAL_MODELS: Record<string, LayerOp[]> = {
  // The research winner: no activation after the convolutions.
  lenet5: [
    conv1,
    { kind: 'pool', mode: 'max', size: 2 },
    conv2,
    { kind: 'pool', mode: 'max', size: 2 },
    ...head,
  ],
  // LeCun's original flavour (the research's 93.52% variant): tanh after each convolution, average pooling
  // followed by a sigmoid.
  'lenet5-classic': [
    conv1,
    { kind: 'act', fn: 'tanh' },
    { kind: 'pool', mode: 'avg', size: 2 },
    { kind: 'act', fn: 'sigmoid' },
    conv2,
    { kind: 'act', fn: 'tanh' },
    { kind: 'pool', mode: 'avg', size: 2 },
    { kind: 'act', fn: 'sigmoid' },
    ...head,
  ],
};

export class ExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportError';
  }
}

export function sequentialModel(name: string): LayerOp[] {
  const ops = SEQUENTIAL_MODELS[name];
  if (!ops) {
    throw new ExportError(
      `Model "${name}" cannot be exported: export knows ${[...Object.keys(SEQUENTIAL_MODELS), 'resnet-small'].join(', ')}`,
    );
  }
  return ops;
}

export interface ShapedOp {
  op: LayerOp;
  /** NHWC shape (without batch) before the op: [h, w, c], or [features] after flatten. */
  inShape: number[];
  outShape: number[];
  /** Expected weight shape in the training layout, for ops with weights. */
  weightShape?: number[];
}

/** Walk the layers from the input shape, checking that every weight tensor has the size it needs. */
export function shapeModel(ops: LayerOp[], input: ModelInputSpec, weights?: WeightMap): ShapedOp[] {
  let shape = [input.size, input.size, input.channels];
  const out: ShapedOp[] = [];
  for (const op of ops) {
    const inShape = shape;
    let weightShape: number[] | undefined;
    switch (op.kind) {
      case 'conv': {
        const [h, w, c] = shape as [number, number, number];
        weightShape = [op.kernel, op.kernel, c, op.filters];
        shape = [h - op.kernel + 1, w - op.kernel + 1, op.filters];
        break;
      }
      case 'pool': {
        const [h, w, c] = shape as [number, number, number];
        shape = [Math.floor(h / op.size), Math.floor(w / op.size), c];
        break;
      }
      case 'act':
        break;
      case 'flatten':
        shape = [shape.reduce((a, b) => a * b, 1)];
        break;
      case 'dense':
        weightShape = [shape[0]!, op.units];
        shape = [op.units];
        break;
    }
    if (shape.some((d) => d < 1)) {
      throw new ExportError(`An input of ${input.size}x${input.size} is too small for this model`);
    }
    if (weightShape && weights && (op.kind === 'conv' || op.kind === 'dense')) {
      const need = weightShape.reduce((a, b) => a * b, 1);
      const w = weights[op.weight];
      const b = weights[op.bias];
      if (!w || w.length !== need) {
        throw new ExportError(
          `Weights "${op.weight}" should hold ${need} values (shape [${weightShape.join(', ')}]) but ` +
            `hold ${w?.length ?? 'none'}: they do not belong to this model and input size`,
        );
      }
      if (!b || b.length !== weightShape[weightShape.length - 1]) {
        throw new ExportError(`Bias "${op.bias}" is missing or has the wrong length`);
      }
    }
    out.push(weightShape ? { op, inShape, outShape: shape, weightShape } : { op, inShape, outShape: shape });
  }
  return out;
}

/** HWIO conv kernel -> OIHW (ONNX/PyTorch). */
export function hwioToOihw(w: Float32Array, k: number, cin: number, cout: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let h = 0; h < k; h++)
    for (let x = 0; x < k; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++)
          out[((o * cin + i) * k + h) * k + x] = w[((h * k + x) * cin + i) * cout + o]!;
  return out;
}

/**
 * Reorder the rows of a dense kernel that follows a flatten, from NHWC flatten order (h, w, c) to NCHW
 * flatten order (c, h, w), so the model reads channel-first activations as PyTorch does.
 */
export function hwcRowsToChw(
  w: Float32Array,
  h: number,
  width: number,
  c: number,
  units: number,
): Float32Array {
  const out = new Float32Array(w.length);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < width; x++)
      for (let ch = 0; ch < c; ch++) {
        const src = ((y * width + x) * c + ch) * units;
        const dst = ((ch * h + y) * width + x) * units;
        out.set(w.subarray(src, src + units), dst);
      }
  return out;
}
