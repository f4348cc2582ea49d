// Clusters of the 2D map (seeded k-means++ on the map coordinates) and a description of each cluster in spatter
// terms ("long streaks swept right, dim"): each descriptor's cluster median placed among all crops' values.
import { createRng } from '../train/rng';
import { DESCRIPTOR_COUNT, DESCRIPTOR_NAMES, type DescriptorName } from './descriptors';

/** k-means++ on N x dim points; returns the cluster of each point (0..k-1) and the centres. */
export function kMeans(
  pts: Float32Array,
  dim: number,
  k: number,
  seed = 1,
  iterations = 30,
): { cluster: Uint16Array; centres: Float64Array } {
  const n = pts.length / dim;
  const kk = Math.max(1, Math.min(k, n));
  const rng = createRng(seed);
  const centres = new Float64Array(kk * dim);
  const d2 = new Float64Array(n).fill(Infinity);
  const dist = (i: number, c: number) => {
    let s = 0;
    for (let d = 0; d < dim; d++) s += (pts[i * dim + d]! - centres[c * dim + d]!) ** 2;
    return s;
  };
  if (n === 0) return { cluster: new Uint16Array(0), centres };
  let first = rng.int(n);
  for (let c = 0; c < kk; c++) {
    for (let d = 0; d < dim; d++) centres[c * dim + d] = pts[first * dim + d]!;
    let total = 0;
    for (let i = 0; i < n; i++) {
      d2[i] = Math.min(d2[i]!, dist(i, c));
      total += d2[i]!;
    }
    let r = rng.next() * total;
    first = 0;
    for (let i = 0; i < n; i++) {
      r -= d2[i]!;
      if (r <= 0) {
        first = i;
        break;
      }
    }
  }
  const cluster = new Uint16Array(n);
  for (let it = 0; it < iterations; it++) {
    let moved = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < kk; c++) {
        const dd = dist(i, c);
        if (dd < bestD) {
          bestD = dd;
          best = c;
        }
      }
      if (cluster[i] !== best || it === 0) moved++;
      cluster[i] = best;
    }
    const sums = new Float64Array(kk * dim);
    const counts = new Float64Array(kk);
    for (let i = 0; i < n; i++) {
      const c = cluster[i]!;
      counts[c]! += 1;
      for (let d = 0; d < dim; d++) sums[c * dim + d]! += pts[i * dim + d]!;
    }
    for (let c = 0; c < kk; c++)
      if (counts[c]! > 0)
        for (let d = 0; d < dim; d++) centres[c * dim + d] = sums[c * dim + d]! / counts[c]!;
    if (moved === 0) break;
  }
  return { cluster, centres };
}

function median(v: number[]): number {
  if (v.length === 0) return 0;
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Mid-rank of v among all values (0..1): the share below it plus half the share equal to it. */
function rank(sorted: number[], v: number): number {
  const bound = (strict: boolean) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (strict ? sorted[mid]! < v : sorted[mid]! <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return sorted.length ? (bound(true) + bound(false)) / 2 / sorted.length : 0.5;
}

export interface ClusterDescription {
  text: string;
  size: number;
  medians: Record<DescriptorName, number>;
}

/** Describe the crops `members` (rows of the N x DESCRIPTOR_COUNT descriptors) against all crops. */
export function describeCluster(desc: Float32Array, members: ArrayLike<number>): ClusterDescription {
  const n = desc.length / DESCRIPTOR_COUNT;
  const col = (j: number, rowsOf: ArrayLike<number> | null) => {
    const v: number[] = [];
    const m = rowsOf ? rowsOf.length : n;
    for (let t = 0; t < m; t++) v.push(desc[(rowsOf ? rowsOf[t]! : t) * DESCRIPTOR_COUNT + j]!);
    return v;
  };
  const medians = {} as Record<DescriptorName, number>;
  const pct = {} as Record<DescriptorName, number>;
  DESCRIPTOR_NAMES.forEach((name, j) => {
    const all = col(j, null).sort((a, b) => a - b);
    medians[name] = median(col(j, members));
    pct[name] = rank(all, medians[name]);
  });
  const parts: string[] = [];
  const size = pct.area > 0.75 ? 'large ' : pct.area < 0.25 ? 'small ' : '';
  let shape: string;
  if (medians.streaks < 1) shape = `${size}spots`;
  else {
    const len = pct.streak_length > 0.66 ? 'long ' : pct.streak_length < 0.33 ? 'short ' : '';
    shape = `${medians.streaks >= 2 ? 'several ' : ''}${size}${len}streaks`;
  }
  // Direction: from the streaks where there are some, else from the moments of elongated shapes.
  const angle = medians.streaks >= 1 ? medians.streak_angle_deg : medians.orientation_deg;
  let dir = '';
  if (medians.streaks >= 1 || medians.elongation > 1.8) {
    const fromHorizontal = Math.min(angle, 180 - angle);
    if (fromHorizontal < 30) dir = medians.sweep >= 0 ? 'swept right' : 'swept left';
    else if (fromHorizontal > 60) dir = 'vertical';
    else dir = angle < 90 ? 'rising to the right' : 'rising to the left';
  }
  parts.push(dir ? `${shape} ${dir}` : shape);
  const light = pct.mean_intensity < 0.33 ? 'dim' : pct.mean_intensity > 0.66 ? 'bright' : '';
  if (light) parts.push(light);
  return { text: parts.join(', '), size: members.length, medians };
}
