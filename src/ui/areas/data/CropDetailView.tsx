// The detail of one crop: full-size image, where it is stored, its label, size and findings.
import { useEffect, useState } from 'react';
import { useDataStore } from '../../../state/data-store';
import { dataWorker } from '../../../workers/data/client';
import type { CropDetail } from '../../../workers/data/data-library';
import { CropImage } from './CropImage';

export function CropDetailView({ ordinal, onClose }: { ordinal: number; onClose: () => void }) {
  const classNames = useDataStore((s) => s.classNames);
  const version = useDataStore((s) => s.version);
  const [detail, setDetail] = useState<CropDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    dataWorker.api.detail(ordinal).then(
      (d) => live && setDetail(d),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [ordinal, version]);
  // One click labels this crop (its own label, recorded as set by the user; null goes back to the source's).
  const label = (l: number | null) => void useDataStore.getState().setCropLabelsByOrdinal([ordinal], l);
  const title = detail ? `${detail.file} › ${detail.dataset} [${detail.index}]` : 'Crop';
  return (
    <section className="data-detail" role="dialog" aria-label={`Crop detail: ${title}`}>
      <div className="row">
        <h4 className="grow">{title}</h4>
        <button type="button" onClick={onClose} aria-label="Close crop detail">
          Close
        </button>
      </div>
      {error ? <p role="alert">{error}</p> : null}
      {detail ? (
        <div className="row data-detail-body">
          <CropImage crop={detail.crop} alt={title} className="data-detail-img" />
          <dl className="data-dl">
            <dt>Label</dt>
            <dd>
              {detail.label === null ? 'unlabelled' : `${detail.label}: ${classNames[detail.label] ?? ''}`}
              <div className="row">
                {classNames.map((c, i) => (
                  <button key={c} type="button" disabled={detail.label === i} onClick={() => label(i)}>
                    Label this crop {c}
                  </button>
                ))}
                <button type="button" onClick={() => label(null)}>
                  Use the source’s label
                </button>
              </div>
            </dd>
            <dt>Size</dt>
            <dd>
              {detail.width} × {detail.height} px (area {detail.width * detail.height})
            </dd>
            <dt>Stored</dt>
            <dd>{detail.crop.kind === 'encoded' ? `${detail.bytes} bytes, encoded` : 'raw pixels'}</dd>
            <dt>Brightest grey</dt>
            <dd>
              {detail.maxGrey >= 0
                ? detail.maxGrey
                : detail.maxGrey === -1
                  ? 'undecodable'
                  : 'not decoded yet'}
            </dd>
            <dt>Findings</dt>
            <dd>
              {detail.findings.length === 0 ? (
                'none'
              ) : (
                <ul>
                  {detail.findings.map((f) => (
                    <li key={f.rule}>{f.message}</li>
                  ))}
                </ul>
              )}
            </dd>
          </dl>
        </div>
      ) : null}
    </section>
  );
}
