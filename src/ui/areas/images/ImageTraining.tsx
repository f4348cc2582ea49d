// Training settings for image sets: model (with parameters and FLOPs at the input size), input size, batch,
// epochs, learning rate, warm-up, early-stopping patience, loss, backend, augmentations with a preview, and the
// run's live progress.
import { useEffect, useRef } from 'react';
import { BACKENDS, type BackendName } from '../../../core/backends/backends';
import { AUGMENT_KINDS, type AugmentKind } from '../../../core/images/augment';
import type { ImageLoss } from '../../../core/images/experiment';
import { useImages, type PreviewImages } from '../../../state/images-store';

function fmtCount(n: number): string {
  return n >= 1e9
    ? `${(n / 1e9).toFixed(2)} G`
    : n >= 1e6
      ? `${(n / 1e6).toFixed(2)} M`
      : `${(n / 1e3).toFixed(1)} k`;
}

function NumberField(props: {
  label: string;
  value: number;
  step?: number;
  min?: number;
  onChange(v: number): void;
}) {
  return (
    <label>
      {props.label}
      <input
        type="number"
        value={props.value}
        step={props.step ?? 1}
        min={props.min ?? 0}
        onChange={(e) => {
          const v = Number(e.target.value);
          if (e.target.value !== '' && Number.isFinite(v)) props.onChange(v);
        }}
      />
    </label>
  );
}

function PreviewCanvas({ p, i, which }: { p: PreviewImages; i: number; which: 'original' | 'augmented' }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    const px = p[which][i];
    if (!ctx || !px) return;
    const img = ctx.createImageData(p.width, p.height);
    for (let q = 0; q < p.width * p.height; q++) {
      for (let k = 0; k < 3; k++) img.data[q * 4 + k] = px[q * p.channels + (p.channels === 3 ? k : 0)]!;
      img.data[q * 4 + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }, [p, i, which]);
  return <canvas ref={ref} width={p.width} height={p.height} aria-label={`${which} image ${i + 1}`} />;
}

