// The incremental-learning pipeline's plan: a frozen held-out set drawn once, the rest of the crops in a fixed
// seeded order cut into chunks of N, and for each chunk the crops a candidate trains on (expanding data, or the
// new chunk plus a replay buffer). Pure functions of crop ids and a seed, so a reload rebuilds the same plan.
import type { GateConfig } from '../registry/gate';
import { createRng, deriveSeed, permutation } from '../train/rng';

export type Strategy = 'scratch' | 'warm-start' | 'warm-replay';

export const STRATEGY_LABELS: Record<Strategy, string> = {
  scratch: 'From scratch on all data so far',
  'warm-start': 'Warm start from production, all data so far',
  'warm-replay': 'Warm start from production, new chunk + replay buffer',
};

/** How the crops become chunks: a seeded replay in chunks of N, or one chunk per source (build) as they come. */
export type Chunking = 'seeded' | 'per-source';

export interface PipelineConfig {
  chunking: Chunking;
  chunkSize: number;
  /** Crops held out once (never trained on) to compare candidate and production. */
  heldOut: number;
  /** Stop after this many chunks (0 = as many as the crops fill). */
  maxChunks: number;
  strategy: Strategy;
  /** Crops of earlier chunks replayed with each new chunk (warm-replay). */
  replaySize: number;
  /** Share of each training set kept for validation (early stopping, checkpoint choice). */
  valFraction: number;
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
  /** What a failed chunk (NaN loss, one class…) does to the pipeline. */
  onChunkFailure: 'continue' | 'stop';
  gate: GateConfig;
}

export interface PipelinePlan {
  /** Crop ids of the frozen held-out set. */
  heldOut: string[];
  /** Crop ids of each chunk, in order. */
  chunks: string[][];
}

export class PipelineInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PipelineInputError';
  }
}

export function validateConfig(c: PipelineConfig, available: number): string | null {
  if (!Number.isInteger(c.chunkSize) || c.chunkSize < 1) return 'The chunk size must be a whole number ≥ 1';
  if (!Number.isInteger(c.heldOut) || c.heldOut < 1)
    return 'The held-out set needs at least 1 crop (the gate compares models on it)';
  if (!Number.isInteger(c.epochs) || c.epochs < 1) return 'Epochs per chunk must be ≥ 1';
  if (!(c.valFraction > 0 && c.valFraction < 0.9)) return 'The validation share must be in (0, 0.9)';
  if (c.chunking === 'per-source' && c.heldOut >= available)
    return `${available} crops are open: not enough for a held-out set of ${c.heldOut} and any chunk. Open more crops or lower the held-out size.`;
  if (c.chunking !== 'per-source' && c.heldOut + c.chunkSize > available)
    return `${available} crops are open: not enough for a held-out set of ${c.heldOut} and one chunk of ${c.chunkSize}. Open more crops or lower the sizes.`;
  return null;
}

/**
 * The plan for a set of crop ids (any order: they are sorted first, so the plan does not depend on the order
 * the sources were opened in). The held-out set and the chunk order come from separate seeded streams.
 */
export function planPipeline(ids: readonly string[], c: PipelineConfig): PipelinePlan {
  const bad = validateConfig(c, ids.length);
  if (bad) throw new PipelineInputError(bad);
  const sorted = [...new Set(ids)].sort();
  if (sorted.length !== ids.length)
    throw new PipelineInputError(`${ids.length - sorted.length} crop ids appear twice in the open data`);
  const held = permutation(sorted.length, createRng(deriveSeed(c.seed, 'held-out')));
  const heldOut = Array.from(held.subarray(0, c.heldOut), (i) => sorted[i]!);
  const rest = Array.from(held.subarray(c.heldOut), (i) => sorted[i]!).sort();
  const order = permutation(rest.length, createRng(deriveSeed(c.seed, 'chunk-order')));
  const chunks: string[][] = [];
  for (let s = 0; s < order.length; s += c.chunkSize) {
    if (c.maxChunks > 0 && chunks.length >= c.maxChunks) break;
    chunks.push(Array.from(order.subarray(s, s + c.chunkSize), (i) => rest[i]!));
  }
  return { heldOut, chunks };
}

/**
 * One chunk per source, in the order given (the order builds arrived): the held-out set is drawn once from the
 * crops open at the start (seeded, across all sources) and never changes; each source's other crops are a chunk.
 */
export function planBySource(
  ids: readonly string[],
  sourceOf: (id: string) => string,
  sourceOrder: readonly string[],
  c: PipelineConfig,
): PipelinePlan {
  if (!Number.isInteger(c.heldOut) || c.heldOut < 1)
    throw new PipelineInputError('The held-out set needs at least 1 crop (the gate compares models on it)');
  const sorted = [...new Set(ids)].sort();
  if (sorted.length !== ids.length)
    throw new PipelineInputError(`${ids.length - sorted.length} crop ids appear twice in the open data`);
  if (c.heldOut >= sorted.length)
    throw new PipelineInputError(
      `${sorted.length} crops are open: not enough for a held-out set of ${c.heldOut} and any chunk. Open more crops or lower the held-out size.`,
    );
  const held = permutation(sorted.length, createRng(deriveSeed(c.seed, 'held-out')));
  const heldOut = Array.from(held.subarray(0, c.heldOut), (i) => sorted[i]!);
  return extendBySource({ heldOut, chunks: [] }, ids, sourceOf, sourceOrder, c.maxChunks);
}

