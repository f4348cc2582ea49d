// Evaluation records: one evaluation of a model (a run's checkpoint or a registry version) on one split of one
// dataset version. Append-only: a run's own recorded test metrics never change; other evaluations are separate
// records labelled with the data they were made on.
import type { SplitName } from '../dataset/version';

export interface EvaluationMetrics {
  count: number;
  accuracy: number;
  loss: number | null;
  /** Binary: the positive class is 1. Multi-class: macro averages. */
  precision: number;
  recall: number;
  f1: number;
  /** confusion[true][predicted] */
  confusion: number[][];
  /** Crops left out of the metrics (all-black, undecodable, unlabelled), with the count per reason. */
  excluded: Record<string, number>;
}

export interface EvaluationRecord {
  id: string;
  createdAt: number;
  /** The run whose checkpoint was evaluated (null for an imported model version). */
  runId: string | null;
  checkpoint: string | null;
  modelVersionId: string | null;
  datasetVersionId: string;
  split: SplitName | 'all';
  /** True when this is the run's own frozen test split (the run's recorded test metrics). */
  own: boolean;
  metrics: EvaluationMetrics;
  /** Per-crop predicted probability of each class, in the order of the version's split indices (optional). */
  predictionsKey: string | null;
  /** The decision threshold used for binary metrics. */
  threshold: number;
  note: string;
}

/** A short label for where an evaluation's data came from: "v dv-1a2b… test (own)". */
export function evaluationDataLabel(r: Pick<EvaluationRecord, 'datasetVersionId' | 'split' | 'own'>): string {
  const short = r.datasetVersionId.slice(0, 11);
  return `${short} · ${r.split}${r.own ? ' (the run’s own test split)' : ''}`;
}

/** The stored metrics of an evaluation summary: binary problems report class 1, others the macro average. */
export function metricsOfSummary(
  s: {
    total: number;
    accuracy: number;
    confusion: number[][];
    perClass: { precision: number; recall: number; f1: number }[];
  },
  excluded: Record<string, number> = {},
): EvaluationMetrics {
  const pc = s.perClass;
  const pick =
    pc.length === 2
      ? pc[1]!
      : {
          precision: pc.reduce((a, c) => a + c.precision, 0) / Math.max(1, pc.length),
          recall: pc.reduce((a, c) => a + c.recall, 0) / Math.max(1, pc.length),
          f1: pc.reduce((a, c) => a + c.f1, 0) / Math.max(1, pc.length),
        };
  return {
    count: s.total,
    accuracy: s.accuracy,
    loss: null,
    precision: pick.precision,
    recall: pick.recall,
    f1: pick.f1,
    confusion: s.confusion,
    excluded,
  };
}
