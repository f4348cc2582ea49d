// Generate area: synthetic LPBF scenes with their physics parameters, a live preview frame, videos encoded in
// the browser (WebCodecs, MP4/H.264 or WebM/VP9), and spatter crop sets (research-layout HDF5 + CSV, or
// straight into the data library), each with progress, cancel and downloads.
import { useEffect, useRef, useState } from 'react';
import { GAS_FLOW, sceneFrameCount, type SceneParams } from '../../../core/synth/params';
import { useGenerateStore } from '../../../state/generate-store';
import { synthWorker } from '../../../workers/synth/client';
import { CropStatsTable } from './CropStatsTable';
import './generate.css';

type NumericField = {
  key: keyof SceneParams;
  label: string;
  step: number;
  min: number;
  max: number;
  hint?: string;
};

const FIELDS: NumericField[] = [
  {
    key: 'gasFlow',
    label: 'Gas flow (m/s)',
    step: 0.1,
    min: 0,
    max: 10,
    hint: `low ${GAS_FLOW.low}, high ${GAS_FLOW.high}`,
  },
  { key: 'spatterRate', label: 'Spatter rate (per s)', step: 50, min: 0, max: 10000 },
  { key: 'seed', label: 'Seed', step: 1, min: 0, max: 2 ** 32 - 1 },
  { key: 'layers', label: 'Layers', step: 1, min: 1, max: 10000 },
  { key: 'layerSeconds', label: 'Scan time per layer (s)', step: 1, min: 0.04, max: 3600 },
  {
    key: 'layerGapFrames',
    label: 'Frames between layers',
    step: 10,
    min: 0,
    max: 100000,
    hint: 'the extractor counts a new layer after > 700',
  },
  { key: 'width', label: 'Width (px)', step: 2, min: 64, max: 3840 },
  { key: 'height', label: 'Height (px)', step: 2, min: 64, max: 2160 },
];

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function GenerateArea() {
  const params = useGenerateStore((s) => s.params);
  const setParam = useGenerateStore((s) => s.setParam);
  const format = useGenerateStore((s) => s.format);
  const setFormat = useGenerateStore((s) => s.setFormat);
  const crops = useGenerateStore((s) => s.crops);
  const setCrops = useGenerateStore((s) => s.setCrops);
  const job = useGenerateStore((s) => s.job);
  const results = useGenerateStore((s) => s.results);
  const cropStats = useGenerateStore((s) => s.cropStats);
  const support = useGenerateStore((s) => s.support);
  const problems = useGenerateStore((s) => s.problems)();
  const frames = problems.length ? 0 : sceneFrameCount(params);

  useEffect(() => {
    if (!support) void useGenerateStore.getState().checkSupport();
  }, [support]);

  const progress = job?.progress;
  return (
    <section aria-labelledby="generate-title" className="area generate">
      <h2 id="generate-title">Generate</h2>
      <p className="muted">
        Synthetic laser powder bed fusion scenes: a melt pool with its plume and glow scanning tracks, spatter
        drawn as streaks over the exposure (white-hot to orange as it cools), swept and cooled by the gas
        flow, a blue recoater light between layers. Everything is seeded: the same settings give the same
        bytes.
      </p>
      <div className="grid-2">
        <section aria-labelledby="generate-scene-title" className="card">
          <h3 id="generate-scene-title">Scene</h3>
          <div className="generate-presets row" role="group" aria-label="Gas flow presets">
            <button type="button" onClick={() => setParam('gasFlow', GAS_FLOW.low)}>
              Low flow
            </button>
            <button type="button" onClick={() => setParam('gasFlow', GAS_FLOW.high)}>
              High flow
            </button>
          </div>
          <div className="generate-fields">
            {FIELDS.map((f) => (
              <label key={f.key} className="generate-field">
                <span>{f.label}</span>
                <input
                  type="number"
                  step={f.step}
                  min={f.min}
                  max={f.max}
                  value={params[f.key]}
                  onChange={(e) => setParam(f.key, e.currentTarget.valueAsNumber)}
                />
                {f.hint ? <small className="muted">{f.hint}</small> : null}
              </label>
            ))}
          </div>
          {problems.length ? (
            <ul role="alert" className="warn">
              {problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          ) : (
            <p data-testid="generate-frames">
              {frames.toLocaleString()} frames ({(frames / params.fps).toFixed(1)} s at {params.fps} fps)
            </p>
          )}
          <ScenePreview params={params} frames={frames} disabled={problems.length > 0} />
        </section>

        <section aria-labelledby="generate-video-title" className="card">
          <h3 id="generate-video-title">Video</h3>
          <label className="generate-field">
            <span>Format</span>
            <select value={format} onChange={(e) => setFormat(e.currentTarget.value as 'mp4' | 'webm')}>
              <option value="mp4">MP4 (H.264)</option>
              <option value="webm">WebM (VP9)</option>
            </select>
          </label>
          {support && !support[format] ? (
            <p className="warn">
              This browser cannot encode {format === 'mp4' ? 'H.264' : 'VP9'}; try the other format.
            </p>
          ) : null}
          <div className="row">
            <button
              type="button"
              disabled={!!job || problems.length > 0}
              onClick={() => void useGenerateStore.getState().generateVideo()}
            >
              Generate video
            </button>
          </div>

          <h3 id="generate-crops-title">Crops (without a video)</h3>
          <div className="generate-fields" role="group" aria-labelledby="generate-crops-title">
            <label className="generate-field">
              <span>Low-flow crops (class 0)</span>
              <input
                type="number"
                min={0}
                step={100}
                value={crops.low}
                onChange={(e) => setCrops({ low: e.currentTarget.valueAsNumber })}
              />
            </label>
            <label className="generate-field">
              <span>High-flow crops (class 1)</span>
              <input
                type="number"
                min={0}
                step={100}
                value={crops.high}
                onChange={(e) => setCrops({ high: e.currentTarget.valueAsNumber })}
              />
            </label>
            <label className="generate-field">
              <span>Crop seed</span>
              <input
                type="number"
                min={0}
                step={1}
                value={crops.seed}
                onChange={(e) => setCrops({ seed: e.currentTarget.valueAsNumber })}
              />
            </label>
            <label className="generate-field">
              <span>File name stem</span>
              <input
                type="text"
                value={crops.stem}
                onChange={(e) => setCrops({ stem: e.currentTarget.value })}
              />
            </label>
          </div>
          <label className="generate-check">
            <input
              type="checkbox"
              checked={crops.addToLibrary}
              onChange={(e) => setCrops({ addToLibrary: e.currentTarget.checked })}
            />
            Add to the data library
          </label>
          <div className="row">
            <button
              type="button"
              disabled={!!job}
              onClick={() => void useGenerateStore.getState().generateCrops()}
            >
              Generate crops
            </button>
          </div>

          {job ? (
            <div className="generate-job" aria-live="polite">
              <progress
                className="progress"
                aria-label={job.kind === 'video' ? 'Video progress' : 'Crop progress'}
                max={progress?.total ?? 1}
                value={progress?.done ?? 0}
              />
              <p data-testid="generate-progress">{progress?.message ?? 'Starting…'}</p>
              <button type="button" onClick={() => useGenerateStore.getState().cancel()}>
                Cancel
              </button>
            </div>
          ) : null}
        </section>
      </div>

      {cropStats ? (
        <section aria-labelledby="generate-stats-title" className="card">
          <h3 id="generate-stats-title">Crop statistics: generated set and research</h3>
          <p className="muted">
            The generator draws crop sizes, class balance, all-black crops and brightness to match the
            research&apos;s crops (its analysis of 598,933 real crops; mean grey from its figure of six).
          </p>
          <CropStatsTable stats={cropStats} />
        </section>
      ) : null}

      {results.length ? (
        <section aria-labelledby="generate-results-title" className="card">
          <h3 id="generate-results-title">Generated files</h3>
          <ul className="generate-results" aria-label="Generated files">
            {results.map((f) => (
              <li key={f.url}>
                <a href={f.url} download={f.fileName}>
                  Download {f.fileName}
                </a>{' '}
                <span className="muted">
                  {formatBytes(f.bytes)} · {f.detail}
                </span>
              </li>
            ))}
          </ul>
          <button type="button" onClick={() => useGenerateStore.getState().clearResults()}>
            Clear list
          </button>
        </section>
      ) : null}
    </section>
  );
}

/** One rendered frame of the scene (from the worker), with a slider to move through the timeline. */
function ScenePreview({
  params,
  frames,
  disabled,
}: {
  params: SceneParams;
  frames: number;
  disabled: boolean;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [frame, setFrame] = useState(50);
  const shown = Math.min(frame, Math.max(0, frames - 1));
  useEffect(() => {
    if (disabled) return;
    let live = true;
    void synthWorker.api.renderFrame(params, shown).then(
      (px) => {
        const c = canvas.current;
        const ctx = c?.getContext('2d');
        if (!live || !c || !ctx) return;
        c.width = params.width;
        c.height = params.height;
        ctx.putImageData(new ImageData(new Uint8ClampedArray(px), params.width, params.height), 0, 0);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [params, shown, disabled]);
  return (
    <figure className="generate-preview">
      <canvas
        ref={canvas}
        aria-label={`Preview of frame ${shown}`}
        width={params.width}
        height={params.height}
      />
      <label className="generate-field">
        <span>Preview frame</span>
        <input
          type="range"
          min={0}
          max={Math.max(0, frames - 1)}
          value={shown}
          disabled={disabled}
          onChange={(e) => setFrame(e.currentTarget.valueAsNumber)}
        />
        <output>{shown}</output>
      </label>
    </figure>
  );
}
