// Pseudo-labels for the unlabelled crops: a confidence threshold per class with a live preview of how many crops
// each admits, optionally only where kNN on the embeddings agrees, and accepting them as one undoable change.
import { useMemo } from 'react';
import { useRefine } from '../../../state/refine-store';

export function PseudoLabelPanel() {
  const probs = useRefine((s) => s.probs);
  const thresholds = useRefine((s) => s.thresholds);
  const classNames = useRefine((s) => s.classNames);
  const knn = useRefine((s) => s.knnP1);
  const requireKnn = useRefine((s) => s.requireKnnAgreement);
  const revision = useRefine((s) => s.revision);
  const { setThreshold, setRequireKnn, acceptPseudoLabels, pseudoPreview } = useRefine.getState();
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const preview = useMemo(() => pseudoPreview(), [probs, thresholds, requireKnn, knn, revision]);
  if (!probs || !preview) return null;
  const candidates = preview.labels.length + preview.rejected;
  return (
    <section className="card" aria-labelledby="refine-pseudo-title">
      <h3 id="refine-pseudo-title">Pseudo-labels</h3>
      {candidates === 0 ? (
        <p className="muted">Every crop has a label: nothing to pseudo-label.</p>
      ) : (
        <>
          <p data-testid="pseudo-summary">
            {candidates.toLocaleString('en')} unlabelled crops: {preview.labels.length.toLocaleString('en')}{' '}
            admitted ({classNames.map((c, k) => `${preview.admitted[k]} ${c}`).join(', ')}),{' '}
            {preview.rejected} left unlabelled.
          </p>
          {classNames.map((c, k) => (
            <label key={c} className="refine-threshold">
              Threshold for {c}{' '}
              <input
                type="range"
                min={0.5}
                max={1}
                step={0.01}
                aria-label={`Pseudo-label threshold for ${c}`}
                value={thresholds[k] ?? 0.95}
                onChange={(e) => setThreshold(k, Number(e.target.value))}
              />{' '}
              {(thresholds[k] ?? 0.95).toFixed(2)} admits {preview.admitted[k]}
            </label>
          ))}
          <label>
            <input
              type="checkbox"
              checked={requireKnn}
              disabled={!knn}
              onChange={(e) => setRequireKnn(e.target.checked)}
            />{' '}
            Only where kNN on the embeddings agrees {knn ? '' : '(compute embeddings first)'}
          </label>
          <div className="row">
            <button type="button" disabled={preview.labels.length === 0} onClick={acceptPseudoLabels}>
              Accept {preview.labels.length.toLocaleString('en')} pseudo-labels
            </button>
          </div>
        </>
      )}
    </section>
  );
}
