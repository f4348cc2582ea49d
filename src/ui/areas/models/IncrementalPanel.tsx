// The incremental-learning pipeline: chunking, strategy and training settings, the acceptance gate (shown and
// editable), start / pause / stop / continue, and progress with time left per chunk and overall.
import { useState } from 'react';
import {
  validateConfig,
  STRATEGY_LABELS,
  type Chunking,
  type PipelineConfig,
  type Strategy,
} from '../../../core/incremental/plan';
import { validateGate, type PairedTest } from '../../../core/registry/gate';
import { useDataStore } from '../../../state/data-store';
import { loadDemo } from '../../../state/demo';
import { DEFAULT_PIPELINE, useIncremental, type TrainBackend } from '../../../state/incremental-store';
import { duration } from './format';

function NumberField(props: {
  label: string;
  value: number;
  step?: number;
  min?: number;
  onChange: (v: number) => void;
}) {
  return (
    <label>
      {props.label}
      <input
        type="number"
        aria-label={props.label}
        value={Number.isFinite(props.value) ? props.value : ''}
        step={props.step ?? 1}
        min={props.min ?? 0}
        onChange={(e) => props.onChange(e.target.value === '' ? NaN : Number(e.target.value))}
      />
    </label>
  );
}

export function IncrementalPanel() {
  const [c, setC] = useState<PipelineConfig>(DEFAULT_PIPELINE);
  const [backend, setBackend] = useState<TrainBackend>('wasm');
  const [name, setName] = useState('');
  const [useSlices, setUseSlices] = useState(false);
  const [loadingDemo, setLoadingDemo] = useState(false);
  const dataBusy = useDataStore((s) => s.busy !== null);
  const runningId = useIncremental((s) => s.runningId);
  const paused = useIncremental((s) => s.paused);
  const progress = useIncremental((s) => s.progress);
  const pipelines = useIncremental((s) => s.pipelines);
  const crops = useDataStore((s) => s.sources.reduce((a, x) => a + (x.label === null ? 0 : x.count), 0));
  const upd = (patch: Partial<PipelineConfig>) => setC((x) => ({ ...x, ...patch }));
  const gate = (patch: Partial<PipelineConfig['gate']>) =>
    setC((x) => ({ ...x, gate: { ...x.gate, ...patch } }));
  const problem =
    validateGate(c.gate) ??
    (crops > 0 ? validateConfig(c, crops) : 'Open crops in the Data area first (or "Load demo data").');
  const resumable = pipelines.filter(
    (p) =>
      p.id !== runningId &&
      // a per-source pipeline takes in new builds whenever they come
      (p.config.chunking === 'per-source' || (p.status !== 'done' && p.rows.length < p.plan.chunks.length)),
  );
  const busy = runningId !== null || (progress !== null && runningId === null);

  return (
    <section className="card models-section" aria-labelledby="incremental-title">
      <h3 id="incremental-title">Incremental learning</h3>
      <p className="muted">
        The open crops are replayed in a fixed seeded order as chunks. After each chunk a candidate is trained
        on the data so far, compared with production on one frozen held-out set (never trained on), and
        promoted only if it passes the gate.
      </p>
      <div className="row">
        <span data-testid="pipeline-crops" data-crops={crops}>
          {crops.toLocaleString('en')} labelled crops open{dataBusy ? ' (the data library is busy…)' : ''}
        </span>
        {crops === 0 ? (
          <button
            type="button"
            disabled={loadingDemo}
            onClick={() => {
              setLoadingDemo(true);
              void loadDemo().finally(() => setLoadingDemo(false));
            }}
          >
            {loadingDemo ? 'Loading demo…' : 'Load demo data'}
          </button>
        ) : null}
      </div>
      <fieldset disabled={busy}>
        <legend>Pipeline</legend>
        <div className="gate-grid">
          <label>
            Name
            <input
              aria-label="Pipeline name"
              value={name}
              placeholder="(date and time)"
              onChange={(e) => setName(e.target.value)}
            />
          </label>
          <label>
            Chunks
            <select
              aria-label="Chunks"
              value={c.chunking}
              onChange={(e) => upd({ chunking: e.target.value as Chunking })}
            >
              <option value="seeded">Replay the open crops in seeded chunks of N</option>
              <option value="per-source">One chunk per source (build), as they arrive</option>
            </select>
          </label>
          {c.chunking === 'seeded' ? (
            <NumberField
              label="Chunk size (crops)"
              value={c.chunkSize}
              min={1}
              onChange={(v) => upd({ chunkSize: v })}
            />
          ) : null}
          <NumberField
            label="Held-out crops"
            value={c.heldOut}
            min={1}
            onChange={(v) => upd({ heldOut: v })}
          />
          <NumberField
            label="Max chunks (0 = all)"
            value={c.maxChunks}
            onChange={(v) => upd({ maxChunks: v })}
          />
          <label>
            Strategy
            <select
              aria-label="Strategy"
              value={c.strategy}
              onChange={(e) => upd({ strategy: e.target.value as Strategy })}
            >
              {(Object.keys(STRATEGY_LABELS) as Strategy[]).map((s) => (
                <option key={s} value={s}>
                  {STRATEGY_LABELS[s]}
                </option>
              ))}
            </select>
          </label>
          <NumberField
            label="Replay buffer (crops)"
            value={c.replaySize}
            onChange={(v) => upd({ replaySize: v })}
          />
          <NumberField
            label="Epochs per chunk"
            value={c.epochs}
            min={1}
            onChange={(v) => upd({ epochs: v })}
          />
          <NumberField
            label="Batch size"
            value={c.batchSize}
            min={1}
            onChange={(v) => upd({ batchSize: v })}
          />
          <NumberField label="Learning rate" value={c.lr} step={0.0001} onChange={(v) => upd({ lr: v })} />
          <NumberField label="Seed" value={c.seed} onChange={(v) => upd({ seed: v })} />
          <label>
            Training backend
            <select
              aria-label="Pipeline backend"
              value={backend}
              onChange={(e) => setBackend(e.target.value as TrainBackend)}
            >
              {(['wasm', 'cpu', 'webgl', 'webgpu'] as const).map((b) => (
                <option key={b}>{b}</option>
              ))}
            </select>
          </label>
          <label>
            When a chunk fails
            <select
              aria-label="When a chunk fails"
              value={c.onChunkFailure}
              onChange={(e) => upd({ onChunkFailure: e.target.value as 'continue' | 'stop' })}
            >
              <option value="continue">go on with the next chunk</option>
              <option value="stop">stop the pipeline</option>
            </select>
          </label>
        </div>
      </fieldset>
      <fieldset disabled={busy} aria-label="Acceptance gate">
        <legend>Acceptance gate</legend>
        <div className="gate-grid">
          <NumberField
            label="Minimum accuracy"
            value={c.gate.minAccuracy}
            step={0.01}
            onChange={(v) => gate({ minAccuracy: v })}
          />
          <label>
            <span>
              <input
                type="checkbox"
                checked={c.gate.noWorseThanProduction}
                onChange={(e) => gate({ noWorseThanProduction: e.target.checked })}
              />{' '}
              No worse than production
            </span>
          </label>
          <NumberField
            label="Minimum improvement"
            value={c.gate.minImprovement}
            step={0.005}
            onChange={(v) => gate({ minImprovement: v })}
          />
          <label>
            Paired test
            <select
              aria-label="Paired test"
              value={c.gate.pairedTest}
              onChange={(e) => gate({ pairedTest: e.target.value as PairedTest })}
            >
              <option value="mcnemar">McNemar's exact test</option>
              <option value="bootstrap">Bootstrap interval of the difference</option>
              <option value="none">None (point values)</option>
            </select>
          </label>
          <NumberField
            label="Significance level"
            value={c.gate.alpha}
            step={0.01}
            onChange={(v) => gate({ alpha: v })}
          />
          <label>
            <span>
              <input
                type="checkbox"
                checked={c.gate.requireSignificant}
                onChange={(e) => gate({ requireSignificant: e.target.checked })}
              />{' '}
              Promote only when significantly better
            </span>
          </label>
          <label>
            <span>
              <input
                type="checkbox"
                checked={useSlices}
                onChange={(e) => {
                  setUseSlices(e.target.checked);
                  gate({ sliceTolerance: e.target.checked ? 0.02 : null });
                }}
              />{' '}
              Per-source slices must not regress
            </span>
          </label>
          {useSlices ? (
            <NumberField
              label="Slice tolerance"
              value={c.gate.sliceTolerance ?? 0}
              step={0.01}
              onChange={(v) => gate({ sliceTolerance: v })}
            />
          ) : null}
        </div>
      </fieldset>
      <div className="row">
        <button
          type="button"
          className="primary"
          disabled={busy || dataBusy || problem !== null}
          title={problem ?? ''}
          onClick={() => void useIncremental.getState().start(c, { backend, name })}
        >
          Start pipeline
        </button>
        <button
          type="button"
          disabled={!runningId}
          onClick={() => useIncremental.getState()[paused ? 'resume' : 'pause']()}
        >
          {paused ? 'Resume' : 'Pause'}
        </button>
        <button type="button" disabled={!runningId} onClick={() => useIncremental.getState().stop()}>
          Stop
        </button>
        {problem && !busy ? <span className="warn">{problem}</span> : null}
      </div>
      {resumable.map((p) => (
        <div className="row" key={p.id}>
          <span>
            {p.name}: {p.message}
          </span>
          <button
            type="button"
            disabled={busy}
            onClick={() => void useIncremental.getState().continueRun(p.id)}
          >
            Continue {p.name} from chunk {p.rows.length + 1}
          </button>
        </div>
      ))}
      {progress ? (
        <div aria-label="Pipeline progress" data-testid="pipeline-progress">
          <p role="status">
            {paused ? 'Paused. ' : ''}
            {progress.stage}
          </p>
          <div className="progress-line">
            <span>Chunk {progress.chunk || '…'}</span>
            <progress aria-label="Chunk progress" max={1} value={progress.chunkFraction} />
            <span>{duration(progress.chunkSecondsLeft)} left</span>
          </div>
          <div className="progress-line">
            <span>
              {Math.max(0, progress.chunk - 1)} of {progress.chunks || '…'} chunks
            </span>
            <progress
              aria-label="Overall progress"
              max={Math.max(1, progress.chunks)}
              value={Math.max(0, progress.chunk - 1) + progress.chunkFraction}
            />
            <span>{duration(progress.totalSecondsLeft)} left</span>
          </div>
        </div>
      ) : null}
    </section>
  );
}
