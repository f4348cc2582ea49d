// Every figure of one evaluation, all recomputed when the decision threshold moves: metrics table, confusion
// matrix (cells open their crops), ROC and PR curves with AUC, reliability diagram, misclassified crops.
import { useMemo, useState } from 'react';
import {
  CartesianGrid,
  Line,
  LineChart,
  ReferenceDot,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
  ZAxis,
} from 'recharts';
import { atThreshold } from '../../../core/eval/curves';
import { cellMembers, positiveScores } from '../../../core/eval/evaluation';
import { useEval } from '../../../state/eval-store';
import { CropThumb } from './CropThumb';
import { xAxisProps, yAxisProps } from '../../shared/chart-axis';

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
const num = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '—' : v.toFixed(3));
const MAX_SHOWN = 60;

export function EvaluationResults() {
  const ev = useEval((s) => s.evaluation);
  const predictions = useEval((s) => s.predictions);
  const crops = useEval((s) => s.predictionCrops);
  const threshold = useEval((s) => s.threshold);
  const setThreshold = useEval((s) => s.setThreshold);
  const downloadCsv = useEval((s) => s.downloadPredictionsCsv);
  const [cell, setCell] = useState<[number, number] | null>(null);

  const opPoint = useMemo(() => {
    if (!ev?.roc || !predictions) return null;
    return atThreshold(positiveScores(predictions), predictions.labels, threshold);
  }, [ev, predictions, threshold]);

  if (!ev || !predictions) return null;
  const names = ev.classNames;
  const cellIdx = cell ? cellMembers(ev, predictions.labels, cell[0], cell[1]) : [];
  const roc = ev.roc?.points.filter((p) => Number.isFinite(p.fpr)).map((p) => ({ fpr: p.fpr, tpr: p.tpr }));
  const pr = ev.pr?.points.map((p) => ({ recall: p.recall, precision: p.precision }));
  const rel = ev.calibration.bins
    .filter((b) => b.count > 0)
    .map((b) => ({ confidence: b.meanConfidence, observed: b.observed, count: b.count }));

  return (
    <section aria-labelledby="evaluate-results-title" className="card evaluate-results">
      <h3 id="evaluate-results-title">
        Results on the <span data-testid="evaluate-split">{ev.split}</span> split (
        {ev.report.total.toLocaleString('en')} crops)
      </h3>
      <div className="row">
        <label className="grow" htmlFor="evaluate-threshold-input">
          Decision threshold (every figure here and the build verdict below use it)
        </label>
        <input
          id="evaluate-threshold-input"
          className="grow"
          type="range"
          min={0}
          max={1}
          step={0.01}
          value={threshold}
          onChange={(e) => setThreshold(Number(e.target.value))}
        />
        <output htmlFor="evaluate-threshold-input" data-testid="evaluate-threshold">
          {threshold.toFixed(2)}
        </output>
        <button type="button" onClick={downloadCsv}>
          Download predictions CSV
        </button>
      </div>

      <div className="grid-2">
        <div>
          <table className="data" aria-label="Metrics">
            <thead>
              <tr>
                <th scope="col">Class</th>
                <th scope="col">Precision</th>
                <th scope="col">Recall</th>
                <th scope="col">F1</th>
                <th scope="col">Support</th>
              </tr>
            </thead>
            <tbody>
              {ev.report.perClass.map((c) => (
                <tr key={c.name}>
                  <th scope="row">{c.name}</th>
                  <td>{num(c.precision)}</td>
                  <td>{num(c.recall)}</td>
                  <td>{num(c.f1)}</td>
                  <td>{c.support}</td>
                </tr>
              ))}
              <tr>
                <th scope="row">macro avg</th>
                <td>{num(ev.report.macro.precision)}</td>
                <td>{num(ev.report.macro.recall)}</td>
                <td>{num(ev.report.macro.f1)}</td>
                <td>{ev.report.total}</td>
              </tr>
              <tr>
                <th scope="row">micro avg</th>
                <td>{num(ev.report.micro.precision)}</td>
                <td>{num(ev.report.micro.recall)}</td>
                <td>{num(ev.report.micro.f1)}</td>
                <td>{ev.report.total}</td>
              </tr>
              <tr>
                <th scope="row">weighted avg</th>
                <td>{num(ev.report.weighted.precision)}</td>
                <td>{num(ev.report.weighted.recall)}</td>
                <td>{num(ev.report.weighted.f1)}</td>
                <td>{ev.report.total}</td>
              </tr>
            </tbody>
          </table>
          <table className="kv" aria-label="Summary figures">
            <tbody>
              <tr>
                <th scope="row">Accuracy</th>
                <td data-testid="evaluate-accuracy">{pct(ev.report.accuracy)}</td>
              </tr>
              {ev.roc ? (
                <tr>
                  <th scope="row">ROC AUC</th>
                  <td data-testid="evaluate-roc-auc">{num(ev.roc.auc)}</td>
                </tr>
              ) : null}
              {ev.pr ? (
                <tr>
                  <th scope="row">Average precision (PR AUC)</th>
                  <td>{num(ev.pr.auc)}</td>
                </tr>
              ) : null}
              <tr>
                <th scope="row">Expected calibration error</th>
                <td>{num(ev.calibration.ece)}</td>
              </tr>
            </tbody>
          </table>
        </div>

        <div>
          <table className="data evaluate-confusion" aria-label="Confusion matrix">
            <caption>Confusion matrix: rows actual, columns predicted (count, share of the row)</caption>
            <thead>
              <tr>
                <th scope="col">Actual ↓ / Predicted →</th>
                {names.map((n) => (
                  <th key={n} scope="col">
                    predicted {n}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {names.map((a, i) => (
                <tr key={a}>
                  <th scope="row">actual {a}</th>
                  {names.map((p, j) => (
                    <td key={p} className={i === j ? 'evaluate-cell-diag' : 'evaluate-cell-off'}>
                      <button
                        type="button"
                        aria-pressed={cell?.[0] === i && cell[1] === j}
                        aria-label={`actual ${a}, predicted ${p}: ${ev.confusion.counts[i]![j]} crops`}
                        data-testid={`cm-${i}-${j}`}
                        onClick={() => setCell(cell?.[0] === i && cell[1] === j ? null : [i, j])}
                      >
                        <strong>{ev.confusion.counts[i]![j]}</strong>
                        <br />
                        <small>{ev.confusion.rowPercent[i]![j]!.toFixed(1)}%</small>
                      </button>
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          {opPoint ? (
            <p className="muted">
              At {threshold.toFixed(2)}: TPR {num(opPoint.recall)}, FPR {num(1 - opPoint.specificity)}
            </p>
          ) : null}
        </div>
      </div>

      {cell && crops ? (
        <section aria-label="Crops in the chosen cell" className="evaluate-crops">
          <h4>
            Actual {names[cell[0]]}, predicted {names[cell[1]]}: {cellIdx.length} crops
            {cellIdx.length > MAX_SHOWN ? ` (the ${MAX_SHOWN} most confident shown)` : ''}
          </h4>
          <ul className="evaluate-gallery">
            {cellIdx.slice(0, MAX_SHOWN).map((i) => (
              <li key={i}>
                <CropThumb
                  x={crops.x}
                  side={crops.side}
                  index={i}
                  label={`${predictions.ids[i]}: ${pct(ev.confidence[i]!)} ${names[ev.predicted[i]!]}`}
                />
                <small>{pct(ev.confidence[i]!)}</small>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <div className="evaluate-charts">
        {roc ? (
          <figure>
            <figcaption>ROC curve (AUC {num(ev.roc?.auc)})</figcaption>
            <ResponsiveContainer width="100%" height={220}>
              <LineChart data={roc} margin={{ top: 5, right: 10, bottom: 20, left: 0 }}>
                <CartesianGrid stroke="#2e3546" />
                <XAxis
                  {...xAxisProps}
                  dataKey="fpr"
                  type="number"
                  domain={[0, 1]}
                  label={{ value: 'False positive rate', position: 'insideBottom', offset: -10 }}
                />
                <YAxis {...yAxisProps} type="number" domain={[0, 1]} />
                <Tooltip />
                <Line dataKey="tpr" dot={false} stroke="#ffb347" isAnimationActive={false} name="TPR" />
                {opPoint ? (
                  <ReferenceDot
                    x={1 - opPoint.specificity}
                    y={opPoint.recall}
                    r={5}
                    fill="#5fd38d"
                    stroke="none"
                  />
                ) : null}
              </LineChart>
            </ResponsiveContainer>
          </figure>
        ) : null}
        {pr ? (
          <figure>
            <figcaption>Precision-recall (AP {num(ev.pr?.auc)})</figcaption>
            <ResponsiveContainer width="100%" height={220}>
              <LineChart data={pr} margin={{ top: 5, right: 10, bottom: 20, left: 0 }}>
                <CartesianGrid stroke="#2e3546" />
                <XAxis
                  {...xAxisProps}
                  dataKey="recall"
                  type="number"
                  domain={[0, 1]}
                  label={{ value: 'Recall', position: 'insideBottom', offset: -10 }}
                />
                <YAxis {...yAxisProps} type="number" domain={[0, 1]} />
                <Tooltip />
                <Line
                  dataKey="precision"
                  dot={false}
                  stroke="#6cb6ff"
                  isAnimationActive={false}
                  name="Precision"
                />
                {opPoint ? (
                  <ReferenceDot x={opPoint.recall} y={opPoint.precision} r={5} fill="#5fd38d" stroke="none" />
                ) : null}
              </LineChart>
            </ResponsiveContainer>
          </figure>
        ) : null}
        <figure>
          <figcaption>
            Reliability (
            {names.length === 2 ? `P(${names[1]}) vs share actually ${names[1]}` : 'confidence vs accuracy'};
            ECE {num(ev.calibration.ece)})
          </figcaption>
          <ResponsiveContainer width="100%" height={220}>
            <ScatterChart margin={{ top: 5, right: 10, bottom: 20, left: 0 }}>
              <CartesianGrid stroke="#2e3546" />
              <XAxis
                {...xAxisProps}
                dataKey="confidence"
                type="number"
                domain={[0, 1]}
                name="Predicted"
                label={{ value: 'Predicted probability', position: 'insideBottom', offset: -10 }}
              />
              <YAxis {...yAxisProps} dataKey="observed" type="number" domain={[0, 1]} name="Observed" />
              <ZAxis dataKey="count" range={[30, 300]} name="Crops" />
              <Tooltip />
              <Scatter
                data={[
                  { confidence: 0, observed: 0, count: 0 },
                  { confidence: 1, observed: 1, count: 0 },
                ]}
                line
                fill="#9aa3b5"
                isAnimationActive={false}
                name="Perfect calibration"
              />
              <Scatter data={rel} fill="#5fd38d" isAnimationActive={false} name="Bins" />
            </ScatterChart>
          </ResponsiveContainer>
        </figure>
      </div>

      <section aria-label="Misclassified crops" className="evaluate-crops">
        <h4>Misclassified crops, most confident first ({ev.misclassified.length})</h4>
        {crops && ev.misclassified.length ? (
          <ul className="evaluate-gallery">
            {ev.misclassified.slice(0, MAX_SHOWN).map((i) => (
              <li key={i}>
                <CropThumb
                  x={crops.x}
                  side={crops.side}
                  index={i}
                  label={`${predictions.ids[i]}: actual ${names[predictions.labels[i]!]}, predicted ${names[ev.predicted[i]!]} at ${pct(ev.confidence[i]!)}`}
                />
                <small data-testid="misclassified-caption">
                  predicted {names[ev.predicted[i]!]} {pct(ev.confidence[i]!)}, actual{' '}
                  {names[predictions.labels[i]!]}
                </small>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">None at this threshold.</p>
        )}
      </section>
    </section>
  );
}
