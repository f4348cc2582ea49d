// Confident learning's ranked list of likely label issues, with the evidence for each (given label, predicted
// label, self-confidence), and bulk review: accept the predicted label, exclude, or show them on the map.
import { useMemo, useState } from 'react';
import { useRefine } from '../../../state/refine-store';
import { CropThumbnail } from './SelectionGallery';

const PAGE = 50;

export function IssuesPanel() {
  const issues = useRefine((s) => s.issues);
  const probs = useRefine((s) => s.probs);
  const noise = useRefine((s) => s.noise);
  const crops = useRefine((s) => s.crops);
  const classNames = useRefine((s) => s.classNames);
  const { acceptCorrections, exclude, select, setColourBy } = useRefine.getState();
  const [checked, setChecked] = useState<Set<number>>(new Set());
  const [shown, setShown] = useState(PAGE);
  const picked = useMemo(() => issues.filter((i) => checked.has(i.item)), [issues, checked]);
  if (!probs || !crops) return null;
  const labelled = probs.labels.filter((l) => l >= 0).length;
  return (
    <section className="card" aria-labelledby="refine-issues-title">
      <h3 id="refine-issues-title">Label issues</h3>
      <p data-testid="issues-summary">
        {issues.length.toLocaleString('en')} likely label issues among {labelled.toLocaleString('en')}{' '}
        labelled crops (out-of-sample accuracy per fold:{' '}
        {probs.foldAccuracy.map((a) => `${(100 * a).toFixed(1)}%`).join(', ')}).
        {noise
          ? ` Estimated: ${noise
              .flatMap((row, g) =>
                row.map((v, j) =>
                  g !== j && v >= 0.5 ? `${Math.round(v)} ${classNames[g]} that are ${classNames[j]}` : '',
                ),
              )
              .filter(Boolean)
              .join(', ')}.`
          : ''}
      </p>
      <div className="row">
        <button type="button" onClick={() => setChecked(new Set(issues.slice(0, shown).map((i) => i.item)))}>
          Check all shown
        </button>
        <button type="button" disabled={picked.length === 0} onClick={() => acceptCorrections(picked)}>
          Accept predicted labels ({picked.length})
        </button>
        <button
          type="button"
          disabled={picked.length === 0}
          onClick={() => exclude(picked.map((i) => i.item))}
        >
          Exclude ({picked.length})
        </button>
        <button
          type="button"
          disabled={issues.length === 0}
          onClick={() => {
            select(issues.map((i) => i.item));
            setColourBy('suspected');
          }}
        >
          Show on the map
        </button>
      </div>
      <table className="data refine-issues" aria-label="Label issues">
        <thead>
          <tr>
            <th scope="col">Rank</th>
            <th scope="col">Review</th>
            <th scope="col">Crop</th>
            <th scope="col">Where</th>
            <th scope="col">Given</th>
            <th scope="col">Predicted</th>
            <th scope="col">Self-confidence</th>
          </tr>
        </thead>
        <tbody>
          {issues.slice(0, shown).map((is, k) => {
            const s = crops.sources[crops.source[is.item]!]!;
            const where = `${s.name} ${s.datasets[crops.dataset[is.item]!]} #${crops.index[is.item]}`;
            return (
              <tr key={is.item} data-testid="issue-row">
                <td>{k + 1}</td>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Review ${where}`}
                    checked={checked.has(is.item)}
                    onChange={() =>
                      setChecked((c) => {
                        const n = new Set(c);
                        if (n.has(is.item)) n.delete(is.item);
                        else n.add(is.item);
                        return n;
                      })
                    }
                  />
                </td>
                <td>
                  <CropThumbnail row={is.item} size={32} />
                </td>
                <td data-testid="issue-where">{where}</td>
                <td>{classNames[is.given]}</td>
                <td>{classNames[is.predicted]}</td>
                <td>{is.selfConfidence.toFixed(3)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {issues.length > shown ? (
        <button type="button" onClick={() => setShown(shown + PAGE)}>
          Show more
        </button>
      ) : null}
    </section>
  );
}
