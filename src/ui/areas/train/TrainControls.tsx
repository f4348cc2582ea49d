// Model, backend and recipe choices, and the run's buttons. Choices write the studio config (as overrides),
// so a run's saved configuration says exactly what was trained.
import { useEffect } from 'react';
import { BACKENDS, type BackendChoice } from '../../../core/backends/backends';
import { useRuns } from '../../../state/runs-store';
import { useSettings } from '../../../state/settings-store';
import { useTrain } from '../../../state/train-store';

function setOverride(key: string, value: string): void {
  const s = useSettings.getState();
  const kept = s.overridesText.split(/\s+/).filter((t) => t && !t.startsWith(`${key}=`));
  s.setOverrides([...kept, `${key}=${value}`].join(' '));
}

export function TrainControls() {
  const config = useSettings((s) => s.config);
  const backendChoice = useSettings((s) => s.backendChoice);
  const setBackendChoice = useSettings((s) => s.setBackendChoice);
  const phase = useTrain((s) => s.phase);
  const runId = useTrain((s) => s.runId);
  const { start, pause, resume, stop } = useTrain.getState();
  const runs = useRuns((s) => s.runs);
  const models = useTrain((s) => s.models);
  const loadModels = useTrain((s) => s.loadModels);
  useEffect(() => {
    void loadModels(config.model.input_size, config.model.channels);
  }, [loadModels, config.model.input_size, config.model.channels]);
  const busy = phase === 'preparing' || phase === 'running' || phase === 'paused' || phase === 'stopping';
  const resumable = runs.filter((r) => r.status !== 'completed' && r.status !== 'running');

  return (
    <section aria-labelledby="train-setup-title" className="card train-controls">
      <h3 id="train-setup-title">Run</h3>
      <div className="row train-row">
        <label>
          Model
          <select
            value={config.model.name}
            disabled={busy}
            onChange={(e) => setOverride('model.name', e.target.value)}
          >
            {models.map((m) => (
              <option key={m.name} value={m.name}>
                {m.label} — {m.parameters.toLocaleString()} parameters
              </option>
            ))}
          </select>
        </label>
        <label>
          Training backend
          <select
            value={backendChoice}
            disabled={busy}
            onChange={(e) => setBackendChoice(e.target.value as BackendChoice)}
          >
            <option value="auto">auto (best available)</option>
            {BACKENDS.map((b) => (
              <option key={b} value={b}>
                {b}
              </option>
            ))}
          </select>
        </label>
        <label>
          Epochs
          <input
            type="number"
            min={1}
            value={config.training.epochs}
            disabled={busy}
            onChange={(e) => e.target.value && setOverride('training.epochs', e.target.value)}
          />
        </label>
        <label>
          Batch size
          <input
            type="number"
            min={1}
            value={config.training.batch_size}
            disabled={busy}
            onChange={(e) => e.target.value && setOverride('training.batch_size', e.target.value)}
          />
        </label>
        <label>
          Learning rate
          <input
            type="number"
            step="any"
            min={0}
            value={config.training.lr}
            disabled={busy}
            onChange={(e) => e.target.value && setOverride('training.lr', e.target.value)}
          />
        </label>
        <label>
          Schedule
          <select
            value={config.training.schedule}
            disabled={busy}
            onChange={(e) => setOverride('training.schedule', e.target.value)}
          >
            <option value="constant">constant</option>
            <option value="warmup-cosine">warm-up + cosine</option>
            <option value="plateau">reduce on plateau</option>
          </select>
        </label>
        <label>
          Loss
          <select
            value={config.training.loss}
            disabled={busy}
            onChange={(e) => setOverride('training.loss', e.target.value)}
          >
            <option value="bce">BCE with logits</option>
            <option value="focal">focal</option>
          </select>
        </label>
      </div>
      <div className="row train-row">
        <button type="button" onClick={() => void start()} disabled={busy}>
          Start training
        </button>
        <button type="button" onClick={() => void start({ maxBatches: 5 })} disabled={busy}>
          Train 5 batches
        </button>
        {phase === 'paused' ? (
          <button type="button" onClick={resume}>
            Resume
          </button>
        ) : (
          <button type="button" onClick={pause} disabled={phase !== 'running'}>
            Pause
          </button>
        )}
        <button type="button" onClick={stop} disabled={!(phase === 'running' || phase === 'paused')}>
          Stop
        </button>
        {resumable.length > 0 ? (
          <label>
            Continue a stopped run
            <select
              aria-label="Continue a stopped run"
              value=""
              disabled={busy}
              onChange={(e) => e.target.value && void start({ resumeRunId: e.target.value })}
            >
              <option value="">choose…</option>
              {resumable.map((r) => (
                <option key={r.id} value={r.id} disabled={r.id === runId && busy}>
                  {r.name} ({r.status}, {r.history.epochs.length} epochs)
                </option>
              ))}
            </select>
          </label>
        ) : null}
      </div>
    </section>
  );
}
