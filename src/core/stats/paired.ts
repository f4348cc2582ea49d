// Paired comparison of two classifiers on the same crops: McNemar's exact test (a two-sided binomial test on
// the discordant pairs) and a seeded bootstrap interval of the accuracy difference. Used by the acceptance
// gate so a "better" candidate that is within noise is called so.
import { createRng } from '../train/rng';

export interface PairedCounts {
  /** Both right. */
  both: number;
  /** Candidate right, production wrong. */
  candidateOnly: number;
  /** Production right, candidate wrong. */
  productionOnly: number;
  /** Both wrong. */
  neither: number;
}

/** The 2x2 table of right/wrong answers of two models on the same crops. */
export function pairedCounts(candidate: ArrayLike<boolean>, production: ArrayLike<boolean>): PairedCounts {
  if (candidate.length !== production.length) {
    throw new Error(
      `A paired test needs the same crops for both models: ${candidate.length} vs ${production.length} answers`,
    );
  }
  const out: PairedCounts = { both: 0, candidateOnly: 0, productionOnly: 0, neither: 0 };
  for (let i = 0; i < candidate.length; i++) {
    const a = candidate[i]!;
    const b = production[i]!;
    if (a && b) out.both++;
    else if (a) out.candidateOnly++;
    else if (b) out.productionOnly++;
    else out.neither++;
  }
  return out;
}

/** ln(n!) by summation for small n, Stirling's series beyond (error < 1e-12 for n > 50). */
function logFactorial(n: number): number {
  if (n < 2) return 0;
  if (n <= 50) {
    let s = 0;
    for (let i = 2; i <= n; i++) s += Math.log(i);
    return s;
  }
  const x = n + 1;
  return (
    (x - 0.5) * Math.log(x) -
    x +
    0.5 * Math.log(2 * Math.PI) +
    1 / (12 * x) -
    1 / (360 * x ** 3) +
    1 / (1260 * x ** 5)
  );
}

/** P(X <= k) for X ~ Binomial(n, 1/2), summed in log space (stable for large n). */
export function binomialCdfHalf(k: number, n: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  const lnN = logFactorial(n);
  const lnHalfN = n * Math.log(0.5);
  // sum terms relative to the largest one (the last, since k < n/2 in our use; handle any k)
  const logs: number[] = [];
  for (let i = 0; i <= k; i++) logs.push(lnN - logFactorial(i) - logFactorial(n - i) + lnHalfN);
  const m = Math.max(...logs);
  let s = 0;
  for (const l of logs) s += Math.exp(l - m);
  return Math.min(1, Math.exp(m) * s);
}

export interface McNemarResult {
  /** Discordant pairs: candidate-only right (b) and production-only right (c). */
  b: number;
  c: number;
  pValue: number;
}

/**
 * McNemar's exact test: under "no difference" each discordant pair favours either model with probability 1/2,
 * so p = min(1, 2 * P(X <= min(b, c))) with X ~ Binomial(b + c, 1/2) (statsmodels' mcnemar(exact=True), equal
 * to scipy.stats.binomtest(min(b, c), b + c, 0.5)). No discordant pair: p = 1.
 */
export function mcnemarExact(b: number, c: number): McNemarResult {
  if (!Number.isInteger(b) || !Number.isInteger(c) || b < 0 || c < 0) {
    throw new Error(`McNemar's test needs counts of discordant pairs, got ${b} and ${c}`);
  }
  const n = b + c;
  if (n === 0) return { b, c, pValue: 1 };
  return { b, c, pValue: Math.min(1, 2 * binomialCdfHalf(Math.min(b, c), n)) };
}

export interface BootstrapInterval {
  /** Observed accuracy difference candidate - production. */
  diff: number;
  lo: number;
  hi: number;
  level: number;
  resamples: number;
}

/**
 * Percentile bootstrap interval of accuracy(candidate) - accuracy(production), resampling crops with
 * replacement (pairs stay together). Seeded: the same answers and seed give the same interval.
 */
export function bootstrapAccuracyDiff(
  candidate: ArrayLike<boolean>,
  production: ArrayLike<boolean>,
  opts: { resamples?: number; level?: number; seed?: number } = {},
): BootstrapInterval {
  const resamples = opts.resamples ?? 2000;
  const level = opts.level ?? 0.95;
  const n = candidate.length;
  if (n !== production.length) throw new Error('The bootstrap needs the same crops for both models');
  if (n === 0) return { diff: 0, lo: 0, hi: 0, level, resamples };
  // per-crop difference: +1 (candidate only), -1 (production only), 0
  const d = new Int8Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    d[i] = (candidate[i] ? 1 : 0) - (production[i] ? 1 : 0);
    sum += d[i]!;
  }
  const rng = createRng(opts.seed ?? 1234);
  const stats = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += d[rng.int(n)]!;
    stats[r] = s / n;
  }
  stats.sort();
  const alpha = (1 - level) / 2;
  const at = (q: number) => stats[Math.min(resamples - 1, Math.max(0, Math.floor(q * resamples)))]!;
  return { diff: sum / n, lo: at(alpha), hi: at(1 - alpha), level, resamples };
}
