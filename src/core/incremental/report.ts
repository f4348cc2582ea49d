// The incremental pipeline's report: one row per chunk (samples so far, held-out metrics, gate verdict and
// reason) and the summary the research prints (best/worst/mean accuracy, best/mean F1, improvements, models
// that stayed local), as JSON and CSV.
import { toCsv, type CsvCell } from '../eval/csv';

export type ChunkStatus = 'promoted' | 'local' | 'failed';

export interface ChunkRow {
  /** 1-based chunk number. */
  chunk: number;
  /** Crops of the chunk itself. */
  chunkCrops: number;
  /** Crops the candidate trained on (train + validation). */
  trainedOn: number;
  /** Crops that have arrived so far (all chunks up to this one). */
  samplesSoFar: number;
  status: ChunkStatus;
  accuracy: number | null;
  f1: number | null;
  precision: number | null;
  recall: number | null;
  /** Production's accuracy on the same held-out crops before the gate (null: none yet). */
  productionAccuracy: number | null;
  /** Production's accuracy after the gate (the step line of the learning curve). */
  productionAfter: number | null;
  pValue: number | null;
  significance: string | null;
  reason: string;
  note: string;
  versionId: string | null;
  versionN: number | null;
  runId: string | null;
  candidateEvaluationId: string | null;
  productionEvaluationId: string | null;
  seconds: number;
  finishedAt: number;
}

export interface ReportSummary {
  chunks: number;
  failed: number;
  bestAccuracy: number | null;
  worstAccuracy: number | null;
  meanAccuracy: number | null;
  bestF1: number | null;
  meanF1: number | null;
  /** Candidates that passed the gate and became production. */
  improvements: number;
  /** Candidates kept as local versions only (failed the gate). */
  localOnly: number;
  finalProductionAccuracy: number | null;
}

function stats(xs: number[]): { best: number | null; worst: number | null; mean: number | null } {
  if (xs.length === 0) return { best: null, worst: null, mean: null };
  return {
    best: Math.max(...xs),
    worst: Math.min(...xs),
    mean: xs.reduce((a, b) => a + b, 0) / xs.length,
  };
}

export function summarize(rows: readonly ChunkRow[]): ReportSummary {
  const trained = rows.filter((r) => r.status !== 'failed' && r.accuracy !== null);
  const acc = stats(trained.map((r) => r.accuracy!));
  const f1 = stats(trained.filter((r) => r.f1 !== null).map((r) => r.f1!));
  const last = rows.length ? rows[rows.length - 1]! : null;
  return {
    chunks: rows.length,
    failed: rows.filter((r) => r.status === 'failed').length,
    bestAccuracy: acc.best,
    worstAccuracy: acc.worst,
    meanAccuracy: acc.mean,
    bestF1: f1.best,
    meanF1: f1.mean,
    improvements: rows.filter((r) => r.status === 'promoted').length,
    localOnly: rows.filter((r) => r.status === 'local').length,
    finalProductionAccuracy: last?.productionAfter ?? null,
  };
}

export const REPORT_COLUMNS = [
  'chunk',
  'chunk_crops',
  'samples_so_far',
  'trained_on',
  'status',
  'accuracy',
  'f1',
  'precision',
  'recall',
  'production_accuracy_before',
  'production_accuracy_after',
  'p_value',
  'significance',
  'reason',
  'note',
  'version',
  'run_id',
  'seconds',
] as const;

/** One CSV row per chunk (the summary goes in the JSON). */
export function reportCsv(rows: readonly ChunkRow[]): string {
  const body: CsvCell[][] = rows.map((r) => [
    r.chunk,
    r.chunkCrops,
    r.samplesSoFar,
    r.trainedOn,
    r.status,
    r.accuracy,
    r.f1,
    r.precision,
    r.recall,
    r.productionAccuracy,
    r.productionAfter,
    r.pValue,
    r.significance,
    r.reason,
    r.note,
    r.versionN,
    r.runId,
    Number(r.seconds.toFixed(3)),
  ]);
  return toCsv([...REPORT_COLUMNS], body);
}

export interface ReportJson {
  format: 'spatter-studio-incremental-report';
  pipelineId: string;
  config: unknown;
  heldOut: { count: number; datasetVersionId: string | null };
  summary: ReportSummary;
  rows: ChunkRow[];
}

export function reportJson(
  pipelineId: string,
  config: unknown,
  heldOut: { count: number; datasetVersionId: string | null },
  rows: readonly ChunkRow[],
): ReportJson {
  return {
    format: 'spatter-studio-incremental-report',
    pipelineId,
    config,
    heldOut,
    summary: summarize(rows),
    rows: [...rows],
  };
}
