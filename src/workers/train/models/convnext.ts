// ConvNeXt (Liu et al. 2022) in the published family sizes, with optional CBAM attention after stages 3 and 4,
// written with plain tfjs ops over named parameters like the other models (NHWC, channels last).
//
// stem: 4x4 stride-4 conv + LayerNorm; stages of blocks [depthwise 7x7 -> LayerNorm -> 1x1 to 4C -> GELU ->
// 1x1 to C -> layer scale -> stochastic depth -> + input]; between stages LayerNorm + 2x2 stride-2 conv;
// head: global average pool -> LayerNorm -> dense. LayerNorm is over channels (eps 1e-6), GELU the exact erf one.
//
// Strided convolutions are written as patchify matmuls (reshape, transpose, matmul): a k x k stride-k conv with
// no padding is exactly that, it trains on every backend (the wasm backend has no strided conv gradient) and it
// exports as a plain Conv. The depthwise 7x7 gradient on wasm comes from wasm-depthwise.ts.
import * as tf from '@tensorflow/tfjs';
import type { ConvNextExportSpec } from '../../../core/export/onnx-convnext';
import { firstLayerKernel } from './layers';
import {
  inputHeight,
  inputWidth,
  param,
  type ConvNextSize,
  type ModelDef,
  type ModelInput,
  type ParamSpec,
  type Params,
} from './types';

export interface ConvNextArch {
  depths: [number, number, number, number];
  dims: [number, number, number, number];
  /** Stochastic-depth rate of the last block (linearly rising from 0 over the blocks), as trained in timm. */
  dropPath: number;
}

/** The published sizes (timm's convnext_atto ... convnext_tiny). */
export const CONVNEXT_ARCH: Record<ConvNextSize, ConvNextArch> = {
  atto: { depths: [2, 2, 6, 2], dims: [40, 80, 160, 320], dropPath: 0 },
  femto: { depths: [2, 2, 6, 2], dims: [48, 96, 192, 384], dropPath: 0 },
  pico: { depths: [2, 2, 6, 2], dims: [64, 128, 256, 512], dropPath: 0 },
  nano: { depths: [2, 2, 8, 2], dims: [80, 160, 320, 640], dropPath: 0.1 },
  tiny: { depths: [3, 3, 9, 3], dims: [96, 192, 384, 768], dropPath: 0.1 },
};

export const LN_EPS = 1e-6;
export const LAYER_SCALE_INIT = 1e-6;
/** CBAM's channel-attention reduction and spatial kernel. */
export const CBAM_REDUCTION = 16;
export const CBAM_KERNEL = 7;
/** Stages (0-based) that carry CBAM in the -cbam variants: the 3rd and 4th. */
export const CBAM_STAGES = [2, 3];
/** The whole net downsamples by 32: inputs must be multiples of it. */
export const CONVNEXT_STRIDE = 32;

const fanIn = (name: string, shape: number[], fan: number): ParamSpec => ({
  name,
  shape,
  init: 'fan-in',
  fanIn: fan,
});
const zeros = (name: string, n: number): ParamSpec => ({ name, shape: [n], init: 'zeros', fanIn: 1 });
const ln = (name: string, n: number): ParamSpec[] => [
  { name: `${name}.g`, shape: [n], init: 'ones', fanIn: 1 },
  zeros(`${name}.b`, n),
];

