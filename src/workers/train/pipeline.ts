// The input pipeline of the research: grey crops from the decode cache (side x side, uint8) -> random
// rotation (+-rotation degrees, nearest neighbour, black fill, like torchvision's RandomRotation) with optional
// flips -> centre crop to the model input -> [0,1] -> optional brightness/contrast. Batches stay 1-channel: the
// model folds the grey replication. Rotation, crop and scaling are one pass on the host, computing only the
// cropped pixels, while the backend runs the previous step (tfjs' own image.transform returns blank images for
// all but the first of a batch on the cpu backend, and a host pass gives the same pixels on every backend).
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
  /** n * size * size pixels in [0,1], augmented and cropped. */
  x: Float32Array;
  y: Float32Array;
  n: number;
  size: number;
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

  /** Gather, augment and crop batch `b` of the current epoch on the host to `size` x `size`. */
  gather(b: number, size: number): HostBatch {
    const s = this.side;
    const px = s * s;
    const start = b * this.batchSize;
    const n = Math.max(0, Math.min(this.batchSize, this.count - start));
    const out = size * size;
    const x = new Float32Array(n * out);
    const y = new Float32Array(n);
    const src = this.split.x;
    const a = this.augment;
    const off = Math.round((s - size) / 2);
    const c = (s - 1) / 2;
    const inv = 1 / 255;
    for (let i = 0; i < n; i++) {
      const k = this.order[start + i]!;
      y[i] = this.split.y[k]!;
      const base = k * px;
      const dst = i * out;
      const deg = a.rotation > 0 ? this.rng.uniform(-a.rotation, a.rotation) : 0;
      const fx = a.flips && this.rng.next() < 0.5 ? -1 : 1;
      const fy = a.flips && this.rng.next() < 0.5 ? -1 : 1;
      const gain = a.contrast > 0 ? 1 + this.rng.uniform(-a.contrast, a.contrast) : 1;
      const shift = a.brightness > 0 ? this.rng.uniform(-a.brightness, a.brightness) : 0;
      const tone = gain !== 1 || shift !== 0;
      if (deg === 0 && fx === 1 && fy === 1) {
        for (let r = 0; r < size; r++) {
          const row = base + (r + off) * s + off;
          for (let q = 0; q < size; q++) x[dst + r * size + q] = src[row + q]! * inv;
        }
      } else {
        // output pixel (u, v) of the full image reads the source at the inverse rotation about the centre
        const t = (deg * Math.PI) / 180;
        const cos = Math.cos(t);
        const sin = Math.sin(t);
        for (let r = 0; r < size; r++) {
          const v = (r + off - c) * fy;
          for (let q = 0; q < size; q++) {
            const u = (q + off - c) * fx;
            const xs = Math.round(cos * u + sin * v + c);
            const ys = Math.round(-sin * u + cos * v + c);
            x[dst + r * size + q] =
              xs >= 0 && xs < s && ys >= 0 && ys < s ? src[base + ys * s + xs]! * inv : 0;
          }
        }
      }
      if (tone) {
        for (let p = dst; p < dst + out; p++) x[p] = Math.min(1, Math.max(0, x[p]! * gain + shift));
      }
    }
    return { x, y, n, size };
  }
}

/** Upload a host batch: [n, size, size, 1] images and [n, 1] labels. */
export function toTensors(h: HostBatch): { x: tf.Tensor4D; y: tf.Tensor2D } {
  return { x: tf.tensor4d(h.x, [h.n, h.size, h.size, 1]), y: tf.tensor2d(h.y, [h.n, 1]) };
}
