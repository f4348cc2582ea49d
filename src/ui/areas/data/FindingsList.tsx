// Data-quality findings, each with its location (file › dataset [index]).
import { ruleLabel } from '../../../core/data/quality';
import { useDataStore } from '../../../state/data-store';

export function FindingsList() {
  const findings = useDataStore((s) => s.findings);
  const scan = useDataStore((s) => s.scan);
  const busy = useDataStore((s) => s.busy);
  const lastDecode = useDataStore((s) => s.lastDecode);
  const sources = useDataStore((s) => s.sources);
  return (
    <section className="card" aria-labelledby="data-findings-title">
      <div className="row">
        <h3 id="data-findings-title" className="grow">
          Findings <span className="muted">({findings.total.toLocaleString('en')})</span>
        </h3>
        <button type="button" disabled={!!busy || sources.length === 0} onClick={() => void scan()}>
          Decode all and check quality
        </button>
      </div>
      {lastDecode ? (
        <p className="muted">
          Last decode: {lastDecode.decoded.toLocaleString('en')} crops in {lastDecode.seconds.toFixed(2)} s
          {lastDecode.failed ? `, ${lastDecode.failed} undecodable` : ''}.
        </p>
      ) : null}
      {findings.total === 0 ? (
        <p className="muted">No findings.</p>
      ) : (
        <ul className="data-findings" aria-label="Data-quality findings">
          {findings.findings.map((f) => (
            <li key={`${f.file}/${f.dataset}/${f.index}/${f.rule}`}>
              <span className={`data-flag data-flag-${f.rule}`}>{ruleLabel(f.rule)}</span> {f.message}
            </li>
          ))}
          {findings.total > findings.findings.length ? (
            <li className="muted">
              … and {(findings.total - findings.findings.length).toLocaleString('en')} more
            </li>
          ) : null}
        </ul>
      )}
    </section>
  );
}
