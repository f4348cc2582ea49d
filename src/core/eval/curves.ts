// Binary ranking curves: ROC and precision-recall with their areas, and the decision-threshold sweep.
// Conventions follow scikit-learn (roc_curve, precision_recall_curve, average_precision_score), so figures
// match what the research's Python world computes from the same scores.
import { safeRatio } from './metrics';

export interface RocPoint {
  fpr: number;
  tpr: number;
  /** Scores >= threshold count as positive; the first point has +Infinity (nothing positive). */
  threshold: number;
}

export interface PrPoint {
  recall: number;
  precision: number;
  threshold: number;
}

export interface Curve<P> {
  points: P[];
  auc: number;
}

interface Cumulative {
  thresholds: number[];
  tps: number[];
  fps: number[];
  positives: number;
  negatives: number;
}

/** Cumulative true/false positives at each distinct score, from the highest score down. */
function cumulative(scores: ArrayLike<number>, labels: ArrayLike<number>): Cumulative {
  if (scores.length !== labels.length) {
    throw new Error(`Cannot rank ${scores.length} scores against ${labels.length} labels: lengths differ`);
  }
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const thresholds: number[] = [];
  const tps: number[] = [];
  const fps: number[] = [];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    if (labels[i] === 1) tp++;
    else fp++;
    const next = order[k + 1];
    // Tied scores are one decision: only emit a point after the last of them.
    if (next === undefined || scores[next]! !== scores[i]!) {
      thresholds.push(scores[i]!);
      tps.push(tp);
      fps.push(fp);
    }
  }
  return { thresholds, tps, fps, positives: tp, negatives: fp };
}

/** Area under a polyline by the trapezoid rule (x need not be increasing, like numpy.trapz). */
export function trapezoid(xs: number[], ys: number[]): number {
  let area = 0;
  for (let i = 1; i < xs.length; i++) area += ((xs[i]! - xs[i - 1]!) * (ys[i]! + ys[i - 1]!)) / 2;
  return area;
}

/** ROC curve of P(class 1) scores against 0/1 labels; AUC by trapezoid (NaN with one class only). */
export function rocCurve(scores: ArrayLike<number>, labels: ArrayLike<number>): Curve<RocPoint> {
  const c = cumulative(scores, labels);
  const points: RocPoint[] = [{ fpr: 0, tpr: 0, threshold: Infinity }];
  for (let k = 0; k < c.thresholds.length; k++) {
    points.push({
      fpr: c.negatives === 0 ? NaN : c.fps[k]! / c.negatives,
      tpr: c.positives === 0 ? NaN : c.tps[k]! / c.positives,
      threshold: c.thresholds[k]!,
    });
  }
  const auc =
    c.positives === 0 || c.negatives === 0
      ? NaN
      : trapezoid(
          points.map((p) => p.fpr),
          points.map((p) => p.tpr),
        );
  return { points, auc };
}

/**
 * Precision-recall curve, ordered by increasing recall and ending at (recall 0, precision 1) like sklearn.
 * `auc` is the average precision: sum over thresholds of (R_n - R_{n-1}) * P_n (no interpolation).
 */
export function prCurve(scores: ArrayLike<number>, labels: ArrayLike<number>): Curve<PrPoint> {
  const c = cumulative(scores, labels);
  const pts: PrPoint[] = [];
  for (let k = 0; k < c.thresholds.length; k++) {
    pts.push({
      recall: c.positives === 0 ? NaN : c.tps[k]! / c.positives,
      precision: safeRatio(c.tps[k]!, c.tps[k]! + c.fps[k]!),
      threshold: c.thresholds[k]!,
    });
    // sklearn stops at full recall: lower thresholds add only false positives.
    if (c.tps[k] === c.positives) break;
  }
  const points = [{ recall: 0, precision: 1, threshold: Infinity }, ...pts];
  let ap = 0;
  for (let k = 1; k < points.length; k++)
    ap += (points[k]!.recall - points[k - 1]!.recall) * points[k]!.precision;
  return { points, auc: c.positives === 0 ? NaN : ap };
}

export interface ThresholdPoint {
  threshold: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  accuracy: number;
  precision: number;
  recall: number;
  specificity: number;
  f1: number;
}

/** Binary outcome counts and rates with P(class 1) >= threshold deciding class 1. */
export function atThreshold(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  threshold: number,
): ThresholdPoint {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < scores.length; i++) {
    const pos = scores[i]! >= threshold;
    if (labels[i] === 1) {
      if (pos) tp++;
      else fn++;
    } else if (pos) fp++;
    else tn++;
  }
  const precision = safeRatio(tp, tp + fp);
  const recall = safeRatio(tp, tp + fn);
  return {
    threshold,
    tp,
    fp,
    tn,
    fn,
    accuracy: safeRatio(tp + tn, scores.length),
    precision,
    recall,
    specificity: safeRatio(tn, tn + fp),
    f1: safeRatio(2 * precision * recall, precision + recall),
  };
}

/** The threshold sweep behind the slider: `steps + 1` evenly spaced thresholds from 0 to 1. */
export function thresholdSweep(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  steps = 100,
): ThresholdPoint[] {
  const out: ThresholdPoint[] = [];
  for (let s = 0; s <= steps; s++) out.push(atThreshold(scores, labels, s / steps));
  return out;
}

/** The sweep point with the best value of `key` (ties: the threshold closest to 0.5). */
export function bestThreshold(
  sweep: ThresholdPoint[],
  key: 'accuracy' | 'f1' = 'f1',
): ThresholdPoint | undefined {
  let best: ThresholdPoint | undefined;
  for (const p of sweep) {
    if (
      !best ||
      p[key] > best[key] ||
      (p[key] === best[key] && Math.abs(p.threshold - 0.5) < Math.abs(best.threshold - 0.5))
    )
      best = p;
  }
  return best;
}
