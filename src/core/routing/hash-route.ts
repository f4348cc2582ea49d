// Hash routes: `#/train?training.batch_size=512&extract.min_area=2500` names an area and carries config
// overrides, so a link reproduces a setup. Works on any static host (no server rewrites needed).

export const AREAS = [
  'data',
  'extract',
  'generate',
  'train',
  'search',
  'evaluate',
  'refine',
  'images',
  'runs',
  'models',
  'system',
] as const;
export type Area = (typeof AREAS)[number];
export const DEFAULT_AREA: Area = 'data';

export interface HashRoute {
  area: Area;
  /** Overrides as `key=value` tokens, in URL order. */
  overrides: string[];
}

export function parseHash(hash: string): HashRoute {
  const body = hash.replace(/^#\/?/, '');
  const q = body.indexOf('?');
  const path = (q >= 0 ? body.slice(0, q) : body).replace(/\/$/, '');
  const query = q >= 0 ? body.slice(q + 1) : '';
  const area = (AREAS as readonly string[]).includes(path) ? (path as Area) : DEFAULT_AREA;
  const overrides = query
    .split('&')
    .filter((p) => p.length > 0)
    .map((p) => {
      const eq = p.indexOf('=');
      const key = decodeURIComponent(eq >= 0 ? p.slice(0, eq) : p);
      return eq >= 0 ? `${key}=${decodeURIComponent(p.slice(eq + 1))}` : key;
    });
  return { area, overrides };
}

export function formatHash(route: HashRoute): string {
  const query = route.overrides
    .map((o) => {
      const eq = o.indexOf('=');
      if (eq < 0) return encodeURIComponent(o);
      return `${encodeURIComponent(o.slice(0, eq))}=${encodeURIComponent(o.slice(eq + 1)).replace(/%2C/g, ',')}`;
    })
    .join('&');
  return `#/${route.area}${query ? `?${query}` : ''}`;
}
