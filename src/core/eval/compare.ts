// Run comparison: a configuration table that can show only what differs between runs, the epoch each run
// did best on, and the metrics of every run in one CSV.
import { toCsv, type CsvCell } from './csv';

/** A configuration as sections of fields (StudioConfig fits), or any nested plain object. */
export type ConfigLike = Record<string, unknown>;

export interface ConfigRow {
  /** Dotted key, e.g. `training.lr`. */
  key: string;
  /** The value in each run, formatted; '' when a run does not have the key (an older run file). */
  values: string[];
  differs: boolean;
}

function flatten(obj: unknown, prefix: string, out: Map<string, string>): void {
  if (obj !== null && typeof obj === 'object' && !Array.isArray(obj)) {
    for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
      flatten(v, prefix ? `${prefix}.${k}` : k, out);
    }
  } else {
    out.set(prefix, Array.isArray(obj) ? obj.join(',') : String(obj));
  }
}

export function flattenConfig(config: ConfigLike): Map<string, string> {
  const out = new Map<string, string>();
  flatten(config, '', out);
  return out;
}

/** Rows of the comparison table, keys in first-seen order; `onlyDifferences` drops the rows that agree. */
export function configDiff(configs: ConfigLike[], onlyDifferences = false): ConfigRow[] {
  const flat = configs.map(flattenConfig);
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const f of flat) {
    for (const k of f.keys()) {
      if (!seen.has(k)) {
        seen.add(k);
        keys.push(k);
      }
    }
  }
  const rows: ConfigRow[] = keys.map((key) => {
    const values = flat.map((f) => f.get(key) ?? '');
    return { key, values, differs: values.some((v) => v !== values[0]) };
  });
  return onlyDifferences ? rows.filter((r) => r.differs) : rows;
}

/** One epoch of a run's metric history: `epoch` plus named figures (train_loss, val_acc, ...). */
export type EpochRecord = { epoch: number } & Record<string, number>;

export type MetricMode = 'max' | 'min';

/** Whether a metric is better high or low, from its name (losses and errors go down). */
export function metricMode(metric: string): MetricMode {
  return /loss|error|ece|time|seconds|_s$/i.test(metric) ? 'min' : 'max';
}

/** The epoch with the best value of `metric` (the earliest on ties, as early stopping keeps it). */
export function bestEpoch(
  history: EpochRecord[],
  metric: string,
  mode: MetricMode = metricMode(metric),
): EpochRecord | undefined {
  let best: EpochRecord | undefined;
  for (const rec of history) {
    const v = rec[metric];
    if (v === undefined || !Number.isFinite(v)) continue;
    const b = best?.[metric];
    if (b === undefined || (mode === 'max' ? v > b : v < b)) best = rec;
  }
  return best;
}

/** Every metric name that appears in any of the histories (epoch excluded), in first-seen order. */
export function metricNames(histories: EpochRecord[][]): string[] {
  const out: string[] = [];
  for (const h of histories)
    for (const r of h) for (const k of Object.keys(r)) if (k !== 'epoch' && !out.includes(k)) out.push(k);
  return out;
}

export interface RunMetricsInput {
  id: string;
  name: string;
  history: EpochRecord[];
}

/** All runs' metric histories as one long table: run_id, run_name, epoch, then every metric. */
export function allMetricsCsv(runs: RunMetricsInput[]): string {
  const names = metricNames(runs.map((r) => r.history));
  const rows: CsvCell[][] = [];
  for (const r of runs) {
    for (const rec of r.history) rows.push([r.id, r.name, rec.epoch, ...names.map((n) => rec[n])]);
  }
  return toCsv(['run_id', 'run_name', 'epoch', ...names], rows);
}

/**
 * Overlaid curves for a chart: one row per epoch with a column `<runId>` holding that run's `metric`, the
 * shape recharts wants for several <Line dataKey=runId> over a shared epoch axis.
 */
export function overlaySeries(
  runs: { id: string; history: EpochRecord[] }[],
  metric: string,
): Record<string, number>[] {
  const byEpoch = new Map<number, Record<string, number>>();
  for (const r of runs) {
    for (const rec of r.history) {
      const v = rec[metric];
      if (v === undefined) continue;
      let row = byEpoch.get(rec.epoch);
      if (!row) byEpoch.set(rec.epoch, (row = { epoch: rec.epoch }));
      row[r.id] = v;
    }
  }
  return [...byEpoch.values()].sort((a, b) => a.epoch! - b.epoch!);
}
