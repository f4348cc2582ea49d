// Node-level ONNX writing for graphs built node by node (the ConvNeXt exporter): attributes, nodes, tensors and
// value infos as protobuf messages.
import { ProtoWriter } from './protobuf';

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
