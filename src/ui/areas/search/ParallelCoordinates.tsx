// Parallel coordinates of the finished trials: one axis per parameter and one for the objective; drag along an
// axis to brush a range (drag again to change it, click without dragging to clear). The brushed trials are
// highlighted here, in the trial table and in the curves.
import { useRef, useState } from 'react';
import type { SearchSpace } from '../../../core/hpo/space';
import type { Trial } from '../../../core/hpo/study';
import { axisPosition, type Brushes } from '../../../core/hpo/brushing';

const W = 760;
const H = 260;
const TOP = 28;
const BOTTOM = 30;
const PAD_X = 60;

interface Props {
  space: SearchSpace;
  trials: Trial[];
  objective: string;
  brushes: Brushes;
  onBrush(axis: string, range: [number, number] | null): void;
  selected: Set<number>;
}

export function ParallelCoordinates({ space, trials, objective, brushes, onBrush, selected }: Props) {
  const axes = [...Object.keys(space), objective];
  const shown = trials.filter((t) => (t.state === 'complete' || t.state === 'pruned') && t.value !== null);
  const x = (i: number) => PAD_X + (i * (W - 2 * PAD_X)) / Math.max(1, axes.length - 1);
  const plotH = H - TOP - BOTTOM;
  const y = (frac: number) => TOP + (1 - frac) * plotH;
  const [drag, setDrag] = useState<{ axis: string; from: number; to: number } | null>(null);
  const svg = useRef<SVGSVGElement>(null);
  const frac = (clientY: number) => {
    const r = svg.current!.getBoundingClientRect();
    const py = ((clientY - r.top) / r.height) * H;
    return Math.min(1, Math.max(0, 1 - (py - TOP) / plotH));
  };
  const values = shown.map((t) => t.value!);
  const anyBrush = Object.keys(brushes).length > 0;
  return (
    <svg
      ref={svg}
      viewBox={`0 0 ${W} ${H}`}
      className="pc-plot"
      role="img"
      aria-label="Parallel coordinates of the trials"
      data-testid="parallel-coordinates"
      data-lines={shown.length}
      data-selected={anyBrush ? shown.filter((t) => selected.has(t.number)).length : shown.length}
      onPointerMove={(e) => drag && setDrag({ ...drag, to: frac(e.clientY) })}
      onPointerUp={() => {
        if (!drag) return;
        const lo = Math.min(drag.from, drag.to);
        const hi = Math.max(drag.from, drag.to);
        onBrush(drag.axis, hi - lo < 0.01 ? null : [lo, hi]);
        setDrag(null);
      }}
      onPointerLeave={() => setDrag(null)}
    >
      {shown.map((t) => {
        const pts = axes
          .map((a, i) => `${x(i)},${y(axisPosition(a, space, t, values, objective))}`)
          .join(' ');
        const on = !anyBrush || selected.has(t.number);
        return (
          <polyline
            key={t.number}
            points={pts}
            fill="none"
            className={on ? (t.state === 'pruned' ? 'pc-line pc-pruned' : 'pc-line') : 'pc-line pc-off'}
            data-trial={t.number}
          >
            <title>{`trial ${t.number}: ${t.value?.toFixed(4)} (${t.state})`}</title>
          </polyline>
        );
      })}
      {axes.map((a, i) => {
        const b =
          drag?.axis === a ? [Math.min(drag.from, drag.to), Math.max(drag.from, drag.to)] : brushes[a];
        return (
          <g key={a}>
            <line x1={x(i)} x2={x(i)} y1={TOP} y2={TOP + plotH} className="pc-axis" />
            <text x={x(i)} y={TOP - 10} textAnchor="middle" className="pc-label">
              {a.replace(/^training\./, '')}
            </text>
            <AxisTicks axis={a} space={space} values={values} objective={objective} x={x(i)} y={y} />
            {b && (
              <rect x={x(i) - 9} width={18} y={y(b[1]!)} height={y(b[0]!) - y(b[1]!)} className="pc-brush" />
            )}
            <rect
              x={x(i) - 14}
              width={28}
              y={TOP}
              height={plotH}
              fill="transparent"
              style={{ cursor: 'ns-resize' }}
              data-testid={`pc-axis-${a}`}
              aria-label={`Brush ${a}`}
              onPointerDown={(e) => {
                (e.target as Element).setPointerCapture?.(e.pointerId);
                const f = frac(e.clientY);
                setDrag({ axis: a, from: f, to: f });
              }}
            />
          </g>
        );
      })}
    </svg>
  );
}

function AxisTicks(props: {
  axis: string;
  space: SearchSpace;
  values: number[];
  objective: string;
  x: number;
  y: (f: number) => number;
}) {
  const { axis, space, values, objective, x, y } = props;
  const d = space[axis];
  let ticks: { f: number; label: string }[];
  if (axis === objective || !d) {
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    ticks = values.length
      ? [
          { f: 0, label: lo.toFixed(3) },
          { f: 1, label: hi.toFixed(3) },
        ]
      : [];
  } else if (d.type === 'categorical') {
    ticks = d.choices.map((c, i) => ({
      f: d.choices.length === 1 ? 0.5 : i / (d.choices.length - 1),
      label: String(c),
    }));
  } else {
    const fmt = (v: number) =>
      Math.abs(v) < 1e-2 && v !== 0 ? v.toExponential(0) : String(Number(v.toPrecision(3)));
    ticks = [
      { f: 0, label: fmt(d.low) },
      { f: 1, label: fmt(d.high) },
    ];
  }
  return (
    <>
      {ticks.map((t) => (
        <text key={t.label + t.f} x={x + 6} y={y(t.f) + 4} className="pc-tick">
          {t.label}
        </text>
      ))}
    </>
  );
}
