// A virtualised gallery over every image of the open set: only the visible rows exist in the DOM and hold object
// URLs; filters by class (or no class), split and quality finding; each thumbnail shows its classes and split.
import { gridWindow } from '../../shared/grid-window';
import { useEffect, useMemo, useRef, useState } from 'react';
import { findingRuleLabel, type ImageFinding } from '../../../core/images/findings';
import { galleryImages, type GalleryFilter, type SplitTag } from '../../../core/images/gallery';
import type { ImageLabels } from '../../../core/images/task';
import type { ImageFile } from '../../../workers/images/decode';
import { useVisibleUrls } from './use-visible-urls';

const CELL_W = 212;
const CELL_H = 118;
const VIEW_HEIGHT = 420;
const OVERSCAN_ROWS = 1;
const SPLIT_NAMES: Record<SplitTag, string> = {
  train: 'train',
  val: 'validation',
  test: 'test',
  none: 'not in a split',
};

export function ImageGallery({
  files,
  labels,
  tags,
  findings,
  unreadable,
  filter,
  onFilter,
}: {
  files: readonly ImageFile[];
  labels: ImageLabels;
  tags: readonly SplitTag[];
  findings: readonly ImageFinding[];
  /** Indices of the files that could not be decoded (shown as a placeholder). */
  unreadable: ReadonlySet<number>;
  filter: GalleryFilter;
  onFilter(f: GalleryFilter): void;
}) {
  const viewport = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(900);
  const [scrollTop, setScrollTop] = useState(0);

  useEffect(() => {
    const el = viewport.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    setWidth(el.clientWidth);
    return () => ro.disconnect();
  }, []);

  const shown = useMemo(
    () => galleryImages(labels.items, tags, findings, filter),
    [labels, tags, findings, filter],
  );
  const flagged = useMemo(() => new Set(findings.flatMap((f) => f.images)), [findings]);
  // A new filter starts at the top.
  const [scrolledFor, setScrolledFor] = useState(filter);
  if (scrolledFor !== filter) {
    setScrolledFor(filter);
    setScrollTop(0);
  }
  useEffect(() => {
    if (viewport.current) viewport.current.scrollTop = 0;
  }, [filter]);

  const { cols, rowCount, start, end } = gridWindow({
    count: shown.length,
    width,
    viewHeight: VIEW_HEIGHT,
    scrollTop,
    cellWidth: CELL_W,
    cellHeight: CELL_H,
    overscanRows: OVERSCAN_ROWS,
  });
  const visible = useMemo(
    () => shown.slice(start, end).filter((i) => !unreadable.has(i)),
    [shown, start, end, unreadable],
  );
  const urls = useVisibleUrls(files, visible);

  const classesOf = (i: number) =>
    labels.items[i]!.labels.map((c) => labels.classNames[c]).join(', ') || 'no class';
  const set = (patch: Partial<GalleryFilter>) => onFilter({ ...filter, ...patch });

  const cells = [];
  for (let p = start; p < end; p++) {
    const i = shown[p]!;
    const path = labels.items[i]!.path;
    const cls = classesOf(i);
    const url = urls.get(i);
    cells.push(
      <figure
        key={i}
        role="listitem"
        aria-label={`${path}: ${cls}; ${SPLIT_NAMES[tags[i]!]}`}
        className={`images-cell${flagged.has(i) ? ' images-cell-flagged' : ''}`}
        style={{
          top: Math.floor(p / cols) * CELL_H,
          left: (p % cols) * CELL_W,
          width: CELL_W - 8,
          height: CELL_H - 8,
        }}
        title={path}
      >
        {unreadable.has(i) ? (
          <span className="images-cell-missing">unreadable</span>
        ) : url ? (
          <img src={url} alt={path} />
        ) : (
          <span className="images-cell-missing" />
        )}
        <figcaption>
          <span className="images-cell-classes">{cls}</span> · {SPLIT_NAMES[tags[i]!]}
        </figcaption>
      </figure>,
    );
  }

  return (
    <section className="card" aria-labelledby="images-gallery-title">
      <h3 id="images-gallery-title">Gallery</h3>
      <div className="row images-filters" role="group" aria-label="Gallery filters">
        <label>
          Class
          <select
            aria-label="Gallery class"
            value={filter.cls === null ? '' : String(filter.cls)}
            onChange={(e) =>
              set({
                cls:
                  e.target.value === '' ? null : e.target.value === 'none' ? 'none' : Number(e.target.value),
              })
            }
          >
            <option value="">all classes</option>
            {labels.classNames.map((c, k) => (
              <option key={c} value={k}>
                {c}
              </option>
            ))}
            <option value="none">no class</option>
          </select>
        </label>
        <label>
          Split
          <select
            aria-label="Gallery split"
            value={filter.split ?? ''}
            onChange={(e) => set({ split: (e.target.value || null) as SplitTag | null })}
          >
            <option value="">all splits</option>
            {(Object.keys(SPLIT_NAMES) as SplitTag[]).map((s) => (
              <option key={s} value={s}>
                {SPLIT_NAMES[s]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Quality
          <select
            aria-label="Gallery quality"
            value={filter.quality ?? ''}
            onChange={(e) => set({ quality: e.target.value || null })}
          >
            <option value="">all images</option>
            <option value="flagged">flagged by a finding</option>
            {findings.map((f) => (
              <option key={f.key} value={f.key}>
                {findingRuleLabel(f.rule)}
                {f.subject ? `: ${f.subject}` : ''} ({f.count})
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className="muted" aria-live="polite">
        <span data-testid="images-gallery-count">{shown.length.toLocaleString('en')}</span> of{' '}
        {labels.items.length.toLocaleString('en')} images shown
      </p>
      <div
        ref={viewport}
        className="images-viewport"
        style={{ height: Math.min(VIEW_HEIGHT, Math.max(CELL_H, rowCount * CELL_H)) }}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        tabIndex={0}
      >
        <div
          role="list"
          aria-label="Image thumbnails"
          style={{ height: rowCount * CELL_H, position: 'relative' }}
        >
          {cells}
        </div>
      </div>
    </section>
  );
}
