// PCA of raw crop pixels (the baseline map next to a model's embeddings): centred data, top components by power
// iteration with deflation (no covariance matrix: X^T (X v) per step), seeded start vectors.
import { createRng } from '../train/rng';

export interface PcaResult {
  /** N x components projections, row-major. */
  projected: Float32Array;
  components: number;
  /** Variance along each component. */
  variance: number[];
}

/** Grey side x side crops (uint8), downsampled by `factor` (box average), as N x dim floats in [0, 1]. */
export function pixelFeatures(x: Uint8Array, side: number, factor = 2): { x: Float32Array; dim: number } {
  const n = x.length / (side * side);
  const s = Math.floor(side / factor);
  const dim = s * s;
  const out = new Float32Array(n * dim);
  const inv = 1 / (factor * factor * 255);
  for (let i = 0; i < n; i++) {
    const base = i * side * side;
    for (let r = 0; r < s; r++) {
      for (let c = 0; c < s; c++) {
        let sum = 0;
        for (let a = 0; a < factor; a++)
          for (let b = 0; b < factor; b++) sum += x[base + (r * factor + a) * side + c * factor + b]!;
        out[i * dim + r * s + c] = sum * inv;
      }
    }
  }
  return { x: out, dim };
}

export function pca(
  data: Float32Array,
  dim: number,
  components: number,
  seed = 1,
  iterations = 60,
): PcaResult {
  const n = data.length / dim;
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) mean[d]! += data[i * dim + d]!;
  for (let d = 0; d < dim; d++) mean[d]! /= Math.max(1, n);
  const xc = new Float32Array(data.length);
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) xc[i * dim + d] = data[i * dim + d]! - mean[d]!;
  const rng = createRng(seed);
  const vecs: Float64Array[] = [];
  const variance: number[] = [];
  const xv = new Float64Array(n);
  for (let c = 0; c < components; c++) {
    let v = new Float64Array(dim);
    for (let d = 0; d < dim; d++) v[d] = rng.next() - 0.5;
    let lambda = 0;
    for (let it = 0; it < iterations; it++) {
      // Deflate: keep v orthogonal to the components found so far.
      for (const u of vecs) {
        let dot = 0;
        for (let d = 0; d < dim; d++) dot += u[d]! * v[d]!;
        for (let d = 0; d < dim; d++) v[d]! -= dot * u[d]!;
      }
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let d = 0; d < dim; d++) s += xc[i * dim + d]! * v[d]!;
        xv[i] = s;
      }
      const w = new Float64Array(dim);
      for (let i = 0; i < n; i++) {
        const s = xv[i]!;
        if (s === 0) continue;
        for (let d = 0; d < dim; d++) w[d]! += xc[i * dim + d]! * s;
      }
      let norm = 0;
      for (let d = 0; d < dim; d++) norm += w[d]! ** 2;
      norm = Math.sqrt(norm);
      if (norm === 0) break;
      lambda = norm / Math.max(1, n - 1);
      for (let d = 0; d < dim; d++) w[d]! /= norm;
      v = w;
    }
    vecs.push(v);
    variance.push(lambda);
  }
  const projected = new Float32Array(n * components);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < components; c++) {
      let s = 0;
      const u = vecs[c]!;
      for (let d = 0; d < dim; d++) s += xc[i * dim + d]! * u[d]!;
      projected[i * components + c] = s;
    }
  }
  return { projected, components, variance };
}
