// ONNX export of ConvNeXt (+ CBAM) image classifiers (opset 13), built node by node with the writer of onnx.ts.
//
// Input `input`: float32 NCHW [N, C, H, W], pixels / 255 in [0, 1]. Outputs `logit` [N, K] and `probability`
// [N, K] (softmax for multi-class, sigmoid for binary and multi-label). Opset 13 has no LayerNormalization, so
// the channels LayerNorm is its decomposition (ReduceMean, Sub, Mul, ReduceMean, Add eps, Sqrt, Div, scale,
// shift); the depthwise 7x7 is a grouped Conv (group = C); the exact GELU is x * 0.5 * (1 + Erf(x / sqrt 2));
// the 1x1 convolutions and the patchify convolutions are Convs with their kernels turned from HWIO to OIHW.
import { ONNX_IR_VERSION, ONNX_OPSET, type OnnxExportOptions } from './onnx';
import {
  encodeNode,
  encodeTensor,
  encodeValueInfo,
  type Attr,
  type Initializer,
  type Node,
} from './onnx-graph';
import { ProtoWriter } from './protobuf';
import { ExportError, hwioToOihw, type WeightMap } from './sequential';

export interface ConvNextExportSpec {
  /** Registry name, e.g. "convnext-atto-cbam". */
  name: string;
  depths: readonly number[];
  dims: readonly number[];
  /** Stages (0-based) followed by CBAM. */
  cbamStages: readonly number[];
  lnEps: number;
  channels: number;
  height: number;
  width: number;
  classes: number;
  /** softmax for multi-class, sigmoid otherwise. */
  probability: 'softmax' | 'sigmoid';
}

