// The selected job: the current (or inspected) frame with its boxes, the spatter count per frame, layers,
// frames/s and time left, and stepping through frames to see what was rejected and why.
import { useEffect, useMemo, useRef, useState } from 'react';
import { Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { verdictLabel } from '../../../core/extract/rules';
import { useExtractStore, type ExtractJob } from '../../../state/extract-store';
import { xAxisProps, yAxisProps } from '../../shared/chart-axis';

const colours = { spatter: '#22c55e', too_small: '#eab308', too_large: '#f97316', blue: '#3b82f6' } as const;

function FrameCanvas({ job }: { job: ExtractJob }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const inspect = useExtractStore((s) => (s.inspect?.jobId === job.id ? s.inspect.result : null));
  useEffect(() => {
    const c = ref.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    const draw = (boxes: { x: number; y: number; w: number; h: number; colour: string }[]) => {
      ctx.lineWidth = 2;
      for (const b of boxes) {
        ctx.strokeStyle = b.colour;
        ctx.strokeRect(b.x + 0.5, b.y + 0.5, b.w, b.h);
      }
    };
    if (inspect) {
      c.width = inspect.width;
      c.height = inspect.height;
      ctx.putImageData(
        new ImageData(new Uint8ClampedArray(inspect.rgba), inspect.width, inspect.height),
        0,
        0,
      );
      draw([
        ...inspect.rejected.map((r) => ({ ...r.box, colour: colours[r.verdict] })),
        ...inspect.spatters.map((r) => ({ ...r.box, colour: colours.spatter })),
      ]);
    } else if (job.preview) {
      c.width = job.preview.bitmap.width;
      c.height = job.preview.bitmap.height;
      try {
        ctx.drawImage(job.preview.bitmap, 0, 0);
      } catch {
        /* bitmap closed by a newer preview */
      }
      draw(job.preview.boxes.map((b) => ({ ...b, colour: colours.spatter })));
    }
  }, [inspect, job.preview]);
  return (
    <canvas
      ref={ref}
      className="extract-frame"
      aria-label={
        inspect ? `Frame ${inspect.frame} with its contours` : 'Current frame with detected spatters'
      }
    />
  );
}

function CountChart({ job }: { job: ExtractJob }) {
  // job.counts grows in place while the job runs: its length says when to redraw.
  const n = job.counts.length;
  const data = useMemo(() => {
    const step = Math.max(1, Math.ceil(n / 600));
    const out: { frame: number; count: number }[] = [];
    for (let i = 0; i < n; i += step) {
      let m = 0;
      for (let k = i; k < Math.min(n, i + step); k++) m = Math.max(m, job.counts[k]!);
      out.push({ frame: job.firstFrame + i, count: m });
    }
    return out;
  }, [job.counts, n, job.firstFrame]);
  return (
    <figure className="extract-chart" aria-label="Spatter count per frame">
      <ResponsiveContainer width="100%" height={160}>
        <LineChart data={data}>
          <XAxis {...xAxisProps} dataKey="frame" />
          <YAxis {...yAxisProps} allowDecimals={false} />
          <Tooltip />
          <Line type="stepAfter" dataKey="count" dot={false} stroke="#22c55e" isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
      <figcaption>Spatter count per frame</figcaption>
    </figure>
  );
}

function Inspector({ job }: { job: ExtractJob }) {
  const [frame, setFrame] = useState(0);
  const inspecting = useExtractStore((s) => s.inspecting);
  const result = useExtractStore((s) => (s.inspect?.jobId === job.id ? s.inspect.result : null));
  const go = (f: number) => {
    const v = Math.max(0, f);
    setFrame(v);
    void useExtractStore.getState().inspectFrame(job.id, v);
  };
  return (
    <section className="extract-inspector" aria-label="Step through frames">
      <div className="extract-row">
        <button type="button" onClick={() => go(frame - 1)} disabled={!job.file || inspecting}>
          Previous frame
        </button>
        <label>
          Frame
          <input type="number" min={0} value={frame} onChange={(e) => setFrame(Number(e.target.value))} />
        </label>
        <button type="button" onClick={() => go(frame)} disabled={!job.file || inspecting}>
          Show frame
        </button>
        <button type="button" onClick={() => go(frame + 1)} disabled={!job.file || inspecting}>
          Next frame
        </button>
      </div>
      {result && (
        <table className="extract-contours" aria-label={`Contours of frame ${result.frame}`}>
          <thead>
            <tr>
              <th>x</th>
              <th>y</th>
              <th>w</th>
              <th>h</th>
              <th>area</th>
              <th>verdict</th>
            </tr>
          </thead>
          <tbody>
            {[...result.spatters, ...result.rejected].map((c, i) => (
              <tr key={i}>
                <td>{c.box.x}</td>
                <td>{c.box.y}</td>
                <td>{c.box.w}</td>
                <td>{c.box.h}</td>
                <td>{c.area}</td>
                <td style={{ color: colours[c.verdict] }}>{verdictLabel[c.verdict]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

const LAYERS_HINT =
  'Stretches of spatter: a new layer starts after more than extract.layer_gap frames without spatter (the research rule); Classify counts the same way.';

export function LiveView({ job }: { job: ExtractJob }) {
  return (
    <section className="extract-live" aria-label={`Extraction of ${job.fileName}`}>
      <FrameCanvas job={job} />
      <dl className="extract-stats">
        <dt>Frames</dt>
        <dd>
          {job.done} / {job.total || '?'}
        </dd>
        <dt>Spatters</dt>
        <dd aria-label="Spatters found">{job.boxes.length}</dd>
        <dt title={LAYERS_HINT}>Layers with spatter</dt>
        <dd aria-label="Layers with spatter" title={LAYERS_HINT}>
          {job.layers}
        </dd>
        <dt>Frames/s</dt>
        <dd>{job.framesPerSecond.toFixed(0)}</dd>
        <dt>Time left</dt>
        <dd>{job.etaS === null ? '–' : `${Math.ceil(job.etaS)} s`}</dd>
      </dl>
      <p className="muted extract-layers-note">{LAYERS_HINT}</p>
      <CountChart job={job} />
      <Inspector job={job} />
    </section>
  );
}
