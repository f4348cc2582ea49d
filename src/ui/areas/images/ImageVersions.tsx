// Image dataset versions and past runs: the open set's version (content digest, class balance per split), the
// kept versions, and every image run with its version and test metrics, with results.json and exports again.
import { useEffect, useState } from 'react';
import type { ImageRunRecord } from '../../../core/images/run-record';
import type { ImageDatasetVersion, SplitName } from '../../../core/images/version';
import { downloadRunResults, exportRunOnnx, exportRunTfjs, useImageRuns } from '../../../state/image-runs';
import { useImages } from '../../../state/images-store';
import { notifyError } from '../../../state/notices-store';

const SPLITS: SplitName[] = ['train', 'val', 'test'];
const shortId = (id: string) => id.slice(0, 11);
const f3 = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '–' : v.toFixed(3));

/** "train 17 (scratches: 5 · pits: 4) / val 4 (…) / test 4 (…)" */
function balance(v: ImageDatasetVersion): string {
  return SPLITS.map(
    (s) =>
      `${s} ${v.counts.images[s]} (${v.counts.perSplit[s].map((n, c) => `${v.classNames[c] ?? c}: ${n}`).join(' · ')})`,
  ).join(' / ');
}

function VersionId({ id }: { id: string }) {
  return (
    <code title={id} data-version-id={id}>
      {shortId(id)}
    </code>
  );
}

function CurrentVersion() {
  const version = useImages((s) => s.version);
  const split = useImages((s) => s.split);
  const err = useImages((s) => s.versionError);
  const kept = useImageRuns((s) => s.versions);
  const diff = useImages((s) => s.versionDiff);
  const errLine = err ? (
    <p className="warn" data-testid="images-version-error">
      {err}
    </p>
  ) : null;
  if (!version)
    return errLine ?? (split ? <p className="muted">Reading the files for the version…</p> : null);
  const same = kept.find((v) => v.id === version.id);
  const excluded = version.counts.images.excluded;
  return (
    <>
      {errLine}
      <p data-testid="images-version-current">
        This set and split: version <VersionId id={version.id} />
        {same ? ` (kept as ${same.name})` : ' (kept when a run starts)'} — {balance(version)}
        {excluded ? `; ${excluded} in no split` : ''}
        {version.task === 'multi-label' ? `; ${version.counts.withoutClass} with no class` : ''}
        {diff && !same ? (
          <span className="muted" data-testid="images-version-diff">
            {' '}
            — against {diff.against}:{' '}
            {diff.changes.length ? diff.changes.join(', ') : 'same images and labels'}
          </span>
        ) : null}
      </p>
    </>
  );
}

function RunRow({ r, version }: { r: ImageRunRecord; version: ImageDatasetVersion | undefined }) {
  const [busy, setBusy] = useState(false);
  const act = async (what: string, f: () => void | Promise<void>) => {
    setBusy(true);
    try {
      await f();
    } catch (e) {
      notifyError(`${what} failed`, e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const t = r.results?.test;
  return (
    <tr data-run-id={r.id}>
      <td>{new Date(r.createdAt).toLocaleString()}</td>
      <td>
        {version?.name ?? '?'} <VersionId id={r.datasetVersionId} />
      </td>
      <td>
        {r.config.model} {r.config.height}×{r.config.width}, {r.history.length} epoch(s) on {r.backend}
      </td>
      <td title={r.error ?? undefined}>{r.status}</td>
      <td data-testid="run-macro-f1">{f3(t?.macro.f1)}</td>
      <td data-testid="run-micro-f1">{f3(t?.micro.f1)}</td>
      <td>
        {r.results ? (
          <button
            type="button"
            disabled={busy}
            onClick={() => void act('results.json', () => downloadRunResults(r.id))}
          >
            results.json
          </button>
        ) : null}
        {r.weights ? (
          <>
            <button
              type="button"
              disabled={busy}
              onClick={() => void act('ONNX export', () => exportRunOnnx(r.id))}
            >
              ONNX
            </button>
            <button
              type="button"
              disabled={busy}
              onClick={() => void act('TF.js export', () => exportRunTfjs(r.id))}
            >
              TF.js
            </button>
          </>
        ) : null}
      </td>
    </tr>
  );
}

export function ImageVersions() {
  const versions = useImageRuns((s) => s.versions);
  const runs = useImageRuns((s) => s.runs);
  const loaded = useImageRuns((s) => s.loaded);
  useEffect(() => {
    if (!loaded)
      void useImageRuns
        .getState()
        .load()
        .catch((e: unknown) =>
          notifyError('Past image runs could not be read', e instanceof Error ? e.message : String(e)),
        );
  }, [loaded]);
  const byId = new Map(versions.map((v) => [v.id, v]));
  return (
    <section className="card" aria-labelledby="images-versions-title">
      <h3 id="images-versions-title">Dataset versions and runs</h3>
      <p className="muted">
        A version is immutable and named by its content: each image's path, the digest of its bytes, its size,
        its classes and where they came from, and its split. A run keeps the version it was trained on, its
        results.json and its weights.
      </p>
      <CurrentVersion />
      {versions.length ? <h4>Kept versions</h4> : null}
      {versions.length ? (
        <table className="images-table" aria-label="Image dataset versions">
          <thead>
            <tr>
              <th>version</th>
              <th>id</th>
              <th>images</th>
              <th>class balance per split</th>
              <th>labels from</th>
              <th>runs</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.id}>
                <td>
                  {v.name}
                  <br />
                  <span className="muted">{new Date(v.createdAt).toLocaleString()}</span>
                </td>
                <td>
                  <VersionId id={v.id} />
                </td>
                <td>{v.counts.total}</td>
                <td>
                  {balance(v)}
                  <br />
                  <span className="muted">{v.splitRecipe}</span>
                </td>
                <td>{v.labelsFrom}</td>
                <td>{runs.filter((r) => r.datasetVersionId === v.id).length}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {runs.length ? <h4>Runs</h4> : null}
      {runs.length ? (
        <table className="images-table" aria-label="Image runs">
          <thead>
            <tr>
              <th>started</th>
              <th>version</th>
              <th>model</th>
              <th>status</th>
              <th>test macro F1</th>
              <th>test micro F1</th>
              <th>again</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <RunRow key={r.id} r={r} version={byId.get(r.datasetVersionId)} />
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">
          No image runs yet: starting one keeps its version and, when it ends, its results.
        </p>
      )}
    </section>
  );
}
