// Two or more runs side by side: a metric's curves overlaid over epochs, the configuration table (optionally
// only the differences), and each run's metrics at its best epoch.
import { useMemo, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import {
  bestEpoch,
  configDiff,
  metricMode,
  overlaySeries,
  type EpochRecord,
} from '../../../core/eval/compare';
import type { RunWithExtras } from '../../../state/eval-store';
import { DataDiff } from './DataDiff';
import { xAxisProps, yAxisProps } from '../../shared/chart-axis';

const COLORS = ['#ffb347', '#6cb6ff', '#5fd38d', '#ff6b6b', '#c792ea', '#ffd166'];
const METRICS = ['valAcc', 'valLoss', 'trainLoss', 'trainAcc', 'lr', 'seconds'] as const;

const history = (r: RunWithExtras): EpochRecord[] => r.history.epochs.map((e) => ({ ...e }));
const fmt = (v: number | undefined) =>
  v === undefined ? '—' : Math.abs(v) < 10 ? v.toFixed(4) : v.toFixed(1);

export function ComparePanel({ runs }: { runs: RunWithExtras[] }) {
  const [metric, setMetric] = useState<(typeof METRICS)[number]>('valAcc');
  const [onlyDiff, setOnlyDiff] = useState(true);
  const series = useMemo(
    () =>
      overlaySeries(
        runs.map((r) => ({ id: r.id, history: history(r) })),
        metric,
      ),
    [runs, metric],
  );
  const rows = useMemo(
    () =>
      configDiff(
        runs.map((r) => r.config),
        onlyDiff,
      ),
    [runs, onlyDiff],
  );
  const best = runs.map((r) => bestEpoch(history(r), 'valAcc'));

  return (
    <section aria-labelledby="runs-compare-title" className="card runs-compare">
      <h3 id="runs-compare-title">Comparing {runs.length} runs</h3>
      <div className="row">
        <label>
          Metric{' '}
          <select
            aria-label="Metric to compare"
            value={metric}
            onChange={(e) => setMetric(e.target.value as typeof metric)}
          >
            {METRICS.map((m) => (
              <option key={m} value={m}>
                {m} ({metricMode(m) === 'max' ? 'higher is better' : 'lower is better'})
              </option>
            ))}
          </select>
        </label>
      </div>
      <figure aria-label={`${metric} of the compared runs by epoch`}>
        <ResponsiveContainer width="100%" height={260}>
          <LineChart data={series} margin={{ top: 5, right: 20, bottom: 20, left: 0 }}>
            <CartesianGrid stroke="#2e3546" />
            <XAxis
              {...xAxisProps}
              dataKey="epoch"
              type="number"
              allowDecimals={false}
              label={{ value: 'Epoch', position: 'insideBottom', offset: -10 }}
            />
            <YAxis {...yAxisProps} domain={['auto', 'auto']} />
            <Tooltip />
            <Legend verticalAlign="top" />
            {runs.map((r, i) => (
              <Line
                key={r.id}
                dataKey={r.id}
                name={r.name}
                stroke={COLORS[i % COLORS.length]}
                dot
                connectNulls
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </figure>

      <table className="data" aria-label="Metrics at the best epoch">
        <caption>At each run's best epoch (highest validation accuracy)</caption>
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Best epoch</th>
            <th scope="col">val acc</th>
            <th scope="col">val loss</th>
            <th scope="col">train loss</th>
            <th scope="col">Test acc (recorded, own test split)</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r, i) => (
            <tr key={r.id}>
              <th scope="row">{r.name}</th>
              <td>{best[i]?.epoch ?? '—'}</td>
              <td>{fmt(best[i]?.valAcc)}</td>
              <td>{fmt(best[i]?.valLoss)}</td>
              <td>{fmt(best[i]?.trainLoss)}</td>
              <td>{fmt(r.test?.acc)}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <DataDiff runs={runs} />

      <label className="radio">
        <input type="checkbox" checked={onlyDiff} onChange={(e) => setOnlyDiff(e.target.checked)} />
        Only differences
      </label>
      <table className="data" aria-label="Configuration comparison">
        <thead>
          <tr>
            <th scope="col">Setting</th>
            {runs.map((r) => (
              <th key={r.id} scope="col">
                {r.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={runs.length + 1}>
                The configurations are identical{' '}
                {new Set(runs.map((r) => r.datasetVersionId ?? r.id)).size > 1
                  ? '— but the data differs (see Data above).'
                  : '.'}
              </td>
            </tr>
          ) : (
            rows.map((row) => (
              <tr key={row.key} className={row.differs ? 'changed' : undefined}>
                <th scope="row">{row.key}</th>
                {row.values.map((v, i) => (
                  <td key={runs[i]!.id}>{v}</td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </section>
  );
}
