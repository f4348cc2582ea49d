// Confident learning (Northcutt et al., the method behind cleanlab): from out-of-sample predicted probabilities
// and the given labels, per-class thresholds, the confident joint of (given, likely true) label, and a ranked list
// of likely label issues with their evidence. Probabilities are row-major N x K; label -1 means unlabelled.

export interface ProbMatrix {
  /** N x K, row-major, each row sums to 1. */
  p: Float32Array;
  k: number;
}

export function rows(m: ProbMatrix): number {
  return m.p.length / m.k;
}

/** P(class 1) of a binary model as a two-column probability matrix. */
export function binaryProbs(p1: ArrayLike<number>): ProbMatrix {
  const p = new Float32Array(p1.length * 2);
  for (let i = 0; i < p1.length; i++) {
    const v = Math.min(1, Math.max(0, p1[i]!));
    p[2 * i] = 1 - v;
    p[2 * i + 1] = v;
  }
  return { p, k: 2 };
}

/**
 * Per-class thresholds t_j: the mean self-confidence p_j of the crops labelled j. A class with no labelled crops
 * gets threshold 1 (nothing can be confidently counted in it... except a crop with p = 1).
 */
export function perClassThresholds(m: ProbMatrix, labels: ArrayLike<number>): Float64Array {
  const sum = new Float64Array(m.k);
  const count = new Float64Array(m.k);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l < 0 || l >= m.k) continue;
    sum[l]! += m.p[i * m.k + l]!;
    count[l]! += 1;
  }
  const t = new Float64Array(m.k);
  for (let j = 0; j < m.k; j++) t[j] = count[j]! > 0 ? sum[j]! / count[j]! : 1;
  return t;
}

/**
 * The class a crop confidently belongs to: among the classes whose probability reaches their threshold, the one
 * with the largest probability; -1 when none reaches its threshold.
 */
export function confidentClass(m: ProbMatrix, i: number, t: ArrayLike<number>): number {
  let best = -1;
  let bestP = -1;
  for (let j = 0; j < m.k; j++) {
    const pj = m.p[i * m.k + j]!;
    if (pj >= t[j]! && pj > bestP) {
      best = j;
      bestP = pj;
    }
  }
  return best;
}

export interface ConfidentJoint {
  /** K x K counts, row = given label, column = confidently predicted label. */
  counts: number[][];
  /** Per crop: its confident class, or -1 (also -1 for unlabelled crops). */
  confident: Int8Array;
  thresholds: Float64Array;
}

export function confidentJoint(
  m: ProbMatrix,
  labels: ArrayLike<number>,
  thresholds = perClassThresholds(m, labels),
): ConfidentJoint {
  const counts = Array.from({ length: m.k }, () => new Array<number>(m.k).fill(0));
  const confident = new Int8Array(labels.length).fill(-1);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l < 0 || l >= m.k) continue;
    const c = confidentClass(m, i, thresholds);
    if (c < 0) continue;
    confident[i] = c;
    counts[l]![c]! += 1;
  }
  return { counts, confident, thresholds };
}

/**
 * Calibrate the confident joint so that each row sums to the number of crops given that label (cleanlab's
 * `calibrate_confident_joint`); the result estimates how many crops of each given label truly belong to each class.
 */
export function calibrateJoint(counts: number[][], labelCounts: ArrayLike<number>): number[][] {
  return counts.map((row, i) => {
    const s = row.reduce((a, b) => a + b, 0);
    return row.map((c) => (s > 0 ? (c / s) * labelCounts[i]! : 0));
  });
}

export type IssueRanking = 'self-confidence' | 'normalized-margin';
export type IssueFilter = 'confident-joint' | 'prune-by-noise-rate';

export interface LabelIssue {
  /** Row of the probability matrix. */
  item: number;
  given: number;
  predicted: number;
  /** p(given label). */
  selfConfidence: number;
  /** p(given) - max over other classes p(other): negative when another class is more likely. */
  margin: number;
  /** The ranking score (lower = more likely wrong). */
  score: number;
}

