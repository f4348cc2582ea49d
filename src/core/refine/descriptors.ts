// Fine-grained spatter descriptors of one grey crop: the bright region's area, mean and peak intensity, shape from
// intensity-weighted image moments (elongation, orientation, which way the tail points), and streaks found by an
// iterative Hough transform on the bright pixels (count, dominant direction and length). Pure TS, so the same
// numbers come out in Node tests and in the worker.

export const DESCRIPTOR_NAMES = [
  'area',
  'mean_intensity',
  'peak_intensity',
  'elongation',
  'orientation_deg',
  'sweep',
  'streaks',
  'streak_angle_deg',
  'streak_length',
] as const;
export type DescriptorName = (typeof DESCRIPTOR_NAMES)[number];
export const DESCRIPTOR_COUNT = DESCRIPTOR_NAMES.length;

export const DESCRIPTOR_LABELS: Record<DescriptorName, string> = {
  area: 'bright area (px)',
  mean_intensity: 'mean intensity',
  peak_intensity: 'peak intensity',
  elongation: 'elongation',
  orientation_deg: 'orientation (°)',
  sweep: 'sweep (−1 left … 1 right)',
  streaks: 'streaks',
  streak_angle_deg: 'streak direction (°)',
  streak_length: 'streak length (px)',
};

export interface DescriptorOptions {
  /** Pixels at or above max(minBright, relBright * peak) are bright. */
  minBright: number;
  relBright: number;
  /** Fewest bright pixels on a line for it to count as a streak. */
  minStreakVotes: number;
  maxStreaks: number;
  /** Angle step of the Hough accumulator, degrees. */
  angleStep: number;
}

export const DEFAULT_DESCRIPTOR_OPTIONS: DescriptorOptions = {
  minBright: 40,
  relBright: 0.4,
  minStreakVotes: 6,
  maxStreaks: 8,
  angleStep: 3,
};

function deg(rad: number): number {
  let d = (rad * 180) / Math.PI;
  d %= 180;
  if (d < 0) d += 180;
  return d;
}

/**
 * Descriptors of one crop (grey, row-major, width x height). Angles are measured from the +x axis with y pointing
 * up, in [0, 180). Writes DESCRIPTOR_COUNT values into `out` at `at` (and returns out).
 */
export function describeCrop(
  px: ArrayLike<number>,
  width: number,
  height: number,
  opts: DescriptorOptions = DEFAULT_DESCRIPTOR_OPTIONS,
  out: Float32Array = new Float32Array(DESCRIPTOR_COUNT),
  at = 0,
): Float32Array {
  let peak = 0;
  for (let i = 0; i < width * height; i++) if (px[i]! > peak) peak = px[i]!;
  const thr = Math.max(opts.minBright, opts.relBright * peak);
  const xs: number[] = [];
  const ys: number[] = [];
  let sum = 0;
  let m00 = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = px[y * width + x]!;
      if (v < thr) continue;
      xs.push(x);
      // y up: row 0 is the top of the crop
      ys.push(height - 1 - y);
      sum += v;
      m00 += v;
      mx += v * x;
      my += v * (height - 1 - y);
    }
  }
  const area = xs.length;
  out.fill(0, at, at + DESCRIPTOR_COUNT);
  out[at + 2] = peak / 255;
  if (area === 0) return out;
  out[at] = area;
  out[at + 1] = sum / area / 255;
  const cx = mx / m00;
  const cy = my / m00;
  let mu20 = 0;
  let mu02 = 0;
  let mu11 = 0;
  for (let k = 0; k < area; k++) {
    const v = px[(height - 1 - ys[k]!) * width + xs[k]!]!;
    const dx = xs[k]! - cx;
    const dy = ys[k]! - cy;
    mu20 += v * dx * dx;
    mu02 += v * dy * dy;
    mu11 += v * dx * dy;
  }
  mu20 /= m00;
  mu02 /= m00;
  mu11 /= m00;
  const common = Math.sqrt(((mu20 - mu02) / 2) ** 2 + mu11 ** 2);
  const l1 = (mu20 + mu02) / 2 + common;
  const l2 = (mu20 + mu02) / 2 - common;
  const theta = 0.5 * Math.atan2(2 * mu11, mu20 - mu02);
  out[at + 3] = area > 1 ? Math.sqrt(l1 / Math.max(l2, 1e-3)) : 1;
  out[at + 4] = deg(theta);
  // Which way the tail points along the major axis (third moment), as its x direction: +1 right, -1 left.
  let ux = Math.cos(theta);
  let uy = Math.sin(theta);
  if (ux < 0) {
    ux = -ux;
    uy = -uy;
  }
  let m3 = 0;
  for (let k = 0; k < area; k++) {
    const v = px[(height - 1 - ys[k]!) * width + xs[k]!]!;
    const t = (xs[k]! - cx) * ux + (ys[k]! - cy) * uy;
    m3 += v * t * t * t;
  }
  const sd = Math.sqrt(Math.max(l1, 1e-6));
  const skew = m3 / m00 / sd ** 3;
  out[at + 5] = Math.max(-1, Math.min(1, skew)) * ux;
  const streaks = houghStreaks(xs, ys, width, height, opts);
  out[at + 6] = streaks.length;
  if (streaks.length) {
    out[at + 7] = streaks[0]!.angleDeg;
    out[at + 8] = streaks[0]!.length;
  }
  return out;
}

