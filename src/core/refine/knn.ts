// kNN label propagation on embeddings: each crop's class distribution from the labels of its k nearest labelled
// neighbours (cosine similarity, weighted), a second opinion next to the model's probabilities.
import type { ProbMatrix } from './confident-learning';

export interface Embeddings {
  /** N x dim, row-major. */
  x: Float32Array;
  dim: number;
}

/** Rows scaled to unit length (zero rows stay zero). */
export function normalizeRows(e: Embeddings): Float32Array {
  const out = new Float32Array(e.x.length);
  const n = e.x.length / e.dim;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let d = 0; d < e.dim; d++) s += e.x[i * e.dim + d]! ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let d = 0; d < e.dim; d++) out[i * e.dim + d] = e.x[i * e.dim + d]! * inv;
  }
  return out;
}

/**
 * For every query row, the similarity-weighted label vote of its k nearest labelled rows (a row is never its own
 * neighbour). Rows with no labelled neighbour get a uniform distribution. Brute force: N x L x dim.
 */
export function knnPropagate(
  e: Embeddings,
  labels: ArrayLike<number>,
  classes: number,
  k: number,
  queries?: ArrayLike<number>,
): ProbMatrix {
  const n = e.x.length / e.dim;
  const unit = normalizeRows(e);
  const labelled: number[] = [];
  for (let i = 0; i < n; i++) if (labels[i]! >= 0 && labels[i]! < classes) labelled.push(i);
  const q = queries ?? Array.from({ length: n }, (_, i) => i);
  const p = new Float32Array(n * classes).fill(1 / classes);
  const sims = new Float32Array(labelled.length);
  const idx = new Uint32Array(labelled.length);
  for (let c = 0; c < q.length; c++) {
    const i = q[c]!;
    let m = 0;
    for (const j of labelled) {
      if (j === i) continue;
      let s = 0;
      for (let d = 0; d < e.dim; d++) s += unit[i * e.dim + d]! * unit[j * e.dim + d]!;
      sims[m] = s;
      idx[m] = j;
      m++;
    }
    if (m === 0) continue;
    const order = Array.from({ length: m }, (_, t) => t).sort(
      (a, b) => sims[b]! - sims[a]! || idx[a]! - idx[b]!,
    );
    const votes = new Float64Array(classes);
    let total = 0;
    for (const t of order.slice(0, k)) {
      const w = Math.max(1e-6, (sims[t]! + 1) / 2);
      votes[labels[idx[t]!]!]! += w;
      total += w;
    }
    for (let j = 0; j < classes; j++) p[i * classes + j] = votes[j]! / total;
  }
  return { p, k: classes };
}
