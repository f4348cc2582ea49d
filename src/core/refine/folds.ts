// K-fold plan for out-of-sample probabilities: every labelled crop is held out exactly once, folds are
// stratified by label and seeded, so the plan (and the probabilities) are reproducible.
import { createRng, deriveSeed, permutation } from '../train/rng';

export interface FoldPlan {
  k: number;
  /** Fold of each item (-1: unlabelled or left out, never trained on, predicted by every fold's model). */
  fold: Int8Array;
  /** Items held out in each fold. */
  heldOut: Uint32Array[];
}

export class FoldPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FoldPlanError';
  }
}

/** Stratified, seeded K folds over the labelled items (label >= 0 and, when given, include[i] true). */
export function kFoldPlan(
  labels: ArrayLike<number>,
  k: number,
  seed: number,
  include?: ArrayLike<boolean>,
): FoldPlan {
  if (!Number.isInteger(k) || k < 2) {
    throw new FoldPlanError(`K-fold needs K of at least 2 (got ${k}): set "folds" to 2 or more`);
  }
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l < 0 || (include && !include[i])) continue;
    let list = byClass.get(l);
    if (!list) byClass.set(l, (list = []));
    list.push(i);
  }
  const total = [...byClass.values()].reduce((a, b) => a + b.length, 0);
  if (total < k) {
    throw new FoldPlanError(`K-fold with K = ${k} needs at least ${k} labelled crops (there are ${total})`);
  }
  const fold = new Int8Array(labels.length).fill(-1);
  const lists: number[][] = Array.from({ length: k }, () => []);
  // Deal each class round-robin in a seeded order, continuing where the last class stopped (balanced sizes).
  let next = 0;
  for (const cls of [...byClass.keys()].sort((a, b) => a - b)) {
    const items = byClass.get(cls)!;
    const order = permutation(items.length, createRng(deriveSeed(seed, `fold-${cls}`)));
    for (const o of order) {
      const i = items[o]!;
      fold[i] = next;
      lists[next]!.push(i);
      next = (next + 1) % k;
    }
  }
  return { k, fold, heldOut: lists.map((l) => Uint32Array.from(l.sort((a, b) => a - b))) };
}

/** Items to train fold f on: the included labelled items outside the fold. */
export function trainItems(plan: FoldPlan, f: number): Uint32Array {
  const out: number[] = [];
  for (let i = 0; i < plan.fold.length; i++) if (plan.fold[i]! >= 0 && plan.fold[i] !== f) out.push(i);
  return Uint32Array.from(out);
}
