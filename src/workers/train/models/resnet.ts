// resnet-small: the stronger model of the registry, a small residual net with CBAM attention (channel then
// spatial attention after each stage, as in the defect-detection design), written with plain tfjs ops.
//
// stem conv 3x3@16 -> [stage: residual block (conv3x3, ReLU, conv3x3) + CBAM] at 32x32@16, 16x16@32, 8x8@64
// (maxpool 2 + a 1x1 conv between stages) -> global average pool -> dense 1.
//
// Why this shape: every convolution is stride 1 and downsampling is max pooling, so the wasm backend's training
// kernels (wasm-kernels.ts: stride-1 convolutions, MaxPoolGrad) cover it. There is no batch norm (its running
// statistics would make training and inference differ and need state beside the weights); instead each residual
// branch is scaled by a learnt scalar that starts at 0 (SkipInit), so the untrained net is a plain stack of the
// stem, transitions and attention, and deep-net training stays stable without normalisation.
import * as tf from '@tensorflow/tfjs';
import { attentionUnits, RESNET_SMALL } from '../../../core/export/resnet-small';
import { convBias, firstLayerKernel } from './layers';
import { param, type ModelDef, type ModelInput, type ParamSpec, type Params } from './types';

// One description of the architecture (core/export/resnet-small.ts) for training and both exports.
const WIDTHS = RESNET_SMALL.widths;
const SPATIAL_K = RESNET_SMALL.spatialKernel;

function conv(name: string, k: number, cin: number, cout: number, init: 'he' | 'fan-in' = 'he'): ParamSpec[] {
  const fanIn = k * k * cin;
  return [
    { name: `${name}.w`, shape: [k, k, cin, cout], init, fanIn },
    { name: `${name}.b`, shape: [cout], init: 'zeros', fanIn },
  ];
}

function dense(name: string, cin: number, cout: number): ParamSpec[] {
  return [
    { name: `${name}.w`, shape: [cin, cout], init: 'fan-in', fanIn: cin },
    { name: `${name}.b`, shape: [cout], init: 'fan-in', fanIn: cin },
  ];
}

/** The bias of an attention gate's last layer starts at 2, so the gate starts at sigmoid(2) = 0.88. */
function openGate(specs: ParamSpec[]): ParamSpec[] {
  return specs.map((p) => (p.name.endsWith('.b') ? { ...p, init: 'const', value: 2 } : p));
}

export function resnetParams(input: ModelInput): ParamSpec[] {
  const specs: ParamSpec[] = [...conv('stem', 3, input.channels, WIDTHS[0]!)];
  WIDTHS.forEach((c, i) => {
    const s = `s${i + 1}`;
    if (i > 0) specs.push(...conv(`${s}.down`, 1, WIDTHS[i - 1]!, c));
    specs.push(...conv(`${s}.conv1`, 3, c, c), ...conv(`${s}.conv2`, 3, c, c));
    specs.push({ name: `${s}.gate`, shape: [1], init: 'zeros', fanIn: 1 });
    const r = attentionUnits(c);
    // The attention gates start mostly open (sigmoid(2) = 0.88): gates at 0.5 halve the signal at every stage
    // and the untrained net's logits barely move.
    specs.push(...dense(`${s}.ca1`, c, r), ...openGate(dense(`${s}.ca2`, r, c)));
    specs.push(...openGate(conv(`${s}.sa`, SPATIAL_K, 2, 1, 'fan-in')));
  });
  specs.push(...dense('fc', WIDTHS.at(-1)!, 1));
  return specs;
}

/** CBAM: channel attention (shared MLP over global average and max pools), then spatial attention. */
function cbam(p: Params, s: string, x: tf.Tensor4D): tf.Tensor4D {
  const [n, , , c] = x.shape;
  const mlp = (v: tf.Tensor2D) =>
    tf.fused.matMul({
      a: tf.fused.matMul({
        a: v,
        b: param(p, `${s}.ca1.w`),
        bias: param(p, `${s}.ca1.b`),
        activation: 'relu',
      }),
      b: param(p, `${s}.ca2.w`),
      bias: param(p, `${s}.ca2.b`),
    });
  const avg = tf.mean(x, [1, 2]) as tf.Tensor2D;
  const max = tf.max(x, [1, 2]) as tf.Tensor2D;
  const channel = tf.sigmoid(tf.add(mlp(avg), mlp(max))).reshape([n, 1, 1, c]);
  const xc = tf.mul(x, channel) as tf.Tensor4D;
  const pooled = tf.concat([tf.mean(xc, 3, true), tf.max(xc, 3, true)], 3) as tf.Tensor4D;
  const spatial = tf.sigmoid(convBias(pooled, param(p, `${s}.sa.w`), param(p, `${s}.sa.b`), 'same'));
  return tf.mul(xc, spatial) as tf.Tensor4D;
}

function stage(p: Params, s: string, x: tf.Tensor4D): tf.Tensor4D {
  const h1 = tf.relu(convBias(x, param(p, `${s}.conv1.w`), param(p, `${s}.conv1.b`), 'same'));
  const h2 = convBias(h1, param(p, `${s}.conv2.w`), param(p, `${s}.conv2.b`), 'same');
  const out = tf.relu(tf.add(x, tf.mul(h2, param(p, `${s}.gate`)))) as tf.Tensor4D;
  return cbam(p, s, out);
}

export const resnetSmall: ModelDef = {
  name: 'resnet-small',
  label: 'Small ResNet + CBAM',
  description:
    'stem conv 3x3@16, three residual stages (16, 32, 64 channels; maxpool between) each with CBAM channel + spatial attention, global average pool, dense 1',
  params: resnetParams,
  apply(p, x) {
    let h = tf.relu(convBias(x, firstLayerKernel(x, param(p, 'stem.w')), param(p, 'stem.b'), 'same'));
    WIDTHS.forEach((_, i) => {
      const s = `s${i + 1}`;
      if (i > 0) {
        h = tf.maxPool(h, 2, 2, 'valid');
        h = convBias(h, param(p, `${s}.down.w`), param(p, `${s}.down.b`), 'valid');
      }
      h = stage(p, s, h);
    });
    const pooled = tf.mean(h, [1, 2]) as tf.Tensor2D;
    return tf.fused.matMul({ a: pooled, b: param(p, 'fc.w'), bias: param(p, 'fc.b') }) as tf.Tensor2D;
  },
};