function argmaxOther(m: ProbMatrix, i: number, exclude: number): number {
  let best = -1;
  let bestP = -1;
  for (let j = 0; j < m.k; j++) {
    if (j === exclude) continue;
    const p = m.p[i * m.k + j]!;
    if (p > bestP) {
      best = j;
      bestP = p;
    }
  }
  return best;
}

function issueOf(m: ProbMatrix, i: number, given: number, ranking: IssueRanking): LabelIssue {
  const other = argmaxOther(m, i, given);
  const self = m.p[i * m.k + given]!;
  const margin = self - (other >= 0 ? m.p[i * m.k + other]! : 0);
  return {
    item: i,
    given,
    predicted: other >= 0 && margin < 0 ? other : given,
    selfConfidence: self,
    margin,
    score: ranking === 'self-confidence' ? self : margin,
  };
}

export interface FindIssuesOptions {
  ranking?: IssueRanking;
  filter?: IssueFilter;
}

/**
 * Likely label issues, most likely first. 'confident-joint': every labelled crop that lands off the diagonal of the
 * confident joint. 'prune-by-noise-rate' (cleanlab's default): for each off-diagonal cell (i, j) of the calibrated
 * joint, the round(C[i][j]) crops labelled i with the largest margin p_j - p_i.
 */
export function findLabelIssues(
  m: ProbMatrix,
  labels: ArrayLike<number>,
  opts: FindIssuesOptions = {},
): { issues: LabelIssue[]; joint: ConfidentJoint; estimatedNoise: number[][] } {
  const ranking = opts.ranking ?? 'self-confidence';
  const filter = opts.filter ?? 'prune-by-noise-rate';
  const joint = confidentJoint(m, labels);
  const labelCounts = new Array<number>(m.k).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l >= 0 && l < m.k) labelCounts[l]! += 1;
  }
  const calibrated = calibrateJoint(joint.counts, labelCounts);
  const chosen = new Set<number>();
  if (filter === 'confident-joint') {
    for (let i = 0; i < labels.length; i++) {
      const c = joint.confident[i]!;
      if (c >= 0 && c !== labels[i]) chosen.add(i);
    }
  } else {
    for (let g = 0; g < m.k; g++) {
      for (let j = 0; j < m.k; j++) {
        if (g === j) continue;
        const take = Math.round(calibrated[g]![j]!);
        if (take <= 0) continue;
        const cands: { i: number; d: number }[] = [];
        for (let i = 0; i < labels.length; i++) {
          if (labels[i] !== g) continue;
          cands.push({ i, d: m.p[i * m.k + j]! - m.p[i * m.k + g]! });
        }
        cands.sort((a, b) => b.d - a.d || a.i - b.i);
        for (const c of cands.slice(0, take)) chosen.add(c.i);
      }
    }
  }
  const issues = [...chosen].map((i) => issueOf(m, i, labels[i]!, ranking));
  issues.sort((a, b) => a.score - b.score || a.item - b.item);
  return { issues, joint, estimatedNoise: calibrated };
}

/** Every labelled crop ranked by label quality (lowest first), for a review list beyond the flagged issues. */
export function rankByLabelQuality(
  m: ProbMatrix,
  labels: ArrayLike<number>,
  ranking: IssueRanking = 'self-confidence',
): LabelIssue[] {
  const out: LabelIssue[] = [];
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l < 0 || l >= m.k) continue;
    out.push(issueOf(m, i, l, ranking));
  }
  out.sort((a, b) => a.score - b.score || a.item - b.item);
  return out;
}

/** Precision at K and recall of a ranked list against the truly wrong items (K defaults to their number). */
export function precisionRecallAtK(
  ranked: readonly number[],
  truth: ReadonlySet<number>,
  k = truth.size,
): { precision: number; recall: number; k: number } {
  const top = ranked.slice(0, k);
  let hits = 0;
  for (const i of top) if (truth.has(i)) hits++;
  let found = 0;
  for (const i of ranked) if (truth.has(i)) found++;
  return {
    precision: top.length ? hits / top.length : 0,
    recall: truth.size ? found / truth.size : 0,
    k,
  };
}
