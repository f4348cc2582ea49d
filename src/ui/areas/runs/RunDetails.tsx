// One run's details: rename, tags, evaluate (in the Evaluate area), export as a run file, delete.
import { useState } from 'react';
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
  if (!run) return null;
  const ev = run.evaluation;

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
      {ev ? (
        <p>
          Last evaluation on the {ev.split} split: accuracy {(100 * ev.accuracy).toFixed(1)}%, macro F1{' '}
          {ev.macroF1.toFixed(3)}
          {ev.rocAuc !== undefined ? `, ROC AUC ${ev.rocAuc.toFixed(3)}` : ''} at threshold{' '}
          {ev.threshold.toFixed(2)}.
        </p>
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
