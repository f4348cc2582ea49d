// Dataset versions: every frozen version of the data (digest, size, class balance per split, label sources) and
// the runs trained on it. A run makes its version when it starts; the user can also freeze the data now.
import { useEffect, useState } from 'react';
import type { SplitName } from '../../../core/dataset/version';
import { type DatasetVersion } from '../../../core/dataset/version';
import { useDataStore } from '../../../state/data-store';
import { useDatasets } from '../../../state/dataset-store';
import { notifyError } from '../../../state/notices-store';
import { useRuns } from '../../../state/runs-store';

function balance(v: DatasetVersion, split: SplitName): string {
  const row = v.counts.perSplit[split];
  return row.map((n, i) => `${v.classNames[i] ?? i}: ${n.toLocaleString('en')}`).join(' · ');
}

export function DatasetVersionsPanel() {
  const versions = useDatasets((s) => s.versions);
  const loaded = useDatasets((s) => s.loaded);
  const runs = useRuns((s) => s.runs);
  const sources = useDataStore((s) => s.sources);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!loaded) void useDatasets.getState().load();
    if (!useRuns.getState().loaded)
      void useRuns
        .getState()
        .load()
        .catch(() => undefined);
  }, [loaded]);

  const freeze = async () => {
    setBusy(true);
    try {
      await useDatasets.getState().freezeCurrent();
    } catch (e) {
      notifyError('The data could not be frozen as a version', e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="versions-title">
      <div className="row">
        <h3 id="versions-title" className="grow">
          Dataset versions
        </h3>
        <button type="button" onClick={() => void freeze()} disabled={busy || sources.length === 0}>
          {busy ? 'Freezing…' : 'Freeze the data now as a version'}
        </button>
      </div>
      <p className="muted">
        A version is immutable: which crops (sources by content digest), their labels and where each label
        came from, and the split of every crop. Every run is bound to the version it was trained on; its split
        never changes afterwards.
      </p>
      {versions.length === 0 ? (
        <p className="muted">No versions yet: starting a training run makes one.</p>
      ) : (
        <table className="data-table" aria-label="Dataset versions">
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Digest</th>
              <th scope="col">Crops</th>
              <th scope="col">Train</th>
              <th scope="col">Validation</th>
              <th scope="col">Test</th>
              <th scope="col">Unlabelled / excluded</th>
              <th scope="col">Sources</th>
              <th scope="col">Runs</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => {
              const used = runs.filter((r) => r.datasetVersionId === v.id);
              return (
                <tr key={v.id} data-version-id={v.id}>
                  <td>
                    {v.name}
                    <br />
                    <span className="muted">{new Date(v.createdAt).toLocaleString()}</span>
                  </td>
                  <td>
                    <code>{v.id}</code>
                  </td>
                  <td>{v.counts.total.toLocaleString('en')}</td>
                  <td>{balance(v, 'train')}</td>
                  <td>{balance(v, 'val')}</td>
                  <td>{balance(v, 'test')}</td>
                  <td>
                    {v.counts.unlabelled.toLocaleString('en')} unlabelled ·{' '}
                    {v.counts.perSplit.excluded.reduce((a, b) => a + b, 0).toLocaleString('en')} labelled, in
                    no split
                  </td>
                  <td>
                    {v.sources.map((s) => (
                      <div key={s.contentDigest + s.name} title={`${s.digestMethod}: ${s.contentDigest}`}>
                        {s.name} ({s.crops.toLocaleString('en')})
                      </div>
                    ))}
                    <span className="muted">{v.splitRecipe}</span>
                  </td>
                  <td>
                    {used.length ? (
                      used.map((r) => <div key={r.id}>{r.name}</div>)
                    ) : (
                      <span className="muted">none</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
