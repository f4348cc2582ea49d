// Train/validation/test splits over crop ordinals (0..n-1 in index order: files, then datasets, then
// elements). The research recipe is `random`: Python's random.Random(1234).shuffle of every row, then the
// first 60% train, next 20% validation, last 20% test — reproduced here bit for bit.
import { PythonRandom } from './python-random';

export type SplitKind = 'random' | 'stratified' | 'grouped';

export interface SplitOptions {
  kind: SplitKind;
  seed: number;
  /** Train, validation, test shares summing to 1. */
  ratios: readonly [number, number, number] | readonly number[];
  /**
   * Optional target class proportions (e.g. [1, 1] for balanced): the larger classes are subsampled
   * (seeded) before splitting so the kept crops follow these proportions.
   */
  classRatio?: readonly number[] | null;
}

export interface SplitResult {
  train: Uint32Array;
  val: Uint32Array;
  test: Uint32Array;
  /** Crops left out by the class-ratio option. */
  dropped: number;
  /** One line for the user: which recipe made this split. */
  description: string;
  /** Problems the user should see (an empty split, a class missing from a split). */
  warnings: string[];
}

export class SplitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SplitError';
  }
}

function checkRatios(r: readonly number[]): [number, number, number] {
  if (r.length !== 3 || r.some((x) => !(x >= 0)) || Math.abs(r[0]! + r[1]! + r[2]! - 1) > 1e-6) {
    throw new SplitError(`Split shares must be three non-negative numbers summing to 1, got ${r.join(', ')}`);
  }
  return [r[0]!, r[1]!, r[2]!];
}

/** Cut points like Python's int(0.6 * n), int(0.8 * n); shares are rounded so 0.6 + 0.2 gives 0.8 exactly. */
export function cutPoints(n: number, ratios: readonly number[]): [number, number] {
  const [a, b] = checkRatios(ratios);
  const ab = Math.round((a + b) * 1e9) / 1e9;
  return [Math.floor(a * n), Math.floor(ab * n)];
}

function cut(order: ArrayLike<number>, ratios: readonly number[]): [number[], number[], number[]] {
  const arr = Array.from(order);
  const [c1, c2] = cutPoints(arr.length, ratios);
  return [arr.slice(0, c1), arr.slice(c1, c2), arr.slice(c2)];
}

function pct(r: readonly number[]): string {
  return r.map((x) => Math.round(x * 100)).join('/');
}

/** Subsample classes (seeded) so the kept counts follow `ratio`; returns kept ordinals in index order. */
export function applyClassRatio(
  labels: ArrayLike<number>,
  ratio: readonly number[],
  seed: number,
): { kept: number[]; dropped: number } {
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    let list = byClass.get(l);
    if (!list) byClass.set(l, (list = []));
    list.push(i);
  }
  // The largest scale s such that s * ratio[c] <= count[c] for every class with a positive share.
  let scale = Infinity;
  for (const [c, list] of byClass) {
    const share = ratio[c] ?? 0;
    if (share > 0) scale = Math.min(scale, list.length / share);
  }
  if (!Number.isFinite(scale)) throw new SplitError('The class ratio gives every present class a share of 0');
  const rng = new PythonRandom(seed);
  const kept: number[] = [];
  for (const [c, list] of byClass) {
    const want = Math.floor(scale * (ratio[c] ?? 0) + 1e-9);
    const chosen = rng.shuffle([...list]).slice(0, want);
    kept.push(...chosen);
  }
  kept.sort((x, y) => x - y);
  return { kept, dropped: labels.length - kept.length };
}

/**
 * Split crops. `labels[i]` is the class of crop i; `groups[i]` (for `grouped`) the source it came from
 * (a file or a video), so that neighbouring frames of one build never sit in two splits.
 */
export function makeSplit(
  labels: ArrayLike<number>,
  opts: SplitOptions,
  groups?: ArrayLike<number>,
): SplitResult {
  const ratios = checkRatios(opts.ratios);
  let pool: number[];
  let dropped = 0;
  if (opts.classRatio && opts.classRatio.length > 0) {
    const r = applyClassRatio(labels, opts.classRatio, opts.seed);
    pool = r.kept;
    dropped = r.dropped;
  } else {
    pool = Array.from({ length: labels.length }, (_, i) => i);
  }
  let parts: [number[], number[], number[]];
  let description: string;
  const ratioNote = opts.classRatio?.length ? `, class ratio ${opts.classRatio.join(':')}` : '';
  if (opts.kind === 'random') {
    parts = cut(new PythonRandom(opts.seed).shuffle(pool), ratios);
    description = `random ${pct(ratios)}, seed ${opts.seed}${ratioNote}`;
  } else if (opts.kind === 'stratified') {
    parts = [[], [], []];
    const byClass = new Map<number, number[]>();
    for (const i of pool) {
      const l = labels[i]!;
      let list = byClass.get(l);
      if (!list) byClass.set(l, (list = []));
      list.push(i);
    }
    const rng = new PythonRandom(opts.seed);
    for (const c of [...byClass.keys()].sort((x, y) => x - y)) {
      const [a, b, t] = cut(rng.shuffle(byClass.get(c)!), ratios);
      parts[0].push(...a);
      parts[1].push(...b);
      parts[2].push(...t);
    }
    for (const p of parts) rng.shuffle(p);
    description = `stratified ${pct(ratios)}, seed ${opts.seed}${ratioNote}`;
  } else {
    if (!groups) throw new SplitError('A grouped split needs the source of every crop');
    const byGroup = new Map<number, number[]>();
    for (const i of pool) {
      const g = groups[i]!;
      let list = byGroup.get(g);
      if (!list) byGroup.set(g, (list = []));
      list.push(i);
    }
    const rng = new PythonRandom(opts.seed);
    const order = rng.shuffle([...byGroup.keys()].sort((x, y) => x - y));
    parts = [[], [], []];
    const total = pool.length;
    // Greedy: each group goes to the split furthest below its target share (largest deficit).
    for (const g of order) {
      const members = byGroup.get(g)!;
      let best = 0;
      let bestDeficit = -Infinity;
      for (let s = 0; s < 3; s++) {
        if (ratios[s] === 0) continue;
        const deficit = ratios[s]! * total - parts[s]!.length;
        if (deficit > bestDeficit) {
          bestDeficit = deficit;
          best = s;
        }
      }
      parts[best]!.push(...members);
    }
    for (const p of parts) rng.shuffle(p);
    description = `grouped by source ${pct(ratios)}, seed ${opts.seed}, ${byGroup.size} sources${ratioNote}`;
  }
  const warnings: string[] = [];
  const names = ['train', 'validation', 'test'];
  const classes = new Set<number>();
  for (const i of pool) classes.add(labels[i]!);
  parts.forEach((p, s) => {
    if (ratios[s]! > 0 && p.length === 0) warnings.push(`The ${names[s]} split is empty.`);
    else if (p.length > 0) {
      const present = new Set(p.map((i) => labels[i]!));
      const missing = [...classes].filter((c) => !present.has(c));
      if (missing.length > 0)
        warnings.push(`The ${names[s]} split has no crops of class ${missing.join(', ')}.`);
    }
  });
  return {
    train: Uint32Array.from(parts[0]),
    val: Uint32Array.from(parts[1]),
    test: Uint32Array.from(parts[2]),
    dropped,
    description,
    warnings,
  };
}