/** Build the .onnx bytes of a ConvNeXt from its weights in the training layout (see models/convnext.ts). */
export function exportConvNextOnnx(
  spec: ConvNextExportSpec,
  weights: WeightMap,
  opts: Omit<OnnxExportOptions, 'layout'> = {},
): Uint8Array {
  const nodes: Node[] = [];
  const inits: Initializer[] = [];
  let seq = 0;
  const fresh = (base: string) => `${base}_${++seq}`;
  const weight = (name: string, size: number): Float32Array => {
    const w = weights[name];
    if (!w || w.length !== size) {
      throw new ExportError(
        `Weights "${name}" should hold ${size} values but hold ${w?.length ?? 'none'}: they do not belong to ${spec.name} at this size`,
      );
    }
    return w;
  };
  const initNames = new Set<string>();
  /** An initializer, written once even when a layer is used twice (CBAM's shared MLP). */
  const init = (name: string, dims: number[], data: Float32Array) => {
    if (!initNames.has(name)) inits.push({ name, dims, data });
    initNames.add(name);
    return name;
  };
  const op = (type: string, inputs: string[], attrs?: Attr[]): string => {
    const out = fresh(type.toLowerCase());
    nodes.push({ op: type, inputs, outputs: [out], name: out, ...(attrs ? { attrs } : {}) });
    return out;
  };
  const eps = init('const.eps', [], Float32Array.of(spec.lnEps));
  const one = init('const.one', [], Float32Array.of(1));
  const half = init('const.half', [], Float32Array.of(0.5));
  const sqrt2 = init('const.sqrt2', [], Float32Array.of(Math.SQRT2));

  /** LayerNorm over `axis` (1 for NCHW maps, 1 for [N, C] vectors); scale/shift broadcast as `shape`. */
  const layerNorm = (x: string, prefix: string, c: number, spatial: boolean): string => {
    const shape = spatial ? [c, 1, 1] : [c];
    const g = init(`${prefix}.g`, shape, weight(`${prefix}.g`, c));
    const b = init(`${prefix}.b`, shape, weight(`${prefix}.b`, c));
    const axes: Attr[] = [
      { name: 'axes', kind: 'ints', value: [1] },
      { name: 'keepdims', kind: 'int', value: 1 },
    ];
    const mean = op('ReduceMean', [x], axes);
    const centred = op('Sub', [x, mean]);
    const variance = op('ReduceMean', [op('Mul', [centred, centred])], axes);
    const normed = op('Div', [centred, op('Sqrt', [op('Add', [variance, eps])])]);
    return op('Add', [op('Mul', [normed, g]), b]);
  };
  const conv = (
    x: string,
    prefix: string,
    k: number,
    cin: number,
    cout: number,
    stride: number,
    pad: number,
    group = 1,
  ) => {
    const w = weight(`${prefix}.w`, k * k * (cin / group) * cout);
    const wName = init(
      `${prefix}.w`,
      [cout, cin / group, k, k],
      hwioToOihw(w, k, group === 1 ? cin : cout, group === 1 ? cout : 1),
    );
    const bName = init(`${prefix}.b`, [cout], weight(`${prefix}.b`, cout));
    return op(
      'Conv',
      [x, wName, bName],
      [
        { name: 'kernel_shape', kind: 'ints', value: [k, k] },
        { name: 'strides', kind: 'ints', value: [stride, stride] },
        { name: 'pads', kind: 'ints', value: [pad, pad, pad, pad] },
        { name: 'group', kind: 'int', value: group },
      ],
    );
  };
  const gelu = (x: string) =>
    op('Mul', [op('Mul', [x, op('Add', [op('Erf', [op('Div', [x, sqrt2])]), one])]), half]);

  const { depths, dims, channels } = spec;
  if (spec.height % 32 !== 0 || spec.width % 32 !== 0) {
    throw new ExportError(`ConvNeXt needs an input of multiples of 32, got ${spec.height}x${spec.width}`);
  }
  let h = conv('input', 'stem', 4, channels, dims[0]!, 4, 0);
  h = layerNorm(h, 'stem.ln', dims[0]!, true);
  dims.forEach((d, i) => {
    const s = `s${i}`;
    if (i > 0)
      h = conv(layerNorm(h, `${s}.down.ln`, dims[i - 1]!, true), `${s}.down`, 2, dims[i - 1]!, d, 2, 0);
    for (let j = 0; j < depths[i]!; j++) {
      const b = `${s}.b${j}`;
      const dw = conv(h, `${b}.dw`, 7, d, d, 1, 3, d);
      const mid = gelu(conv(layerNorm(dw, `${b}.ln`, d, true), `${b}.pw1`, 1, d, 4 * d, 1, 0));
      const out = conv(mid, `${b}.pw2`, 1, 4 * d, d, 1, 0);
      const gamma = init(`${b}.gamma`, [d, 1, 1], weight(`${b}.gamma`, d));
      h = op('Add', [h, op('Mul', [out, gamma])]);
    }
    if (spec.cbamStages.includes(i)) {
      const r = Math.max(1, Math.floor(d / 16));
      const fc = (x: string) =>
        conv(op('Relu', [conv(x, `${s}.ca1`, 1, d, r, 1, 0)]), `${s}.ca2`, 1, r, d, 1, 0);
      const channel = op('Sigmoid', [
        op('Add', [fc(op('GlobalAveragePool', [h])), fc(op('GlobalMaxPool', [h]))]),
      ]);
      const xc = op('Mul', [h, channel]);
      const keep: Attr[] = [
        { name: 'axes', kind: 'ints', value: [1] },
        { name: 'keepdims', kind: 'int', value: 1 },
      ];
      const pooled = op(
        'Concat',
        [op('ReduceMean', [xc], keep), op('ReduceMax', [xc], keep)],
        [{ name: 'axis', kind: 'int', value: 1 }],
      );
      h = op('Mul', [xc, op('Sigmoid', [conv(pooled, `${s}.sa`, 7, 2, 1, 1, 3)])]);
    }
  });
  const last = dims[dims.length - 1]!;
  const flat = op('Flatten', [op('GlobalAveragePool', [h])], [{ name: 'axis', kind: 'int', value: 1 }]);
  const normed = layerNorm(flat, 'head.ln', last, false);
  const hw = init('head.w', [last, spec.classes], weight('head.w', last * spec.classes));
  const hb = init('head.b', [spec.classes], weight('head.b', spec.classes));
  nodes.push({ op: 'Gemm', inputs: [normed, hw, hb], outputs: ['logit'], name: 'logit' });
  nodes.push(
    spec.probability === 'softmax'
      ? {
          op: 'Softmax',
          inputs: ['logit'],
          outputs: ['probability'],
          name: 'probability',
          attrs: [{ name: 'axis', kind: 'int', value: 1 }],
        }
      : { op: 'Sigmoid', inputs: ['logit'], outputs: ['probability'], name: 'probability' },
  );

  const graph = new ProtoWriter();
  for (const n of nodes) graph.message(1, encodeNode(n));
  graph.string(2, spec.name);
  for (const t of inits) graph.message(5, encodeTensor(t));
  graph.message(
    11,
    encodeValueInfo(
      'input',
      ['N', channels, spec.height, spec.width],
      `float32 NCHW, pixels / 255 in [0, 1], ${spec.height}x${spec.width}, ${channels} channel(s)`,
    ),
  );
  graph.message(12, encodeValueInfo('logit', ['N', spec.classes], 'raw scores, one per output'));
  graph.message(12, encodeValueInfo('probability', ['N', spec.classes], `${spec.probability}(logit)`));
  const model = new ProtoWriter()
    .int(1, ONNX_IR_VERSION)
    .string(2, 'spatter-studio')
    .string(3, opts.producerVersion ?? '0.1.0')
    .string(4, 'spatter.studio')
    .int(5, 1);
  if (opts.docString) model.string(6, opts.docString);
  model.message(7, graph);
  model.message(8, new ProtoWriter().string(1, '').int(2, ONNX_OPSET));
  for (const [k, v] of Object.entries({ layout: 'NCHW', ...opts.metadata })) {
    model.message(14, new ProtoWriter().string(1, k).string(2, v));
  }
  return model.finish();
}