export function convnextParams(arch: ConvNextArch, cbam: boolean, input: ModelInput): ParamSpec[] {
  const { depths, dims } = arch;
  const specs: ParamSpec[] = [
    fanIn('stem.w', [4, 4, input.channels, dims[0]], 16 * input.channels),
    zeros('stem.b', dims[0]),
    ...ln('stem.ln', dims[0]),
  ];
  dims.forEach((d, i) => {
    const s = `s${i}`;
    if (i > 0) {
      const prev = dims[i - 1]!;
      specs.push(
        ...ln(`${s}.down.ln`, prev),
        fanIn(`${s}.down.w`, [2, 2, prev, d], 4 * prev),
        zeros(`${s}.down.b`, d),
      );
    }
    for (let j = 0; j < depths[i]!; j++) {
      const b = `${s}.b${j}`;
      specs.push(
        fanIn(`${b}.dw.w`, [7, 7, d, 1], 49),
        zeros(`${b}.dw.b`, d),
        ...ln(`${b}.ln`, d),
        fanIn(`${b}.pw1.w`, [d, 4 * d], d),
        zeros(`${b}.pw1.b`, 4 * d),
        fanIn(`${b}.pw2.w`, [4 * d, d], 4 * d),
        zeros(`${b}.pw2.b`, d),
        { name: `${b}.gamma`, shape: [d], init: 'const', value: LAYER_SCALE_INIT, fanIn: 1 },
      );
    }
    if (cbam && CBAM_STAGES.includes(i)) {
      const r = Math.max(1, Math.floor(d / CBAM_REDUCTION));
      specs.push(
        fanIn(`${s}.ca1.w`, [d, r], d),
        zeros(`${s}.ca1.b`, r),
        fanIn(`${s}.ca2.w`, [r, d], r),
        zeros(`${s}.ca2.b`, d),
        fanIn(`${s}.sa.w`, [CBAM_KERNEL, CBAM_KERNEL, 2, 1], CBAM_KERNEL * CBAM_KERNEL * 2),
        zeros(`${s}.sa.b`, 1),
      );
    }
  });
  const last = dims[3];
  const classes = input.classes ?? 1;
  specs.push(...ln('head.ln', last), fanIn('head.w', [last, classes], last), zeros('head.b', classes));
  return specs;
}

/** LayerNorm over the last axis as plain ops (the reference the custom-gradient version is tested against). */
export function layerNormPlain(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const axis = x.rank - 1;
  const mean = tf.mean(x, axis, true);
  const centred = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centred), axis, true);
  return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, LN_EPS))), g), b);
}

/**
 * LayerNorm over the last axis (channels), as ConvNeXt's channels-last LayerNorm, with a hand-written gradient:
 * the tape keeps only the normalised input and 1/std (plain ops would keep six tensors the size of x).
 * dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)), dxhat = dy * g.
 */
export const layerNorm = tf.customGrad((x, g, b, save) => {
  const axis = (x as tf.Tensor).rank - 1;
  const mean = tf.mean(x as tf.Tensor, axis, true);
  const centred = tf.sub(x as tf.Tensor, mean);
  const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(centred), axis, true), LN_EPS));
  const xhat = tf.mul(centred, rstd);
  (save as tf.GradSaveFunc)([xhat, rstd, g as tf.Tensor]);
  return {
    value: tf.add(tf.mul(xhat, g as tf.Tensor), b as tf.Tensor),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const d = dy as tf.Tensor;
      const [xh, rs, gg] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
      const ax = xh.rank - 1;
      const outer = [...Array(ax).keys()];
      const dxhat = tf.mul(d, gg);
      const dx = tf.mul(
        rs,
        tf.sub(tf.sub(dxhat, tf.mean(dxhat, ax, true)), tf.mul(xh, tf.mean(tf.mul(dxhat, xh), ax, true))),
      );
      return [dx, tf.sum(tf.mul(d, xh), outer), tf.sum(d, outer)];
    },
  };
}) as (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/** Exact GELU as plain ops: x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)), PyTorch's nn.GELU(). */
export function geluPlain(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
}

/** Exact GELU with a hand-written gradient Phi(x) + x phi(x), so the tape keeps x alone (not five tensors). */
export const gelu = tf.customGrad((x, save) => {
  (save as tf.GradSaveFunc)([x as tf.Tensor]);
  return {
    value: geluPlain(x as tf.Tensor),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const v = saved[0]!;
      const cdf = tf.mul(tf.add(tf.erf(tf.mul(v, Math.SQRT1_2)), 1), 0.5);
      const pdf = tf.mul(tf.exp(tf.mul(tf.square(v), -0.5)), 1 / Math.sqrt(2 * Math.PI));
      return [tf.mul(dy as tf.Tensor, tf.add(cdf, tf.mul(v, pdf)))];
    },
  };
}) as (x: tf.Tensor) => tf.Tensor;

/** A k x k stride-k convolution without padding, as patchify + matmul (see the header). w is HWIO. */
export function patchConv(x: tf.Tensor4D, w: tf.Tensor, b: tf.Tensor, k: number): tf.Tensor4D {
  const [n, h, wd, c] = x.shape;
  if (h % k !== 0 || wd % k !== 0) {
    throw new Error(
      `An input of ${h}x${wd} cannot be cut in ${k}x${k} patches: use a multiple of ${CONVNEXT_STRIDE}`,
    );
  }
  const ho = h / k;
  const wo = wd / k;
  const cout = w.shape[3]!;
  const patches = tf
    .transpose(tf.reshape(x, [n * ho, k, wo, k * c]), [0, 2, 1, 3])
    .reshape([n * ho * wo, k * k * c]) as tf.Tensor2D;
  const y = tf.add(tf.matMul(patches, tf.reshape(w, [k * k * c, cout]) as tf.Tensor2D), b);
  return tf.reshape(y, [n, ho, wo, cout]);
}

