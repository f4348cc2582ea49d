// The registry's versions with their aliases; register a finished run, promote a version, roll back.
import { useMemo, useState } from 'react';
import { ALIASES, aliasesOf, currentAliases } from '../../../core/registry/registry';
import { notifyError } from '../../../state/notices-store';
import { useRegistry } from '../../../state/registry-store';
import { useRuns } from '../../../state/runs-store';
import { pct, when } from './format';

export function VersionsPanel() {
  const versions = useRegistry((s) => s.versions);
  const events = useRegistry((s) => s.events);
  const selected = useRegistry((s) => s.selected);
  const select = useRegistry((s) => s.select);
  const runs = useRuns((s) => s.runs);
  const [runId, setRunId] = useState('');
  const cur = currentAliases(events);
  const prev = versions.find((v) => v.id === cur.previous);
  const registrable = useMemo(
    () =>
      runs.filter(
        (r) => r.status !== 'running' && r.checkpoints.length > 0 && !versions.some((v) => v.runId === r.id),
      ),
    [runs, versions],
  );

  return (
    <section className="card" aria-labelledby="versions-title">
      <h3 id="versions-title">Model versions</h3>
      <div className="row">
        <label>
          Finished run{' '}
          <select aria-label="Run to register" value={runId} onChange={(e) => setRunId(e.target.value)}>
            <option value="">
              {registrable.length ? 'Choose a run…' : 'No unregistered run with a checkpoint'}
            </option>
            {registrable.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          disabled={!runId}
          onClick={() => {
            useRegistry
              .getState()
              .registerRun(runId)
              .then(() => setRunId(''))
              .catch((e: unknown) =>
                notifyError('The run was not registered', e instanceof Error ? e.message : String(e)),
              );
          }}
        >
          Register its best checkpoint
        </button>
        <button
          type="button"
          disabled={!prev}
          title={prev ? `Make version ${prev.n} production again` : 'No previous production version'}
          onClick={() => void useRegistry.getState().rollback()}
        >
          Roll back{prev ? ` to version ${prev.n}` : ''}
        </button>
      </div>
      {versions.length === 0 ? (
        <p className="muted">
          No model versions yet. Register a finished run above, or run an incremental pipeline below: each
          chunk's candidate becomes a version.
        </p>
      ) : (
        <div className="table-scroll">
          <table className="models-table" aria-label="Model versions">
            <thead>
              <tr>
                <th>Version</th>
                <th>Aliases</th>
                <th>Model</th>
                <th>Accuracy</th>
                <th>F1</th>
                <th>Run · checkpoint</th>
                <th>Data</th>
                <th>Registered</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {[...versions]
                .sort((a, b) => b.n - a.n)
                .map((v) => {
                  const aliases = aliasesOf(events, v.id);
                  return (
                    <tr key={v.id} data-testid={`version-row-${v.n}`} aria-selected={selected === v.id}>
                      <td>
                        <button type="button" className="link" onClick={() => select(v.id)}>
                          v{v.n}
                        </button>
                      </td>
                      <td data-testid="version-aliases">
                        {ALIASES.filter((a) => aliases.includes(a)).map((a) => (
                          <span key={a} className={`alias-badge alias-${a}`}>
                            {a}
                          </span>
                        ))}
                        {v.origin === 'imported' ? <span className="muted">imported</span> : null}
                      </td>
                      <td>{v.card.model}</td>
                      <td>{pct(v.metrics.accuracy, 2)}</td>
                      <td>{pct(v.metrics.f1, 2)}</td>
                      <td title={v.runId}>
                        {v.chunk ? `chunk ${v.chunk} · ` : ''}
                        {v.checkpoint}
                      </td>
                      <td title={v.datasetVersionId ?? ''}>{v.datasetVersionId?.slice(0, 11) ?? '—'}</td>
                      <td>{when(v.createdAt)}</td>
                      <td>
                        <button
                          type="button"
                          disabled={aliases.includes('production') || v.origin === 'imported'}
                          onClick={() =>
                            void useRegistry.getState().promote(v.id, `Promoted by the user (version ${v.n})`)
                          }
                        >
                          Make production
                        </button>
                      </td>
                    </tr>
                  );
                })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
