// The image set's quality findings (unreadable, duplicates, other sizes, blank, rare classes, no class), each
// with what to do and a button that filters the gallery to its images.
import { findingRuleLabel, type ImageFinding } from '../../../core/images/findings';
import { useImageFindings } from '../../../state/image-findings-store';

export function ImageFindings({
  findings,
  checked,
  onShow,
}: {
  findings: readonly ImageFinding[];
  /** How many images have been checked (null while checking). */
  checked: number | null;
  onShow(key: string): void;
}) {
  const progress = useImageFindings((s) => s.progress);
  const error = useImageFindings((s) => s.error);
  return (
    <section className="card" aria-labelledby="images-findings-title">
      <h3 id="images-findings-title">
        Findings <span className="muted">({checked === null ? '…' : findings.length})</span>
      </h3>
      {progress ? (
        <p className="muted" data-testid="images-check-progress">
          {progress}
        </p>
      ) : null}
      {error ? <p className="warn">{error}</p> : null}
      {checked !== null && findings.length === 0 ? (
        <p className="muted" data-testid="images-no-findings">
          No findings: all {checked.toLocaleString('en')} images are readable, distinct, of one size, not
          blank, and every class has enough images to stratify.
        </p>
      ) : null}
      {findings.length > 0 ? (
        <ul className="images-findings" aria-label="Image findings">
          {findings.map((f) => (
            <li key={f.key} className={`images-finding images-finding-${f.severity}`} data-rule={f.rule}>
              <div className="row">
                <span className="images-flag">{findingRuleLabel(f.rule)}</span>
                <span className="grow">{f.message}</span>
                <button type="button" onClick={() => onShow(f.key)}>
                  Show {f.count.toLocaleString('en')} in gallery
                </button>
              </div>
              <p className="muted images-todo">{f.todo}</p>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
