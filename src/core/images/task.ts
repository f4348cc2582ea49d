// Image-classification tasks beyond binary crops: the task kinds, the labelled image set they work on, and the
// class statistics (counts, focal-loss alpha, class weights) derived from it.

/** binary: one sigmoid logit (class 1 vs 0); multi-class: softmax over K; multi-label: one sigmoid per class. */
export type TaskKind = 'binary' | 'multi-class' | 'multi-label';

export interface LabelledImage {
  /** Path inside the opened folder (or the file name): the key the labels refer to. */
  path: string;
  /** Class indices: exactly one for binary / multi-class, any number (also none) for multi-label. */
  labels: number[];
}

export interface ImageLabels {
  task: TaskKind;
  classNames: string[];
  items: LabelledImage[];
  /** Where the labels came from, for the user ("sub-folders", "labels.csv", "train.csv (steel layout)"). */
  source: string;
}

/** The task a class list implies for single-label data: two classes are binary, more are multi-class. */
export function singleLabelTask(classCount: number): TaskKind {
  return classCount === 2 ? 'binary' : 'multi-class';
}

/** Number of outputs of the model's head: 1 for binary (one logit), K otherwise. */
export function headSize(task: TaskKind, classCount: number): number {
  return task === 'binary' ? 1 : classCount;
}

/** Images carrying each class (multi-label: an image counts for each of its classes). */
export function classCounts(set: Pick<ImageLabels, 'classNames' | 'items'>): number[] {
  const counts = new Array<number>(set.classNames.length).fill(0);
  for (const it of set.items) for (const c of it.labels) counts[c]! += 1;
  return counts;
}

/**
 * Focal-loss alpha per class from the class frequencies (used with gamma = 2):
 * - binary: one alpha for class 1 = the share of class 0 (the rarer class weighs more), class 0 gets 1 - alpha;
 * - multi-class: alpha_c = N / (K * n_c), the "balanced" weights (inverse frequency, mean 1 over the samples);
 * - multi-label: alpha_c = 1 - (share of images that carry class c), the weight of the positives of class c
 *   (negatives get 1 - alpha_c), i.e. the binary rule applied per class.
 * A class with no examples gets the largest alpha of the others (it cannot be weighed from data).
 */
export function focalAlpha(task: TaskKind, counts: readonly number[], total: number): number[] {
  if (total <= 0) throw new Error('Focal alpha needs at least one labelled image');
  if (task === 'binary') {
    if (counts.length !== 2) throw new Error(`A binary task has 2 classes, got ${counts.length}`);
    return [counts[0]! / total];
  }
  if (task === 'multi-label') return counts.map((n) => 1 - n / total);
  const k = counts.length;
  const raw = counts.map((n) => (n > 0 ? total / (k * n) : NaN));
  const max = Math.max(...raw.filter((v) => Number.isFinite(v)));
  return raw.map((v) => (Number.isFinite(v) ? v : max));
}

/** Class weights for weighted cross-entropy: the balanced rule N / (K * n_c) (scikit-learn's "balanced"). */
export function balancedClassWeights(counts: readonly number[], total: number): number[] {
  return focalAlpha('multi-class', counts, total);
}

/**
 * Class weights for BCE / cross-entropy: multi-class the balanced rule; binary and multi-label the weight of each
 * class's positives, (negatives / positives) capped at 10 (PyTorch's pos_weight), 1 for a class with none.
 */
export function lossClassWeights(task: TaskKind, counts: readonly number[], total: number): number[] {
  if (task === 'multi-class') return balancedClassWeights(counts, total);
  const pos = task === 'binary' ? [counts[1] ?? 0] : counts;
  return pos.map((n) => (n > 0 ? Math.min(10, (total - n) / n) : 1));
}

/** Target rows (N x outputs, 0/1) for the model's head. */
export function targetMatrix(
  task: TaskKind,
  classCount: number,
  items: readonly LabelledImage[],
): Float32Array {
  const k = headSize(task, classCount);
  const y = new Float32Array(items.length * k);
  items.forEach((it, i) => {
    if (task === 'binary') y[i] = it.labels[0] === 1 ? 1 : 0;
    else for (const c of it.labels) y[i * k + c] = 1;
  });
  return y;
}