function Augmentations() {
  const augment = useImages((s) => s.config.augment);
  const setAugment = useImages((s) => s.setAugment);
  const previewAugment = useImages((s) => s.previewAugment);
  const preview = useImages((s) => s.preview);
  const set = (k: AugmentKind, patch: Partial<(typeof augment)[AugmentKind]>) =>
    setAugment({ ...augment, [k]: { ...augment[k], ...patch } });
  return (
    <fieldset className="images-augment">
      <legend>Augmentations (on the backend, per image)</legend>
      <table className="images-table">
        <thead>
          <tr>
            <th>kind</th>
            <th>probability</th>
            <th>strength</th>
          </tr>
        </thead>
        <tbody>
          {AUGMENT_KINDS.map(({ kind, label, unit }) => (
            <tr key={kind}>
              <td>
                <label>
                  <input
                    type="checkbox"
                    checked={augment[kind].enabled}
                    onChange={(e) => set(kind, { enabled: e.target.checked })}
                  />{' '}
                  {label}
                </label>
              </td>
              <td>
                <input
                  type="number"
                  aria-label={`${label} probability`}
                  min={0}
                  max={1}
                  step={0.05}
                  value={augment[kind].p}
                  onChange={(e) => set(kind, { p: Number(e.target.value) })}
                />
              </td>
              <td>
                {unit ? (
                  <input
                    type="number"
                    aria-label={`${label} strength`}
                    min={0}
                    step={0.05}
                    value={augment[kind].strength}
                    onChange={(e) => set(kind, { strength: Number(e.target.value) })}
                  />
                ) : null}{' '}
                <span className="muted">{unit}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" onClick={() => void previewAugment()}>
        Preview augmentations
      </button>
      {preview ? (
        <div className="images-preview" aria-label="Augmentation preview">
          {preview.original.map((_, i) => (
            <div key={i} className="images-preview-pair">
              <PreviewCanvas p={preview} i={i} which="original" />
              <PreviewCanvas p={preview} i={i} which="augmented" />
            </div>
          ))}
        </div>
      ) : null}
    </fieldset>
  );
}

export function ImageTraining() {
  const labels = useImages((s) => s.labels);
  const config = useImages((s) => s.config);
  const models = useImages((s) => s.models);
  const backend = useImages((s) => s.backend);
  const phase = useImages((s) => s.phase);
  const progress = useImages((s) => s.progress);
  const history = useImages((s) => s.history);
  const split = useImages((s) => s.split);
  const setConfig = useImages((s) => s.setConfig);
  const setBackend = useImages((s) => s.setBackend);
  const train = useImages((s) => s.train);
  const stop = useImages((s) => s.stop);
  if (!labels) return null;
  const chosen = models.find((m) => m.name === config.model);
  const running = phase === 'decoding' || phase === 'training';
  const losses: ImageLoss[] = config.task === 'multi-class' ? ['focal', 'ce'] : ['focal', 'bce'];
  return (
    <section className="card" aria-labelledby="images-train-title">
      <h3 id="images-train-title">Train</h3>
      <div className="row">
        <label>
          Model
          <select
            aria-label="Model"
            value={config.model}
            onChange={(e) => setConfig({ model: e.target.value })}
          >
            {models.map((m) => (
              <option key={m.name} value={m.name}>
                {m.label} — {fmtCount(m.parameters)} params
                {m.flops ? `, ${fmtCount(m.flops)}FLOPs` : ''}
              </option>
            ))}
          </select>
        </label>
        <NumberField
          label="Input height"
          value={config.height}
          step={32}
          min={32}
          onChange={(v) => setConfig({ height: v })}
        />
        <NumberField
          label="Input width"
          value={config.width}
          step={32}
          min={32}
          onChange={(v) => setConfig({ width: v })}
        />
        <label>
          Backend
          <select
            aria-label="Training backend"
            value={backend}
            onChange={(e) => setBackend(e.target.value as BackendName)}
          >
            {BACKENDS.map((b) => (
              <option key={b} value={b}>
                {b}
              </option>
            ))}
          </select>
        </label>
      </div>
      {chosen ? (
        <p className="muted" data-testid="images-model-info">
          {chosen.description}. {chosen.parameters.toLocaleString('en-US')} parameters
          {chosen.flops
            ? `, ${fmtCount(chosen.flops)}FLOPs (multiply-adds) per image at ${config.height}×${config.width}`
            : ''}
          .
        </p>
      ) : null}
      <div className="row">
        <NumberField
          label="Batch size"
          value={config.batchSize}
          min={1}
          onChange={(v) => setConfig({ batchSize: v })}
        />
        <NumberField
          label="Epochs"
          value={config.epochs}
          min={1}
          onChange={(v) => setConfig({ epochs: v })}
        />
        <NumberField
          label="Learning rate"
          value={config.lr}
          step={0.0001}
          onChange={(v) => setConfig({ lr: v })}
        />
        <NumberField
          label="Warm-up epochs"
          value={config.warmupEpochs}
          onChange={(v) => setConfig({ warmupEpochs: v })}
        />
        <NumberField label="Patience" value={config.patience} onChange={(v) => setConfig({ patience: v })} />
        <NumberField
          label="Batches per epoch (0 = all)"
          value={config.maxBatchesPerEpoch}
          onChange={(v) => setConfig({ maxBatchesPerEpoch: v })}
        />
        <label>
          Loss
          <select
            aria-label="Loss"
            value={config.loss}
            onChange={(e) => setConfig({ loss: e.target.value as ImageLoss })}
          >
            {losses.map((l) => (
              <option key={l} value={l}>
                {l === 'focal'
                  ? 'focal (γ = 2, α from class frequencies)'
                  : l === 'ce'
                    ? 'cross-entropy (softmax)'
                    : 'binary cross-entropy (sigmoid)'}
              </option>
            ))}
          </select>
        </label>
      </div>
      {config.loss !== 'focal' ? (
        <label>
          <input
            type="checkbox"
            checked={config.classWeights}
            onChange={(e) => setConfig({ classWeights: e.target.checked })}
          />{' '}
          Class weights from the training frequencies
        </label>
      ) : null}
      <Augmentations />
      <div className="row">
        <button type="button" disabled={running || !split} onClick={() => void train()}>
          Train
        </button>
        <button type="button" disabled={!running} onClick={stop}>
          Stop
        </button>
        <span data-testid="images-progress" aria-live="polite">
          {progress}
        </span>
      </div>
      {history.length ? (
        <table className="images-table" aria-label="Epochs">
          <thead>
            <tr>
              <th>epoch</th>
              <th>train loss</th>
              <th>val loss</th>
              <th>val macro F1</th>
              <th>lr</th>
              <th>s</th>
            </tr>
          </thead>
          <tbody>
            {history.map((h) => (
              <tr key={h.epoch}>
                <td>{h.epoch + 1}</td>
                <td>{h.trainLoss.toFixed(4)}</td>
                <td>{h.valLoss.toFixed(4)}</td>
                <td>{h.valMacroF1.toFixed(3)}</td>
                <td>{h.lr.toExponential(2)}</td>
                <td>{h.seconds.toFixed(1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
