// The crops selected on the map (or from the issue list) as a gallery, filterable by a spatter descriptor, with
// the actions on them: relabel as a class, exclude, include again.
import { useEffect, useMemo, useRef, useState } from 'react';
import { LABEL_SOURCES, SPLIT_NAMES } from '../../../core/dataset/version';
import { DESCRIPTOR_COUNT, DESCRIPTOR_LABELS, DESCRIPTOR_NAMES } from '../../../core/refine/descriptors';
import { useRefine } from '../../../state/refine-store';
import { cropCanvas } from './thumbs';

const SHOWN = 120;

export function CropThumbnail({ row, size = 48 }: { row: number; size?: number }) {
  const crops = useRefine((s) => s.crops);
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = ref.current;
    if (!c || !crops) return;
    const ctx = c.getContext('2d')!;
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(cropCanvas(crops.x, crops.side, row), 0, 0, size, size);
  }, [crops, row, size]);
  return <canvas ref={ref} width={size} height={size} className="refine-thumb" />;
}

export function SelectionGallery() {
  const selection = useRefine((s) => s.selection);
  const crops = useRefine((s) => s.crops);
  const log = useRefine((s) => s.log);
  useRefine((s) => s.revision);
  const descriptors = useRefine((s) => s.descriptors);
  const classNames = useRefine((s) => s.classNames);
  const { relabel, exclude, include, select } = useRefine.getState();
  const [filterBy, setFilterBy] = useState(-1);
  const [minValue, setMinValue] = useState('');

  const rows = useMemo(() => {
    const min = Number(minValue);
    if (filterBy < 0 || !descriptors || minValue.trim() === '' || !Number.isFinite(min)) return selection;
    return selection.filter((i) => descriptors[i * DESCRIPTOR_COUNT + filterBy]! >= min);
  }, [selection, descriptors, filterBy, minValue]);

  if (!crops || !log) return null;
  return (
    <section className="card" aria-labelledby="refine-selection-title">
      <h3 id="refine-selection-title">Selection</h3>
      <div className="row">
        <span data-testid="selection-count">
          {rows.length.toLocaleString('en')} crop{rows.length === 1 ? '' : 's'} selected
        </span>
        <label>
          Filter by{' '}
          <select
            aria-label="Filter selection by descriptor"
            value={filterBy}
            onChange={(e) => setFilterBy(Number(e.target.value))}
          >
            <option value={-1}>—</option>
            {DESCRIPTOR_NAMES.map((d, j) => (
              <option key={d} value={j}>
                {DESCRIPTOR_LABELS[d]}
              </option>
            ))}
          </select>
        </label>
        <label>
          at least{' '}
          <input
            aria-label="Descriptor minimum"
            className="refine-num"
            value={minValue}
            onChange={(e) => setMinValue(e.target.value)}
          />
        </label>
      </div>
      <div className="row">
        {classNames.map((c, k) => (
          <button key={c} type="button" disabled={rows.length === 0} onClick={() => relabel(rows, k)}>
            Relabel as {c}
          </button>
        ))}
        <button type="button" disabled={rows.length === 0} onClick={() => exclude(rows)}>
          Exclude
        </button>
        <button type="button" disabled={rows.length === 0} onClick={() => include(rows)}>
          Include again
        </button>
        <button type="button" disabled={selection.length === 0} onClick={() => select([])}>
          Clear selection
        </button>
      </div>
      <ul className="refine-gallery" aria-label="Selected crops">
        {rows.slice(0, SHOWN).map((i) => {
          const s = crops.sources[crops.source[i]!]!;
          const l = log.label[i]!;
          return (
            <li
              key={i}
              title={`${s.name} ${s.datasets[crops.dataset[i]!]} #${crops.index[i]} · ${LABEL_SOURCES[log.labelSource[i]!]} · ${SPLIT_NAMES[log.split[i]!]}`}
            >
              <CropThumbnail row={i} />
              <span className={l < 0 ? 'muted' : ''}>{l >= 0 ? classNames[l] : 'unlabelled'}</span>
              {log.split[i] === SPLIT_NAMES.indexOf('excluded') && l >= 0 ? (
                <span className="muted">excluded</span>
              ) : null}
            </li>
          );
        })}
      </ul>
      {rows.length > SHOWN ? (
        <p className="muted">
          First {SHOWN} of {rows.length.toLocaleString('en')} shown.
        </p>
      ) : null}
    </section>
  );
}
