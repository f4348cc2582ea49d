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

/**
 * The first layer's kernel for the batch at hand. The research feeds grey images replicated to 3 channels;
 * a convolution over c identical channels equals one over a single channel with the kernel summed over its
 * input channels, with the same gradient for every channel. So grey batches stay 1-channel ([N,H,W,1]) and
 * the 3-channel kernel is folded here: the same model and numbers at a third of the first layer's cost.
 */
export function firstLayerKernel(x: tf.Tensor4D, w: tf.Tensor): tf.Tensor {
  const inChannels = w.shape[2]!;
  if (x.shape[3] === inChannels) return w;
  if (x.shape[3] === 1) return w.sum(2, true);
  throw new Error(
    `The batch has ${x.shape[3]} channels but the model expects ${inChannels} (or 1 for grey replicated)`,
  );
}
