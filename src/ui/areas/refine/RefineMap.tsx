// The 2D map of every crop (UMAP of the embeddings, or PCA of raw pixels) on a canvas: points coloured by the
// chosen property, crop thumbnails once zoomed in, box and lasso selection (shift adds), wheel zoom and pan.
import { useEffect, useMemo, useRef, useState } from 'react';
import { LABEL_SOURCES, SPLIT_NAMES } from '../../../core/dataset/version';
import { DESCRIPTOR_COUNT } from '../../../core/refine/descriptors';
import { useRefine, type ColourBy } from '../../../state/refine-store';
import { CATEGORY_COLOURS, MUTED, cropCanvas, ramp } from './thumbs';

type Tool = 'box' | 'lasso' | 'pan';
const W = 720;
const H = 520;
const PAD = 16;

interface View {
  scale: number;
  ox: number;
  oy: number;
}

function inPolygon(px: number, py: number, poly: [number, number][]): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i]!;
    const [xj, yj] = poly[j]!;
    if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Colour of every crop for the chosen property (and a legend). */
export function useColours(colourBy: ColourBy): { colours: string[]; legend: [string, string][] } {
  const crops = useRefine((s) => s.crops);
  const log = useRefine((s) => s.log);
  const revision = useRefine((s) => s.revision);
  const probs = useRefine((s) => s.probs);
  const issues = useRefine((s) => s.issues);
  const clusters = useRefine((s) => s.clusters);
  const descriptors = useRefine((s) => s.descriptors);
  const classNames = useRefine((s) => s.classNames);
  return useMemo(() => {
    void revision;
    if (!crops || !log) return { colours: [], legend: [] };
    const n = crops.label.length;
    const colours = new Array<string>(n).fill(MUTED);
    const cls = (l: number) => (l >= 0 ? CATEGORY_COLOURS[l % 10]! : MUTED);
    let legend: [string, string][] = [];
    if (colourBy === 'label') {
      for (let i = 0; i < n; i++) colours[i] = cls(log.label[i]!);
      legend = [...classNames.map((c, i): [string, string] => [c, cls(i)]), ['unlabelled', MUTED]];
    } else if (colourBy === 'predicted') {
      if (probs) for (let i = 0; i < n; i++) colours[i] = cls(probs.p1[i]! >= 0.5 ? 1 : 0);
      legend = classNames.map((c, i) => [`predicted ${c}`, cls(i)]);
    } else if (colourBy === 'label-source') {
      for (let i = 0; i < n; i++) colours[i] = CATEGORY_COLOURS[log.labelSource[i]! % 10]!;
      legend = LABEL_SOURCES.map((s, i) => [s, CATEGORY_COLOURS[i % 10]!]);
    } else if (colourBy === 'split') {
      for (let i = 0; i < n; i++) colours[i] = CATEGORY_COLOURS[log.split[i]! % 10]!;
      legend = SPLIT_NAMES.map((s, i) => [s, CATEGORY_COLOURS[i % 10]!]);
    } else if (colourBy === 'suspected') {
      for (const is of issues) colours[is.item] = '#e15759';
      legend = [
        ['suspected wrong', '#e15759'],
        ['other', MUTED],
      ];
    } else if (colourBy === 'cluster') {
      if (clusters) for (let i = 0; i < n; i++) colours[i] = CATEGORY_COLOURS[clusters.cluster[i]! % 10]!;
      legend = (clusters?.descriptions ?? []).map((d, c) => [
        `${c + 1}: ${d.text || 'cluster'}`,
        CATEGORY_COLOURS[c % 10]!,
      ]);
    } else if (descriptors) {
      const j = Number(colourBy.split(':')[1]);
      const v = Array.from({ length: n }, (_, i) => descriptors[i * DESCRIPTOR_COUNT + j]!);
      const sorted = [...v].sort((a, b) => a - b);
      const lo = sorted[Math.floor(0.02 * (n - 1))] ?? 0;
      const hi = sorted[Math.floor(0.98 * (n - 1))] ?? 1;
      for (let i = 0; i < n; i++) colours[i] = ramp((v[i]! - lo) / (hi - lo || 1));
      legend = [
        [`≤ ${lo.toFixed(2)}`, ramp(0)],
        [`≥ ${hi.toFixed(2)}`, ramp(1)],
      ];
    }
    return { colours, legend };
  }, [crops, log, revision, probs, issues, clusters, descriptors, classNames, colourBy]);
}

