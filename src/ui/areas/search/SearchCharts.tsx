// The study's charts: optimisation history (each trial's value and the best so far), the per-epoch curves of the
// selected trials (the values the pruner saw), and parameter importance with its bootstrap spread.
import {
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Scatter,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { Importance } from '../../../core/hpo/importance';
import { bestSoFar, type Direction, type Trial } from '../../../core/hpo/study';

const H = 220;
const COLOURS = ['#1d4ed8', '#c2410c', '#15803d', '#7c3aed', '#b91c1c', '#0e7490', '#a16207', '#be185d'];

export function HistoryChart({
  trials,
  direction,
  label,
}: {
  trials: Trial[];
  direction: Direction;
  label: string;
}) {
  const best = bestSoFar(trials, direction);
  const sorted = [...trials].sort((a, b) => a.number - b.number);
  const data = sorted.map((t, i) => ({
    number: t.number,
    complete: t.state === 'complete' ? t.value : null,
    pruned: t.state === 'pruned' ? t.value : null,
    best: best[i],
  }));
  return (
    <figure
      className="card"
      aria-label="Optimisation history"
      data-testid="chart-history"
      data-points={data.length}
    >
      <figcaption>Optimisation history ({label})</figcaption>
      <ResponsiveContainer width="100%" height={H}>
        <ComposedChart data={data}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="number" type="number" domain={['dataMin', 'dataMax']} allowDecimals={false} />
          <YAxis domain={['auto', 'auto']} />
          <Tooltip />
          <Legend />
          <Scatter name="completed" dataKey="complete" fill="#1d4ed8" isAnimationActive={false} />
          <Scatter name="pruned" dataKey="pruned" fill="#9ca3af" isAnimationActive={false} />
          <Line
            name="best so far"
            dataKey="best"
            stroke="#15803d"
            dot={false}
            type="stepAfter"
            isAnimationActive={false}
            connectNulls
          />
        </ComposedChart>
      </ResponsiveContainer>
    </figure>
  );
}

export function TrialCurves({ trials, label }: { trials: Trial[]; label: string }) {
  const shown = trials.filter((t) => t.intermediate.length > 0).slice(0, 12);
  const steps = [...new Set(shown.flatMap((t) => t.intermediate.map((iv) => iv.step)))].sort((a, b) => a - b);
  const data = steps.map((step) => {
    const row: Record<string, number | null> = { step };
    for (const t of shown) row[`t${t.number}`] = t.intermediate.find((iv) => iv.step === step)?.value ?? null;
    return row;
  });
  return (
    <figure
      className="card"
      aria-label="Trial curves"
      data-testid="chart-trial-curves"
      data-lines={shown.length}
    >
      <figcaption>
        Per-epoch {label} of the {shown.length === trials.length ? '' : 'first 12 '}selected trials
      </figcaption>
      <ResponsiveContainer width="100%" height={H}>
        <LineChart data={data}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="step" allowDecimals={false} />
          <YAxis domain={['auto', 'auto']} />
          <Tooltip />
          {shown.map((t, i) => (
            <Line
              key={t.number}
              name={`trial ${t.number}${t.state === 'pruned' ? ' (pruned)' : ''}`}
              dataKey={`t${t.number}`}
              stroke={COLOURS[i % COLOURS.length]}
              strokeDasharray={t.state === 'pruned' ? '4 3' : undefined}
              isAnimationActive={false}
              connectNulls
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}

/** Bars of the importance shares, with whiskers from the 10th to the 90th bootstrap percentile. */
export function ImportanceView({ importance, needed }: { importance: Importance[]; needed: number }) {
  const W = 520;
  const row = 26;
  const left = 170;
  const H2 = 24 + row * importance.length;
  const sx = (v: number) => left + v * (W - left - 20);
  return (
    <figure
      className="card"
      aria-label="Parameter importance"
      data-testid="importance"
      data-params={importance.length}
    >
      <figcaption>Parameter importance (PED-ANOVA; whiskers: 10–90 % over 50 bootstrap resamples)</figcaption>
      {importance.length === 0 ? (
        <p className="muted">Needs at least {needed} completed trials.</p>
      ) : (
        <svg viewBox={`0 0 ${W} ${H2}`} className="imp-plot" role="img" aria-label="Importance bars">
          {importance.map((imp, i) => {
            const y = 8 + i * row;
            return (
              <g key={imp.param} data-testid={`importance-${imp.param}`} data-value={imp.value.toFixed(4)}>
                <text x={left - 8} y={y + 13} textAnchor="end" className="pc-label">
                  {imp.param.replace(/^training\./, '')}
                </text>
                <rect
                  x={left}
                  y={y + 2}
                  width={Math.max(1, sx(imp.value) - left)}
                  height={row - 10}
                  className="imp-bar"
                />
                <line x1={sx(imp.low)} x2={sx(imp.high)} y1={y + 8} y2={y + 8} className="imp-whisker" />
                <line x1={sx(imp.low)} x2={sx(imp.low)} y1={y + 3} y2={y + 13} className="imp-whisker" />
                <line x1={sx(imp.high)} x2={sx(imp.high)} y1={y + 3} y2={y + 13} className="imp-whisker" />
                <text x={Math.min(W - 40, sx(imp.high) + 6)} y={y + 13} className="pc-tick">
                  {(imp.value * 100).toFixed(0)} % ± {(imp.std * 100).toFixed(0)}
                </text>
              </g>
            );
          })}
        </svg>
      )}
    </figure>
  );
}
