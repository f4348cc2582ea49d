// One evaluation of a model on one split: every figure the Evaluate area shows, recomputed from the stored
// probabilities whenever the decision threshold moves (no second pass through the model is needed).
import { reliability, type Reliability } from './calibration';
import { prCurve, rocCurve, type Curve, type PrPoint, type RocPoint } from './curves';
import {
  confusionMatrix,
  predictClasses,
  predictionConfidence,
  reportFromConfusion,
  type ClassificationReport,
  type ConfusionMatrix,
} from './metrics';

/** The model's outputs on a labelled split, kept so every figure can be recomputed. */
export interface PredictionSet {
  /** Which split these came from: 'test' by default, always shown with the figures. */
  split: string;
  classNames: string[];
  /** Stable crop ids (`file/dataset/index`), one per sample. */
  ids: string[];
  /** Actual classes. */
  labels: Uint8Array;
  /** Probabilities, N x numOutputs row-major; numOutputs = 1 means P(class 1) from a sigmoid head. */
  probs: Float32Array;
  numOutputs: number;
}

export interface Evaluation {
  split: string;
  threshold: number;
  classNames: string[];
  confusion: ConfusionMatrix;
  report: ClassificationReport;
  /** Binary problems only (two classes); scores are P(class 1). */
  roc?: Curve<RocPoint>;
  pr?: Curve<PrPoint>;
  /** Reliability of P(class 1) for two classes, of the top-label confidence otherwise. */
  calibration: Reliability;
  predicted: Uint8Array;
  confidence: Float32Array;
  /** Indices of wrong predictions, most confident first (the most worrying mistakes on top). */
  misclassified: number[];
}

/** P(class 1) per sample for a binary set (from a sigmoid head or a two-way softmax). */
export function positiveScores(set: PredictionSet): Float32Array {
  const n = set.labels.length;
  if (set.numOutputs === 1) return set.probs.subarray(0, n);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = set.probs[i * set.numOutputs + 1]!;
  return out;
}

export function checkPredictionSet(set: PredictionSet): void {
  const n = set.labels.length;
  if (set.ids.length !== n || set.probs.length !== n * set.numOutputs) {
    throw new Error(
      `Prediction set for split "${set.split}" is inconsistent: ${n} labels, ${set.ids.length} ids, ` +
        `${set.probs.length} probabilities for ${set.numOutputs} output(s) each`,
    );
  }
  const needed = set.numOutputs === 1 ? 2 : set.numOutputs;
  if (set.classNames.length !== needed) {
    throw new Error(
      `The model has ${set.numOutputs} output(s), which means ${needed} classes, but ${set.classNames.length} class names were given`,
    );
  }
}

export function evaluate(set: PredictionSet, threshold = 0.5, calibrationBins = 10): Evaluation {
  checkPredictionSet(set);
  const predicted = predictClasses(set.probs, set.numOutputs, threshold);
  const confidence = predictionConfidence(set.probs, set.numOutputs, predicted);
  const confusion = confusionMatrix(set.labels, predicted, set.classNames);
  const report = reportFromConfusion(confusion);
  const binary = set.classNames.length === 2;
  let roc: Curve<RocPoint> | undefined;
  let pr: Curve<PrPoint> | undefined;
  let calibration: Reliability;
  if (binary) {
    const scores = positiveScores(set);
    roc = rocCurve(scores, set.labels);
    pr = prCurve(scores, set.labels);
    calibration = reliability(
      scores,
      Array.from(set.labels, (y) => y === 1),
      calibrationBins,
    );
  } else {
    calibration = reliability(
      confidence,
      Array.from(set.labels, (y, i) => y === predicted[i]),
      calibrationBins,
    );
  }
  const misclassified: number[] = [];
  for (let i = 0; i < predicted.length; i++) if (predicted[i] !== set.labels[i]) misclassified.push(i);
  misclassified.sort((a, b) => confidence[b]! - confidence[a]!);
  const out: Evaluation = {
    split: set.split,
    threshold,
    classNames: set.classNames,
    confusion,
    report,
    calibration,
    predicted,
    confidence,
    misclassified,
  };
  if (roc) out.roc = roc;
  if (pr) out.pr = pr;
  return out;
}

/** Indices of the samples in one confusion-matrix cell, most confident first. */
export function cellMembers(
  ev: Evaluation,
  labels: ArrayLike<number>,
  actual: number,
  predicted: number,
): number[] {
  const out: number[] = [];
  for (let i = 0; i < ev.predicted.length; i++) {
    if (labels[i] === actual && ev.predicted[i] === predicted) out.push(i);
  }
  return out.sort((a, b) => ev.confidence[b]! - ev.confidence[a]!);
}

/** A compact summary kept with a run (the full probabilities can be large). */
export interface EvaluationSummary {
  split: string;
  threshold: number;
  total: number;
  accuracy: number;
  macroF1: number;
  rocAuc?: number;
  averagePrecision?: number;
  ece: number;
  confusion: number[][];
  classNames: string[];
  perClass: { name: string; precision: number; recall: number; f1: number; support: number }[];
}

export function summarizeEvaluation(ev: Evaluation): EvaluationSummary {
  const s: EvaluationSummary = {
    split: ev.split,
    threshold: ev.threshold,
    total: ev.report.total,
    accuracy: ev.report.accuracy,
    macroF1: ev.report.macro.f1,
    ece: ev.calibration.ece,
    confusion: ev.confusion.counts,
    classNames: ev.classNames,
    perClass: ev.report.perClass.map(({ name, precision, recall, f1, support }) => ({
      name,
      precision,
      recall,
      f1,
      support,
    })),
  };
  if (ev.roc) s.rocAuc = ev.roc.auc;
  if (ev.pr) s.averagePrecision = ev.pr.auc;
  return s;
}
