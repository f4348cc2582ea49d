// Grey crop thumbnails for the refine area, drawn from the decoded pixels the page already holds (no worker trip),
// and the map's colour palettes.
const cache = new WeakMap<Uint8Array, Map<number, HTMLCanvasElement>>();

/** A canvas with crop `row` of the N x side x side grey pixels (cached per pixel array). */
export function cropCanvas(x: Uint8Array, side: number, row: number): HTMLCanvasElement {
  let m = cache.get(x);
  if (!m) cache.set(x, (m = new Map()));
  const hit = m.get(row);
  if (hit) return hit;
  const c = document.createElement('canvas');
  c.width = side;
  c.height = side;
  const ctx = c.getContext('2d')!;
  const img = ctx.createImageData(side, side);
  const base = row * side * side;
  for (let p = 0; p < side * side; p++) {
    const v = x[base + p]!;
    img.data[4 * p] = v;
    img.data[4 * p + 1] = v;
    img.data[4 * p + 2] = v;
    img.data[4 * p + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
  if (m.size > 4000) m.clear();
  m.set(row, c);
  return c;
}

export const CATEGORY_COLOURS = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#e15759',
  '#b07aa1',
  '#76b7b2',
  '#edc948',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];
export const MUTED = '#8a8f98';

/** A blue-to-yellow ramp for a value in [0, 1]. */
export function ramp(t: number): string {
  const u = Math.max(0, Math.min(1, t));
  const r = Math.round(68 + u * (253 - 68));
  const g = Math.round(1 + u * (231 - 1));
  const b = Math.round(84 + u * (37 - 84));
  return `rgb(${r},${g},${b})`;
}
