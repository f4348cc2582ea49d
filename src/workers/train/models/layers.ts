// Building blocks shared by the models, written so their gradients stay cheap on every backend.
import * as tf from '@tensorflow/tfjs';

/**
 * conv2d (stride 1) + bias as two plain ops rather than tf.fused.conv2d: the fused op's gradient always
 * computes the input gradient, which the first layer does not need (a third of a wasm training step);
 * plain ops let the tape skip it.
 */
export function convBias(x: tf.Tensor4D, w: tf.Tensor, b: tf.Tensor, pad: 'valid' | 'same'): tf.Tensor4D {
  return tf.add(tf.conv2d(x, w as tf.Tensor4D, 1, pad), b);
}
