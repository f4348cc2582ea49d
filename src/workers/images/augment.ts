// Augmentations on the tfjs backend for a batch [B, H, W, C] in [0, 1]: per image, each enabled kind is drawn
// with its probability from the run's seeded stream, so a run's augmentations are reproducible.
import * as tf from '@tensorflow/tfjs';
import type { AugmentConfig } from '../../core/images/augment';
import type { Rng } from '../../core/train/rng';

function gaussianKernel(sigma: number, channels: number): tf.Tensor4D {
  const r = Math.max(1, Math.ceil(2 * sigma));
  const taps: number[] = [];
  for (let i = -r; i <= r; i++) taps.push(Math.exp(-(i * i) / (2 * sigma * sigma)));
  const s = taps.reduce((a, b) => a + b, 0);
  const k = 2 * r + 1;
  const w = new Float32Array(k * k * channels);
  for (let y = 0; y < k; y++)
    for (let x = 0; x < k; x++)
      for (let c = 0; c < channels; c++) w[(y * k + x) * channels + c] = (taps[y]! * taps[x]!) / (s * s);
  return tf.tensor4d(w, [k, k, channels, 1]);
}

/** Per-image 0/1 mask [B,1,1,1] drawn with probability p. */
function draw(b: number, p: number, rng: Rng): number[] {
  return Array.from({ length: b }, () => (rng.next() < p ? 1 : 0));
}

export function augmentBatch(x: tf.Tensor4D, a: AugmentConfig, rng: Rng): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, , , c] = x.shape;
    let out: tf.Tensor4D = x;
    const pick = (mask: number[], yes: tf.Tensor4D) =>
      tf.where(
        tf
          .tensor4d(mask, [b, 1, 1, 1])
          .cast('bool')
          .tile([1, ...out.shape.slice(1)]),
        yes,
        out,
      ) as tf.Tensor4D;
    if (a.hflip.enabled) {
      const m = draw(b, a.hflip.p, rng);
      if (m.some(Boolean)) out = pick(m, tf.reverse(out, 2));
    }
    if (a.vflip.enabled) {
      const m = draw(b, a.vflip.p, rng);
      if (m.some(Boolean)) out = pick(m, tf.reverse(out, 1));
    }
    if (a.rotation.enabled && a.rotation.strength > 0) {
      const m = draw(b, a.rotation.p, rng);
      const angles = m.map((on) => (on ? ((rng.next() * 2 - 1) * a.rotation.strength * Math.PI) / 180 : 0));
      if (m.some(Boolean)) {
        const parts = tf
          .split(out, b, 0)
          .map((img, i) =>
            angles[i] ? (tf.image.rotateWithOffset(img as tf.Tensor4D, angles[i]!, 0) as tf.Tensor4D) : img,
          );
        out = tf.concat(parts, 0) as tf.Tensor4D;
      }
    }
    const perImage = (setting: AugmentConfig['brightness'], f: () => number, neutral: number) => {
      const m = draw(b, setting.p, rng);
      return m.map((on) => (on ? f() : neutral));
    };
    if (a.brightness.enabled) {
      const s = a.brightness.strength;
      const shift = perImage(a.brightness, () => (rng.next() * 2 - 1) * s, 0);
      out = tf.add(out, tf.tensor4d(shift, [b, 1, 1, 1]));
    }
    if (a.contrast.enabled) {
      const s = a.contrast.strength;
      const f = perImage(a.contrast, () => 1 + (rng.next() * 2 - 1) * s, 1);
      const mean = tf.mean(out, [1, 2, 3], true);
      out = tf.add(tf.mul(tf.sub(out, mean), tf.tensor4d(f, [b, 1, 1, 1])), mean);
    }
    if (a.colour.enabled) {
      const s = a.colour.strength;
      const m = draw(b, a.colour.p, rng);
      const gains: number[] = [];
      for (let i = 0; i < b; i++)
        for (let k = 0; k < c; k++) gains.push(m[i] ? 1 + (rng.next() * 2 - 1) * s : 1);
      out = tf.mul(out, tf.tensor4d(gains, [b, 1, 1, c]));
    }
    if (a.blur.enabled && a.blur.strength > 0) {
      const m = draw(b, a.blur.p, rng);
      if (m.some(Boolean))
        out = pick(m, tf.depthwiseConv2d(out, gaussianKernel(a.blur.strength, c), 1, 'same'));
    }
    return tf.clipByValue(out, 0, 1);
  });
}
