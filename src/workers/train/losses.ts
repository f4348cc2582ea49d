// Training losses on logits: BCE with logits (the research default) and focal loss for imbalanced sets.
import * as tf from '@tensorflow/tfjs';

/** Mean binary cross-entropy on logits z for targets y in {0,1}, in the stable form max(z,0) - z*y + log(1+e^-|z|). */
export function bceWithLogits(z: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const perItem = tf
      .relu(z)
      .sub(z.mul(y))
      .add(tf.log1p(tf.exp(tf.neg(tf.abs(z)))));
    return perItem.mean() as tf.Scalar;
  });
}

/**
 * Mean focal loss (Lin et al. 2017): alpha_t (1 - p_t)^gamma * BCE. `alpha` weighs class 1 (from the class
 * frequencies: the share of class 0), class 0 gets 1 - alpha.
 */
export function focalWithLogits(z: tf.Tensor2D, y: tf.Tensor2D, alpha: number, gamma = 2): tf.Scalar {
  return tf.tidy(() => {
    const bce = tf
      .relu(z)
      .sub(z.mul(y))
      .add(tf.log1p(tf.exp(tf.neg(tf.abs(z)))));
    const p = tf.sigmoid(z);
    // p_t = p for y=1, 1-p for y=0
    const pt = p.mul(y).add(tf.scalar(1).sub(p).mul(tf.scalar(1).sub(y)));
    const at = y.mul(alpha).add(
      tf
        .scalar(1)
        .sub(y)
        .mul(1 - alpha),
    );
    const mod = tf.pow(tf.scalar(1).sub(pt), gamma);
    return at.mul(mod).mul(bce).mean() as tf.Scalar;
  });
}

export type LossName = 'bce' | 'focal';

export function lossFn(name: LossName, focalAlpha = 0.5): (z: tf.Tensor2D, y: tf.Tensor2D) => tf.Scalar {
  return name === 'focal' ? (z, y) => focalWithLogits(z, y, focalAlpha) : bceWithLogits;
}
