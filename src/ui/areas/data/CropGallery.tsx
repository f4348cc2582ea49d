// A virtualised gallery: only the visible rows of thumbnails exist in the DOM, fetched from the data worker
// a window at a time, so scrolling stays smooth over hundreds of thousands of crops.
import { gridWindow } from '../../shared/grid-window';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { FindingRule } from '../../../core/data/quality';
import { ruleLabel } from '../../../core/data/quality';
import { useDataStore } from '../../../state/data-store';
import { dataWorker } from '../../../workers/data/client';
import type { CropQuery, CropRow } from '../../../workers/data/data-library';
import type { StoredCrop } from '../../../workers/data/h5-reader';
import { CropDetailView } from './CropDetailView';
import { CropImage } from './CropImage';

const CELL = 92;
const VIEW_HEIGHT = 460;
const OVERSCAN_ROWS = 3;
const RULES: FindingRule[] = ['black', 'undecodable', 'duplicate', 'tiny', 'empty'];

export function CropGallery() {
  const sources = useDataStore((s) => s.sources);
  const classNames = useDataStore((s) => s.classNames);
  const version = useDataStore((s) => s.version);
  const [query, setQuery] = useState<CropQuery>({});
  const [matched, setMatched] = useState(0);
  const [width, setWidth] = useState(800);
  const [scrollTop, setScrollTop] = useState(0);
  const [rows, setRows] = useState<Map<number, CropRow>>(new Map());
  const [thumbs, setThumbs] = useState<Map<number, StoredCrop | null>>(new Map());
  const [selected, setSelected] = useState<number | null>(null);
  const viewport = useRef<HTMLDivElement>(null);
  const generation = useRef(0);

  const total = sources.length === 0 ? 0 : matched;
  const { cols, rowCount, start, end } = gridWindow({
    count: total,
    width,
    viewHeight: VIEW_HEIGHT,
    scrollTop,
    cellWidth: CELL,
    cellHeight: CELL,
    overscanRows: OVERSCAN_ROWS,
  });

  useEffect(() => {
    const el = viewport.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    setWidth(el.clientWidth);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    const gen = ++generation.current;
    if (sources.length === 0) return;
    void dataWorker.api.query(query).then((n) => {
      if (gen !== generation.current) return;
      setRows(new Map());
      setThumbs(new Map());
      setMatched(n);
    });
  }, [query, version, sources.length]);

  useEffect(() => {
    if (end <= start) return;
    let missing = false;
    for (let p = start; p < end; p++) if (!rows.has(p)) missing = true;
    if (!missing) return;
    const gen = generation.current;
    void (async () => {
      const got = await dataWorker.api.rows(start, end - start);
      if (gen !== generation.current) return;
      const crops = await dataWorker.api.crops(got.map((r) => r.ordinal));
      if (gen !== generation.current) return;
      setRows((prev) => {
        // Keep a bounded window so memory stays flat however far the user scrolls.
        const next = new Map([...prev].filter(([p]) => p >= start - 2000 && p < end + 2000));
        got.forEach((r, k) => next.set(start + k, r));
        return next;
      });
      setThumbs((prev) => {
        const next = new Map([...prev].filter(([o]) => got.some((r) => r.ordinal === o) || prev.size < 1500));
        got.forEach((r, k) => next.set(r.ordinal, crops[k] ?? null));
        return next;
      });
    })();
  }, [start, end, rows]);

  const update = useCallback((patch: Partial<CropQuery>) => {
    setQuery((q) => ({ ...q, ...patch }));
    setScrollTop(0);
    if (viewport.current) viewport.current.scrollTop = 0;
  }, []);

  const datasets = useMemo(() => {
    const src = sources.filter((s) => !query.sourceId || s.id === query.sourceId);
    return [...new Set(src.flatMap((s) => s.datasets.map((d) => d.name)))];
  }, [sources, query.sourceId]);

  const cells = [];
  for (let p = start; p < end; p++) {
    const r = rows.get(p);
    const row = Math.floor(p / cols);
    const col = p % cols;
    const name = r ? `${r.file} › ${r.dataset} [${r.index}]` : `crop ${p + 1}`;
    cells.push(
      <button
        key={p}
        type="button"
        className={`data-cell${r && r.flags ? ' data-cell-flagged' : ''}`}
        style={{ top: row * CELL, left: col * CELL, width: CELL - 6, height: CELL - 6 }}
        aria-label={`Crop ${name}`}
        onClick={() => r && setSelected(r.ordinal)}
        disabled={!r}
      >
        {r ? <CropImage crop={thumbs.get(r.ordinal) ?? null} alt={name} className="data-thumb" /> : null}
      </button>,
    );
  }

  return (
    <section className="card" aria-labelledby="data-gallery-title">
      <h3 id="data-gallery-title">Gallery</h3>
      <div className="row data-filters" role="group" aria-label="Gallery filters">
        <label>
          File
          <select
            value={query.sourceId ?? ''}
            onChange={(e) => update({ sourceId: e.target.value || null, dataset: null })}
          >
            <option value="">all files</option>
            {sources.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Dataset
          <select value={query.dataset ?? ''} onChange={(e) => update({ dataset: e.target.value || null })}>
            <option value="">all datasets</option>
            {datasets.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
        <label>
          Label
          <select
            value={query.label ?? ''}
            onChange={(e) => update({ label: e.target.value === '' ? null : Number(e.target.value) })}
          >
            <option value="">all labels</option>
            {classNames.map((c, i) => (
              <option key={c} value={i}>
                {i}: {c}
              </option>
            ))}
          </select>
        </label>
        <label>
          Quality
          <select
            value={query.flag ?? ''}
            onChange={(e) => update({ flag: (e.target.value || null) as CropQuery['flag'] })}
          >
            <option value="">all crops</option>
            <option value="any">any finding</option>
            <option value="none">no finding</option>
            {RULES.map((r) => (
              <option key={r} value={r}>
                {ruleLabel(r)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Min side (px)
          <input
            type="number"
            min={0}
            className="data-num"
            value={query.minSide ?? ''}
            onChange={(e) => update({ minSide: e.target.value ? Number(e.target.value) : null })}
          />
        </label>
        <label>
          Max side (px)
          <input
            type="number"
            min={0}
            className="data-num"
            value={query.maxSide ?? ''}
            onChange={(e) => update({ maxSide: e.target.value ? Number(e.target.value) : null })}
          />
        </label>
      </div>
      <p className="muted" aria-live="polite" data-testid="gallery-count">
        {total.toLocaleString('en')} crops shown
      </p>
      <div
        ref={viewport}
        className="data-viewport"
        style={{ height: VIEW_HEIGHT }}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        role="region"
        aria-label="Crop thumbnails"
        tabIndex={0}
      >
        <div style={{ height: rowCount * CELL, position: 'relative' }}>{cells}</div>
      </div>
      {selected !== null ? <CropDetailView ordinal={selected} onClose={() => setSelected(null)} /> : null}
    </section>
  );
}
