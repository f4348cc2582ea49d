// The refine worker's API imported directly: UMAP (umap-js) separates two groups of embeddings, PCA lays out raw
// pixels, clusters are described, kNN propagates labels.
import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/train/rng';
import { api } from './api';

function twoGroups(n: number, dim: number): Float32Array {
  const rng = createRng(2);
  const x = new Float32Array(n * dim);
  for (let i = 0; i < n; i++)
    for (let d = 0; d < dim; d++) x[i * dim + d] = (i < n / 2 ? 0 : 5) + rng.uniform(-0.5, 0.5);
  return x;
}

describe('refine worker API', () => {
  it('maps two groups of embeddings apart with UMAP, reporting progress', async () => {
    const n = 60;
    const x = twoGroups(n, 8);
    const seen: number[] = [];
    const xy = await api.umap(
      { x, dim: 8 },
      { nNeighbors: 8, minDist: 0.1, seed: 1, pcaFirst: 0 },
      {
        onProgress: (p) => seen.push(p.done),
      },
    );
    expect(xy.length).toBe(2 * n);
    expect(Math.min(...xy)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xy)).toBeLessThanOrEqual(1);
    const mean = (from: number, to: number, c: number) => {
      let s = 0;
      for (let i = from; i < to; i++) s += xy[2 * i + c]!;
      return s / (to - from);
    };
    const gap = Math.hypot(mean(0, 30, 0) - mean(30, 60, 0), mean(0, 30, 1) - mean(30, 60, 1));
    expect(gap).toBeGreaterThan(0.3);
    expect(seen.length).toBeGreaterThan(3);
    const { cluster } = await api.clusters(xy, null, 2);
    expect(new Set(Array.from(cluster.subarray(0, 30))).size).toBe(1);
    expect(cluster[0]).not.toBe(cluster[59]);
    const labels = Int8Array.from({ length: n }, (_, i) => (i < 30 ? 0 : 1));
    labels[0] = -1;
    labels[59] = -1;
    const p1 = await api.knn({ x, dim: 8 }, labels, 5);
    expect(p1[0]).toBe(0);
    expect(p1[59]).toBe(1);
    expect(p1[10]).toBe(0.5);
  }, 60_000);

  it('lays out raw pixels by PCA and measures descriptors', async () => {
    const side = 8;
    const x = new Uint8Array(10 * side * side);
    for (let i = 0; i < 10; i++) for (let p = 0; p < side * side; p++) x[i * 64 + p] = i < 5 ? 10 : 200;
    const xy = await api.pixelPca(x, side);
    expect(xy.length).toBe(20);
    expect(Math.abs(xy[0]! - xy[18]!)).toBeGreaterThan(0.5);
    const d = await api.descriptors(x, side);
    expect(d[5 * 9]).toBe(64);
  });
});
