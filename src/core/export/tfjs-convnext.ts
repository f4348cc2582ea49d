// TF.js graph-model export of ConvNeXt (+ CBAM) image classifiers: what `tf.loadGraphModel` loads and runs on
// every tfjs backend, built op by op like the ONNX exporter (onnx-convnext.ts) from the same weights.
//
// Input `input`: float32 NHWC [N, H, W, C], pixels / 255 in [0, 1] (the studio's own layout). Outputs `logit`
// [N, K] and `probability` [N, K] (softmax for multi-class, sigmoid otherwise). The ops are the studio's forward
// pass (models/convnext.ts) one to one: the patchify convolutions are VALID Conv2Ds of stride k, the depthwise 7x7
// is DepthwiseConv2dNative, the 1x1 convolutions are Conv2D 1x1 (the weights [in, out] reshaped to [1, 1, in, out]),
// LayerNorm over channels is Mean / Sub / Square / Mean / AddV2 eps / Rsqrt / Mul / Mul g / AddV2 b, GELU is the
// exact one x * 0.5 * (1 + Erf(x / sqrt 2)), and CBAM's channel max and mean are Max / Mean over axis 3 — which
// tfjs Layers could only say with Lambda layers, so this is a graph model, not a layers model.
import type { ConvNextExportSpec } from './onnx-convnext';
import { ExportError, type WeightMap } from './sequential';
import { attr, tensorShape, TfjsGraph, type TfjsModelFiles } from './tfjs-graph';

export const TFJS_WEIGHTS_FILE = 'model.weights.bin';

export interface TfjsExportOptions {
  /** Stored in model.json's userDefinedMetadata (class names, task, preprocessing…). */
  metadata?: Record<string, unknown>;
  generatedBy?: string;
}

