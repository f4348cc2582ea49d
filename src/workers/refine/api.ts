// Refine worker API (CPU work of label refinement, off the main thread): the 2D map of embeddings by UMAP
// (umap-js, seeded, with progress and cancel), the raw-pixel PCA baseline, spatter descriptors of every crop,
// kNN label propagation and the map's clusters with their descriptions. Importable without a Worker.
import * as Comlink from 'comlink';
import { describeCluster, kMeans } from '../../core/refine/clusters';
import { describeCrops } from '../../core/refine/descriptors';
import { knnPropagate, type Embeddings } from '../../core/refine/knn';
import { pca, pixelFeatures } from '../../core/refine/pca';
import { createRng } from '../../core/train/rng';
import { runTask, TaskRegistry, type TaskOptions } from '../task';

const tasks = new TaskRegistry();

export interface MapOptions {
  nNeighbors: number;
  minDist: number;
  seed: number;
  /** Reduce to this many dimensions by PCA before UMAP when the embedding is wider (0: never). */
  pcaFirst: number;
}

export const DEFAULT_MAP_OPTIONS: MapOptions = { nNeighbors: 15, minDist: 0.1, seed: 42, pcaFirst: 32 };

/** Scale a 2D layout into [0, 1] x [0, 1] (keeping its aspect), so the page draws it without knowing its range. */
export function normalizeLayout(xy: Float32Array): Float32Array {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < xy.length; i += 2) {
    minX = Math.min(minX, xy[i]!);
    maxX = Math.max(maxX, xy[i]!);
    minY = Math.min(minY, xy[i + 1]!);
    maxY = Math.max(maxY, xy[i + 1]!);
  }
  const span = Math.max(maxX - minX, maxY - minY) || 1;
  const ox = (span - (maxX - minX)) / 2;
  const oy = (span - (maxY - minY)) / 2;
  const out = new Float32Array(xy.length);
  for (let i = 0; i < xy.length; i += 2) {
    out[i] = (xy[i]! - minX + ox) / span;
    out[i + 1] = (xy[i + 1]! - minY + oy) / span;
  }
  return out;
}

export const api = {
  cancel(taskId: string): boolean {
    return tasks.cancel(taskId);
  },

  /** UMAP of N x dim vectors to 2D (normalized to [0, 1]); progress per optimisation epoch. */
  umap(e: Embeddings, o: MapOptions = DEFAULT_MAP_OPTIONS, opts?: TaskOptions): Promise<Float32Array> {
    return runTask(tasks, opts, async (ctx) => {
      const { UMAP } = await import('umap-js');
      const n = e.x.length / e.dim;
      if (n < 3) throw new Error(`A map needs at least 3 crops (got ${n})`);
      let data = e;
      if (o.pcaFirst > 0 && e.dim > o.pcaFirst && n > o.pcaFirst) {
        ctx.progress({ done: 0, message: `Reducing ${e.dim} dimensions to ${o.pcaFirst} (PCA)` });
        data = { x: pca(e.x, e.dim, o.pcaFirst, o.seed, 20).projected, dim: o.pcaFirst };
      }
      const rows: number[][] = [];
      for (let i = 0; i < n; i++) rows.push(Array.from(data.x.subarray(i * data.dim, (i + 1) * data.dim)));
      const rng = createRng(o.seed);
      const umap = new UMAP({
        nComponents: 2,
        nNeighbors: Math.max(2, Math.min(o.nNeighbors, n - 1)),
        minDist: o.minDist,
        random: () => rng.next(),
      });
      ctx.progress({ done: 0, message: `Finding the neighbours of ${n.toLocaleString('en')} crops` });
      await ctx.checkpoint();
      const epochs = umap.initializeFit(rows);
      for (let ep = 0; ep < epochs; ep++) {
        umap.step();
        if (ep % 10 === 0) {
          ctx.progress({ done: ep, total: epochs, unit: 'epochs', message: 'Laying out the map' });
          await ctx.checkpoint();
        }
      }
      const emb = umap.getEmbedding();
      const xy = new Float32Array(n * 2);
      emb.forEach((p, i) => {
        xy[2 * i] = p[0]!;
        xy[2 * i + 1] = p[1]!;
      });
      const out = normalizeLayout(xy);
      return Comlink.transfer(out, [out.buffer]);
    });
  },

  /** The baseline view: PCA of the raw pixels (2x downsampled) to 2D, normalized to [0, 1]. */
  async pixelPca(x: Uint8Array, side: number, seed = 1): Promise<Float32Array> {
    const f = pixelFeatures(x, side, 2);
    const out = normalizeLayout(pca(f.x, f.dim, 2, seed, 40).projected);
    return Comlink.transfer(out, [out.buffer]);
  },

  /** Spatter descriptors of every crop (N x DESCRIPTOR_COUNT). */
  descriptors(x: Uint8Array, side: number, opts?: TaskOptions): Promise<Float32Array> {
    return runTask(tasks, opts, async (ctx) => {
      const n = x.length / (side * side);
      const out = describeCrops(x, side, undefined, (done) =>
        ctx.progress({ done, total: n, unit: 'crops', message: 'Measuring spatter descriptors' }),
      );
      return Comlink.transfer(out, [out.buffer]);
    });
  },

  /**
   * kNN label propagation on the embeddings: P(class 1) of each unlabelled crop by its labelled neighbours
   * (labelled crops get 0.5: the second opinion is asked for the crops that need a label).
   */
  async knn(e: Embeddings, labels: Int8Array, k: number): Promise<Float32Array> {
    const queries: number[] = [];
    for (let i = 0; i < labels.length; i++) if (labels[i]! < 0) queries.push(i);
    const m = knnPropagate(e, labels, 2, k, queries);
    const p1 = new Float32Array(labels.length);
    for (let i = 0; i < labels.length; i++) p1[i] = m.p[2 * i + 1]!;
    return Comlink.transfer(p1, [p1.buffer]);
  },

  /** Clusters of the 2D map and a description of each in spatter terms. */
  async clusters(
    xy: Float32Array,
    descriptors: Float32Array | null,
    k: number,
    seed = 1,
  ): Promise<{
    cluster: Uint16Array;
    descriptions: { text: string; size: number; cx: number; cy: number }[];
  }> {
    const { cluster, centres } = kMeans(xy, 2, k, seed);
    const members: number[][] = Array.from({ length: centres.length / 2 }, () => []);
    cluster.forEach((c, i) => members[c]!.push(i));
    const descriptions = members.map((m, c) => ({
      text: descriptors && m.length ? describeCluster(descriptors, m).text : '',
      size: m.length,
      cx: centres[2 * c]!,
      cy: centres[2 * c + 1]!,
    }));
    return Comlink.transfer({ cluster, descriptions }, [cluster.buffer]);
  },
};

export type RefineApi = typeof api;
