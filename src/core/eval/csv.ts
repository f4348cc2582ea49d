// CSV writing for the evaluation exports (predictions, metrics of all runs, video timelines): RFC 4180
// quoting, numbers written in full precision, "\n" line ends so pandas.read_csv reads them as they are.
import type { PredictionSet } from './evaluation';

export type CsvCell = string | number | boolean | null | undefined;

export function csvCell(v: CsvCell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number')
    return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? 'NaN' : v > 0 ? 'inf' : '-inf';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: string[], rows: CsvCell[][]): string {
  const lines = [header.map(csvCell).join(',')];
  for (const r of rows) lines.push(r.map(csvCell).join(','));
  return lines.join('\n') + '\n';
}

/** One row per sample: id, actual and predicted class names, P(each class), confidence, correct. */
export function predictionsToCsv(
  set: PredictionSet,
  predicted: ArrayLike<number>,
  confidence: ArrayLike<number>,
): string {
  const names = set.classNames;
  const probHeader = set.numOutputs === 1 ? [`p_${names[1]}`] : names.map((c) => `p_${c}`);
  const header = ['id', 'split', 'actual', 'predicted', ...probHeader, 'confidence', 'correct'];
  const rows: CsvCell[][] = [];
  for (let i = 0; i < set.labels.length; i++) {
    const probs: number[] = [];
    for (let c = 0; c < set.numOutputs; c++) probs.push(set.probs[i * set.numOutputs + c]!);
    rows.push([
      set.ids[i],
      set.split,
      names[set.labels[i]!],
      names[predicted[i]!],
      ...probs,
      confidence[i],
      set.labels[i] === predicted[i],
    ]);
  }
  return toCsv(header, rows);
}
