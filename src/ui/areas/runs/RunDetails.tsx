// One run's details: rename, tags, evaluate (in the Evaluate area), export as a run file, delete.
import { useEffect, useState } from 'react';
import { evaluationDataLabel } from '../../../core/eval/records';
import { useEvaluations } from '../../../state/evaluations-store';
import {
  evaluateRun,
  exportRun,
  updateRunMeta,
  useEval,
  type RunWithExtras,
} from '../../../state/eval-store';
import { useRoute } from '../../../state/route-store';
import { useRuns } from '../../../state/runs-store';
import { notifyError } from '../../../state/notices-store';

export function RunDetails({ runId, onDeleted }: { runId: string; onDeleted(): void }) {
  const run = useRuns((s) => s.runs.find((r) => r.id === runId)) as RunWithExtras | undefined;
  const deleteRun = useRuns((s) => s.deleteRun);
  const go = useRoute((s) => s.go);
  const [name, setName] = useState(run?.name ?? '');
  const [tags, setTags] = useState((run?.tags ?? []).join(', '));
  const [confirming, setConfirming] = useState(false);
  const evaluations = useEvaluations((s) => s.records);
  const evLoaded = useEvaluations((s) => s.loaded);
  useEffect(() => {
    if (!evLoaded) void useEvaluations.getState().load();
  }, [evLoaded]);
  if (!run) return null;
  const mine = evaluations.filter((e) => e.runId === run.id);

  return (
    <section aria-label={`Run ${run.name}`} className="card runs-details">
      <h3>{run.name}</h3>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void updateRunMeta(run.id, { name, tags: tags.split(',') });
        }}
      >
        <label>
          Run name <input aria-label="Run name" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          Tags (comma-separated){' '}
          <input aria-label="Run tags" value={tags} onChange={(e) => setTags(e.target.value)} />
        </label>
        <button type="submit">Save name and tags</button>
      </form>
      <p className="muted">
        {run.model} on {run.backend}; {run.splitDescription}; {run.checkpoints.length} checkpoint(s).{' '}
        {run.message}
      </p>
      <p>
        Recorded test accuracy (its own test split, at the end of training):{' '}
        <strong>
          {run.test ? `${(100 * run.test.acc).toFixed(2)}% on ${run.test.count} crops` : 'none'}
        </strong>
        {run.datasetVersionId ? (
          <>
            {' '}
            · dataset version <code>{run.datasetVersionId}</code>
          </>
        ) : (
          ' · trained before dataset versions (its data cannot be rebuilt exactly)'
        )}
      </p>
      {mine.length ? (
        <table className="data-table" aria-label={`Evaluations of ${run.name}`}>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Data</th>
              <th scope="col">Crops</th>
              <th scope="col">Accuracy</th>
              <th scope="col">F1</th>
              <th scope="col">Threshold</th>
            </tr>
          </thead>
          <tbody>
            {mine.map((e) => (
              <tr key={e.id}>
                <td>{new Date(e.createdAt).toLocaleString()}</td>
                <td>
                  {evaluationDataLabel(e)}
                  <br />
                  <span className="muted">{e.note}</span>
                </td>
                <td>{e.metrics.count}</td>
                <td>{(100 * e.metrics.accuracy).toFixed(2)}%</td>
                <td>{e.metrics.f1.toFixed(3)}</td>
                <td>{e.threshold.toFixed(2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <div className="row">
        <button
          type="button"
          disabled={run.checkpoints.length === 0}
          onClick={() =>
            void evaluateRun(run.id).then((ok) => {
              if (ok) go('evaluate');
            })
          }
        >
          Evaluate
        </button>
        <button type="button" onClick={() => void exportRun(run.id)}>
          Export run
        </button>
        <button
          type="button"
          disabled={run.checkpoints.length === 0}
          onClick={() =>
            void evaluateRun(run.id).then((ok) => {
              if (ok) void useEval.getState().exportTfjs();
            })
          }
        >
          Export TF.js model
        </button>
        <button
          type="button"
          disabled={run.checkpoints.length === 0}
          onClick={() =>
            void evaluateRun(run.id).then((ok) => {
              if (ok) void useEval.getState().exportOnnx('NCHW');
            })
          }
        >
          Export ONNX model
        </button>
        {confirming ? (
          <>
            <button
              type="button"
              className="danger"
              onClick={() =>
                void deleteRun(run.id).then(onDeleted, (e: unknown) =>
                  notifyError(`Run "${run.name}" could not be deleted`, String(e)),
                )
              }
            >
              Really delete {run.name}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Keep it
            </button>
          </>
        ) : (
          <button type="button" onClick={() => setConfirming(true)}>
            Delete run
          </button>
        )}
      </div>
    </section>
  );
}
