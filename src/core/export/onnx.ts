// ONNX export of the LeNet5 family (opset 13, IR version 7), written with the small protobuf writer.
//
// Input: `input`, float32, values in [0, 1] (crop / 255, centre-cropped to the model's input size, grey
// replicated to 3 channels when the model has 3). Layout NCHW [N, C, H, W] by default, as PyTorch and the
// research code use; NHWC [N, H, W, C] (the studio's own layout) on request, which adds one Transpose.
// Outputs: `logit` [N, 1] and `probability` [N, 1] = sigmoid(logit) = P(class 1, high gas flow).
// Weights are converted from the TF.js training layout: conv kernels HWIO -> OIHW, and the first dense layer's
// rows reordered from (h, w, c) to (c, h, w) flatten order, so the graph is channel-first throughout.
import { ProtoWriter } from './protobuf';
import {
  hwcRowsToChw,
  hwioToOihw,
  sequentialModel,
  shapeModel,
  type Activation,
  type ModelInputSpec,
  type WeightMap,
} from './sequential';

export const ONNX_OPSET = 13;
export const ONNX_IR_VERSION = 7;

const enum DataType {
  Float = 1,
  Int64 = 7,
}
const enum AttrType {
  Float = 1,
  Int = 2,
  String = 3,
  Ints = 7,
}

export interface OnnxExportOptions {
  /** 'NCHW' (default, PyTorch) or 'NHWC' (TF.js). */
  layout?: 'NCHW' | 'NHWC';
  producerVersion?: string;
  /** Free key/value pairs stored as ModelProto.metadata_props (class names, preprocessing...). */
  metadata?: Record<string, string>;
  docString?: string;
}

export type Attr =
  | { name: string; kind: 'int'; value: number }
  | { name: string; kind: 'ints'; value: number[] }
  | { name: string; kind: 'float'; value: number }
  | { name: string; kind: 'string'; value: string };

export interface Node {
  op: string;
  inputs: string[];
  outputs: string[];
  name: string;
  attrs?: Attr[];
}

export interface Initializer {
  name: string;
  dims: number[];
  data: Float32Array;
}

function encodeAttr(a: Attr): ProtoWriter {
  const w = new ProtoWriter().string(1, a.name);
  switch (a.kind) {
    case 'int':
      w.int(3, a.value).int(20, AttrType.Int);
      break;
    case 'ints':
      w.packedInts(8, a.value).int(20, AttrType.Ints);
      break;
    case 'float':
      w.float(2, a.value).int(20, AttrType.Float);
      break;
    case 'string':
      w.bytes(4, new TextEncoder().encode(a.value)).int(20, AttrType.String);
      break;
  }
  return w;
}

export function encodeNode(n: Node): ProtoWriter {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name).string(4, n.op);
  for (const a of n.attrs ?? []) w.message(5, encodeAttr(a));
  return w;
}

export function encodeTensor(t: Initializer): ProtoWriter {
  const w = new ProtoWriter().packedInts(1, t.dims).int(2, DataType.Float).string(8, t.name);
  // raw_data is little-endian by the ONNX spec.
  const raw = new Uint8Array(t.data.length * 4);
  const dv = new DataView(raw.buffer);
  for (let i = 0; i < t.data.length; i++) dv.setFloat32(i * 4, t.data[i]!, true);
  return w.bytes(9, raw);
}

/** ValueInfoProto for a float tensor; string dims are symbolic (the batch size). */
export function encodeValueInfo(name: string, dims: (number | string)[], doc?: string): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of dims) {
    const dim = new ProtoWriter();
    if (typeof d === 'number') dim.int(1, d);
    else dim.string(2, d);
    shape.message(1, dim);
  }
  const tensorType = new ProtoWriter().int(1, DataType.Float).message(2, shape);
  const type = new ProtoWriter().message(1, tensorType);
  const w = new ProtoWriter().string(1, name).message(2, type);
  if (doc) w.string(3, doc);
  return w;
}

const ACT_OP: Record<Activation, string> = { relu: 'Relu', tanh: 'Tanh', sigmoid: 'Sigmoid' };

