// The changes of this session (undo, redo), the refined dataset version they make (saved with the provenance of
// every change), and the loop's last step: retrain on the refined version, evaluated on the unchanged test split.
import { useState } from 'react';
import { LABEL_SOURCES, type LabelSource } from '../../../core/dataset/version';
import { describeEdit } from '../../../core/refine/edits';
import { useRefine } from '../../../state/refine-store';
import { useTrain } from '../../../state/train-store';

const TRAINABLE: LabelSource[] = LABEL_SOURCES.filter((s) => s !== 'unlabelled');

export function VersionPanel() {
  const log = useRefine((s) => s.log);
  useRefine((s) => s.revision);
  const base = useRefine((s) => s.base);
  const classNames = useRefine((s) => s.classNames);
  const saved = useRefine((s) => s.savedVersion);
  const retrain = useRefine((s) => s.retrain);
  const phase = useTrain((s) => s.phase);
  const trainMessage = useTrain((s) => s.message);
  const { undo, redo, saveVersion, retrainOnVersion } = useRefine.getState();
  const [include, setInclude] = useState<Set<LabelSource>>(new Set(TRAINABLE));
  if (!log || !base) return null;
  const edits = log.edits;
  const changed = log.changed();
  const relabelled = changed.filter((i) => log.label[i] !== base.items.label[i]).length;
  const training = phase === 'running' || phase === 'preparing' || phase === 'paused' || phase === 'stopping';
  return (
    <section className="card" aria-labelledby="refine-version-title">
      <h3 id="refine-version-title">Changes and the refined version</h3>
      <p className="muted">
        Base: {base.version.id} ({base.version.counts.total.toLocaleString('en')} crops,{' '}
        {base.version.splitRecipe})
      </p>
      <div className="row">
        <button type="button" disabled={!log.canUndo} onClick={undo}>
          Undo
        </button>
        <button type="button" disabled={!log.canRedo} onClick={redo}>
          Redo
        </button>
        <span data-testid="changes-summary">
          {changed.length.toLocaleString('en')} crops changed ({relabelled.toLocaleString('en')} labels)
        </span>
      </div>
      <ol aria-label="Changes" className="refine-edits">
        {edits.map((e, k) => (
          <li key={k}>{describeEdit(e, classNames)}</li>
        ))}
      </ol>
      <div className="row">
        <button type="button" disabled={edits.length === 0} onClick={() => void saveVersion()}>
          Save dataset version
        </button>
        {saved ? (
          <span data-testid="saved-version">
            Saved {saved.id}: parent {saved.parent}, {saved.counts.unlabelled.toLocaleString('en')} unlabelled
          </span>
        ) : null}
      </div>
      <fieldset className="refine-sources">
        <legend>Train on labels from</legend>
        {TRAINABLE.map((s) => (
          <label key={s}>
            <input
              type="checkbox"
              checked={include.has(s)}
              onChange={() =>
                setInclude((c) => {
                  const n = new Set(c);
                  if (n.has(s)) n.delete(s);
                  else n.add(s);
                  return n;
                })
              }
            />{' '}
            {s}
          </label>
        ))}
      </fieldset>
      <div className="row">
        <button
          type="button"
          disabled={edits.length === 0 || training}
          onClick={() => void retrainOnVersion([...include])}
        >
          Retrain on the refined version
        </button>
        {training ? <span className="muted">{trainMessage ?? 'Training…'} (see the Train area)</span> : null}
      </div>
      {retrain ? (
        <p data-testid="retrain-result">
          {retrain.runId ? `Run ${retrain.runId}: ${retrain.status}` : retrain.status}
          {retrain.test
            ? `; test accuracy ${(100 * retrain.test.acc).toFixed(2)}% on the unchanged test split (${retrain.test.count} crops)`
            : ''}
          {retrain.evaluationId ? `; evaluation ${retrain.evaluationId}` : ''}
          {retrain.registry ? `; ${retrain.registry}` : ''}
        </p>
      ) : null}
    </section>
  );
}
