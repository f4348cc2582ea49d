// Summary statistics like the research analysis of crop sizes (min, max, mean, median).

export interface Summary {
  count: number;
  min: number;
  max: number;
  mean: number;
  median: number;
}

export const EMPTY_SUMMARY: Summary = { count: 0, min: NaN, max: NaN, mean: NaN, median: NaN };

/** min/max/mean/median of `values` (median of an even count is the mean of the middle two, as numpy). */
export function summarize(values: ArrayLike<number>): Summary {
  const n = values.length;
  if (n === 0) return EMPTY_SUMMARY;
  const sorted = Float64Array.from(values as ArrayLike<number>).sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i]!;
  const mid = n >> 1;
  const median = n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { count: n, min: sorted[0]!, max: sorted[n - 1]!, mean: sum / n, median };
}

/** Counts per class index (length = max(classCount, largest label + 1)). */
export function classCounts(labels: ArrayLike<number>, classCount = 0): number[] {
  const out = new Array<number>(classCount).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    while (out.length <= l) out.push(0);
    out[l]!++;
  }
  return out;
}
