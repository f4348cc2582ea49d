// resnet-small as a TF.js layers model (functional, standard Keras layers only, so any TF.js or Keras reader
// loads it): the training registry's forward pass with each stage's residual gate folded into its conv2.
// Channel mean/max for the spatial attention are Reshape [h*w, c] -> Permute -> Global{Average,Max}Pooling1D.
import * as tf from '@tensorflow/tfjs';
import {
  checkResnetWeights,
  foldedConv2,
  RESNET_SMALL,
  resnetSmallShapes,
} from '../../core/export/resnet-small';
import type { ModelInputSpec, WeightMap } from '../../core/export/sequential';

type Sym = tf.SymbolicTensor;

export function buildResnetLayersModel(input: ModelInputSpec, weights: WeightMap): tf.LayersModel {
  checkResnetWeights(input, weights);
  const shapes = new Map(resnetSmallShapes(input).map((s) => [s.name, s.shape]));
  const pending: { layer: tf.layers.Layer; w: Float32Array; b: Float32Array; name: string }[] = [];
  const apply = (layer: tf.layers.Layer, x: Sym | Sym[]) => layer.apply(x) as Sym;

  const conv = (
    x: Sym,
    name: string,
    padding: 'same' | 'valid',
    activation: 'relu' | 'sigmoid' | 'linear',
    w = weights[`${name}.w`]!,
    b = weights[`${name}.b`]!,
  ) => {
    const [k, , , filters] = shapes.get(`${name}.w`)!;
    const layer = tf.layers.conv2d({ name, filters: filters!, kernelSize: k!, padding, activation });
    pending.push({ layer, w, b, name: `${name}.w` });
    return apply(layer, x);
  };
  const dense = (name: string, activation: 'relu' | 'linear') => {
    const units = shapes.get(`${name}.w`)![1]!;
    const layer = tf.layers.dense({ name, units, activation });
    pending.push({ layer, w: weights[`${name}.w`]!, b: weights[`${name}.b`]!, name: `${name}.w` });
    return layer;
  };

  const inp = tf.input({ shape: [input.size, input.size, input.channels], name: 'input' });
  let h = conv(inp, 'stem', 'same', 'relu');
  let side = input.size;
  RESNET_SMALL.widths.forEach((c, i) => {
    const s = `s${i + 1}`;
    if (i > 0) {
      h = apply(tf.layers.maxPooling2d({ poolSize: 2, strides: 2, padding: 'valid' }), h);
      side /= 2;
      h = conv(h, `${s}.down`, 'valid', 'linear');
    }
    const h1 = conv(h, `${s}.conv1`, 'same', 'relu');
    const f = foldedConv2(weights, s);
    const h2 = conv(h1, `${s}.conv2`, 'same', 'linear', f.w, f.b);
    const out = apply(tf.layers.activation({ activation: 'relu' }), apply(tf.layers.add(), [h, h2]));
    // channel attention: one MLP shared by the average- and max-pooled channels
    const ca1 = dense(`${s}.ca1`, 'relu');
    const ca2 = dense(`${s}.ca2`, 'linear');
    const mlp = (v: Sym) => apply(ca2, apply(ca1, v));
    const avg = mlp(apply(tf.layers.globalAveragePooling2d({}), out));
    const max = mlp(apply(tf.layers.globalMaxPooling2d({}), out));
    const weight = apply(
      tf.layers.reshape({ targetShape: [1, 1, c] }),
      apply(tf.layers.activation({ activation: 'sigmoid' }), apply(tf.layers.add(), [avg, max])),
    );
    const xc = apply(tf.layers.multiply(), [out, weight]);
    // spatial attention over [mean, max] of the channels
    const byChannel = apply(
      tf.layers.permute({ dims: [2, 1] }),
      apply(tf.layers.reshape({ targetShape: [side * side, c] }), xc),
    );
    const toMap = (v: Sym) => apply(tf.layers.reshape({ targetShape: [side, side, 1] }), v);
    const mean = toMap(apply(tf.layers.globalAveragePooling1d({}), byChannel));
    const cmax = toMap(apply(tf.layers.globalMaxPooling1d({}), byChannel));
    const both = apply(tf.layers.concatenate({ axis: -1 }), [mean, cmax]);
    h = apply(tf.layers.multiply(), [xc, conv(both, `${s}.sa`, 'same', 'sigmoid')]);
  });
  const pooled = apply(tf.layers.globalAveragePooling2d({}), h);
  const logit = apply(dense('fc', 'linear'), pooled);
  const model = tf.model({ inputs: inp, outputs: logit, name: 'resnet-small' });
  for (const p of pending) {
    const k = tf.tensor(p.w, shapes.get(p.name)!);
    const b = tf.tensor(p.b, [p.b.length]);
    p.layer.setWeights([k, b]);
    k.dispose();
    b.dispose();
  }
  return model;
}
