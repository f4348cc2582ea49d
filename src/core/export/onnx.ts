// ONNX export of the studio's models (opset 13, IR version 7): the LeNet5 family from its layer list and
// resnet-small (onnx-resnet.ts), written with the small protobuf writer.
//
// Input: `input`, float32, values in [0, 1] (crop / 255, centre-cropped to the model's input size, grey
// replicated to 3 channels when the model has 3). Layout NCHW [N, C, H, W] by default, as PyTorch and the
// research code use; NHWC [N, H, W, C] (the studio's own layout) on request, which adds one Transpose.
// Outputs: `logit` [N, 1] and `probability` [N, 1] = sigmoid(logit) = P(class 1, high gas flow).
// Weights are converted from the TF.js training layout: conv kernels HWIO -> OIHW, and the first dense layer's
// rows reordered from (h, w, c) to (c, h, w) flatten order, so the graph is channel-first throughout.
import { encodeModel, int, ints, OnnxGraph } from './onnx-graph';
import { buildResnetSmallOnnx } from './onnx-resnet';
import {
  hwcRowsToChw,
  hwioToOihw,
  SEQUENTIAL_MODELS,
  sequentialModel,
  shapeModel,
  type Activation,
  type ModelInputSpec,
  type WeightMap,
} from './sequential';

export { ONNX_IR_VERSION, ONNX_OPSET } from './onnx-graph';

/** The models exportOnnx knows. */
export const ONNX_MODELS = [...Object.keys(SEQUENTIAL_MODELS), 'resnet-small'];

export interface OnnxExportOptions {
  /** 'NCHW' (default, PyTorch) or 'NHWC' (TF.js). */
  layout?: 'NCHW' | 'NHWC';
  producerVersion?: string;
  /** Free key/value pairs stored as ModelProto.metadata_props (class names, preprocessing...). */
  metadata?: Record<string, string>;
  docString?: string;
}

const ACT_OP: Record<Activation, string> = { relu: 'Relu', tanh: 'Tanh', sigmoid: 'Sigmoid' };

/** Append a LeNet5-family model to `g` reading `x` (NCHW); returns the name of its logit output. */
function buildSequentialOnnx(
  g: OnnxGraph,
  x: string,
  modelName: string,
  input: ModelInputSpec,
  weights: WeightMap,
  logit: string,
): string {
  const shaped = shapeModel(sequentialModel(modelName), input, weights);
  let cur = x;
  for (const s of shaped) {
    const op = s.op;
    switch (op.kind) {
      case 'conv': {
        const [k, , cin, cout] = s.weightShape as [number, number, number, number];
        g.init(op.weight, [cout, cin, k, k], hwioToOihw(weights[op.weight]!, k, cin, cout));
        g.init(op.bias, [cout], weights[op.bias]!);
        cur = g.node(
          'Conv',
          [cur, op.weight, op.bias],
          [ints('kernel_shape', [k, k]), ints('strides', [1, 1]), ints('pads', [0, 0, 0, 0])],
          g.fresh('conv'),
        );
        break;
      }
      case 'pool':
        cur = g.node(
          op.mode === 'max' ? 'MaxPool' : 'AveragePool',
          [cur],
          [ints('kernel_shape', [op.size, op.size]), ints('strides', [op.size, op.size])],
          g.fresh(op.mode === 'max' ? 'maxpool' : 'avgpool'),
        );
        break;
      case 'act':
        cur = g.node(ACT_OP[op.fn], [cur], [], g.fresh(op.fn));
        break;
      case 'flatten':
        cur = g.node('Flatten', [cur], [int('axis', 1)], g.fresh('flatten'));
        break;
      case 'dense': {
        const [fin, units] = s.weightShape as [number, number];
        let w = weights[op.weight]!;
        // The dense layer right after the flatten sees channel-first activations in this graph.
        const prev = shaped[shaped.indexOf(s) - 1];
        if (prev?.op.kind === 'flatten' && prev.inShape.length === 3) {
          const [h, wd, c] = prev.inShape as [number, number, number];
          w = hwcRowsToChw(w, h, wd, c, units);
        }
        g.init(op.weight, [fin, units], w);
        g.init(op.bias, [units], weights[op.bias]!);
        const last = s === shaped[shaped.length - 1];
        cur = g.node('Gemm', [cur, op.weight, op.bias], [], last ? logit : g.fresh('gemm'));
        if (op.activation) cur = g.node(ACT_OP[op.activation], [cur], [], g.fresh(op.activation));
        break;
      }
    }
  }
  if (cur !== logit)
    throw new Error(`Model "${modelName}" does not end in a dense layer; cannot name its logit`);
  return cur;
}

/** Build the ONNX file for `modelName` with `weights` in the training layout. Returns the .onnx bytes. */
export function exportOnnx(
  modelName: string,
  input: ModelInputSpec,
  weights: WeightMap,
  opts: OnnxExportOptions = {},
): Uint8Array {
  const layout = opts.layout ?? 'NCHW';
  const g = new OnnxGraph();
  let x = 'input';
  if (layout === 'NHWC') x = g.node('Transpose', [x], [ints('perm', [0, 3, 1, 2])], g.fresh('nchw'));
  if (modelName === 'resnet-small') buildResnetSmallOnnx(g, x, input, weights, 'logit');
  else buildSequentialOnnx(g, x, modelName, input, weights, 'logit');
  g.node('Sigmoid', ['logit'], [], 'probability');
  return encodeModel(g, {
    modelName,
    layout,
    size: input.size,
    channels: input.channels,
    ...(opts.producerVersion ? { producerVersion: opts.producerVersion } : {}),
    ...(opts.docString ? { docString: opts.docString } : {}),
    ...(opts.metadata ? { metadata: opts.metadata } : {}),
  });
}
