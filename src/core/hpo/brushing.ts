// Brushing on parallel coordinates as data: where a trial sits on each axis (0 bottom … 1 top; log axes for log
// parameters), which trials a set of brushed ranges selects, and the region of the space they span (what
// "narrow the space to the brushed region" continues in).
import { choiceIndex, toWorking, type Distribution, type ParamValue, type SearchSpace } from './space';
import type { Trial } from './study';

/** Brushed ranges by axis, as fractions of the axis (0 bottom, 1 top). */
export type Brushes = Record<string, [number, number]>;
export type Region = Record<string, { low: number; high: number } | { choices: ParamValue[] }>;

/** One space wide enough for every trial (a narrowed study's older trials lie outside its current space). */
export function widestSpace(space: SearchSpace, trials: readonly Trial[]): SearchSpace {
  const out: SearchSpace = { ...space };
  for (const t of trials) {
    for (const [k, d] of Object.entries(t.distributions)) {
      const cur = out[k];
      if (!cur) out[k] = d;
      else if (cur.type === 'categorical' && d.type === 'categorical') {
        const more = d.choices.filter((c) => choiceIndex(cur, c) < 0);
        if (more.length) out[k] = { ...cur, choices: [...cur.choices, ...more] };
      } else if (cur.type !== 'categorical' && d.type === cur.type) {
        out[k] = { ...cur, low: Math.min(cur.low, d.low), high: Math.max(cur.high, d.high) } as Distribution;
      }
    }
  }
  return out;
}

export function paramPosition(d: Distribution, v: ParamValue | undefined): number {
  if (v === undefined) return 0;
  if (d.type === 'categorical') {
    const n = d.choices.length;
    return n === 1 ? 0.5 : Math.max(0, choiceIndex(d, v)) / (n - 1);
  }
  const lo = toWorking(d, d.low);
  const hi = toWorking(d, d.high);
  return hi > lo ? Math.min(1, Math.max(0, (toWorking(d, v as number) - lo) / (hi - lo))) : 0.5;
}

/** Position of a trial on an axis: a parameter of `space`, or the objective axis (scaled over `values`). */
export function axisPosition(
  axis: string,
  space: SearchSpace,
  t: Trial,
  values: number[],
  objective: string,
): number {
  if (axis === objective || !space[axis]) {
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    return hi > lo && t.value !== null ? (t.value - lo) / (hi - lo) : 0.5;
  }
  return paramPosition(space[axis], t.params[axis]);
}

/** Trials inside every brushed range. */
export function brushedTrials(
  brushes: Brushes,
  space: SearchSpace,
  trials: readonly Trial[],
  objective: string,
): Set<number> {
  const shown = trials.filter((t) => t.value !== null && (t.state === 'complete' || t.state === 'pruned'));
  const values = shown.map((t) => t.value!);
  const out = new Set<number>();
  for (const t of shown) {
    const inside = Object.entries(brushes).every(([axis, [lo, hi]]) => {
      const p = axisPosition(axis, space, t, values, objective);
      return p >= lo - 1e-9 && p <= hi + 1e-9;
    });
    if (inside) out.add(t.number);
  }
  return out;
}

/**
 * The region to continue in: a brushed parameter axis gives its range; every other parameter the span of the
 * selected trials (numeric) or the choices they used (categorical). Null when nothing is selected.
 */
export function regionOf(
  brushes: Brushes,
  space: SearchSpace,
  trials: readonly Trial[],
  selected: Set<number>,
): Region | null {
  const sel = trials.filter((t) => selected.has(t.number));
  if (sel.length === 0) return null;
  const region: Region = {};
  for (const [k, d] of Object.entries(space)) {
    const b = brushes[k];
    if (d.type === 'categorical') {
      const used = d.choices.filter((c) =>
        sel.some((t) => t.params[k] !== undefined && String(t.params[k]) === String(c)),
      );
      const inBrush = b
        ? d.choices.filter((c) => {
            const p = paramPosition(d, c);
            return p >= b[0] - 1e-9 && p <= b[1] + 1e-9;
          })
        : used;
      region[k] = { choices: inBrush.length ? inBrush : used };
      continue;
    }
    if (b) {
      const lo = toWorking(d, d.low);
      const hi = toWorking(d, d.high);
      const back = (f: number) => (d.log ? Math.exp(lo + f * (hi - lo)) : lo + f * (hi - lo));
      region[k] = { low: back(b[0]), high: back(b[1]) };
    } else {
      const vs = sel.map((t) => t.params[k]).filter((v): v is number => typeof v === 'number');
      if (vs.length) region[k] = { low: Math.min(...vs), high: Math.max(...vs) };
    }
  }
  return region;
}
