// The monitoring view after a build: predicted gas flow per frame and per layer for a classified video,
// the build's verdict with its uncertainty, and the CSV exports.
import { useMemo } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { buildVerdict, perFrame, perLayer } from '../../../core/eval/timeline';
import { useEval } from '../../../state/eval-store';
import { xAxisProps, yAxisProps } from '../../shared/chart-axis';

const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : '—');

export function VideoTimeline() {
  const video = useEval((s) => s.video);
  const threshold = useEval((s) => s.threshold);
  const download = useEval((s) => s.downloadVideoCsv);
  const figures = useMemo(() => {
    if (!video) return null;
    return {
      frames: perFrame(video.predictions, threshold),
      layers: perLayer(video.predictions, threshold),
      verdict: buildVerdict(video.predictions, video.classNames, threshold),
    };
  }, [video, threshold]);
  if (!video || !figures) return null;
  const c1 = video.classNames[1] ?? 'class 1';
  const c0 = video.classNames[0] ?? 'class 0';
  const { verdict } = figures;

  return (
    <section aria-labelledby="evaluate-video-title" className="card">
      <h3 id="evaluate-video-title">
        Video {video.videoName}, classified by {video.modelLabel}
      </h3>
      <p className="evaluate-timeline-verdict" data-testid="video-verdict">
        {verdict.text}
      </p>
      <table className="kv" aria-label="Build summary">
        <tbody>
          <tr>
            <th scope="row">Crops classified</th>
            <td data-testid="video-crops">{verdict.crops}</td>
          </tr>
          <tr>
            <th
              scope="row"
              title="Stretches of spatter: a new layer starts after more than extract.layer_gap frames without spatter (the research rule); Extract counts the same way."
            >
              Layers with spatter
            </th>
            <td>{verdict.layers}</td>
          </tr>
          <tr>
            <th scope="row">
              Share {c0} / {c1}
            </th>
            <td>
              {pct(verdict.share[0])} / {pct(verdict.share[1])} (95% interval of the {c1} share{' '}
              {pct(verdict.shareInterval[0])}–{pct(verdict.shareInterval[1])})
            </td>
          </tr>
          <tr>
            <th scope="row">Decision threshold</th>
            <td data-testid="video-threshold">
              {threshold.toFixed(2)} (the slider under the evaluation results; moving it changes this verdict)
            </td>
          </tr>
          <tr>
            <th scope="row">Mean P({c1})</th>
            <td>{pct(verdict.meanProbability)}</td>
          </tr>
          <tr>
            <th scope="row">Layers mostly {c1}</th>
            <td>{pct(verdict.layerShareClass1)}</td>
          </tr>
        </tbody>
      </table>
      <p className="muted">
        Layers with spatter: stretches of spatter, a new one after more than extract.layer_gap frames without
        spatter (the research rule), counted as in the Extract area.
      </p>
      {!video.dated ? (
        <p className="muted">
          No per-frame log came with these crops, so there is no timeline: the summary is per crop.
        </p>
      ) : null}
      <div className="evaluate-charts" hidden={!video.dated}>
        <figure
          aria-label="Predicted gas flow per frame"
          data-testid="video-frames-chart"
          data-points={figures.frames.length}
        >
          <figcaption>
            Mean P({c1}) per frame with spatter (threshold {threshold.toFixed(2)})
          </figcaption>
          <ResponsiveContainer width="100%" height={220}>
            <ScatterChart margin={{ top: 5, right: 10, bottom: 20, left: 0 }}>
              <CartesianGrid stroke="#2e3546" />
              <XAxis
                {...xAxisProps}
                dataKey="key"
                type="number"
                name="Frame"
                domain={[0, video.totalFrames ?? 'auto']}
                label={{ value: 'Frame', position: 'insideBottom', offset: -10 }}
              />
              <YAxis
                {...yAxisProps}
                dataKey="meanProbability"
                type="number"
                domain={[0, 1]}
                name={`P(${c1})`}
              />
              <ReferenceLine y={threshold} stroke="#9aa3b5" strokeDasharray="4 4" />
              <Tooltip />
              <Scatter data={figures.frames} fill="#ffb347" isAnimationActive={false} />
            </ScatterChart>
          </ResponsiveContainer>
        </figure>
        <figure aria-label="Predicted gas flow per layer">
          <figcaption>Share of crops predicted {c1}, per layer</figcaption>
          <ResponsiveContainer width="100%" height={220}>
            <BarChart data={figures.layers} margin={{ top: 5, right: 10, bottom: 20, left: 0 }}>
              <CartesianGrid stroke="#2e3546" />
              <XAxis
                {...xAxisProps}
                dataKey="key"
                label={{ value: 'Layer', position: 'insideBottom', offset: -10 }}
              />
              <YAxis {...yAxisProps} domain={[0, 1]} />
              <ReferenceLine y={0.5} stroke="#9aa3b5" strokeDasharray="4 4" />
              <Tooltip />
              <Bar dataKey="shareClass1" name={`share ${c1}`} fill="#6cb6ff" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </figure>
      </div>
      <div className="row">
        <button type="button" onClick={() => download('crops')}>
          Download crops CSV
        </button>
        <button type="button" onClick={() => download('frames')}>
          Download per-frame CSV
        </button>
        <button type="button" onClick={() => download('layers')}>
          Download per-layer CSV
        </button>
      </div>
    </section>
  );
}
