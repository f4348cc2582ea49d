// One stored crop as an image: JPEG bytes through a blob URL, raw stack pixels through a canvas.
import { useEffect, useMemo, useRef } from 'react';
import type { StoredCrop } from '../../../workers/data/h5-reader';

export function CropImage({
  crop,
  alt,
  className,
}: {
  crop: StoredCrop | null;
  alt: string;
  className?: string;
}) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const url = useMemo(
    () =>
      crop && crop.kind === 'encoded'
        ? URL.createObjectURL(new Blob([crop.bytes as BlobPart], { type: 'image/jpeg' }))
        : null,
    [crop],
  );
  useEffect(() => () => (url ? URL.revokeObjectURL(url) : undefined), [url]);
  useEffect(() => {
    if (!crop || crop.kind !== 'pixels' || !canvasRef.current) return;
    const c = canvasRef.current;
    c.width = crop.width;
    c.height = crop.height;
    const rgba = new Uint8ClampedArray(crop.width * crop.height * 4);
    for (let p = 0; p < crop.width * crop.height; p++) {
      for (let k = 0; k < 3; k++)
        rgba[p * 4 + k] = crop.data[p * crop.channels + (crop.channels === 1 ? 0 : k)]!;
      rgba[p * 4 + 3] = 255;
    }
    c.getContext('2d')?.putImageData(new ImageData(rgba, crop.width, crop.height), 0, 0);
  }, [crop]);
  if (!crop) return <span className={`data-thumb-missing ${className ?? ''}`}>?</span>;
  if (crop.kind === 'pixels')
    return <canvas ref={canvasRef} role="img" aria-label={alt} className={className} />;
  return url ? <img src={url} alt={alt} className={className} /> : null;
}
