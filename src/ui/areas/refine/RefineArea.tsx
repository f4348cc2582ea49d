// Refine area: label refinement end to end — every crop on a 2D map of a model's embeddings (or raw-pixel PCA),
// confident learning's label issues from K-fold out-of-sample probabilities, pseudo-labels for unlabelled crops,
// spatter descriptors and described clusters, undoable edits, a refined dataset version and the retrain on it.
import { useEffect } from 'react';
import { DESCRIPTOR_LABELS, DESCRIPTOR_NAMES } from '../../../core/refine/descriptors';
import { useRefine, type ColourBy } from '../../../state/refine-store';
import { useRuns } from '../../../state/runs-store';
import { downloadFile } from '../extract/download';
import { IssuesPanel } from './IssuesPanel';
import { PseudoLabelPanel } from './PseudoLabelPanel';
import { RefineMap } from './RefineMap';
import { SelectionGallery } from './SelectionGallery';
import { VersionPanel } from './VersionPanel';
import './refine.css';

function NumberField(props: {
  label: string;
  value: number;
  min: number;
  max: number;
  onChange(v: number): void;
}) {
  return (
    <label>
      {props.label}{' '}
      <input
        type="number"
        className="refine-num"
        aria-label={props.label}
        min={props.min}
        max={props.max}
        value={props.value}
        onChange={(e) => {
          const v = Number(e.target.value);
          if (Number.isInteger(v) && v >= props.min && v <= props.max) props.onChange(v);
        }}
      />
    </label>
  );
}

export function RefineArea() {
  const s = useRefine();
  const runs = useRuns((r) => r.runs);
  const loaded = useRuns((r) => r.loaded);
  useEffect(() => {
    if (!loaded)
      void useRuns
        .getState()
        .load()
        .catch(() => undefined);
  }, [loaded]);
  const o = s.options;
  const busy = s.busy !== null;
  return (
    <section aria-labelledby="refine-title" className="area">
      <h2 id="refine-title">Refine</h2>
      <p className="muted">
        Find wrong labels with confident learning, label unlabelled crops, and see every crop on a map of what
        a model learned. Changes make a new dataset version; retrain on it and compare on the unchanged test
        split.
      </p>
      <section className="card" aria-labelledby="refine-setup-title">
        <h3 id="refine-setup-title">Crops and models</h3>
        <div className="row">
          <button type="button" disabled={busy} onClick={() => void s.prepare()}>
            {s.crops ? 'Prepare again from the data library' : 'Prepare crops'}
          </button>
          {s.crops ? (
            <span data-testid="refine-crops">
              {s.crops.label.length.toLocaleString('en')} crops from {s.crops.sources.length} source
              {s.crops.sources.length === 1 ? '' : 's'}
            </span>
          ) : null}
        </div>
        <div className="row">
          <NumberField
            label="Folds (K)"
            value={o.folds}
            min={2}
            max={10}
            onChange={(v) => s.setOptions({ folds: v })}
          />
          <NumberField
            label="Epochs per fold"
            value={o.epochs}
            min={1}
            max={50}
            onChange={(v) => s.setOptions({ epochs: v })}
          />
          <NumberField
            label="Batches per fold (0: all)"
            value={o.maxBatches}
            min={0}
            max={100000}
            onChange={(v) => s.setOptions({ maxBatches: v })}
          />
          <button type="button" disabled={busy || !s.crops} onClick={() => void s.trainFolds()}>
            Find label issues (K-fold)
          </button>
        </div>
        <div className="row">
          <label>
            Embeddings from{' '}
            <select
              aria-label="Embeddings from"
              value={o.embedFrom}
              onChange={(e) => s.setOptions({ embedFrom: e.target.value })}
            >
              <option value="fold">the first K-fold model</option>
              {runs
                .filter((r) => r.checkpoints.length > 0)
                .map((r) => (
                  <option key={r.id} value={r.id}>
                    run {r.name}
                  </option>
                ))}
            </select>
          </label>
          <button type="button" disabled={busy || !s.crops} onClick={() => void s.computeEmbeddings()}>
            Compute embeddings
          </button>
          <button type="button" disabled={busy || !s.embedding} onClick={() => void s.layoutMap('umap')}>
            UMAP map
          </button>
          <button type="button" disabled={busy || !s.crops} onClick={() => void s.layoutMap('pca')}>
            Raw-pixel PCA map
          </button>
          {s.embedding ? (
            <span className="muted" data-testid="embedding-info">
              {s.embedding.dim}-d embeddings ({s.embedding.key.split('-')[0]})
            </span>
          ) : null}
        </div>
        {s.busy ? (
          <div className="row" role="status" aria-label="Refine progress">
            <span>{s.busy.message}</span>
            {s.busy.total ? <progress max={s.busy.total} value={s.busy.done} /> : <progress />}
            <button type="button" onClick={s.cancel}>
              Cancel
            </button>
          </div>
        ) : null}
        {s.error ? (
          <p className="refine-error" role="alert">
            {s.error}
          </p>
        ) : null}
      </section>

      {s.crops ? (
        <section className="card" aria-labelledby="refine-map-title">
          <h3 id="refine-map-title">Map</h3>
          <div className="row">
            <label>
              Colour by{' '}
              <select
                aria-label="Colour by"
                value={s.colourBy}
                onChange={(e) => s.setColourBy(e.target.value as ColourBy)}
              >
                <option value="label">label</option>
                <option value="predicted">predicted class</option>
                <option value="label-source">label source</option>
                <option value="split">split</option>
                <option value="suspected">suspected wrong</option>
                <option value="cluster">cluster</option>
                {DESCRIPTOR_NAMES.map((d, j) => (
                  <option key={d} value={`descriptor:${j}`}>
                    {DESCRIPTOR_LABELS[d]}
                  </option>
                ))}
              </select>
            </label>
            <button
              type="button"
              disabled={!s.map}
              onClick={() => downloadFile(s.exportCsv(), 'spatter-refine.csv', 'text/csv')}
            >
              Export CSV
            </button>
          </div>
          <RefineMap />
          {s.clusters ? (
            <ol className="refine-clusters" aria-label="Clusters">
              {s.clusters.descriptions.map((d, k) => (
                <li key={k}>
                  <button
                    type="button"
                    className="refine-link"
                    onClick={() =>
                      s.select(
                        Array.from(s.clusters!.cluster.keys()).filter((i) => s.clusters!.cluster[i] === k),
                      )
                    }
                  >
                    {d.text || 'cluster'}
                  </button>{' '}
                  <span className="muted">({d.size.toLocaleString('en')} crops)</span>
                </li>
              ))}
            </ol>
          ) : null}
        </section>
      ) : null}
      <SelectionGallery />
      <IssuesPanel />
      <PseudoLabelPanel />
      <VersionPanel />
    </section>
  );
}
