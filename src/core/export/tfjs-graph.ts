// A TF.js graph model under construction (the tfjs-converter format `tf.loadGraphModel` reads): a TensorFlow GraphDef
// as JSON — nodes {name, op, input, attr} with attrs in proto3 JSON (ints as strings, strings base64) — and its
// constants as a weights manifest with one little-endian .bin shard, written without TensorFlow or the converter.

export type TfDtype = 'DT_FLOAT' | 'DT_INT32';

export interface TfTensorShape {
  dim: { size: string }[];
}

/** One AttrValue in proto3 JSON, as the converter writes it (and tfjs-converter's operation_mapper reads it). */
export type TfAttr =
  | { s: string }
  | { i: string }
  | { f: number }
  | { b: boolean }
  | { type: TfDtype }
  | { list: { i?: string[]; s?: string[] } }
  | { shape: TfTensorShape }
  | { tensor: { dtype: TfDtype; tensorShape: TfTensorShape } };

export interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfAttr>;
}

export interface TfTensorInfo {
  name: string;
  dtype: TfDtype;
  tensorShape: TfTensorShape;
}

interface TfConst {
  name: string;
  shape: number[];
  dtype: TfDtype;
  data: Float32Array | Int32Array;
}

/** ASCII text as base64 (attr strings such as "SAME", "NHWC" are bytes in a GraphDef). */
function base64Ascii(text: string): string {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = '';
  for (let i = 0; i < text.length; i += 3) {
    const a = text.charCodeAt(i);
    const b = i + 1 < text.length ? text.charCodeAt(i + 1) : NaN;
    const c = i + 2 < text.length ? text.charCodeAt(i + 2) : NaN;
    const n = (a << 16) | ((b || 0) << 8) | (c || 0);
    out += abc[(n >> 18) & 63]! + abc[(n >> 12) & 63]!;
    out += Number.isNaN(b) ? '=' : abc[(n >> 6) & 63]!;
    out += Number.isNaN(c) ? '=' : abc[n & 63]!;
  }
  return out;
}

export const attr = {
  str: (v: string): TfAttr => ({ s: base64Ascii(v) }),
  int: (v: number): TfAttr => ({ i: String(v) }),
  float: (v: number): TfAttr => ({ f: v }),
  bool: (v: boolean): TfAttr => ({ b: v }),
  ints: (v: number[]): TfAttr => ({ list: { i: v.map(String) } }),
  dtype: (v: TfDtype): TfAttr => ({ type: v }),
};

/** A GraphDef TensorShapeProto; -1 is an unknown dimension (the batch). */
export function tensorShape(dims: number[]): TfTensorShape {
  return { dim: dims.map((d) => ({ size: String(d) })) };
}

export interface TfjsModelFiles {
  /** model.json text. */
  modelJson: string;
  /** The one weights shard the manifest names. */
  weights: Uint8Array;
  /** The shard's file name (as model.json lists it, next to model.json). */
  weightsPath: string;
}

/** Nodes in topological order (the order they are added) and the constants they read. */
export class TfjsGraph {
  readonly nodes: TfNode[] = [];
  private readonly consts: TfConst[] = [];
  private readonly names = new Set<string>();
  private seq = 0;

  private claim(name: string): string {
    if (this.names.has(name)) throw new Error(`Graph node "${name}" is defined twice`);
    this.names.add(name);
    return name;
  }

  has(name: string): boolean {
    return this.names.has(name);
  }

  /** A float32 input of this shape (-1: any size). */
  placeholder(name: string, dims: number[]): string {
    this.nodes.push({
      name: this.claim(name),
      op: 'Placeholder',
      attr: { dtype: attr.dtype('DT_FLOAT'), shape: { shape: tensorShape(dims) } },
    });
    return name;
  }

  /** A constant; its values travel in the weights shard under the node's name. */
  constant(name: string, dims: number[], data: Float32Array | Int32Array): string {
    const size = dims.reduce((a, b) => a * b, 1);
    if (data.length !== size) {
      throw new Error(
        `Constant "${name}" of shape [${dims.join(', ')}] needs ${size} values, got ${data.length}`,
      );
    }
    const dtype: TfDtype = data instanceof Int32Array ? 'DT_INT32' : 'DT_FLOAT';
    this.nodes.push({
      name: this.claim(name),
      op: 'Const',
      attr: { value: { tensor: { dtype, tensorShape: tensorShape(dims) } }, dtype: attr.dtype(dtype) },
    });
    this.consts.push({ name, shape: dims, dtype, data });
    return name;
  }

  /** An int32 vector constant (axes, shapes), named after what it holds so equal ones are shared. */
  ints(values: number[]): string {
    const name = `const/i32/${values.join('_').replace(/-/g, 'm')}`;
    return this.names.has(name) ? name : this.constant(name, [values.length], Int32Array.from(values));
  }

  /** An int32 scalar constant (ConcatV2's axis), shared like `ints`. */
  int(value: number): string {
    const name = `const/i32/scalar_${String(value).replace(/-/g, 'm')}`;
    return this.names.has(name) ? name : this.constant(name, [], Int32Array.of(value));
  }

  /** A float scalar constant, shared like `ints`. */
  scalar(value: number): string {
    const name = `const/f32/${String(value).replace(/-/g, 'm')}`;
    return this.names.has(name) ? name : this.constant(name, [], Float32Array.of(value));
  }

  /** Add an op; returns its output name (`name`, or a fresh one under `scope`). */
  op(op: string, inputs: string[], attrs: Record<string, TfAttr> = {}, name?: string): string {
    const out = this.claim(name ?? `op/${op}_${++this.seq}`);
    this.nodes.push({ name: out, op, input: inputs, ...(Object.keys(attrs).length ? { attr: attrs } : {}) });
    return out;
  }

  /** model.json (graph-model format, with a signature naming inputs and outputs) and its one weights shard. */
  toFiles(o: {
    inputs: Record<string, TfTensorInfo>;
    outputs: Record<string, TfTensorInfo>;
    weightsPath: string;
    generatedBy: string;
    metadata?: Record<string, unknown>;
  }): TfjsModelFiles {
    const total = this.consts.reduce((s, c) => s + c.data.length * 4, 0);
    const bytes = new Uint8Array(total);
    const view = new DataView(bytes.buffer);
    let at = 0;
    for (const c of this.consts) {
      // tfjs reads shards little-endian, whatever the machine.
      if (c.data instanceof Int32Array) for (const v of c.data) view.setInt32((at += 4) - 4, v, true);
      else for (const v of c.data) view.setFloat32((at += 4) - 4, v, true);
    }
    const dtypeName = (d: TfDtype) => (d === 'DT_INT32' ? 'int32' : 'float32');
    const model = {
      format: 'graph-model',
      generatedBy: o.generatedBy,
      convertedBy: 'spatter-studio (hand-written GraphDef)',
      signature: { inputs: o.inputs, outputs: o.outputs },
      ...(o.metadata ? { userDefinedMetadata: o.metadata } : {}),
      modelTopology: { node: this.nodes, library: {}, versions: { producer: 1 } },
      weightsManifest: [
        {
          paths: [o.weightsPath],
          weights: this.consts.map((c) => ({ name: c.name, shape: c.shape, dtype: dtypeName(c.dtype) })),
        },
      ],
    };
    return { modelJson: JSON.stringify(model), weights: bytes, weightsPath: o.weightsPath };
  }
}
