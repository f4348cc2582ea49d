// Classifying a build video: every extracted crop's P(class 1) aggregated into a timeline per frame and per
// layer, and a verdict for the whole build with its uncertainty, exported as CSV. This is the monitoring
// view: "was the gas flow right on this build, and how sure are we?".
import { LayerCounter } from '../extract/layers';
import { toCsv, type CsvCell } from './csv';

export interface CropPrediction {
  /** Frame index of the crop (the earlier frame of the differenced pair). */
  frame: number;
  /** Layer index from the extraction's layer counting. */
  layer: number;
  /** P(class 1). */
  probability: number;
  /**
   * An all-black crop (nothing to see; the research set has 1–2%): shown with its prediction and flagged; the
   * timeline still counts it as an extracted spatter, the verdict leaves it out (and says how many).
   */
  black?: boolean;
}

export interface TimelineBin {
  /** Frame index, or layer index for per-layer bins. */
  key: number;
  firstFrame: number;
  lastFrame: number;
  crops: number;
  meanProbability: number;
  /** Share of crops predicted class 1 at the threshold. */
  shareClass1: number;
}

export interface BuildVerdict {
  crops: number;
  layers: number;
  /** Share of crops per class at the threshold, [class 0, class 1]. */
  share: [number, number];
  meanProbability: number;
  /** 95% Wilson interval of the class-1 share. */
  shareInterval: [number, number];
  /** Share of layers whose majority is class 1. */
  layerShareClass1: number;
  /** 0 or 1 when the interval excludes 0.5; null when it does not (undecided). */
  verdict: 0 | 1 | null;
  /** The verdict in words, naming the class and the interval. */
  text: string;
  /** All-black crops left out of the verdict. */
  excludedBlack: number;
  /** The decision threshold the shares and the verdict use. */
  threshold: number;
}

/** Wilson score interval for k successes of n at ~95% (z = 1.96). */
export function wilsonInterval(k: number, n: number, z = 1.96): [number, number] {
  if (n === 0) return [0, 1];
  const p = k / n;
  const z2 = z * z;
  const den = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / den;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / den;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

function aggregate(
  preds: CropPrediction[],
  keyOf: (p: CropPrediction) => number,
  threshold: number,
): TimelineBin[] {
  const bins = new Map<number, { first: number; last: number; n: number; sum: number; pos: number }>();
  for (const p of preds) {
    const k = keyOf(p);
    let b = bins.get(k);
    if (!b) bins.set(k, (b = { first: p.frame, last: p.frame, n: 0, sum: 0, pos: 0 }));
    b.first = Math.min(b.first, p.frame);
    b.last = Math.max(b.last, p.frame);
    b.n++;
    b.sum += p.probability;
    if (p.probability >= threshold) b.pos++;
  }
  return [...bins.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([key, b]) => ({
      key,
      firstFrame: b.first,
      lastFrame: b.last,
      crops: b.n,
      meanProbability: b.sum / b.n,
      shareClass1: b.pos / b.n,
    }));
}

export function perFrame(preds: CropPrediction[], threshold = 0.5): TimelineBin[] {
  return aggregate(preds, (p) => p.frame, threshold);
}

export function perLayer(preds: CropPrediction[], threshold = 0.5): TimelineBin[] {
  return aggregate(preds, (p) => p.layer, threshold);
}

export function buildVerdict(all: CropPrediction[], classNames: string[], threshold = 0.5): BuildVerdict {
  const preds = all.filter((p) => !p.black);
  const excludedBlack = all.length - preds.length;
  const n = preds.length;
  const pos = preds.filter((p) => p.probability >= threshold).length;
  const mean = n ? preds.reduce((s, p) => s + p.probability, 0) / n : NaN;
  const interval = wilsonInterval(pos, n);
  const layers = perLayer(preds, threshold);
  const layerShare = layers.length ? layers.filter((l) => l.shareClass1 > 0.5).length / layers.length : NaN;
  const verdict: 0 | 1 | null = n === 0 ? null : interval[0] > 0.5 ? 1 : interval[1] < 0.5 ? 0 : null;
  const c0 = classNames[0] ?? 'class 0';
  const c1 = classNames[1] ?? 'class 1';
  const range = `${(100 * interval[0]).toFixed(0)}–${(100 * interval[1]).toFixed(0)}%`;
  const left = excludedBlack
    ? ` ${excludedBlack} all-black crop${excludedBlack > 1 ? 's were' : ' was'} left out.`
    : '';
  // The verdict depends on the decision threshold (a crop counts as class 1 at P >= threshold): say which.
  const at = `crops counted ${c1} at P(${c1}) ≥ ${threshold.toFixed(2)}, the decision threshold`;
  const text =
    (n === 0
      ? excludedBlack
        ? 'Every crop is all black, so there is nothing to judge.'
        : 'No crops were extracted, so there is nothing to judge.'
      : verdict === null
        ? `Undecided: ${(100 * (pos / n)).toFixed(0)}% of ${n} crops look ${c1} (95% interval ${range} spans 50%; ${at}).`
        : `${verdict === 1 ? c1 : c0}: ${(100 * (verdict === 1 ? pos / n : 1 - pos / n)).toFixed(0)}% of ${n} crops ` +
          `(95% interval of the ${c1} share ${range}; ${at}).`) + left;
  return {
    excludedBlack,
    threshold,
    crops: n,
    layers: layers.length,
    share: n ? [1 - pos / n, pos / n] : [NaN, NaN],
    meanProbability: mean,
    shareInterval: interval,
    layerShareClass1: layerShare,
    verdict,
    text,
  };
}

/** One row per crop plus the per-frame and per-layer aggregates, each as its own CSV. */
export function timelineCsv(
  kind: 'crops' | 'frames' | 'layers',
  preds: CropPrediction[],
  classNames: string[],
  threshold = 0.5,
): string {
  const c1 = classNames[1] ?? 'class 1';
  if (kind === 'crops') {
    const rows: CsvCell[][] = preds.map((p, i) => [
      i,
      p.frame,
      p.layer,
      p.probability,
      classNames[p.probability >= threshold ? 1 : 0] ?? (p.probability >= threshold ? 1 : 0),
      p.black ? 1 : 0,
    ]);
    return toCsv(['crop', 'frame', 'layer', `p_${c1}`, 'predicted', 'all_black'], rows);
  }
  const bins = kind === 'frames' ? perFrame(preds, threshold) : perLayer(preds, threshold);
  return toCsv(
    [
      kind === 'frames' ? 'frame' : 'layer',
      'first_frame',
      'last_frame',
      'crops',
      `mean_p_${c1}`,
      `share_${c1}`,
    ],
    bins.map((b) => [b.key, b.firstFrame, b.lastFrame, b.crops, b.meanProbability, b.shareClass1]),
  );
}

/** Frame and layer of every crop from a per-frame count log (crops are stored in frame order). */
export function datesFromPerFrameCounts(
  counts: number[],
  layerGap: number,
): { frames: number[]; layers: number[] } {
  const frames: number[] = [];
  const layers: number[] = [];
  const counter = new LayerCounter(layerGap);
  counts.forEach((n, frame) => {
    const layer = counter.push(frame, n);
    for (let k = 0; k < n; k++) {
      frames.push(frame);
      layers.push(layer);
    }
  });
  return { frames, layers };
}
