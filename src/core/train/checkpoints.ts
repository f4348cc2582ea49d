// Checkpoint policy: when to save (every N epochs and at each new best), what to call it (epoch, loss and
// accuracy in the name) and which to keep (the best K by validation accuracy, plus the latest for resuming).

export interface CheckpointMeta {
  name: string;
  epoch: number;
  valLoss: number;
  valAcc: number;
  /** Saved because of a new best (as opposed to the periodic save). */
  best: boolean;
  createdAt: number;
}

export function checkpointName(epoch: number, valLoss: number, valAcc: number): string {
  const e = String(epoch).padStart(3, '0');
  return `epoch-${e}_loss-${valLoss.toFixed(4)}_acc-${valAcc.toFixed(4)}`;
}

/** Save after `epoch` (1-based)? Every `every` epochs, at a new best, and at the run's last epoch. */
export function shouldSave(epoch: number, every: number, newBest: boolean, last: boolean): boolean {
  return newBest || last || (every > 0 && epoch % every === 0);
}

/**
 * Which checkpoints to keep: the `keep` best by validation accuracy (ties: lower loss, then later epoch),
 * and always the most recent one, so an interrupted run can resume where it stopped.
 */
export function retain(
  all: CheckpointMeta[],
  keep: number,
): { keep: CheckpointMeta[]; drop: CheckpointMeta[] } {
  if (all.length === 0) return { keep: [], drop: [] };
  const ranked = [...all].sort((a, b) => b.valAcc - a.valAcc || a.valLoss - b.valLoss || b.epoch - a.epoch);
  const kept = new Set(ranked.slice(0, Math.max(0, keep)));
  const latest = all.reduce((a, b) => (b.epoch > a.epoch ? b : a));
  kept.add(latest);
  return {
    keep: all.filter((c) => kept.has(c)).sort((a, b) => a.epoch - b.epoch),
    drop: all.filter((c) => !kept.has(c)),
  };
}

/** The checkpoint to resume from: the latest one. */
export function resumePoint(all: CheckpointMeta[]): CheckpointMeta | null {
  return all.length === 0 ? null : all.reduce((a, b) => (b.epoch > a.epoch ? b : a));
}