export interface Streak {
  /** Direction of the line, degrees from +x (y up), [0, 180). */
  angleDeg: number;
  /** Extent of its pixels along the line. */
  length: number;
  votes: number;
}

/**
 * Streaks by an iterative Hough transform: the strongest line (normal form rho = x cos t + y sin t) takes the bright
 * pixels within 1.5 px of it; their votes are withdrawn and the next strongest line is sought, until a line has
 * fewer than minStreakVotes pixels. Strongest first.
 */
export function houghStreaks(
  xs: number[],
  ys: number[],
  width: number,
  height: number,
  opts: DescriptorOptions = DEFAULT_DESCRIPTOR_OPTIONS,
): Streak[] {
  const nA = Math.round(180 / opts.angleStep);
  const diag = Math.ceil(Math.hypot(width, height));
  const nR = 2 * diag + 1;
  const cos = new Float64Array(nA);
  const sin = new Float64Array(nA);
  for (let a = 0; a < nA; a++) {
    cos[a] = Math.cos((a * opts.angleStep * Math.PI) / 180);
    sin[a] = Math.sin((a * opts.angleStep * Math.PI) / 180);
  }
  const acc = new Int32Array(nA * nR);
  const vote = (k: number, delta: number) => {
    for (let a = 0; a < nA; a++) {
      const r = Math.round(xs[k]! * cos[a]! + ys[k]! * sin[a]!) + diag;
      acc[a * nR + r]! += delta;
    }
  };
  const alive = new Uint8Array(xs.length).fill(1);
  for (let k = 0; k < xs.length; k++) vote(k, 1);
  const out: Streak[] = [];
  while (out.length < opts.maxStreaks) {
    let best = 0;
    for (let c = 1; c < acc.length; c++) if (acc[c]! > acc[best]!) best = c;
    if (acc[best]! < opts.minStreakVotes) break;
    const a = Math.floor(best / nR);
    const rho = (best % nR) - diag;
    let lo = Infinity;
    let hi = -Infinity;
    let taken = 0;
    for (let k = 0; k < xs.length; k++) {
      if (!alive[k]) continue;
      const d = xs[k]! * cos[a]! + ys[k]! * sin[a]! - rho;
      if (Math.abs(d) > 1.5) continue;
      // position along the line (direction (-sin, cos))
      const t = -xs[k]! * sin[a]! + ys[k]! * cos[a]!;
      lo = Math.min(lo, t);
      hi = Math.max(hi, t);
      alive[k] = 0;
      vote(k, -1);
      taken++;
    }
    if (taken < opts.minStreakVotes) break;
    out.push({
      angleDeg: deg((a * opts.angleStep * Math.PI) / 180 + Math.PI / 2),
      length: hi - lo + 1,
      votes: taken,
    });
  }
  return out;
}

/** Descriptors of N crops (side x side, uint8) as N x DESCRIPTOR_COUNT floats. */
export function describeCrops(
  x: Uint8Array,
  side: number,
  opts: DescriptorOptions = DEFAULT_DESCRIPTOR_OPTIONS,
  onProgress?: (done: number) => void,
): Float32Array {
  const n = x.length / (side * side);
  const out = new Float32Array(n * DESCRIPTOR_COUNT);
  for (let i = 0; i < n; i++) {
    describeCrop(
      x.subarray(i * side * side, (i + 1) * side * side),
      side,
      side,
      opts,
      out,
      i * DESCRIPTOR_COUNT,
    );
    if (onProgress && i % 500 === 499) onProgress(i + 1);
  }
  return out;
}
