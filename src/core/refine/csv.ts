// CSV export of the refine view: one row per crop with its index (file, dataset, ds_idx), label and where it came
// from, split, map position, cluster and the spatter descriptors.
import { DESCRIPTOR_COUNT, DESCRIPTOR_NAMES } from './descriptors';

export interface RefineCsvRow {
  ordinal: number;
  file: string;
  dataset: string;
  index: number;
  label: string;
  labelSource: string;
  split: string;
}

function cell(v: string): string {
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function num(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(4);
}

export function refineCsv(
  rows: RefineCsvRow[],
  opts: { map?: Float32Array | null; cluster?: ArrayLike<number> | null; descriptors?: Float32Array | null },
): string {
  const head = ['ordinal', 'file', 'dataset', 'ds_idx', 'label', 'label_source', 'split'];
  if (opts.map) head.push('map_x', 'map_y');
  if (opts.cluster) head.push('cluster');
  if (opts.descriptors) head.push(...DESCRIPTOR_NAMES);
  const lines = [head.join(',')];
  rows.forEach((r, i) => {
    const cells = [
      String(r.ordinal),
      cell(r.file),
      cell(r.dataset),
      String(r.index),
      cell(r.label),
      r.labelSource,
      r.split,
    ];
    if (opts.map) cells.push(num(opts.map[2 * i]!), num(opts.map[2 * i + 1]!));
    if (opts.cluster) cells.push(String(opts.cluster[i]));
    if (opts.descriptors)
      for (let j = 0; j < DESCRIPTOR_COUNT; j++) cells.push(num(opts.descriptors[i * DESCRIPTOR_COUNT + j]!));
    lines.push(cells.join(','));
  });
  return lines.join('\n') + '\n';
}
