// The research's crop statistics (its ANALYSIS of 598,933 real crops, and the mean grey printed on its figure of
// six real crops), and the same statistics computed for a generated set, to show side by side.

export interface SizeStats {
  min: number;
  max: number;
  mean: number;
  median: number;
}

export interface CropSetStats {
  crops: number;
  height: SizeStats;
  width: SizeStats;
  area: SizeStats;
  /** Fractions of crops by area: < 5,000, 5–10K, 10–20K, > 20K px². */
  areaBins: [number, number, number, number];
  /** Fraction of class 0 (low gas flow) and class 1 (high gas flow). */
  classBalance: [number, number];
  /** Fraction of all-black crops (mean grey under 5). */
  black: number;
  /** Mean grey of the crops of each class, black crops left out (null: no such crop). */
  meanGrey: [number | null, number | null];
}

export const AREA_BIN_EDGES = [5_000, 10_000, 20_000] as const;
/** A crop whose mean grey is below this counts as all black. */
export const BLACK_MEAN_GREY = 5;

/** What the research reports. Mean grey: the ranges on its figure (low flow 30–48, high flow 8–24); the
 *  black fraction is given as 1–2% (1.5% here). */
export const RESEARCH_CROP_STATS = {
  crops: 598_933,
  height: { min: 26, max: 249, mean: 96.3, median: 90.5 },
  width: { min: 34, max: 314, mean: 123.7, median: 119 },
  area: { min: 2_108, max: 46_028, mean: 12_515, median: NaN },
  areaBins: [0.124, 0.335, 0.388, 0.153],
  classBalance: [0.5125, 0.4875],
  black: 0.015,
  meanGreyRange: { low: [30, 48], high: [8, 24] },
} as const;

/** One crop as the statistics need it. */
export interface CropFacts {
  width: number;
  height: number;
  label: number;
  meanGrey: number;
}

function sizeStats(xs: number[]): SizeStats {
  if (xs.length === 0) return { min: NaN, max: NaN, mean: NaN, median: NaN };
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return {
    min: s[0]!,
    max: s[s.length - 1]!,
    mean: s.reduce((a, b) => a + b, 0) / s.length,
    median: s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2,
  };
}

/** The research's statistics for a set of crops. */
export function cropSetStats(crops: readonly CropFacts[]): CropSetStats {
  const n = Math.max(1, crops.length);
  const areas = crops.map((c) => c.width * c.height);
  const bins: [number, number, number, number] = [0, 0, 0, 0];
  for (const a of areas) {
    const b = AREA_BIN_EDGES.findIndex((e) => a < e);
    bins[b < 0 ? 3 : b]! += 1;
  }
  const grey = (label: number) => {
    const g = crops.filter((c) => c.label === label && c.meanGrey >= BLACK_MEAN_GREY).map((c) => c.meanGrey);
    return g.length ? g.reduce((a, b) => a + b, 0) / g.length : null;
  };
  const low = crops.filter((c) => c.label === 0).length;
  return {
    crops: crops.length,
    height: sizeStats(crops.map((c) => c.height)),
    width: sizeStats(crops.map((c) => c.width)),
    area: sizeStats(areas),
    areaBins: bins.map((b) => b / n) as [number, number, number, number],
    classBalance: [low / n, (crops.length - low) / n],
    black: crops.filter((c) => c.meanGrey < BLACK_MEAN_GREY).length / n,
    meanGrey: [grey(0), grey(1)],
  };
}

/** Crops per class for `total` crops with the research's class balance (51.25% low flow). */
export function researchClassCounts(total: number): { low: number; high: number } {
  const low = Math.round(total * RESEARCH_CROP_STATS.classBalance[0]);
  return { low, high: total - low };
}