/** Stochastic depth: zero a residual branch for a random share `rate` of the batch, scale the rest up. */
function dropPath(x: tf.Tensor4D, rate: number, training: boolean): tf.Tensor4D {
  if (!training || rate <= 0) return x;
  const keep = 1 - rate;
  const mask = tf.floor(tf.add(tf.randomUniform([x.shape[0], 1, 1, 1]), keep));
  return tf.mul(x, tf.div(mask, keep));
}

function cbamBlock(p: Params, s: string, x: tf.Tensor4D): tf.Tensor4D {
  const [n, , , c] = x.shape;
  const mlp = (v: tf.Tensor2D) =>
    tf.add(
      tf.matMul(
        tf.relu(tf.add(tf.matMul(v, param(p, `${s}.ca1.w`)), param(p, `${s}.ca1.b`))) as tf.Tensor2D,
        param(p, `${s}.ca2.w`),
      ),
      param(p, `${s}.ca2.b`),
    );
  const avg = tf.mean(x, [1, 2]) as tf.Tensor2D;
  const max = tf.max(x, [1, 2]) as tf.Tensor2D;
  const channel = tf.reshape(tf.sigmoid(tf.add(mlp(avg), mlp(max))), [n, 1, 1, c]);
  const xc = tf.mul(x, channel) as tf.Tensor4D;
  const pooled = tf.concat([tf.mean(xc, 3, true), tf.max(xc, 3, true)], 3) as tf.Tensor4D;
  const att = tf.sigmoid(
    tf.add(tf.conv2d(pooled, param<tf.Tensor4D>(p, `${s}.sa.w`), 1, 'same'), param(p, `${s}.sa.b`)),
  );
  return tf.mul(xc, att) as tf.Tensor4D;
}

export function convnextApply(
  arch: ConvNextArch,
  cbam: boolean,
  p: Params,
  x: tf.Tensor4D,
  training: boolean,
): tf.Tensor2D {
  const { depths, dims } = arch;
  const total = depths.reduce((a, b) => a + b, 0);
  let blockIndex = 0;
  let h = patchConv(x, firstLayerKernel(x, param(p, 'stem.w')), param(p, 'stem.b'), 4);
  h = layerNorm(h, param(p, 'stem.ln.g'), param(p, 'stem.ln.b')) as tf.Tensor4D;
  dims.forEach((d, i) => {
    const s = `s${i}`;
    if (i > 0) {
      const normed = layerNorm(h, param(p, `${s}.down.ln.g`), param(p, `${s}.down.ln.b`)) as tf.Tensor4D;
      h = patchConv(normed, param(p, `${s}.down.w`), param(p, `${s}.down.b`), 2);
    }
    const [n, hh, ww] = h.shape;
    for (let j = 0; j < depths[i]!; j++, blockIndex++) {
      const b = `${s}.b${j}`;
      const dw = tf.fused.depthwiseConv2d({
        x: h,
        filter: param<tf.Tensor4D>(p, `${b}.dw.w`),
        strides: 1,
        pad: 'same',
        bias: param(p, `${b}.dw.b`),
      });
      const flat = tf.reshape(layerNorm(dw, param(p, `${b}.ln.g`), param(p, `${b}.ln.b`)), [n * hh * ww, d]);
      const mid = gelu(
        tf.fused.matMul({ a: flat as tf.Tensor2D, b: param(p, `${b}.pw1.w`), bias: param(p, `${b}.pw1.b`) }),
      );
      const out = tf.fused.matMul({
        a: mid as tf.Tensor2D,
        b: param(p, `${b}.pw2.w`),
        bias: param(p, `${b}.pw2.b`),
      });
      const scaled = tf.reshape(tf.mul(out, param(p, `${b}.gamma`)), [n, hh, ww, d]) as tf.Tensor4D;
      const rate = total > 1 ? (arch.dropPath * blockIndex) / (total - 1) : 0;
      h = tf.add(h, dropPath(scaled, rate, training));
    }
    if (cbam && CBAM_STAGES.includes(i)) h = cbamBlock(p, s, h);
  });
  const pooled = layerNorm(tf.mean(h, [1, 2]), param(p, 'head.ln.g'), param(p, 'head.ln.b')) as tf.Tensor2D;
  return tf.add(tf.matMul(pooled, param(p, 'head.w')), param(p, 'head.b'));
}

