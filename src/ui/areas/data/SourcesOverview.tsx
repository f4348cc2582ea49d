// Overview per file and dataset: counts, class balance, crop width/height/area and JPEG size statistics
// (min–max, mean, median, like the research analysis), labels and skipped datasets.
import { useState } from 'react';
import { useDataStore } from '../../../state/data-store';
import { fmtBytes, fmtInt, fmtSummary } from './format';

export function SourcesOverview() {
  const sources = useDataStore((s) => s.sources);
  const classNames = useDataStore((s) => s.classNames);
  const setLabel = useDataStore((s) => s.setLabel);
  const closeSource = useDataStore((s) => s.closeSource);
  const setClassNames = useDataStore((s) => s.setClassNames);
  const [classText, setClassText] = useState(classNames.join(', '));
  const total = sources.reduce((a, s) => a + s.count, 0);
  return (
    <section className="card" aria-labelledby="data-overview-title">
      <h3 id="data-overview-title">
        Sources <span className="muted">({fmtInt(total)} crops)</span>
      </h3>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          const names = classText
            .split(',')
            .map((x) => x.trim())
            .filter(Boolean);
          if (names.length >= 2) void setClassNames(names);
        }}
      >
        <label className="grow">
          Class names (in label order, comma-separated)
          <input value={classText} onChange={(e) => setClassText(e.target.value)} />
        </label>
        <button type="submit">Set classes</button>
      </form>
      {sources.length === 0 ? <p className="muted">No crop sets open yet.</p> : null}
      {sources.map((s) => (
        <article key={s.id} className="data-source" aria-label={`Source ${s.name}`}>
          <div className="row">
            <h4 className="grow">
              {s.name}{' '}
              <span className="muted">
                {s.kind === 'memory' ? `in memory, from ${s.origin}` : fmtBytes(s.sizeBytes)} ·{' '}
                <span data-testid="source-count">{fmtInt(s.count)}</span> crops
              </span>
            </h4>
            <label>
              Label of {s.name}
              <select
                value={s.label ?? ''}
                onChange={(e) => void setLabel(s.id, e.target.value === '' ? null : Number(e.target.value))}
              >
                <option value="">choose a class…</option>
                {classNames.map((c, i) => (
                  <option key={c} value={i}>
                    {i}: {c}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" onClick={() => void closeSource(s.id)} aria-label={`Close ${s.name}`}>
              Close
            </button>
          </div>
          {s.label === null ? (
            <div className="warn" role="status" aria-label={`${s.name} is unlabelled`}>
              <strong>Unlabelled.</strong> No class could be inferred from the name, so none was guessed: its
              crops stay out of training and evaluation until you choose.{' '}
              {classNames.map((c, i) => (
                <button key={c} type="button" onClick={() => void setLabel(s.id, i)}>
                  Label all {s.count.toLocaleString('en')} as {c}
                </button>
              ))}
            </div>
          ) : (
            <p className="muted" data-testid="label-source">
              Label: {classNames[s.label] ?? s.label} —{' '}
              {s.labelSource === 'file-name'
                ? 'inferred from the file name'
                : `set by ${s.labelSource === 'user' ? 'you' : s.labelSource}`}
              {s.contentDigest ? ` · content digest ${s.contentDigest}` : ''}
            </p>
          )}
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Dataset</th>
                <th scope="col">Crops</th>
                <th scope="col">Type</th>
                <th scope="col">Classes</th>
                <th scope="col">Width px</th>
                <th scope="col">Height px</th>
                <th scope="col">Area px²</th>
                <th scope="col">JPEG bytes</th>
                <th scope="col">Findings</th>
              </tr>
            </thead>
            <tbody>
              {s.datasets.map((d) => (
                <tr key={d.name}>
                  <th scope="row">{d.name}</th>
                  <td>{fmtInt(d.count)}</td>
                  <td>
                    {d.dtype}
                    {d.compression ? `, ${d.compression}` : ''}
                  </td>
                  <td>
                    {d.classCounts
                      .map((n, c) => (n ? `${classNames[c] ?? c}: ${fmtInt(n)}` : null))
                      .filter(Boolean)
                      .join(', ') || '–'}
                  </td>
                  <td>{fmtSummary(d.width)}</td>
                  <td>{fmtSummary(d.height)}</td>
                  <td>{fmtSummary(d.area)}</td>
                  <td>{fmtSummary(d.jpegBytes)}</td>
                  <td>
                    {Object.entries(d.findings)
                      .map(([k, n]) => `${k}: ${n}`)
                      .join(', ') || (d.decoded === d.count ? 'none' : `${fmtInt(d.decoded)} decoded`)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {s.skipped.length > 0 ? (
            <ul className="data-skipped" aria-label={`Datasets skipped in ${s.name}`}>
              {s.skipped.map((k) => (
                <li key={k.path}>
                  {s.name} › {k.path} was skipped: {k.reason}
                </li>
              ))}
            </ul>
          ) : null}
        </article>
      ))}
    </section>
  );
}
