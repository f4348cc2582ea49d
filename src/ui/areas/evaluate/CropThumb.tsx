// One cached grey crop drawn on a small canvas (pixels straight from the crop arrays, no re-decoding).
import { useEffect, useRef } from 'react';

export function CropThumb({
  x,
  side,
  index,
  scale = 2,
  label,
}: {
  x: Uint8Array;
  side: number;
  index: number;
  scale?: number;
  label: string;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const g = ref.current?.getContext('2d');
    if (!g) return;
    const img = g.createImageData(side, side);
    const base = index * side * side;
    for (let p = 0; p < side * side; p++) {
      const v = x[base + p]!;
      img.data[p * 4] = v;
      img.data[p * 4 + 1] = v;
      img.data[p * 4 + 2] = v;
      img.data[p * 4 + 3] = 255;
    }
    g.putImageData(img, 0, 0);
  }, [x, side, index]);
  return (
    <canvas
      ref={ref}
      width={side}
      height={side}
      role="img"
      aria-label={label}
      style={{ width: side * scale, height: side * scale, imageRendering: 'pixelated' }}
    />
  );
}