/** Multiply-adds of one forward pass (convolutions and dense layers, as the ConvNeXt paper counts FLOPs). */
export function convnextFlops(arch: ConvNextArch, cbam: boolean, input: ModelInput): number {
  const { depths, dims } = arch;
  let h = inputHeight(input) / 4;
  let w = inputWidth(input) / 4;
  let macs = h * w * 16 * input.channels * dims[0];
  dims.forEach((d, i) => {
    if (i > 0) {
      h /= 2;
      w /= 2;
      macs += h * w * 4 * dims[i - 1]! * d;
    }
    macs += depths[i]! * h * w * (49 * d + 8 * d * d);
    if (cbam && CBAM_STAGES.includes(i)) {
      const r = Math.max(1, Math.floor(d / CBAM_REDUCTION));
      macs += 2 * 2 * d * r + h * w * CBAM_KERNEL * CBAM_KERNEL * 2;
    }
  });
  return macs + dims[3] * (input.classes ?? 1);
}

/**
 * Floats kept for the backward pass per image: what the tfjs tape holds (every op's output until the
 * gradient is taken). Per block about 16 x C per pixel (depthwise, LayerNorm's normalised input and output,
 * the 4C-wide 1x1 conv and GELU's output, the 1x1 back, layer scale, residual, reshapes); the stem and
 * transitions add their outputs.
 */
export function convnextActivationFloats(arch: ConvNextArch, cbam: boolean, input: ModelInput): number {
  const { depths, dims } = arch;
  let h = inputHeight(input) / 4;
  let w = inputWidth(input) / 4;
  let floats = inputHeight(input) * inputWidth(input) * input.channels * 2 + h * w * dims[0] * 8;
  dims.forEach((d, i) => {
    if (i > 0) {
      h /= 2;
      w /= 2;
      floats += h * w * (dims[i - 1]! * 10 + d * 2);
    }
    floats += depths[i]! * h * w * d * 16;
    if (cbam && CBAM_STAGES.includes(i)) floats += h * w * (d * 3 + 6);
  });
  return floats;
}

export function convnextModel(size: ConvNextSize, cbam: boolean): ModelDef {
  const arch = CONVNEXT_ARCH[size];
  return {
    name: cbam ? `convnext-${size}-cbam` : `convnext-${size}`,
    label: `ConvNeXt-${size[0]!.toUpperCase()}${size.slice(1)}${cbam ? ' + CBAM' : ''}`,
    description:
      `ConvNeXt-${size} (depths ${arch.depths.join('/')}, widths ${arch.dims.join('/')})` +
      (cbam ? ', CBAM channel + spatial attention after stages 3 and 4' : '') +
      `; inputs of any multiple of ${CONVNEXT_STRIDE} (full resolution 256x1600 included)`,
    params: (input) => convnextParams(arch, cbam, input),
    apply: (p, x, training) => convnextApply(arch, cbam, p, x, training),
    flops: (input) => convnextFlops(arch, cbam, input),
    activationFloats: (input) => convnextActivationFloats(arch, cbam, input),
  };
}

export const CONVNEXT_MODELS: ModelDef[] = (Object.keys(CONVNEXT_ARCH) as ConvNextSize[]).flatMap((s) => [
  convnextModel(s, false),
  convnextModel(s, true),
]);

/** What the ONNX exporter needs to know of a registry ConvNeXt at an input size. */
export function convnextExportSpec(
  name: string,
  input: ModelInput,
  probability: 'softmax' | 'sigmoid',
): ConvNextExportSpec {
  const m = /^convnext-(atto|femto|pico|nano|tiny)(-cbam)?$/.exec(name);
  if (!m) throw new Error(`"${name}" is not a ConvNeXt of the registry`);
  const arch = CONVNEXT_ARCH[m[1] as ConvNextSize];
  return {
    name,
    depths: arch.depths,
    dims: arch.dims,
    cbamStages: m[2] ? CBAM_STAGES : [],
    lnEps: LN_EPS,
    channels: input.channels,
    height: inputHeight(input),
    width: inputWidth(input),
    classes: input.classes ?? 1,
    probability,
  };
}
