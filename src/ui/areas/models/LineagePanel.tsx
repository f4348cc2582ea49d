// Lineage of the selected version: run → config → dataset version (sources, digests) → evaluations → alias
// moves; export of the whole registry's lineage (or one version's) as JSON, and import of such a file.
import { useEffect, useState } from 'react';
import type { LineageFile } from '../../../core/registry/lineage';
import { downloadBytes } from '../../../state/eval-store';
import { notifyError } from '../../../state/notices-store';
import { useRegistry } from '../../../state/registry-store';
import { pct, when } from './format';

export function LineagePanel() {
  const selected = useRegistry((s) => s.selected);
  const versions = useRegistry((s) => s.versions);
  const events = useRegistry((s) => s.events);
  const [loadedLineage, setLineage] = useState<LineageFile | null>(null);
  // A lineage read for an earlier selection is not shown.
  const lineage = loadedLineage?.versions[0]?.id === selected ? loadedLineage : null;
  const version = versions.find((v) => v.id === selected) ?? null;

  useEffect(() => {
    let live = true;
    if (!selected) return;
    useRegistry
      .getState()
      .lineage(selected)
      .then((l) => live && setLineage(l))
      .catch((e: unknown) =>
        notifyError('The lineage could not be read', e instanceof Error ? e.message : String(e)),
      );
    return () => {
      live = false;
    };
  }, [selected, events, versions]);

  const exportJson = async (versionId?: string) => {
    const file = await useRegistry.getState().lineage(versionId);
    const v = versions.find((x) => x.id === versionId);
    downloadBytes(
      v ? `lineage-v${v.n}.json` : 'model-registry-lineage.json',
      JSON.stringify(file, null, 2),
      'application/json',
    );
  };

  const run = lineage?.runs[0];
  const data = lineage?.datasetVersions[0];
  const config = run?.config as
    { training?: Record<string, unknown>; model?: Record<string, unknown> } | undefined;
  return (
    <section className="card" aria-labelledby="lineage-title">
      <h3 id="lineage-title">Lineage</h3>
      <div className="row">
        <button type="button" disabled={versions.length === 0} onClick={() => void exportJson()}>
          Export lineage JSON
        </button>
        <button type="button" disabled={!version} onClick={() => void exportJson(version?.id)}>
          Export this version's lineage
        </button>
        <label>
          Import lineage JSON{' '}
          <input
            type="file"
            accept=".json,application/json"
            aria-label="Import lineage JSON"
            onChange={(e) => {
              const f = e.target.files?.[0];
              e.target.value = '';
              if (f) void f.text().then((t) => useRegistry.getState().importLineage(t, f.name));
            }}
          />
        </label>
      </div>
      {!version ? (
        <p className="muted">Choose a version (v1, v2…) in the table to see where it came from.</p>
      ) : (
        <ol
          className="lineage-steps"
          data-testid="lineage-view"
          aria-label={`Lineage of version ${version.n}`}
        >
          <li>
            <strong>Version {version.n}</strong> ({version.origin}) · {version.card.model} · checkpoint{' '}
            {version.checkpoint} · registered {when(version.createdAt)}
          </li>
          <li>
            <strong>Run</strong>{' '}
            {run ? `${run.name} (${run.status}, ${run.backend})` : `${version.runId} (not in this browser)`}
          </li>
          <li>
            <strong>Config</strong>{' '}
            {config?.training
              ? Object.entries(config.training)
                  .filter(([k]) => ['epochs', 'batch_size', 'lr', 'seed', 'loss'].includes(k))
                  .map(([k, v]) => `${k}=${String(v)}`)
                  .join(', ')
              : Object.entries(version.card.training)
                  .map(([k, v]) => `${k}=${String(v)}`)
                  .join(', ')}
          </li>
          <li>
            <strong>Dataset version</strong>{' '}
            {data ? (
              <>
                <code>{data.id}</code> “{data.name}”: {data.counts.total.toLocaleString('en')} crops from{' '}
                {data.sources.map((s) => `${s.name} (${s.contentDigest.slice(0, 40)})`).join(', ')}
                <br />
                <span className="muted">{data.splitRecipe}</span>
              </>
            ) : (
              (version.datasetVersionId ?? 'not recorded')
            )}
            <div className="muted">Trained on: {version.card.trainedOn}</div>
          </li>
          <li>
            <strong>Evaluations</strong>
            <ul>
              {(lineage?.evaluations ?? []).map((e) => (
                <li key={e.id}>
                  {when(e.createdAt)} · {e.modelVersionId === version.id ? 'this version' : 'its run'}:
                  accuracy {pct(e.metrics.accuracy, 2)}, F1 {pct(e.metrics.f1, 2)} on {e.metrics.count} crops
                  of <code>{e.datasetVersionId.slice(0, 11)}</code> ({e.note})
                </li>
              ))}
              {lineage && lineage.evaluations.length === 0 ? <li className="muted">none</li> : null}
            </ul>
          </li>
          <li>
            <strong>Alias moves</strong>
            <ul>
              {(lineage?.aliasEvents ?? [])
                .slice()
                .sort((a, b) => a.at - b.at || a.seq - b.seq)
                .map((e) => (
                  <li key={e.id}>
                    {when(e.at)}: became <span className={`alias-badge alias-${e.alias}`}>{e.alias}</span> —{' '}
                    {e.reason}
                  </li>
                ))}
            </ul>
          </li>
        </ol>
      )}
    </section>
  );
}
