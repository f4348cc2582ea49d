// A pipeline's report: per-chunk rows (samples, metrics, verdict and reason), the summary, the learning curve
// (candidate accuracy vs samples, promotions marked, production's accuracy as a step line), CSV and JSON.
import {
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Scatter,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { summarize } from '../../../core/incremental/report';
import { downloadBytes } from '../../../state/eval-store';
import { useIncremental } from '../../../state/incremental-store';
import { pct } from './format';

export function IncrementalReport() {
  const pipelines = useIncremental((s) => s.pipelines);
  const activeId = useIncremental((s) => s.activeId);
  const p = pipelines.find((x) => x.id === activeId) ?? pipelines[0];
  if (!p) return null;
  const s = summarize(p.rows);
  const points = p.rows.map((r) => ({
    samples: r.samplesSoFar,
    accuracy: r.accuracy,
    production: r.productionAfter,
    promoted: r.status === 'promoted' ? r.accuracy : null,
  }));
  const base = p.name.replace(/[^\w.-]+/g, '_');
  return (
    <section className="card models-section" aria-labelledby="report-title">
      <h3 id="report-title">Pipeline report</h3>
      <div className="row">
        <label>
          Pipeline{' '}
          <select
            aria-label="Pipeline"
            value={p.id}
            onChange={(e) => useIncremental.getState().select(e.target.value)}
          >
            {pipelines.map((x) => (
              <option key={x.id} value={x.id}>
                {x.name} ({x.status}, {x.rows.length}/{x.plan.chunks.length})
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          onClick={() => downloadBytes(`${base}-report.csv`, useIncremental.getState().csv(p.id), 'text/csv')}
        >
          Download CSV
        </button>
        <button
          type="button"
          onClick={() =>
            downloadBytes(`${base}-report.json`, useIncremental.getState().json(p.id), 'application/json')
          }
        >
          Download JSON
        </button>
      </div>
      <p
        data-testid="pipeline-status"
        data-status={p.status}
        data-rows={p.rows.length}
        data-chunks={p.plan.chunks.length}
      >
        <strong>{p.status}</strong> · {p.message} · {p.plan.chunks.length} chunks, {p.plan.heldOut.length}{' '}
        crops held out (<code>{p.heldOutVersionId.slice(0, 11)}</code>), {p.model} on {p.backend}
      </p>
      <p data-testid="pipeline-summary">
        Best accuracy {pct(s.bestAccuracy, 2)}, worst {pct(s.worstAccuracy, 2)}, mean {pct(s.meanAccuracy, 2)}
        ; best F1 {pct(s.bestF1, 2)}, mean F1 {pct(s.meanF1, 2)}; {s.improvements} promoted, {s.localOnly}{' '}
        stayed local
        {s.failed ? `, ${s.failed} failed` : ''}.
      </p>
      {points.length > 0 ? (
        <figure aria-label="Learning curve" data-testid="learning-curve" data-points={points.length}>
          <figcaption>Held-out accuracy vs samples (● promoted; step line: production)</figcaption>
          <ResponsiveContainer width="100%" height={240}>
            <ComposedChart data={points}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis
                dataKey="samples"
                type="number"
                domain={['dataMin', 'dataMax']}
                tickFormatter={(v: number) => v.toLocaleString('en')}
              />
              <YAxis domain={[0.5, 1]} tickFormatter={(v: number) => `${Math.round(v * 100)}%`} />
              <Tooltip formatter={(v) => (typeof v === 'number' ? `${(v * 100).toFixed(2)}%` : String(v))} />
              <Legend />
              <Line
                name="candidate"
                dataKey="accuracy"
                stroke="#1d4ed8"
                isAnimationActive={false}
                connectNulls
              />
              <Line
                name="production"
                dataKey="production"
                type="stepAfter"
                stroke="#15803d"
                dot={false}
                isAnimationActive={false}
              />
              <Scatter name="promoted" dataKey="promoted" fill="#15803d" isAnimationActive={false} />
            </ComposedChart>
          </ResponsiveContainer>
        </figure>
      ) : null}
      <div className="table-scroll">
        <table className="models-table" aria-label="Pipeline report table">
          <thead>
            <tr>
              <th>Chunk</th>
              <th>Samples so far</th>
              <th>Trained on</th>
              <th>Accuracy</th>
              <th>F1</th>
              <th>Precision</th>
              <th>Recall</th>
              <th>Production</th>
              <th>Verdict</th>
              <th>Reason</th>
            </tr>
          </thead>
          <tbody>
            {p.rows.map((r) => (
              <tr key={r.chunk} data-testid="chunk-row" data-chunk={r.chunk} data-status={r.status}>
                <td>{r.chunk}</td>
                <td>{r.samplesSoFar.toLocaleString('en')}</td>
                <td>{r.trainedOn.toLocaleString('en')}</td>
                <td>{pct(r.accuracy, 2)}</td>
                <td>{pct(r.f1, 2)}</td>
                <td>{pct(r.precision, 2)}</td>
                <td>{pct(r.recall, 2)}</td>
                <td>{pct(r.productionAccuracy, 2)}</td>
                <td className={`verdict-${r.status}`}>
                  {r.status}
                  {r.versionN ? ` (v${r.versionN})` : ''}
                </td>
                <td className="report-reason">
                  {r.reason}
                  {r.note ? <span className="muted"> · {r.note}</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
