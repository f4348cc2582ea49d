// Metrics for image tasks: per-class precision/recall/F1 with macro, micro and support-weighted averages, the
// confusion matrix (K x K for single-label, one 2 x 2 per class for multi-label) and a PR curve per class
// (one-vs-rest on the class's probability), from the model's probabilities.
import { prCurve } from '../eval/curves';
import {
  classificationReport,
  confusionMatrix,
  predictClasses,
  safeRatio,
  type AveragedMetrics,
  type ClassMetrics,
} from '../eval/metrics';
import { headSize, type LabelledImage, type TaskKind } from './task';

/** A 2 x 2 confusion matrix of one class in a multi-label task: [[tn, fp], [fn, tp]] (rows: actual 0, 1). */
export type BinaryConfusion = [[number, number], [number, number]];

export interface ClassCurve {
  name: string;
  /** Average precision (area under the PR curve, scikit-learn's step rule). */
  ap: number;
  /** Points (recall, precision), thinned to at most ~100 for display. */
  points: { recall: number; precision: number; threshold: number }[];
}

export interface ImageMetrics {
  task: TaskKind;
  classNames: string[];
  total: number;
  /** Single-label: share correct. Multi-label: exact-match (subset) accuracy. */
  accuracy: number;
  perClass: ClassMetrics[];
  macro: AveragedMetrics;
  micro: AveragedMetrics;
  weighted: AveragedMetrics;
  /** Single-label: counts[actual][predicted] over the classes. */
  confusion?: number[][];
  /** Multi-label: one 2 x 2 matrix per class. */
  perClassConfusion?: BinaryConfusion[];
  curves: ClassCurve[];
}

function averages(perClass: ClassMetrics[], tp: number, fp: number, fn: number) {
  const n = perClass.length;
  const supp = perClass.reduce((s, c) => s + c.support, 0);
  const mean = (f: (c: ClassMetrics) => number) =>
    safeRatio(
      perClass.reduce((s, c) => s + f(c), 0),
      n,
    );
  const wmean = (f: (c: ClassMetrics) => number) =>
    safeRatio(
      perClass.reduce((s, c) => s + f(c) * c.support, 0),
      supp,
    );
  const mp = safeRatio(tp, tp + fp);
  const mr = safeRatio(tp, tp + fn);
  return {
    macro: { precision: mean((c) => c.precision), recall: mean((c) => c.recall), f1: mean((c) => c.f1) },
    micro: { precision: mp, recall: mr, f1: safeRatio(2 * mp * mr, mp + mr) },
    weighted: {
      precision: wmean((c) => c.precision),
      recall: wmean((c) => c.recall),
      f1: wmean((c) => c.f1),
    },
  };
}

function thin<T>(points: T[], max = 100): T[] {
  if (points.length <= max) return points;
  const step = points.length / max;
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(points[Math.floor(i * step)]!);
  out.push(points[points.length - 1]!);
  return out;
}

function curve(name: string, scores: Float32Array, labels: Uint8Array): ClassCurve {
  if (!labels.some((v) => v === 1)) return { name, ap: 0, points: [] };
  const c = prCurve(scores, labels);
  return { name, ap: c.auc, points: thin(c.points) };
}

/** Multi-label metrics from labels (per image, class indices) and predictions (per image, 0/1 per class). */
export function multiLabelMetrics(
  actual: readonly (readonly number[])[],
  predicted: readonly (readonly number[])[],
  classNames: string[],
): Omit<ImageMetrics, 'curves' | 'task'> {
  if (actual.length !== predicted.length) {
    throw new Error(`Cannot compare ${actual.length} label sets with ${predicted.length} predictions`);
  }
  const k = classNames.length;
  const m: BinaryConfusion[] = classNames.map(() => [
    [0, 0],
    [0, 0],
  ]);
  let exact = 0;
  actual.forEach((a, i) => {
    const p = predicted[i]!;
    const as = new Set(a);
    const ps = new Set(p);
    for (let c = 0; c < k; c++) m[c]![as.has(c) ? 1 : 0]![ps.has(c) ? 1 : 0]! += 1;
    if (as.size === ps.size && [...as].every((c) => ps.has(c))) exact += 1;
  });
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const perClass: ClassMetrics[] = m.map((cm, c) => {
    const [[, f], [n, t]] = cm;
    tp += t;
    fp += f;
    fn += n;
    const precision = safeRatio(t, t + f);
    const recall = safeRatio(t, t + n);
    return {
      name: classNames[c]!,
      precision,
      recall,
      f1: safeRatio(2 * precision * recall, precision + recall),
      support: t + n,
      predicted: t + f,
    };
  });
  return {
    classNames: [...classNames],
    total: actual.length,
    accuracy: safeRatio(exact, actual.length),
    perClass,
    ...averages(perClass, tp, fp, fn),
    perClassConfusion: m,
  };
}

/**
 * Evaluate probabilities (N x outputs, row-major: sigmoid for binary / multi-label, softmax for multi-class)
 * against the images' labels. Multi-label decisions use `threshold` per class.
 */
export function evaluateImages(
  task: TaskKind,
  classNames: string[],
  items: readonly LabelledImage[],
  probs: ArrayLike<number>,
  threshold = 0.5,
): ImageMetrics {
  const k = classNames.length;
  const outs = headSize(task, k);
  const n = items.length;
  if (probs.length !== n * outs) {
    throw new Error(`Expected ${n * outs} probabilities (${n} images x ${outs}), got ${probs.length}`);
  }
  const curves: ClassCurve[] = [];
  const column = (c: number, positive: (it: LabelledImage) => boolean) => {
    const s = new Float32Array(n);
    const l = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = outs === 1 ? (c === 1 ? probs[i]! : 1 - probs[i]!) : probs[i * outs + c]!;
      l[i] = positive(items[i]!) ? 1 : 0;
    }
    return curve(classNames[c]!, s, l);
  };
  if (task === 'multi-label') {
    const predicted = Array.from({ length: n }, (_, i) => {
      const row: number[] = [];
      for (let c = 0; c < k; c++) if (probs[i * k + c]! >= threshold) row.push(c);
      return row;
    });
    const base = multiLabelMetrics(
      items.map((it) => it.labels),
      predicted,
      classNames,
    );
    for (let c = 0; c < k; c++) curves.push(column(c, (it) => it.labels.includes(c)));
    return { task, ...base, curves };
  }
  const actual = items.map((it, i) => {
    const l = it.labels[0];
    if (it.labels.length !== 1 || l === undefined) {
      throw new Error(`Image ${i} (${it.path}) has ${it.labels.length} labels; a ${task} task needs one`);
    }
    return l;
  });
  const predicted = predictClasses(probs, outs, threshold);
  const r = classificationReport(actual, predicted, classNames);
  for (let c = 0; c < k; c++) curves.push(column(c, (it) => it.labels[0] === c));
  return {
    task,
    classNames: [...classNames],
    total: n,
    accuracy: r.accuracy,
    perClass: r.perClass,
    macro: r.macro,
    micro: r.micro,
    weighted: r.weighted,
    confusion: confusionMatrix(actual, predicted, classNames).counts,
    curves,
  };
}