/** Build the ONNX file for `modelName` with `weights` in the training layout. Returns the .onnx bytes. */
export function exportOnnx(
  modelName: string,
  input: ModelInputSpec,
  weights: WeightMap,
  opts: OnnxExportOptions = {},
): Uint8Array {
  const layout = opts.layout ?? 'NCHW';
  const shaped = shapeModel(sequentialModel(modelName), input, weights);
  const nodes: Node[] = [];
  const inits: Initializer[] = [];
  let cur = 'input';
  let seq = 0;
  const fresh = (base: string) => `${base}_${++seq}`;
  if (layout === 'NHWC') {
    const t = fresh('nchw');
    nodes.push({
      op: 'Transpose',
      inputs: [cur],
      outputs: [t],
      name: t,
      attrs: [{ name: 'perm', kind: 'ints', value: [0, 3, 1, 2] }],
    });
    cur = t;
  }
  for (const s of shaped) {
    const op = s.op;
    switch (op.kind) {
      case 'conv': {
        const [k, , cin, cout] = s.weightShape as [number, number, number, number];
        inits.push({
          name: op.weight,
          dims: [cout, cin, k, k],
          data: hwioToOihw(weights[op.weight]!, k, cin, cout),
        });
        inits.push({ name: op.bias, dims: [cout], data: weights[op.bias]! });
        const out = fresh('conv');
        nodes.push({
          op: 'Conv',
          inputs: [cur, op.weight, op.bias],
          outputs: [out],
          name: out,
          attrs: [
            { name: 'kernel_shape', kind: 'ints', value: [k, k] },
            { name: 'strides', kind: 'ints', value: [1, 1] },
            { name: 'pads', kind: 'ints', value: [0, 0, 0, 0] },
          ],
        });
        cur = out;
        break;
      }
      case 'pool': {
        const out = fresh(op.mode === 'max' ? 'maxpool' : 'avgpool');
        nodes.push({
          op: op.mode === 'max' ? 'MaxPool' : 'AveragePool',
          inputs: [cur],
          outputs: [out],
          name: out,
          attrs: [
            { name: 'kernel_shape', kind: 'ints', value: [op.size, op.size] },
            { name: 'strides', kind: 'ints', value: [op.size, op.size] },
          ],
        });
        cur = out;
        break;
      }
      case 'act': {
        const out = fresh(op.fn);
        nodes.push({ op: ACT_OP[op.fn], inputs: [cur], outputs: [out], name: out });
        cur = out;
        break;
      }
      case 'flatten': {
        const out = fresh('flatten');
        nodes.push({
          op: 'Flatten',
          inputs: [cur],
          outputs: [out],
          name: out,
          attrs: [{ name: 'axis', kind: 'int', value: 1 }],
        });
        cur = out;
        break;
      }
      case 'dense': {
        const [fin, units] = s.weightShape as [number, number];
        let w = weights[op.weight]!;
        // The dense layer right after the flatten sees channel-first activations in this graph.
        const prev = shaped[shaped.indexOf(s) - 1];
        if (prev?.op.kind === 'flatten' && prev.inShape.length === 3) {
          const [h, wd, c] = prev.inShape as [number, number, number];
          w = hwcRowsToChw(w, h, wd, c, units);
        }
        inits.push({ name: op.weight, dims: [fin, units], data: w });
        inits.push({ name: op.bias, dims: [units], data: weights[op.bias]! });
        const last = s === shaped[shaped.length - 1];
        const out = last ? 'logit' : fresh('gemm');
        nodes.push({ op: 'Gemm', inputs: [cur, op.weight, op.bias], outputs: [out], name: out });
        cur = out;
        if (op.activation) {
          const a = fresh(op.activation);
          nodes.push({ op: ACT_OP[op.activation], inputs: [cur], outputs: [a], name: a });
          cur = a;
        }
        break;
      }
    }
  }
  if (cur !== 'logit')
    throw new Error(`Model "${modelName}" does not end in a dense layer; cannot name its logit`);
  nodes.push({ op: 'Sigmoid', inputs: ['logit'], outputs: ['probability'], name: 'probability' });

  const { size, channels } = input;
  const inputDims: (number | string)[] =
    layout === 'NCHW' ? ['N', channels, size, size] : ['N', size, size, channels];
  const graph = new ProtoWriter();
  for (const n of nodes) graph.message(1, encodeNode(n));
  graph.string(2, modelName);
  for (const t of inits) graph.message(5, encodeTensor(t));
  graph.message(
    11,
    encodeValueInfo(
      'input',
      inputDims,
      `float32 ${layout}, crop / 255 in [0, 1], ${size}x${size}, ${channels} channel(s)`,
    ),
  );
  graph.message(12, encodeValueInfo('logit', ['N', 1], 'raw score of class 1'));
  graph.message(12, encodeValueInfo('probability', ['N', 1], 'sigmoid(logit) = P(class 1)'));

  const model = new ProtoWriter()
    .int(1, ONNX_IR_VERSION)
    .string(2, 'spatter-studio')
    .string(3, opts.producerVersion ?? '0.1.0')
    .string(4, 'spatter.studio')
    .int(5, 1);
  if (opts.docString) model.string(6, opts.docString);
  model.message(7, graph);
  model.message(8, new ProtoWriter().string(1, '').int(2, ONNX_OPSET));
  for (const [k, v] of Object.entries({ layout, ...opts.metadata })) {
    model.message(14, new ProtoWriter().string(1, k).string(2, v));
  }
  return model.finish();
}
