// Losses for image heads on logits: sigmoid heads (binary, multi-label) with BCE or focal loss, softmax heads
// (multi-class) with (weighted) cross-entropy or focal loss. `alpha` is focal loss's alpha per class, or for BCE /
// cross-entropy the class weights (see core/images/task: focalAlpha, lossClassWeights).
import * as tf from '@tensorflow/tfjs';
import type { ImageLoss } from '../../core/images/experiment';
import type { TaskKind } from '../../core/images/task';

/** Elementwise BCE on logits, stable form max(z,0) - z y + log(1 + e^-|z|). */
function bceTerms(z: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return tf.add(tf.sub(tf.relu(z), tf.mul(z, y)), tf.log1p(tf.exp(tf.neg(tf.abs(z)))));
}

export function imageLoss(
  task: TaskKind,
  loss: ImageLoss,
  alpha: number[] | null,
  gamma: number,
): (z: tf.Tensor2D, y: tf.Tensor2D) => tf.Scalar {
  if (task === 'multi-class') {
    return (z, y) =>
      tf.tidy(() => {
        const logp = tf.logSoftmax(z);
        let per = tf.neg(tf.mul(y, logp)); // [N, K], non-zero at the true class only
        if (loss === 'focal') per = tf.mul(per, tf.pow(tf.sub(1, tf.exp(logp)), gamma));
        // focal: alpha per class; cross-entropy: class weights (the weight of the true class)
        if (alpha) per = tf.mul(per, tf.tensor1d(alpha));
        return tf.mean(tf.sum(per, 1)) as tf.Scalar;
      });
  }
  return (z, y) =>
    tf.tidy(() => {
      let per = bceTerms(z, y);
      if (loss === 'focal') {
        const p = tf.sigmoid(z);
        const pt = tf.add(tf.mul(p, y), tf.mul(tf.sub(1, p), tf.sub(1, y)));
        per = tf.mul(per, tf.pow(tf.sub(1, pt), gamma));
        if (alpha) {
          const a = tf.tensor1d(alpha);
          per = tf.mul(per, tf.add(tf.mul(y, a), tf.mul(tf.sub(1, y), tf.sub(1, a))));
        }
      } else if (alpha) {
        // BCE with pos_weight: the positives of class c weigh alpha[c]
        per = tf.mul(per, tf.add(tf.mul(y, tf.sub(tf.tensor1d(alpha), 1)), 1));
      }
      return tf.mean(per) as tf.Scalar;
    });
}

/** Probabilities from logits: softmax for multi-class, sigmoid otherwise. */
export function probabilities(task: TaskKind, z: tf.Tensor2D): tf.Tensor2D {
  return task === 'multi-class' ? tf.softmax(z) : tf.sigmoid(z);
}
