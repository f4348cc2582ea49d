// Which model is evaluated: runs loaded from the Runs area, or a TF.js layers model imported from files or
// a URL; and the exports of the chosen one (TF.js with metadata.json, ONNX).
import { useState } from 'react';
import { useEval } from '../../../state/eval-store';

export function ModelPanel() {
  const models = useEval((s) => s.models);
  const activeKey = useEval((s) => s.activeKey);
  const selectModel = useEval((s) => s.selectModel);
  const importModelFiles = useEval((s) => s.importModelFiles);
  const importModelUrl = useEval((s) => s.importModelUrl);
  const exportTfjs = useEval((s) => s.exportTfjs);
  const exportOnnx = useEval((s) => s.exportOnnx);
  const [url, setUrl] = useState('');
  const [layout, setLayout] = useState<'NCHW' | 'NHWC'>('NCHW');
  const active = models.find((m) => m.key === activeKey);

  return (
    <section aria-labelledby="evaluate-model-title" className="card">
      <h3 id="evaluate-model-title">Model</h3>
      <div className="row">
        <label>
          Model{' '}
          <select
            aria-label="Model to evaluate"
            value={activeKey ?? ''}
            onChange={(e) => selectModel(e.target.value)}
            disabled={models.length === 0}
          >
            {models.length === 0 ? <option value="">No model loaded</option> : null}
            {models.map((m) => (
              <option key={m.key} value={m.key}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {active ? (
        <p className="muted" data-testid="evaluate-model-info">
          {active.info.name}: input {active.info.input.size}×{active.info.input.size}×
          {active.info.input.channels},{' '}
          {active.info.numOutputs === 1 ? 'one logit' : `${active.info.numOutputs} outputs`},{' '}
          {active.info.parameters.toLocaleString('en')} parameters; classes{' '}
          {active.info.classNames.join(', ')}
        </p>
      ) : null}
      {active?.info.trainedOn ? (
        <p className="warn" data-testid="evaluate-model-trained-on">
          {active.info.trainedOn}
        </p>
      ) : null}
      {active ? null : (
        <p className="muted">Load a run from the Runs area, or import a TF.js layers model below.</p>
      )}
      <div className="row">
        <label>
          Import TF.js model files (model.json, weights, metadata.json){' '}
          <input
            type="file"
            multiple
            accept=".json,.bin,application/json,application/octet-stream"
            aria-label="Import TF.js model files"
            onChange={(e) => {
              const files = [...(e.target.files ?? [])];
              e.target.value = '';
              if (files.length) void importModelFiles(files);
            }}
          />
        </label>
      </div>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (url.trim()) void importModelUrl(url.trim());
        }}
      >
        <label className="grow">
          Model URL{' '}
          <input
            type="text"
            inputMode="url"
            spellCheck={false}
            aria-label="Model URL"
            placeholder="demo/lenet5/model.json (relative to this page) or https://…/model.json"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
          />
        </label>
        <button type="submit" disabled={!url.trim()}>
          Import from URL
        </button>
      </form>
      <div className="row">
        <button type="button" disabled={!active} onClick={() => void exportTfjs()}>
          Export TF.js
        </button>
        <label>
          ONNX layout{' '}
          <select
            aria-label="ONNX input layout"
            value={layout}
            onChange={(e) => setLayout(e.target.value as 'NCHW' | 'NHWC')}
          >
            <option value="NCHW">NCHW (PyTorch)</option>
            <option value="NHWC">NHWC (TF.js)</option>
          </select>
        </label>
        <button type="button" disabled={!active} onClick={() => void exportOnnx(layout)}>
          Export ONNX
        </button>
      </div>
    </section>
  );
}
