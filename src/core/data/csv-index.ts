// The research CSV index of crops: `file,dataset,ds_idx,label`, written shuffled (`images.csv`) and in
// file order (`unshuffled_images.csv`). Reading also accepts a leading unnamed pandas index column.
import { PythonRandom } from './python-random';

export interface IndexRow {
  file: string;
  dataset: string;
  dsIdx: number;
  label: number;
}

export const CSV_HEADER = 'file,dataset,ds_idx,label';

export class CsvIndexError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'CsvIndexError';
  }
}

function quote(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inQ = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (inQ) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') inQ = false;
      else cur += ch;
    } else if (ch === '"') inQ = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

export function formatIndexCsv(rows: readonly IndexRow[]): string {
  const lines = [CSV_HEADER];
  for (const r of rows) lines.push(`${quote(r.file)},${quote(r.dataset)},${r.dsIdx},${r.label}`);
  return lines.join('\n') + '\n';
}

/** Parse an index CSV; errors name the line and what is wrong. */
export function parseIndexCsv(text: string): IndexRow[] {
  const lines = text.split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '').map((h) => h.trim());
  const col = (name: string) => header.indexOf(name);
  const [fi, di, ii, li] = [col('file'), col('dataset'), col('ds_idx'), col('label')];
  if (fi < 0 || di < 0 || ii < 0 || li < 0) {
    throw new CsvIndexError(
      `The CSV header is "${lines[0] ?? ''}"; an index needs the columns ${CSV_HEADER}`,
      1,
    );
  }
  const rows: IndexRow[] = [];
  for (let n = 1; n < lines.length; n++) {
    const line = lines[n]!;
    if (line.trim() === '') continue;
    const cells = splitCsvLine(line);
    const dsIdx = Number(cells[ii]);
    const label = Number(cells[li]);
    if (!Number.isInteger(dsIdx) || dsIdx < 0 || !Number.isInteger(label) || label < 0) {
      throw new CsvIndexError(
        `Line ${n + 1} ("${line}"): ds_idx and label must be non-negative integers`,
        n + 1,
      );
    }
    rows.push({ file: cells[fi] ?? '', dataset: cells[di] ?? '', dsIdx, label });
  }
  return rows;
}

/** The research `images.csv`: every row, shuffled with Python's random.Random(seed). */
export function shuffledRows(rows: readonly IndexRow[], seed: number): IndexRow[] {
  return new PythonRandom(seed).shuffle([...rows]);
}