/**
 * Append a chunk for each source with crops not in the plan yet (a new build extracted since), keeping the
 * held-out set and the earlier chunks as they are. Crops of a source already chunked are not re-chunked.
 */
export function extendBySource(
  plan: PipelinePlan,
  ids: readonly string[],
  sourceOf: (id: string) => string,
  sourceOrder: readonly string[],
  maxChunks = 0,
): PipelinePlan {
  const known = new Set([...plan.heldOut, ...plan.chunks.flat()]);
  const chunkedSources = new Set(plan.chunks.map((ch) => (ch[0] === undefined ? '' : sourceOf(ch[0]))));
  const bySource = new Map<string, string[]>();
  for (const id of [...ids].sort()) {
    if (known.has(id)) continue;
    const s = sourceOf(id);
    if (chunkedSources.has(s)) continue;
    const list = bySource.get(s) ?? [];
    list.push(id);
    bySource.set(s, list);
  }
  const order = [
    ...sourceOrder.filter((s) => bySource.has(s)),
    ...[...bySource.keys()].filter((s) => !sourceOrder.includes(s)).sort(),
  ];
  const chunks = [...plan.chunks];
  for (const s of order) {
    if (maxChunks > 0 && chunks.length >= maxChunks) break;
    chunks.push(bySource.get(s)!);
  }
  return { heldOut: plan.heldOut, chunks };
}

/** The crops candidate `k` (0-based) trains on. */
export function trainingIds(
  plan: PipelinePlan,
  k: number,
  c: Pick<PipelineConfig, 'strategy' | 'replaySize' | 'seed'>,
): string[] {
  if (k < 0 || k >= plan.chunks.length) throw new PipelineInputError(`There is no chunk ${k + 1}`);
  if (c.strategy !== 'warm-replay' || k === 0) return plan.chunks.slice(0, k + 1).flat();
  const earlier = plan.chunks.slice(0, k).flat();
  const take = Math.min(c.replaySize, earlier.length);
  const p = permutation(earlier.length, createRng(deriveSeed(c.seed, `replay-${k}`)));
  return [...plan.chunks[k]!, ...Array.from(p.subarray(0, take), (i) => earlier[i]!)];
}

/** Refuse a training set that shares crops with the held-out set (the comparison would be dishonest). */
export function assertNoOverlap(heldOut: readonly string[], train: readonly string[]): void {
  const held = new Set(heldOut);
  const shared = train.filter((id) => held.has(id));
  if (shared.length > 0) {
    throw new PipelineInputError(
      `The held-out set shares ${shared.length} crop${shared.length > 1 ? 's' : ''} with the training data (e.g. ${shared[0]}): a model cannot be judged on crops it trained on. Start a new pipeline so the held-out set is drawn apart from the training crops.`,
    );
  }
}

/** A problem with a chunk that makes training on it pointless, or null. */
export function chunkProblem(
  chunkNumber: number,
  chunkLabels: ArrayLike<number>,
  trainLabels: ArrayLike<number>,
  classNames: readonly string[],
): string | null {
  if (chunkLabels.length === 0) return `Chunk ${chunkNumber} is empty: no crops arrived in it`;
  const present = new Set<number>();
  for (let i = 0; i < trainLabels.length; i++) present.add(trainLabels[i]!);
  if (present.size < 2) {
    const only = classNames[[...present][0] ?? 0] ?? 'one class';
    return `Chunk ${chunkNumber}: the training data holds only "${only}" crops, so a model cannot learn to tell the classes apart; add crops of the other class`;
  }
  return null;
}

/** Classes present in a chunk, for the one-class warning shown with a row. */
export function chunkNote(chunkLabels: ArrayLike<number>, classNames: readonly string[]): string {
  const present = new Set<number>();
  for (let i = 0; i < chunkLabels.length; i++) present.add(chunkLabels[i]!);
  return present.size === 1 ? `chunk holds only "${classNames[[...present][0]!] ?? '?'}" crops` : '';
}

/** Split a training set into train / validation (seeded, stratified by class so both keep each class). */
export function splitTrainVal(
  ids: readonly string[],
  labels: ArrayLike<number>,
  valFraction: number,
  seed: number,
): { train: number[]; val: number[] } {
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < ids.length; i++) {
    const l = labels[i]!;
    const list = byClass.get(l) ?? [];
    list.push(i);
    byClass.set(l, list);
  }
  const train: number[] = [];
  const val: number[] = [];
  for (const [cls, list] of [...byClass.entries()].sort(([a], [b]) => a - b)) {
    const p = permutation(list.length, createRng(deriveSeed(seed, `val-${cls}`)));
    const nVal = list.length > 1 ? Math.max(1, Math.round(list.length * valFraction)) : 0;
    p.forEach((j, r) => (r < nVal ? val : train).push(list[j]!));
  }
  return { train: train.sort((a, b) => a - b), val: val.sort((a, b) => a - b) };
}

/** Seconds left for the pipeline from the chunks done so far (chunks grow with expanding data). */
export function pipelineSecondsLeft(
  chunkSeconds: readonly number[],
  chunkSamples: readonly number[],
  remainingSamples: readonly number[],
): number | null {
  if (chunkSeconds.length === 0) return null;
  const s = chunkSeconds.reduce((a, b) => a + b, 0);
  const n = chunkSamples.reduce((a, b) => a + b, 0);
  if (n <= 0) return null;
  const perSample = s / n;
  return remainingSamples.reduce((a, b) => a + b, 0) * perSample;
}
