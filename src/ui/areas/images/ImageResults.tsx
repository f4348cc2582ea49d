// The last image run's test metrics: per class (precision, recall, F1, support, average precision), macro /
// micro / weighted averages, the confusion matrix (or one 2x2 per class for multi-label), results.json and
// exports.
import { useImages } from '../../../state/images-store';

const f3 = (v: number) => v.toFixed(3);

/** A small precision-recall curve (recall on x, precision on y, both 0..1). */
function PrCurve({ name, ap, points }: { name: string; ap: number; points: [number, number][] }) {
  const W = 160;
  const H = 110;
  const d = points
    .map(([r, p], i) => `${i ? 'L' : 'M'}${(r * W).toFixed(1)},${((1 - p) * H).toFixed(1)}`)
    .join(' ');
  return (
    <figure className="images-pr">
      <svg
        width={W}
        height={H}
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`PR curve of ${name}, AP ${f3(ap)}`}
      >
        <rect x={0} y={0} width={W} height={H} fill="none" stroke="currentColor" strokeOpacity={0.3} />
        {d ? <path d={d} fill="none" stroke="currentColor" strokeWidth={1.5} /> : null}
      </svg>
      <figcaption>
        {name}: AP {f3(ap)}
        {points.length ? '' : ' (no positives in the test split)'}
      </figcaption>
    </figure>
  );
}

export function ImageResults() {
  const results = useImages((s) => s.results);
  const downloadResults = useImages((s) => s.downloadResults);
  const exportOnnx = useImages((s) => s.exportOnnx);
  const exportTfjs = useImages((s) => s.exportTfjs);
  const onnxCheck = useImages((s) => s.onnxCheck);
  const tfjsNote = useImages((s) => s.tfjsNote);
  if (!results) return null;
  const t = results.test;
  const multiLabel = results.config.task === 'multi-label';
  return (
    <section className="card" aria-labelledby="images-results-title">
      <h3 id="images-results-title">Test results</h3>
      <p>
        Best validation epoch {results.best_validation.epoch + 1} (macro F1{' '}
        {f3(results.best_validation.macro.f1)}
        ); test {multiLabel ? 'exact-match' : ''} accuracy {f3(t.accuracy)};{' '}
        {results.timings.train_images_per_s.toFixed(1)} training images/s on {results.experiment.backend}.
      </p>
      <table className="images-table" aria-label="Averaged metrics">
        <thead>
          <tr>
            <th>average</th>
            <th>precision</th>
            <th>recall</th>
            <th>F1</th>
          </tr>
        </thead>
        <tbody>
          {(['macro', 'micro', 'weighted'] as const).map((k) => (
            <tr key={k}>
              <td>{k}</td>
              <td>{f3(t[k].precision)}</td>
              <td>{f3(t[k].recall)}</td>
              <td data-testid={`results-${k}-f1`}>{f3(t[k].f1)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table className="images-table" aria-label="Per-class metrics">
        <thead>
          <tr>
            <th>class</th>
            <th>precision</th>
            <th>recall</th>
            <th>F1</th>
            <th>support</th>
            <th>AP</th>
            {multiLabel ? <th>TN / FP / FN / TP</th> : null}
          </tr>
        </thead>
        <tbody>
          {results.per_class.map((c, i) => {
            const cm = multiLabel ? (results.confusion[i] as [[number, number], [number, number]]) : null;
            return (
              <tr key={c.name}>
                <td>{c.name}</td>
                <td>{f3(c.precision)}</td>
                <td>{f3(c.recall)}</td>
                <td>{f3(c.f1)}</td>
                <td>{c.support}</td>
                <td>{f3(c.ap)}</td>
                {cm ? <td>{`${cm[0][0]} / ${cm[0][1]} / ${cm[1][0]} / ${cm[1][1]}`}</td> : null}
              </tr>
            );
          })}
        </tbody>
      </table>
      {!multiLabel ? (
        <table className="images-table" aria-label="Confusion matrix (rows actual, columns predicted)">
          <thead>
            <tr>
              <th>actual \ predicted</th>
              {results.per_class.map((c) => (
                <th key={c.name}>{c.name}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {(results.confusion as number[][]).map((row, i) => (
              <tr key={i}>
                <th>{results.per_class[i]!.name}</th>
                {row.map((v, j) => (
                  <td key={j}>{v}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <div className="row" aria-label="Precision-recall curves per class (test split)">
        {results.pr_curves.map((c) => (
          <PrCurve key={c.name} {...c} />
        ))}
      </div>
      <div className="row">
        <button type="button" onClick={downloadResults}>
          Download results.json
        </button>
        <button type="button" onClick={() => void exportOnnx()}>
          Export ONNX
        </button>
        <button type="button" onClick={() => void exportTfjs()}>
          Export TF.js (graph model)
        </button>
      </div>
      {onnxCheck ? <p className="muted">{onnxCheck}</p> : null}
      {tfjsNote ? (
        <p className="muted" data-testid="images-tfjs-note">
          {tfjsNote}
        </p>
      ) : null}
    </section>
  );
}