/** model.json + its weights shard for a ConvNeXt, from its weights in the training layout (models/convnext.ts). */
export function exportConvNextTfjs(
  spec: ConvNextExportSpec,
  weights: WeightMap,
  opts: TfjsExportOptions = {},
): TfjsModelFiles {
  const { depths, dims, channels, height, width, classes } = spec;
  if (height % 32 !== 0 || width % 32 !== 0) {
    throw new ExportError(`ConvNeXt needs an input of multiples of 32, got ${height}x${width}`);
  }
  const g = new TfjsGraph();
  const weight = (name: string, size: number): Float32Array => {
    const w = weights[name];
    if (!w || w.length !== size) {
      throw new ExportError(
        `Weights "${name}" should hold ${size} values but hold ${w?.length ?? 'none'}: they do not belong to ${spec.name} at this size`,
      );
    }
    return w;
  };
  /** A weight as a constant, written once even when used twice (CBAM's shared MLP). */
  const constant = (name: string, shape: number[]) => {
    const size = shape.reduce((a, b) => a * b, 1);
    return g.has(name) ? name : g.constant(name, shape, weight(name, size));
  };
  const same = attr.str('SAME');
  const valid = attr.str('VALID');
  const nhwc = attr.str('NHWC');
  const convAttrs = (stride: number, pad: typeof same) => ({
    T: attr.dtype('DT_FLOAT'),
    strides: attr.ints([1, stride, stride, 1]),
    padding: pad,
    data_format: nhwc,
    dilations: attr.ints([1, 1, 1, 1]),
  });
  const biasAdd = (x: string, prefix: string, n: number) =>
    g.op('BiasAdd', [x, constant(`${prefix}.b`, [n])], { T: attr.dtype('DT_FLOAT'), data_format: nhwc });
  /** A k x k convolution (HWIO kernel `${prefix}.w` of cin -> cout) + bias. */
  const conv = (x: string, prefix: string, k: number, cin: number, cout: number, stride: number) =>
    biasAdd(
      g.op(
        'Conv2D',
        [x, constant(`${prefix}.w`, [k, k, cin, cout])],
        convAttrs(stride, stride > 1 ? valid : same),
      ),
      prefix,
      cout,
    );
  /** A 1x1 convolution from dense weights [cin, cout] (the studio's reshape + matmul over pixels). */
  const pointwise = (x: string, prefix: string, cin: number, cout: number) =>
    biasAdd(
      g.op(
        'Conv2D',
        [x, g.constant(`${prefix}.w`, [1, 1, cin, cout], weight(`${prefix}.w`, cin * cout))],
        convAttrs(1, same),
      ),
      prefix,
      cout,
    );
  const reduce = (op: 'Mean' | 'Max', x: string, axes: number[], keep: boolean) =>
    g.op(op, [x, g.ints(axes)], {
      T: attr.dtype('DT_FLOAT'),
      Tidx: attr.dtype('DT_INT32'),
      keep_dims: attr.bool(keep),
    });
  /** LayerNorm over the last axis of a rank-`rank` tensor, as models/convnext.ts's layerNormPlain. */
  const layerNorm = (x: string, prefix: string, c: number, rank: number) => {
    const axis = [rank - 1];
    const centred = g.op('Sub', [x, reduce('Mean', x, axis, true)]);
    const variance = reduce('Mean', g.op('Square', [centred]), axis, true);
    const rstd = g.op('Rsqrt', [g.op('AddV2', [variance, g.scalar(spec.lnEps)])]);
    const scaled = g.op('Mul', [g.op('Mul', [centred, rstd]), constant(`${prefix}.g`, [c])]);
    return g.op('AddV2', [scaled, constant(`${prefix}.b`, [c])]);
  };
  const gelu = (x: string) =>
    g.op('Mul', [
      g.op('Mul', [x, g.scalar(0.5)]),
      g.op('AddV2', [g.op('Erf', [g.op('Mul', [x, g.scalar(Math.SQRT1_2)])]), g.scalar(1)]),
    ]);
  const dense = (x: string, prefix: string, cin: number, cout: number) =>
    biasAdd(
      g.op('MatMul', [x, constant(`${prefix}.w`, [cin, cout])], {
        transpose_a: attr.bool(false),
        transpose_b: attr.bool(false),
      }),
      prefix,
      cout,
    );

  let h = conv(g.placeholder('input', [-1, height, width, channels]), 'stem', 4, channels, dims[0]!, 4);
  h = layerNorm(h, 'stem.ln', dims[0]!, 4);
  dims.forEach((d, i) => {
    const s = `s${i}`;
    if (i > 0) h = conv(layerNorm(h, `${s}.down.ln`, dims[i - 1]!, 4), `${s}.down`, 2, dims[i - 1]!, d, 2);
    for (let j = 0; j < depths[i]!; j++) {
      const b = `${s}.b${j}`;
      const dw = biasAdd(
        g.op('DepthwiseConv2dNative', [h, constant(`${b}.dw.w`, [7, 7, d, 1])], convAttrs(1, same)),
        `${b}.dw`,
        d,
      );
      const mid = gelu(pointwise(layerNorm(dw, `${b}.ln`, d, 4), `${b}.pw1`, d, 4 * d));
      const out = pointwise(mid, `${b}.pw2`, 4 * d, d);
      h = g.op('AddV2', [h, g.op('Mul', [out, constant(`${b}.gamma`, [d])])]);
    }
    if (spec.cbamStages.includes(i)) {
      const r = Math.max(1, Math.floor(d / 16));
      const mlp = (v: string) => dense(g.op('Relu', [dense(v, `${s}.ca1`, d, r)]), `${s}.ca2`, r, d);
      const avg = reduce('Mean', h, [1, 2], false);
      const max = reduce('Max', h, [1, 2], false);
      const channel = g.op('Reshape', [
        g.op('Sigmoid', [g.op('AddV2', [mlp(avg), mlp(max)])]),
        g.ints([-1, 1, 1, d]),
      ]);
      const xc = g.op('Mul', [h, channel]);
      const pooled = g.op(
        'ConcatV2',
        [reduce('Mean', xc, [3], true), reduce('Max', xc, [3], true), g.int(3)],
        {
          N: attr.int(2),
          T: attr.dtype('DT_FLOAT'),
          Tidx: attr.dtype('DT_INT32'),
        },
      );
      h = g.op('Mul', [xc, g.op('Sigmoid', [conv(pooled, `${s}.sa`, 7, 2, 1, 1)])]);
    }
  });
  const last = dims[dims.length - 1]!;
  const pooled = layerNorm(reduce('Mean', h, [1, 2], false), 'head.ln', last, 2);
  const headW = constant('head.w', [last, classes]);
  const matmul = g.op('MatMul', [pooled, headW], {
    transpose_a: attr.bool(false),
    transpose_b: attr.bool(false),
  });
  g.op(
    'BiasAdd',
    [matmul, constant('head.b', [classes])],
    { T: attr.dtype('DT_FLOAT'), data_format: nhwc },
    'logit',
  );
  g.op(
    spec.probability === 'softmax' ? 'Softmax' : 'Sigmoid',
    ['logit'],
    { T: attr.dtype('DT_FLOAT') },
    'probability',
  );

  const info = (name: string, dims: number[]) => ({
    name: `${name}:0`,
    dtype: 'DT_FLOAT' as const,
    tensorShape: tensorShape(dims),
  });
  return g.toFiles({
    inputs: { input: info('input', [-1, height, width, channels]) },
    outputs: { logit: info('logit', [-1, classes]), probability: info('probability', [-1, classes]) },
    weightsPath: TFJS_WEIGHTS_FILE,
    generatedBy: opts.generatedBy ?? 'spatter-studio',
    metadata: {
      model: spec.name,
      input: {
        layout: 'NHWC',
        dtype: 'float32',
        height,
        width,
        channels,
        range: [0, 1],
        preprocessing: 'pixels / 255',
      },
      output: { logit: `[N, ${classes}] raw scores`, probability: `${spec.probability}(logit)` },
      ...opts.metadata,
    },
  });
}
