// A small ONNX graph under construction (nodes + float initializers) and its encoding as a ModelProto, shared by
// the exporters of each model family (sequential LeNet5s, resnet-small).
import { ProtoWriter } from './protobuf';

export const ONNX_OPSET = 13;
export const ONNX_IR_VERSION = 7;

const enum DataType {
  Float = 1,
}
const enum AttrType {
  Float = 1,
  Int = 2,
  String = 3,
  Ints = 7,
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

export const ints = (name: string, value: number[]): Attr => ({ name, kind: 'ints', value });
export const int = (name: string, value: number): Attr => ({ name, kind: 'int', value });

/** Nodes in topological order (the order they are added) and the weights they read. */
export class OnnxGraph {
  readonly nodes: Node[] = [];
  readonly inits: Initializer[] = [];
  private seq = 0;

  fresh(base: string): string {
    return `${base}_${++this.seq}`;
  }

  /** Add a node; returns its output name (`out`, or a fresh one named after the op). */
  node(op: string, inputs: string[], attrs: Attr[] = [], out?: string): string {
    const name = out ?? this.fresh(op.toLowerCase());
    this.nodes.push({ op, inputs, outputs: [name], name, attrs });
    return name;
  }

  /** Add a float initializer; returns its name. */
  init(name: string, dims: number[], data: Float32Array): string {
    this.inits.push({ name, dims, data });
    return name;
  }
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

export interface EncodeOptions {
  modelName: string;
  layout: 'NCHW' | 'NHWC';
  size: number;
  channels: number;
  producerVersion?: string;
  docString?: string;
  metadata?: Record<string, string>;
}

/** The ModelProto bytes of a graph that reads `input` and writes `logit` and `probability`. */
export function encodeModel(g: OnnxGraph, o: EncodeOptions): Uint8Array {
  const { size, channels, layout } = o;
  const inputDims: (number | string)[] =
    layout === 'NCHW' ? ['N', channels, size, size] : ['N', size, size, channels];
  const graph = new ProtoWriter();
  for (const n of g.nodes) graph.message(1, encodeNode(n));
  graph.string(2, o.modelName);
  for (const t of g.inits) graph.message(5, encodeTensor(t));
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
    .string(3, o.producerVersion ?? '0.1.0')
    .string(4, 'spatter.studio')
    .int(5, 1);
  if (o.docString) model.string(6, o.docString);
  model.message(7, graph);
  model.message(8, new ProtoWriter().string(1, '').int(2, ONNX_OPSET));
  for (const [k, v] of Object.entries({ layout, ...o.metadata })) {
    model.message(14, new ProtoWriter().string(1, k).string(2, v));
  }
  return model.finish();
}
