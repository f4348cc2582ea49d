// The data side of a comparison: each run's dataset version and what differs from the first run's (sources,
// labels, split), so "identical configurations" never hides different data.
import { useEffect, useState } from 'react';
import { describeDifference, diffVersions, isSameContent } from '../../../core/dataset/version';
import { useDatasets } from '../../../state/dataset-store';
import type { RunRecord } from '../../../state/runs-store';

interface Row {
  run: RunRecord;
  text: string;
}

async function compare(runs: RunRecord[]): Promise<Row[]> {
  const ds = useDatasets.getState();
  const first = runs[0]!;
  const base = first.datasetVersionId ? await ds.get(first.datasetVersionId) : null;
  const baseItems = base ? await ds.items(base.id).catch(() => null) : null;
  const out: Row[] = [];
  for (const r of runs) {
    if (!r.datasetVersionId) {
      out.push({ run: r, text: 'trained before dataset versions: its data is unknown' });
      continue;
    }
    if (r === first || r.datasetVersionId === first.datasetVersionId) {
      out.push({ run: r, text: r === first ? 'reference' : 'the same dataset version' });
      continue;
    }
    const v = await ds.get(r.datasetVersionId);
    const items = v ? await ds.items(v.id).catch(() => null) : null;
    if (!v || !items || !base || !baseItems) {
      out.push({ run: r, text: 'a different dataset version (not stored here to compare)' });
      continue;
    }
    const d = diffVersions(base, baseItems, v, items);
    out.push({
      run: r,
      text: isSameContent(d) ? 'same content' : describeDifference(d).join('; '),
    });
  }
  return out;
}

export function DataDiff({ runs }: { runs: RunRecord[] }) {
  const [rows, setRows] = useState<Row[] | null>(null);
  const key = runs.map((r) => `${r.id}:${r.datasetVersionId ?? ''}`).join('|');
  useEffect(() => {
    let live = true;
    void compare(runs).then((r) => live && setRows(r));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- runs are keyed by id and version
  }, [key]);
  const allSame = rows !== null && new Set(runs.map((r) => r.datasetVersionId ?? r.id)).size === 1;
  return (
    <table className="data" aria-label="Data comparison">
      <caption>
        Data {allSame ? '— every run used the same dataset version' : `— differences from ${runs[0]?.name}`}
      </caption>
      <thead>
        <tr>
          <th scope="col">Run</th>
          <th scope="col">Dataset version</th>
          <th scope="col">Split</th>
          <th scope="col">Difference</th>
        </tr>
      </thead>
      <tbody>
        {(rows ?? []).map((r) => (
          <tr key={r.run.id}>
            <th scope="row">{r.run.name}</th>
            <td>
              <code>{r.run.datasetVersionId ?? '—'}</code>
            </td>
            <td>{r.run.splitDescription}</td>
            <td data-testid="data-difference">{r.text}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
