// Pseudo-labels for unlabelled crops: a crop gets the class whose probability reaches that class's confidence
// threshold (the most probable such class), with a preview of how many crops each threshold admits.
import { confidentClass, type ProbMatrix } from './confident-learning';

export interface PseudoLabel {
  item: number;
  label: number;
  confidence: number;
}

export interface PseudoLabelPreview {
  /** Crops admitted per class at the thresholds. */
  admitted: number[];
  /** Candidates that no threshold admits. */
  rejected: number;
  labels: PseudoLabel[];
}

/** Pseudo-labels for the candidate rows (e.g. the unlabelled crops) at per-class thresholds in [0, 1]. */
export function pseudoLabels(
  m: ProbMatrix,
  candidates: ArrayLike<number>,
  thresholds: ArrayLike<number>,
): PseudoLabelPreview {
  if (thresholds.length !== m.k) {
    throw new Error(`Pseudo-labels need one threshold per class (${m.k}), got ${thresholds.length}`);
  }
  const admitted = new Array<number>(m.k).fill(0);
  const labels: PseudoLabel[] = [];
  let rejected = 0;
  for (let c = 0; c < candidates.length; c++) {
    const i = candidates[c]!;
    const j = confidentClass(m, i, thresholds);
    if (j < 0) {
      rejected++;
      continue;
    }
    admitted[j]! += 1;
    labels.push({ item: i, label: j, confidence: m.p[i * m.k + j]! });
  }
  return { admitted, rejected, labels };
}

/** How many candidates each class would admit at each threshold of a grid (for a threshold slider's preview). */
export function admittedCurve(
  m: ProbMatrix,
  candidates: ArrayLike<number>,
  cls: number,
  grid: number[],
): number[] {
  const ps: number[] = [];
  for (let c = 0; c < candidates.length; c++) {
    const i = candidates[c]!;
    // Only rows where cls is the most probable class can be admitted to cls.
    let best = 0;
    for (let j = 1; j < m.k; j++) if (m.p[i * m.k + j]! > m.p[i * m.k + best]!) best = j;
    if (best === cls) ps.push(m.p[i * m.k + cls]!);
  }
  return grid.map((t) => ps.filter((p) => p >= t).length);
}
