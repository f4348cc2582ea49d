// Calibration: does a predicted probability of 0.8 come true 80% of the time? Reliability-diagram bins and
// the expected calibration error (ECE, Guo et al. 2017: support-weighted |accuracy - confidence| over bins).

export interface ReliabilityBin {
  /** Bin edges: [lo, hi) except the last bin, which includes 1. */
  lo: number;
  hi: number;
  count: number;
  /** Mean predicted probability in the bin (NaN when empty). */
  meanConfidence: number;
  /** Share of the bin's samples whose event happened (NaN when empty). */
  observed: number;
}

export interface Reliability {
  bins: ReliabilityBin[];
  /** Expected calibration error in [0, 1]. */
  ece: number;
  /** Largest |observed - confidence| over non-empty bins. */
  mce: number;
}

/**
 * Bin `confidence` (probabilities of an event) into `numBins` equal-width bins and compare with the 0/1
 * `outcome`. For the binary head pass (P(class 1), label == 1); for top-label calibration pass
 * (confidence of the prediction, prediction was right).
 */
export function reliability(
  confidence: ArrayLike<number>,
  outcome: ArrayLike<number | boolean>,
  numBins = 10,
): Reliability {
  if (confidence.length !== outcome.length) {
    throw new Error(`Cannot calibrate ${confidence.length} probabilities against ${outcome.length} outcomes`);
  }
  const sums = new Float64Array(numBins);
  const hits = new Float64Array(numBins);
  const counts = new Float64Array(numBins);
  for (let i = 0; i < confidence.length; i++) {
    const p = Math.min(1, Math.max(0, confidence[i]!));
    const b = Math.min(numBins - 1, Math.floor(p * numBins));
    sums[b]! += p;
    hits[b]! += outcome[i] ? 1 : 0;
    counts[b]! += 1;
  }
  const bins: ReliabilityBin[] = [];
  let ece = 0;
  let mce = 0;
  const n = confidence.length;
  for (let b = 0; b < numBins; b++) {
    const count = counts[b]!;
    const meanConfidence = count ? sums[b]! / count : NaN;
    const observed = count ? hits[b]! / count : NaN;
    if (count) {
      const gap = Math.abs(observed - meanConfidence);
      ece += (count / n) * gap;
      mce = Math.max(mce, gap);
    }
    bins.push({ lo: b / numBins, hi: (b + 1) / numBins, count, meanConfidence, observed });
  }
  return { bins, ece: n ? ece : NaN, mce };
}
