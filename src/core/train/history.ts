// A run's metric history: per-batch points (loss, lr, throughput) and per-epoch summaries, kept compact so a
// long run can be stored and charted (batch points are thinned once there are too many).

export interface BatchPoint {
  /** Global step (batches since the start of the run). */
  step: number;
  /** Fractional epoch, for the x axis. */
  epoch: number;
  loss: number;
  lr: number;
  imgPerSec: number;
}

export interface EpochPoint {
  epoch: number;
  trainLoss: number;
  trainAcc: number;
  valLoss: number;
  valAcc: number;
  lr: number;
  seconds: number;
}

export interface MetricHistory {
  batches: BatchPoint[];
  epochs: EpochPoint[];
}

export const MAX_BATCH_POINTS = 2000;

export function emptyHistory(): MetricHistory {
  return { batches: [], epochs: [] };
}

/** Append batch points; past `max` points, every other point is dropped (the chart keeps its shape). */
export function appendBatches(h: MetricHistory, points: BatchPoint[], max = MAX_BATCH_POINTS): MetricHistory {
  let batches = h.batches.concat(points);
  while (batches.length > max) batches = batches.filter((_, i) => i % 2 === 1 || i === batches.length - 1);
  return { ...h, batches };
}

/** Seconds left, from the mean speed so far. */
export function secondsLeft(doneSteps: number, totalSteps: number, elapsedSeconds: number): number | null {
  if (doneSteps <= 0 || elapsedSeconds <= 0) return null;
  return ((totalSteps - doneSteps) * elapsedSeconds) / doneSteps;
}

/** A NaN/inf loss, or one that has grown far past where it started, ends the run. */
export function lossProblem(loss: number, firstLoss: number | null): string | null {
  if (!Number.isFinite(loss)) return `the loss became ${loss} (NaN or infinite)`;
  if (firstLoss !== null && Number.isFinite(firstLoss) && loss > Math.max(10 * firstLoss, firstLoss + 20)) {
    return `the loss diverged (${loss.toFixed(3)}, from ${firstLoss.toFixed(3)} at the start)`;
  }
  return null;
}

/** Refuse data that cannot train a binary classifier, with a message saying what to do. */
export function trainingSetProblem(
  labels: Uint8Array,
  valCount: number,
  classNames: string[],
): string | null {
  if (labels.length === 0) return 'The training split is empty: open crops in the Data area first.';
  const counts = new Map<number, number>();
  for (const y of labels) counts.set(y, (counts.get(y) ?? 0) + 1);
  if (counts.size < 2) {
    const only = classNames[[...counts.keys()][0]!] ?? `class ${[...counts.keys()][0]}`;
    return `The training split holds only one class (${only}): add crops of the other class.`;
  }
  if (valCount === 0) return 'The validation split is empty: change the split fractions in the Data area.';
  return null;
}