export function RefineMap() {
  const map = useRefine((s) => s.map);
  const crops = useRefine((s) => s.crops);
  const colourBy = useRefine((s) => s.colourBy);
  const selection = useRefine((s) => s.selection);
  const select = useRefine((s) => s.select);
  const clusters = useRefine((s) => s.clusters);
  const { colours, legend } = useColours(colourBy);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [tool, setTool] = useState<Tool>('box');
  const [view, setView] = useState<View>({ scale: 1, ox: 0, oy: 0 });
  const [drag, setDrag] = useState<{ pts: [number, number][]; add: boolean; pan?: View } | null>(null);
  const selected = useMemo(() => new Set(selection), [selection]);

  const toScreen = (x: number, y: number): [number, number] => [
    PAD + (x * view.scale + view.ox) * (W - 2 * PAD),
    PAD + (y * view.scale + view.oy) * (H - 2 * PAD),
  ];

  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const ctx = c.getContext('2d')!;
    ctx.fillStyle = '#11151c';
    ctx.fillRect(0, 0, W, H);
    if (!map || !crops) return;
    const n = map.xy.length / 2;
    const thumbs = view.scale >= 4;
    const size = thumbs ? Math.min(40, 6 * view.scale) : 3;
    let drawn = 0;
    for (let i = 0; i < n; i++) {
      const [sx, sy] = toScreen(map.xy[2 * i]!, map.xy[2 * i + 1]!);
      if (sx < -size || sy < -size || sx > W + size || sy > H + size) continue;
      if (thumbs && drawn < 600) {
        ctx.imageSmoothingEnabled = false;
        ctx.drawImage(cropCanvas(crops.x, crops.side, i), sx - size / 2, sy - size / 2, size, size);
        ctx.strokeStyle = selected.has(i) ? '#ffffff' : (colours[i] ?? MUTED);
        ctx.lineWidth = selected.has(i) ? 2 : 1;
        ctx.strokeRect(sx - size / 2, sy - size / 2, size, size);
        drawn++;
      } else {
        ctx.fillStyle = colours[i] ?? MUTED;
        ctx.fillRect(sx - 1.5, sy - 1.5, 3, 3);
        if (selected.has(i)) {
          ctx.strokeStyle = '#ffffff';
          ctx.strokeRect(sx - 2.5, sy - 2.5, 5, 5);
        }
      }
    }
    if (clusters) {
      ctx.font = '12px system-ui, sans-serif';
      ctx.fillStyle = '#ffffff';
      clusters.descriptions.forEach((d, k) => {
        const [sx, sy] = toScreen(d.cx, d.cy);
        ctx.fillText(String(k + 1), sx + 4, sy - 4);
      });
    }
    if (drag && !drag.pan && drag.pts.length > 1) {
      ctx.strokeStyle = '#ffffff';
      ctx.setLineDash([4, 3]);
      ctx.beginPath();
      if (tool === 'box') {
        const [a, b] = [drag.pts[0]!, drag.pts.at(-1)!];
        ctx.rect(a[0], a[1], b[0] - a[0], b[1] - a[1]);
      } else {
        drag.pts.forEach(([x, y], k) => (k ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
        ctx.closePath();
      }
      ctx.stroke();
      ctx.setLineDash([]);
    }
    // toScreen depends on view only
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [map, crops, colours, selected, view, drag, tool, clusters]);

  const pos = (e: React.PointerEvent): [number, number] => {
    const r = canvas.current!.getBoundingClientRect();
    return [((e.clientX - r.left) * W) / r.width, ((e.clientY - r.top) * H) / r.height];
  };

  const finish = () => {
    if (!drag || !map) return setDrag(null);
    if (drag.pan) return setDrag(null);
    const pts = drag.pts;
    if (pts.length < 2) return setDrag(null);
    const n = map.xy.length / 2;
    const out: number[] = drag.add ? [...selection] : [];
    const have = new Set(out);
    const [a, b] = [pts[0]!, pts.at(-1)!];
    const [x0, x1] = [Math.min(a[0], b[0]), Math.max(a[0], b[0])];
    const [y0, y1] = [Math.min(a[1], b[1]), Math.max(a[1], b[1])];
    for (let i = 0; i < n; i++) {
      const [sx, sy] = toScreen(map.xy[2 * i]!, map.xy[2 * i + 1]!);
      const hit = tool === 'box' ? sx >= x0 && sx <= x1 && sy >= y0 && sy <= y1 : inPolygon(sx, sy, pts);
      if (hit && !have.has(i)) {
        out.push(i);
        have.add(i);
      }
    }
    select(out);
    setDrag(null);
  };

  return (
    <div className="refine-map">
      <div className="row">
        <fieldset className="refine-tools">
          <legend>Tool</legend>
          {(['box', 'lasso', 'pan'] as Tool[]).map((t) => (
            <label key={t}>
              <input type="radio" name="refine-tool" checked={tool === t} onChange={() => setTool(t)} />{' '}
              {t === 'box' ? 'Box select' : t === 'lasso' ? 'Lasso select' : 'Pan'}
            </label>
          ))}
        </fieldset>
        <button
          type="button"
          onClick={() => setView({ scale: view.scale * 2, ox: 2 * view.ox - 0.5, oy: 2 * view.oy - 0.5 })}
        >
          Zoom in
        </button>
        <button type="button" onClick={() => setView({ scale: 1, ox: 0, oy: 0 })}>
          Reset view
        </button>
        <span className="muted" data-testid="map-info">
          {map
            ? `${(map.xy.length / 2).toLocaleString('en')} crops · ${map.kind === 'umap' ? 'UMAP of embeddings' : 'PCA of raw pixels'}`
            : 'No map yet'}
          {view.scale >= 4 ? ' · thumbnails' : ''}
        </span>
      </div>
      <canvas
        ref={canvas}
        width={W}
        height={H}
        aria-label="Crop map"
        className="refine-canvas"
        data-tool={tool}
        onWheel={(e) => {
          const r = canvas.current!.getBoundingClientRect();
          const fx = ((e.clientX - r.left) / r.width) * (W / (W - 2 * PAD)) - PAD / (W - 2 * PAD);
          const fy = ((e.clientY - r.top) / r.height) * (H / (H - 2 * PAD)) - PAD / (H - 2 * PAD);
          const k = e.deltaY < 0 ? 1.25 : 0.8;
          setView((v) => ({ scale: v.scale * k, ox: fx - (fx - v.ox) * k, oy: fy - (fy - v.oy) * k }));
        }}
        onPointerDown={(e) => {
          (e.target as HTMLCanvasElement).setPointerCapture?.(e.pointerId);
          setDrag({ pts: [pos(e)], add: e.shiftKey, ...(tool === 'pan' ? { pan: view } : {}) });
        }}
        onPointerMove={(e) => {
          if (!drag) return;
          const p = pos(e);
          if (drag.pan) {
            const [x0, y0] = drag.pts[0]!;
            setView({
              ...drag.pan,
              ox: drag.pan.ox + (p[0] - x0) / (W - 2 * PAD),
              oy: drag.pan.oy + (p[1] - y0) / (H - 2 * PAD),
            });
          } else setDrag({ ...drag, pts: tool === 'box' ? [drag.pts[0]!, p] : [...drag.pts, p] });
        }}
        onPointerUp={finish}
      />
      <ul className="refine-legend" aria-label="Map legend">
        {legend.map(([name, colour]) => (
          <li key={name}>
            <span className="refine-swatch" style={{ background: colour }} /> {name}
          </li>
        ))}
      </ul>
    </div>
  );
}
