// The input pipeline of the research, on the compute backend: grey crops from the decode cache (side x side,
// uint8) -> [0,1] -> random rotation (+-rotation degrees, nearest, black fill, like torchvision's
// RandomRotation) with optional flips folded into the same per-image transform -> centre crop to the model
// input -> optional brightness/contrast. Batches stay 1-channel: the model folds the grey replication.
import * as tf from '@tensorflow/tfjs';
import type { SplitArrays } from '../../core/data/training-arrays';
import { createRng, deriveSeed, permutation, type Rng } from '../../core/train/rng';

export interface AugmentOptions {
  /** Degrees: each image turns by a uniform angle in [-rotation, rotation]. */
  rotation: number;
  flips: boolean;
  /** Brightness shift range (fraction of full scale), 0 = off. */
  brightness: number;
  /** Contrast factor range (1 +- contrast), 0 = off. */
  contrast: number;
}

export const NO_AUGMENT: AugmentOptions = { rotation: 0, flips: false, brightness: 0, contrast: 0 };

export interface HostBatch {
  /** n * side * side pixels scaled to [0,1]. */
  x: Float32Array;
  y: Float32Array;
  n: number;
  /** Per-image projective transforms (8 numbers each) for tf.image.transform, or null when not rotating. */
  transforms: Float32Array | null;
  /** Per-image contrast and brightness, or null. */
  tone: { contrast: Float32Array; brightness: Float32Array } | null;
}

/** Batches of one split in a seeded order (a fresh order per epoch, reproducible from seed and epoch). */
export class BatchSource {
  private order: Uint32Array;
  private rng: Rng;

  constructor(
    readonly split: SplitArrays,
    readonly side: number,
    readonly batchSize: number,
    readonly augment: AugmentOptions,
    private readonly seed: number,
    readonly shuffle: boolean,
  ) {
    this.order = permutation(0, createRng(0));
    this.rng = createRng(seed);
    this.startEpoch(0);
  }

  get count(): number {
    return this.split.y.length;
  }

  get batches(): number {
    return Math.ceil(this.count / this.batchSize);
  }

  startEpoch(epoch: number): void {
    const n = this.count;
    if (this.shuffle) {
      this.order = permutation(n, createRng(deriveSeed(this.seed, `order-${epoch}`)));
    } else {
      this.order = new Uint32Array(n);
      for (let i = 0; i < n; i++) this.order[i] = i;
    }
    this.rng = createRng(deriveSeed(this.seed, `augment-${epoch}`));
  }

  /** Gather batch `b` of the current epoch on the host (cheap; overlaps with the backend's work). */
  gather(b: number): HostBatch {
    const s = this.side;
    const px = s * s;
    const start = b * this.batchSize;
    const n = Math.min(this.batchSize, this.count - start);
    const x = new Float32Array(n * px);
    const y = new Float32Array(n);
    const src = this.split.x;
    for (let i = 0; i < n; i++) {
      const k = this.order[start + i]!;
      y[i] = this.split.y[k]!;
      const off = k * px;
      const dst = i * px;
      for (let p = 0; p < px; p++) x[dst + p] = src[off + p]! / 255;
    }
    const a = this.augment;
    let transforms: Float32Array | null = null;
    if (a.rotation > 0 || a.flips) {
      transforms = new Float32Array(n * 8);
      const c = (s - 1) / 2;
      for (let i = 0; i < n; i++) {
        const deg = a.rotation > 0 ? this.rng.uniform(-a.rotation, a.rotation) : 0;
        const fx = a.flips && this.rng.next() < 0.5 ? -1 : 1;
        const fy = a.flips && this.rng.next() < 0.5 ? -1 : 1;
        const t = (deg * Math.PI) / 180;
        const cos = Math.cos(t);
        const sin = Math.sin(t);
        // output pixel (x, y) reads input (a0 x + a1 y + a2, b0 x + b1 y + b2): rotation about the centre, then flips
        transforms.set(
          [
            fx * cos,
            fx * sin,
            c - fx * (cos * c + sin * c),
            -fy * sin,
            fy * cos,
            c - fy * (-sin * c + cos * c),
            0,
            0,
          ],
          i * 8,
        );
      }
    }
    let tone: HostBatch['tone'] = null;
    if (a.brightness > 0 || a.contrast > 0) {
      const contrast = new Float32Array(n);
      const brightness = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        contrast[i] = 1 + (a.contrast > 0 ? this.rng.uniform(-a.contrast, a.contrast) : 0);
        brightness[i] = a.brightness > 0 ? this.rng.uniform(-a.brightness, a.brightness) : 0;
      }
      tone = { contrast, brightness };
    }
    return { x, y, n, transforms, tone };
  }
}

/** Upload a host batch and augment it on the backend: [n, size, size, 1] images and [n, 1] labels. */
export function toTensors(h: HostBatch, side: number, size: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    let img = tf.tensor4d(h.x, [h.n, side, side, 1]);
    if (h.transforms) {
      img = tf.image.transform(img, tf.tensor2d(h.transforms, [h.n, 8]), 'nearest', 'constant', 0);
    }
    if (size !== side) {
      const off = Math.round((side - size) / 2);
      img = tf.slice(img, [0, off, off, 0], [h.n, size, size, 1]);
    }
    if (h.tone) {
      const c = tf.tensor4d(h.tone.contrast, [h.n, 1, 1, 1]);
      const b = tf.tensor4d(h.tone.brightness, [h.n, 1, 1, 1]);
      img = tf.clipByValue(img.mul(c).add(b), 0, 1) as tf.Tensor4D;
    }
    return { x: img, y: tf.tensor2d(h.y, [h.n, 1]) };
  });
}
