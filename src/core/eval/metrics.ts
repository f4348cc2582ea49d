// Classification metrics from predictions: confusion matrix (counts and percentages), accuracy, per-class
// precision/recall/F1 and their macro, micro and support-weighted averages, for any number of classes.

export interface ConfusionMatrix {
  classNames: string[];
  /** counts[actual][predicted]. */
  counts: number[][];
  /** Share of each row (actual class) that went to each predicted class, in percent; 0 for an empty row. */
  rowPercent: number[][];
  /** Share of all samples in each cell, in percent. */
  totalPercent: number[][];
  total: number;
}

export interface ClassMetrics {
  name: string;
  precision: number;
  recall: number;
  f1: number;
  /** Samples whose actual class is this one. */
  support: number;
  /** Samples predicted as this class. */
  predicted: number;
}

export interface AveragedMetrics {
  precision: number;
  recall: number;
  f1: number;
}

export interface ClassificationReport {
  accuracy: number;
  total: number;
  perClass: ClassMetrics[];
  macro: AveragedMetrics;
  /** Micro averages pool every decision; for single-label problems all three equal the accuracy. */
  micro: AveragedMetrics;
  weighted: AveragedMetrics;
}

/** A ratio that is 0 rather than NaN when nothing was counted (sklearn's zero_division=0). */
export function safeRatio(num: number, den: number): number {
  return den === 0 ? 0 : num / den;
}

function checkLabels(actual: ArrayLike<number>, predicted: ArrayLike<number>, n: number): void {
  if (actual.length !== predicted.length) {
    throw new Error(
      `Cannot compare ${actual.length} labels with ${predicted.length} predictions: the lengths differ`,
    );
  }
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const p = predicted[i]!;
    if (!Number.isInteger(a) || a < 0 || a >= n || !Number.isInteger(p) || p < 0 || p >= n) {
      throw new Error(`Sample ${i} has label ${a} / prediction ${p}, outside the ${n} classes`);
    }
  }
}

export function confusionMatrix(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  classNames: string[],
): ConfusionMatrix {
  const n = classNames.length;
  checkLabels(actual, predicted, n);
  const counts = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < actual.length; i++) counts[actual[i]!]![predicted[i]!]! += 1;
  const total = actual.length;
  const rowPercent = counts.map((row) => {
    const s = row.reduce((a, b) => a + b, 0);
    return row.map((c) => safeRatio(100 * c, s));
  });
  const totalPercent = counts.map((row) => row.map((c) => safeRatio(100 * c, total)));
  return { classNames: [...classNames], counts, rowPercent, totalPercent, total };
}

export function reportFromConfusion(cm: ConfusionMatrix): ClassificationReport {
  const n = cm.classNames.length;
  const perClass: ClassMetrics[] = [];
  let correct = 0;
  for (let k = 0; k < n; k++) {
    const tp = cm.counts[k]![k]!;
    correct += tp;
    const support = cm.counts[k]!.reduce((a, b) => a + b, 0);
    let predicted = 0;
    for (let a = 0; a < n; a++) predicted += cm.counts[a]![k]!;
    const precision = safeRatio(tp, predicted);
    const recall = safeRatio(tp, support);
    const f1 = safeRatio(2 * precision * recall, precision + recall);
    perClass.push({ name: cm.classNames[k]!, precision, recall, f1, support, predicted });
  }
  const mean = (f: (c: ClassMetrics) => number) =>
    safeRatio(
      perClass.reduce((s, c) => s + f(c), 0),
      n,
    );
  const wmean = (f: (c: ClassMetrics) => number) =>
    safeRatio(
      perClass.reduce((s, c) => s + f(c) * c.support, 0),
      cm.total,
    );
  const accuracy = safeRatio(correct, cm.total);
  // Single-label: pooled TP = correct, pooled FP = pooled FN = total - correct, so micro P = R = F1 = accuracy.
  return {
    accuracy,
    total: cm.total,
    perClass,
    macro: { precision: mean((c) => c.precision), recall: mean((c) => c.recall), f1: mean((c) => c.f1) },
    micro: { precision: accuracy, recall: accuracy, f1: accuracy },
    weighted: {
      precision: wmean((c) => c.precision),
      recall: wmean((c) => c.recall),
      f1: wmean((c) => c.f1),
    },
  };
}

export function classificationReport(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  classNames: string[],
): ClassificationReport {
  return reportFromConfusion(confusionMatrix(actual, predicted, classNames));
}

/**
 * Predicted classes from probabilities. `probs` holds N x C values row-major; with C = 1 (one sigmoid output,
 * the LeNet5 head) it is P(class 1) and the class is 1 when it reaches `threshold`.
 */
export function predictClasses(probs: ArrayLike<number>, numOutputs: number, threshold = 0.5): Uint8Array {
  const n = Math.floor(probs.length / numOutputs);
  const out = new Uint8Array(n);
  if (numOutputs === 1) {
    for (let i = 0; i < n; i++) out[i] = probs[i]! >= threshold ? 1 : 0;
    return out;
  }
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < numOutputs; c++) {
      if (probs[i * numOutputs + c]! > probs[i * numOutputs + best]!) best = c;
    }
    out[i] = best;
  }
  return out;
}

/** Confidence of each prediction: the probability of the predicted class. */
export function predictionConfidence(
  probs: ArrayLike<number>,
  numOutputs: number,
  predicted: ArrayLike<number>,
): Float32Array {
  const n = predicted.length;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    out[i] =
      numOutputs === 1
        ? predicted[i] === 1
          ? probs[i]!
          : 1 - probs[i]!
        : probs[i * numOutputs + predicted[i]!]!;
  }
  return out;
}

export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}
