// What the model is evaluated on: a split of the prepared data (test by default) or images dropped in with
// a label; and the button that runs the evaluation.
import { useEffect, useState } from 'react';
import { evaluationDataLabel } from '../../../core/eval/records';
import { useDatasets } from '../../../state/dataset-store';
import { useEval, type DataChoice } from '../../../state/eval-store';
import { useRuns } from '../../../state/runs-store';

const SPLITS: { value: DataChoice; label: string }[] = [
  { value: 'test', label: 'Test split' },
  { value: 'val', label: 'Validation split' },
  { value: 'train', label: 'Training split' },
  { value: 'dropped', label: 'Dropped images' },
];

export function DataPanel() {
  const arrays = useEval((s) => s.trainingArrays);
  const dropped = useEval((s) => s.dropped);
  const data = useEval((s) => s.data);
  const setData = useEval((s) => s.setData);
  const dropImages = useEval((s) => s.dropImages);
  const clearDropped = useEval((s) => s.clearDropped);
  const loadDataSplits = useEval((s) => s.loadDataSplits);
  const runEvaluation = useEval((s) => s.runEvaluation);
  const classifyDropped = useEval((s) => s.classifyDropped);
  const cancel = useEval((s) => s.cancel);
  const busy = useEval((s) => s.busy);
  const hasModel = useEval((s) => s.activeKey !== null);
  // Dropped images are unlabelled unless the user says otherwise: a label is never guessed.
  const [dropLabel, setDropLabel] = useState('');
  const basis = useEval((s) => s.basis);
  const setBasis = useEval((s) => s.setBasis);
  const lastRecord = useEval((s) => s.lastRecord);
  const runId = useEval((s) => s.models.find((m) => m.key === s.activeKey)?.runId);
  const run = useRuns((s) => s.runs.find((r) => r.id === runId));
  const versions = useDatasets((s) => s.versions);
  const versionsLoaded = useDatasets((s) => s.loaded);
  useEffect(() => {
    if (!versionsLoaded) void useDatasets.getState().load();
  }, [versionsLoaded]);
  const own = run?.datasetVersionId ? versions.find((v) => v.id === run.datasetVersionId) : undefined;
  const useOwn = basis === 'own' && own !== undefined;
  const modelClasses = useEval((s) => s.models.find((m) => m.key === s.activeKey)?.info.classNames);
  const classNames = (useOwn ? own.classNames : arrays?.classNames) ?? modelClasses ?? ['low', 'high'];

  const count = (c: DataChoice) =>
    c === 'dropped'
      ? (dropped?.names.length ?? 0)
      : useOwn
        ? own.counts.perSplit[c].reduce((a, b) => a + b, 0)
        : arrays
          ? arrays[c].y.length
          : 0;

  return (
    <section aria-labelledby="evaluate-data-title" className="card">
      <h3 id="evaluate-data-title">Data</h3>
      {run?.datasetVersionId ? (
        <fieldset>
          <legend>Data of {run.name}</legend>
          <label className="radio">
            <input
              type="radio"
              name="evaluate-basis"
              checked={basis === 'own'}
              onChange={() => setBasis('own')}
            />
            The run’s own frozen split (dataset version {own?.name ?? ''} <code>{run.datasetVersionId}</code>)
          </label>
          <label className="radio">
            <input
              type="radio"
              name="evaluate-basis"
              checked={basis === 'library'}
              onChange={() => setBasis('library')}
            />
            The data library as it is now (other data: kept as a separate evaluation; the run’s recorded test
            accuracy does not change)
          </label>
        </fieldset>
      ) : run ? (
        <p className="warn">
          {run.name} was trained before dataset versions: its own split cannot be rebuilt, so any evaluation
          here is on other data.
        </p>
      ) : null}
      <fieldset>
        <legend>Evaluate on</legend>
        {SPLITS.map((s) => (
          <label key={s.value} className="radio">
            <input
              type="radio"
              name="evaluate-split"
              value={s.value}
              checked={data === s.value}
              disabled={count(s.value) === 0}
              onChange={() => setData(s.value)}
            />
            {s.label} ({count(s.value).toLocaleString('en')})
          </label>
        ))}
      </fieldset>
      <p className="row">
        <button type="button" disabled={busy !== null} onClick={() => void loadDataSplits()}>
          {arrays ? 'Rebuild splits from the data library' : 'Use the data library splits'}
        </button>
        <span className="muted">
          {arrays
            ? `${arrays.splitDescription} (${arrays.side}×${arrays.side} crops)`
            : 'Open HDF5 files in the Data area, then build the splits here.'}
        </span>
      </p>
      <div className="row">
        <label>
          Next images dropped are{' '}
          <select
            aria-label="Class of dropped images"
            value={dropLabel}
            onChange={(e) => setDropLabel(e.target.value)}
          >
            <option value="">unlabelled</option>
            {classNames.map((c, i) => (
              <option key={c} value={String(i)}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label>
          Drop or choose crop images{' '}
          <input
            type="file"
            multiple
            accept="image/*"
            aria-label="Crop images to evaluate"
            onChange={(e) => {
              const files = [...(e.target.files ?? [])];
              e.target.value = '';
              if (files.length) void dropImages(files, dropLabel === '' ? null : Number(dropLabel));
            }}
          />
        </label>
      </div>
      {dropped ? (
        <p className="row">
          <span data-testid="evaluate-dropped-count">
            {dropped.names.length} dropped images ({dropped.labels.filter((l) => l < 0).length} unlabelled)
          </span>
          <button type="button" disabled={!hasModel || busy !== null} onClick={() => void classifyDropped()}>
            Classify dropped images
          </button>
          <button type="button" onClick={clearDropped}>
            Clear dropped images
          </button>
        </p>
      ) : null}
      {lastRecord ? (
        <p className="muted" data-testid="evaluation-data">
          Last evaluation made on: {evaluationDataLabel(lastRecord)} — {lastRecord.note}
        </p>
      ) : null}
      <div className="row">
        <button
          type="button"
          className="primary"
          disabled={!hasModel || busy !== null}
          onClick={() => void runEvaluation()}
        >
          Evaluate
        </button>
        {busy ? (
          <>
            <span role="status">
              {busy.what}
              {busy.progress?.total ? `: ${busy.progress.done} / ${busy.progress.total}` : '…'}
            </span>
            <button type="button" onClick={cancel}>
              Cancel
            </button>
          </>
        ) : null}
      </div>
    </section>
  );
}
