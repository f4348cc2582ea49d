// Splits of labelled image sets: stratified per class for single-label tasks (the data area's stratified split)
// and iterative stratification (Sechidis, Tsoumakas & Vlahavas 2011) for multi-label sets, where an image may
// carry several classes or none; both seeded and reproducible.
import { createRng, permutation } from '../train/rng';
import { makeSplit, SplitError, type SplitResult } from '../data/splits';
import type { LabelledImage, TaskKind } from './task';

export const STRATIFIED_70_15_15 = [0.7, 0.15, 0.15] as const;

/**
 * Iterative stratification: take the label with the fewest images still unassigned, deal its images one by one
 * to the split that most wants that label (ties: the split that wants the most images, then seeded random);
 * images with no label go to the split that wants the most images. Returns the split (0, 1, 2) of each image.
 */
export function iterativeStratification(
  labels: readonly (readonly number[])[],
  classCount: number,
  ratios: readonly number[],
  seed: number,
): Uint8Array {
  const n = labels.length;
  const folds = ratios.length;
  const rng = createRng(seed);
  const wantAll = ratios.map((r) => r * n);
  const wantLabel = ratios.map((r) =>
    Array.from({ length: classCount }, (_, c) => r * labels.filter((l) => l.includes(c)).length),
  );
  const out = new Uint8Array(n).fill(255);
  const order = permutation(n, rng);
  const remaining = new Set<number>(order);
  const pick = (candidates: number[]): number => candidates[rng.int(candidates.length)]!;
  const argmaxes = (vals: number[], among: number[]) => {
    const best = Math.max(...among.map((j) => vals[j]!));
    return among.filter((j) => vals[j]! >= best - 1e-9);
  };
  const assign = (i: number, fold: number) => {
    out[i] = fold;
    remaining.delete(i);
    wantAll[fold]! -= 1;
    for (const c of labels[i]!) wantLabel[fold]![c]! -= 1;
  };
  const all = [...Array(folds).keys()];
  for (;;) {
    // the label with the fewest unassigned images (> 0)
    const left = new Array<number>(classCount).fill(0);
    for (const i of remaining) for (const c of labels[i]!) left[c]! += 1;
    let label = -1;
    for (let c = 0; c < classCount; c++)
      if (left[c]! > 0 && (label < 0 || left[c]! < left[label]!)) label = c;
    if (label < 0) break;
    for (const i of [...remaining]) {
      if (!labels[i]!.includes(label)) continue;
      let cands = argmaxes(
        wantLabel.map((w) => w[label]!),
        all,
      );
      if (cands.length > 1) cands = argmaxes(wantAll, cands);
      assign(i, pick(cands));
    }
  }
  for (const i of [...remaining]) assign(i, pick(argmaxes(wantAll, all)));
  return out;
}

/** Split an image set 70/15/15 (or `ratios`): stratified per class, iteratively for multi-label. */
export function splitImages(
  task: TaskKind,
  classCount: number,
  items: readonly LabelledImage[],
  seed: number,
  ratios: readonly number[] = STRATIFIED_70_15_15,
): SplitResult {
  if (items.length < 3)
    throw new SplitError(`Splitting needs at least 3 images, the set has ${items.length}`);
  if (task !== 'multi-label') {
    const labels = items.map((it, i) => {
      if (it.labels.length !== 1) {
        throw new SplitError(
          `Image ${i} (${it.path}) has ${it.labels.length} labels; a ${task} task needs one`,
        );
      }
      return it.labels[0]!;
    });
    return makeSplit(labels, { kind: 'stratified', seed, ratios });
  }
  const fold = iterativeStratification(
    items.map((it) => it.labels),
    classCount,
    ratios,
    seed,
  );
  const parts: number[][] = [[], [], []];
  fold.forEach((f, i) => parts[f]!.push(i));
  const warnings: string[] = [];
  for (let c = 0; c < classCount; c++) {
    const names = ['train', 'validation', 'test'];
    parts.forEach((p, j) => {
      const has = items.some((it) => it.labels.includes(c));
      if (has && !p.some((i) => items[i]!.labels.includes(c))) {
        warnings.push(`Class ${c} has no image in the ${names[j]} split (too few images of it)`);
      }
    });
  }
  const pct = ratios.map((r) => Math.round(r * 100)).join('/');
  return {
    train: Uint32Array.from(parts[0]!),
    val: Uint32Array.from(parts[1]!),
    test: Uint32Array.from(parts[2]!),
    dropped: 0,
    description: `iterative stratification (multi-label) ${pct}, seed ${seed}`,
    warnings,
  };
}
