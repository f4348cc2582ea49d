// resnet-small as an ONNX graph (NCHW): stem conv, three residual stages with CBAM attention, global average
// pool, dense logit. Operators: Conv, Relu, Add, Mul, MaxPool, GlobalAveragePool, GlobalMaxPool, ReduceMean,
// ReduceMax, Concat, Sigmoid, Flatten, Gemm (all opset 13).
import { int, ints, type OnnxGraph } from './onnx-graph';
import {
  attentionUnits,
  checkResnetWeights,
  foldedConv2,
  RESNET_SMALL,
  resnetSmallShapes,
} from './resnet-small';
import { hwioToOihw, type ModelInputSpec, type WeightMap } from './sequential';

/** Dense [in, out] as a 1x1 conv kernel OIHW [out, in, 1, 1] (applied to a pooled [N, C, 1, 1] tensor). */
function denseAsConv(w: Float32Array, cin: number, cout: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let i = 0; i < cin; i++) for (let o = 0; o < cout; o++) out[o * cin + i] = w[i * cout + o]!;
  return out;
}

/** Append resnet-small to `g` reading `x` (NCHW); returns the name of the logit output [N, 1]. */
export function buildResnetSmallOnnx(
  g: OnnxGraph,
  x: string,
  input: ModelInputSpec,
  weights: WeightMap,
  logit: string,
): string {
  checkResnetWeights(input, weights);
  const shapes = new Map(resnetSmallShapes(input).map((s) => [s.name, s.shape]));
  const conv = (h: string, name: string, w = weights[`${name}.w`]!, b = weights[`${name}.b`]!) => {
    const [k, , cin, cout] = shapes.get(`${name}.w`) as [number, number, number, number];
    const p = (k - 1) / 2; // 'same' for odd kernels, stride 1
    const wn = g.init(`${name}.w`, [cout, cin, k, k], hwioToOihw(w, k, cin, cout));
    const bn = g.init(`${name}.b`, [cout], b);
    return g.node(
      'Conv',
      [h, wn, bn],
      [ints('kernel_shape', [k, k]), ints('strides', [1, 1]), ints('pads', [p, p, p, p])],
    );
  };
  const relu = (h: string) => g.node('Relu', [h]);

  let h = relu(conv(x, 'stem'));
  RESNET_SMALL.widths.forEach((c, i) => {
    const s = `s${i + 1}`;
    if (i > 0) {
      h = g.node('MaxPool', [h], [ints('kernel_shape', [2, 2]), ints('strides', [2, 2])]);
      h = conv(h, `${s}.down`);
    }
    // residual block, the gate folded into conv2
    const h1 = relu(conv(h, `${s}.conv1`));
    const f = foldedConv2(weights, s);
    const h2 = conv(h1, `${s}.conv2`, f.w, f.b);
    const out = relu(g.node('Add', [h, h2]));
    // CBAM channel attention: one MLP (as 1x1 convs) over the average- and max-pooled channels
    const r = attentionUnits(c);
    const ca1w = g.init(`${s}.ca1.w`, [r, c, 1, 1], denseAsConv(weights[`${s}.ca1.w`]!, c, r));
    const ca1b = g.init(`${s}.ca1.b`, [r], weights[`${s}.ca1.b`]!);
    const ca2w = g.init(`${s}.ca2.w`, [c, r, 1, 1], denseAsConv(weights[`${s}.ca2.w`]!, r, c));
    const ca2b = g.init(`${s}.ca2.b`, [c], weights[`${s}.ca2.b`]!);
    const mlp = (v: string) => g.node('Conv', [relu(g.node('Conv', [v, ca1w, ca1b])), ca2w, ca2b]);
    const avg = mlp(g.node('GlobalAveragePool', [out]));
    const max = mlp(g.node('GlobalMaxPool', [out]));
    const xc = g.node('Mul', [out, g.node('Sigmoid', [g.node('Add', [avg, max])])]);
    // CBAM spatial attention: [mean, max] over channels -> 7x7 conv -> sigmoid
    const mean = g.node('ReduceMean', [xc], [ints('axes', [1]), int('keepdims', 1)]);
    const cmax = g.node('ReduceMax', [xc], [ints('axes', [1]), int('keepdims', 1)]);
    const both = g.node('Concat', [mean, cmax], [int('axis', 1)]);
    h = g.node('Mul', [xc, g.node('Sigmoid', [conv(both, `${s}.sa`)])]);
  });
  const pooled = g.node('Flatten', [g.node('GlobalAveragePool', [h])], [int('axis', 1)]);
  const last = RESNET_SMALL.widths[RESNET_SMALL.widths.length - 1]!;
  const fw = g.init('fc.w', [last, 1], weights['fc.w']!);
  const fb = g.init('fc.b', [1], weights['fc.b']!);
  return g.node('Gemm', [pooled, fw, fb], [], logit);
}
