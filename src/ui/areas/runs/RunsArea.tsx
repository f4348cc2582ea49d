// Runs area: every run kept in this browser, filtered and sorted; rename, tag, delete, export and import
// runs; export all metrics as CSV; pick two or more to compare them side by side.
import { useEffect, useMemo, useState } from 'react';
import {
  allRunsMetricsCsv,
  downloadBytes,
  importRunFile,
  type RunWithExtras,
} from '../../../state/eval-store';
import { useRuns } from '../../../state/runs-store';
import { notifyError } from '../../../state/notices-store';
import { ComparePanel } from './ComparePanel';
import { RunDetails } from './RunDetails';
import { ScaleOutPanel } from '../jobs/ScaleOutPanel';
import './runs.css';

type SortKey = 'newest' | 'oldest' | 'best-val' | 'name';

const pct = (v: number | null | undefined) =>
  v === null || v === undefined ? '—' : `${(100 * v).toFixed(1)}%`;

export function RunsArea() {
  const runs = useRuns((s) => s.runs) as RunWithExtras[];
  const loaded = useRuns((s) => s.loaded);
  const load = useRuns((s) => s.load);
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<SortKey>('newest');
  const [selected, setSelected] = useState<string[]>([]);
  const [open, setOpen] = useState<string | null>(null);

  useEffect(() => {
    if (!loaded) load().catch((e: unknown) => notifyError('The run history could not be read', String(e)));
  }, [loaded, load]);

  const shown = useMemo(() => {
    const q = filter.trim().toLowerCase();
    const list = runs.filter(
      (r) =>
        !q ||
        r.name.toLowerCase().includes(q) ||
        r.model.toLowerCase().includes(q) ||
        r.status.toLowerCase().includes(q) ||
        (r.tags ?? []).some((t) => t.toLowerCase().includes(q)),
    );
    const by: Record<SortKey, (a: RunWithExtras, b: RunWithExtras) => number> = {
      newest: (a, b) => b.createdAt - a.createdAt,
      oldest: (a, b) => a.createdAt - b.createdAt,
      'best-val': (a, b) => (b.bestValAcc ?? -1) - (a.bestValAcc ?? -1),
      name: (a, b) => a.name.localeCompare(b.name),
    };
    return [...list].sort(by[sort]);
  }, [runs, filter, sort]);

  const toggle = (id: string) =>
    setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]));
  const compared = runs.filter((r) => selected.includes(r.id));

  return (
    <section aria-labelledby="runs-title" className="area">
      <h2 id="runs-title">Runs</h2>
      <div className="row runs-toolbar">
        <label>
          Filter{' '}
          <input
            type="search"
            aria-label="Filter runs"
            placeholder="name, tag, model, status"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
          />
        </label>
        <label>
          Sort{' '}
          <select aria-label="Sort runs" value={sort} onChange={(e) => setSort(e.target.value as SortKey)}>
            <option value="newest">Newest first</option>
            <option value="oldest">Oldest first</option>
            <option value="best-val">Best validation accuracy</option>
            <option value="name">Name</option>
          </select>
        </label>
        <label>
          Import run file{' '}
          <input
            type="file"
            accept=".json,application/json"
            aria-label="Import run file"
            onChange={(e) => {
              const f = e.target.files?.[0];
              e.target.value = '';
              if (f) void f.text().then((t) => importRunFile(t, f.name));
            }}
          />
        </label>
        <button
          type="button"
          disabled={runs.length === 0}
          onClick={() => downloadBytes('spatter-studio-metrics.csv', allRunsMetricsCsv(), 'text/csv')}
        >
          Export all metrics CSV
        </button>
      </div>

      {!loaded ? <p>Reading the run history…</p> : null}
      {loaded && runs.length === 0 ? (
        <p className="muted">No runs yet: train a model in the Train area.</p>
      ) : null}
      {shown.length > 0 ? (
        <table className="data runs-table" aria-label="Runs">
          <thead>
            <tr>
              <th scope="col">Compare</th>
              <th scope="col">Name</th>
              <th scope="col">Model</th>
              <th scope="col">Backend</th>
              <th scope="col">Status</th>
              <th scope="col">Epochs</th>
              <th scope="col">Best val acc</th>
              <th scope="col">Test acc</th>
              <th scope="col">Tags</th>
              <th scope="col">Created</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <tr key={r.id} data-testid={`run-row-${r.id}`}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Compare ${r.name}`}
                    checked={selected.includes(r.id)}
                    onChange={() => toggle(r.id)}
                  />
                </td>
                <th scope="row">{r.name}</th>
                <td>{r.model}</td>
                <td>{r.backend}</td>
                <td title={r.message}>{r.status}</td>
                <td>{r.history.epochs.length}</td>
                <td>{pct(r.bestValAcc)}</td>
                <td data-testid="run-test-acc">{pct(r.test?.acc)}</td>
                <td>{(r.tags ?? []).join(', ')}</td>
                <td>{new Date(r.createdAt).toLocaleString()}</td>
                <td>
                  <button
                    type="button"
                    aria-expanded={open === r.id}
                    aria-label={`Details of ${r.name}`}
                    onClick={() => setOpen(open === r.id ? null : r.id)}
                  >
                    {open === r.id ? 'Hide' : 'Details'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {loaded && runs.length > 0 && shown.length === 0 ? (
        <p className="muted">No run matches the filter.</p>
      ) : null}

      {open ? <RunDetails key={open} runId={open} onDeleted={() => setOpen(null)} /> : null}

      {compared.length >= 2 ? (
        <ComparePanel runs={compared} />
      ) : (
        <p className="muted">Tick two or more runs to compare them.</p>
      )}

      <ScaleOutPanel />
    </section>
  );
}
