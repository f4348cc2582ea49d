// LeNet5 as the research trained it (its winner, 98.38%): conv 6@5x5 -> maxpool 2 -> conv 16@5x5 -> maxpool 2
// -> flatten 400 -> dense 120 ReLU -> dense 84 ReLU -> dense 1, with no activation after the convolutions.
import * as tf from '@tensorflow/tfjs';
import { convBias, firstLayerKernel } from './layers';
import { param, type ModelDef, type ModelInput, type ParamSpec, type Params } from './types';

export function convOut(size: number): number {
  // two (valid 5x5 conv, 2x2 pool) stages: 32 -> 28 -> 14 -> 10 -> 5
  return Math.floor((Math.floor((size - 4) / 2) - 4) / 2);
}

export function lenetParams(input: ModelInput): ParamSpec[] {
  const side = convOut(input.size);
  const flat = side * side * 16;
  const c = input.channels;
  return [
    { name: 'conv1.w', shape: [5, 5, c, 6], init: 'fan-in', fanIn: 25 * c },
    { name: 'conv1.b', shape: [6], init: 'fan-in', fanIn: 25 * c },
    { name: 'conv2.w', shape: [5, 5, 6, 16], init: 'fan-in', fanIn: 150 },
    { name: 'conv2.b', shape: [16], init: 'fan-in', fanIn: 150 },
    { name: 'fc1.w', shape: [flat, 120], init: 'fan-in', fanIn: flat },
    { name: 'fc1.b', shape: [120], init: 'fan-in', fanIn: flat },
    { name: 'fc2.w', shape: [120, 84], init: 'fan-in', fanIn: 120 },
    { name: 'fc2.b', shape: [84], init: 'fan-in', fanIn: 120 },
    { name: 'fc3.w', shape: [84, 1], init: 'fan-in', fanIn: 84 },
    { name: 'fc3.b', shape: [1], init: 'fan-in', fanIn: 84 },
  ];
}

/** The dense head shared by both LeNet variants. */
export function lenetHead(p: Params, h: tf.Tensor4D): tf.Tensor2D {
  const flat = h.reshape([h.shape[0], -1]) as tf.Tensor2D;
  const f1 = tf.fused.matMul({
    a: flat,
    b: param<tf.Tensor2D>(p, 'fc1.w'),
    bias: param(p, 'fc1.b'),
    activation: 'relu',
  });
  const f2 = tf.fused.matMul({
    a: f1,
    b: param<tf.Tensor2D>(p, 'fc2.w'),
    bias: param(p, 'fc2.b'),
    activation: 'relu',
  });
  return tf.fused.matMul({
    a: f2,
    b: param<tf.Tensor2D>(p, 'fc3.w'),
    bias: param(p, 'fc3.b'),
  }) as tf.Tensor2D;
}

export const lenet5: ModelDef = {
  name: 'lenet5',
  label: 'LeNet5 (research winner)',
  description:
    'conv 6@5x5, maxpool, conv 16@5x5, maxpool, dense 120-84-1; no activation after the convolutions',
  params: lenetParams,
  apply(p, x) {
    const c1 = convBias(x, firstLayerKernel(x, param(p, 'conv1.w')), param(p, 'conv1.b'), 'valid');
    const p1 = tf.maxPool(c1, 2, 2, 'valid');
    const c2 = convBias(p1, param(p, 'conv2.w'), param(p, 'conv2.b'), 'valid');
    const p2 = tf.maxPool(c2, 2, 2, 'valid');
    return lenetHead(p, p2);
  },
};

export const lenet5Classic: ModelDef = {
  name: 'lenet5-classic',
  label: 'LeNet5 classic (tanh, average pooling)',
  description:
    'conv 6@5x5 + tanh, avgpool + sigmoid, conv 16@5x5 + tanh, avgpool + sigmoid, dense 120-84-1 (93.52% in the research)',
  params: lenetParams,
  apply(p, x) {
    const c1 = tf.tanh(convBias(x, firstLayerKernel(x, param(p, 'conv1.w')), param(p, 'conv1.b'), 'valid'));
    const p1 = tf.sigmoid(tf.avgPool(c1, 2, 2, 'valid'));
    const c2 = tf.tanh(convBias(p1, param(p, 'conv2.w'), param(p, 'conv2.b'), 'valid'));
    const p2 = tf.sigmoid(tf.avgPool(c2, 2, 2, 'valid'));
    return lenetHead(p, p2);
  },
};
