// A strip of the set's first images with their classes (object URLs of the opened files).
import { useEffect, useMemo } from 'react';
import { useImages } from '../../../state/images-store';

const SHOWN = 12;

export function Thumbnails() {
  const files = useImages((s) => s.files);
  const labels = useImages((s) => s.labels);
  const urls = useMemo(() => files.slice(0, SHOWN).map((f) => URL.createObjectURL(f.blob)), [files]);
  useEffect(() => () => urls.forEach((u) => URL.revokeObjectURL(u)), [urls]);
  if (!labels) return null;
  return (
    <ul className="images-thumbs" aria-label="First images">
      {urls.map((u, i) => {
        const it = labels.items[i]!;
        const cls = it.labels.map((c) => labels.classNames[c]).join(', ') || 'no class';
        return (
          <li key={u}>
            <img src={u} alt={`${it.path}: ${cls}`} />
            <span>{cls}</span>
          </li>
        );
      })}
    </ul>
  );
}
