// What a stored study is: its settings (space, sampler, pruner, objective, trial budget, fixed overrides), the
// data it is bound to (a digest of the train/val split, never the test split) and its status; trials are stored
// one record each next to it. Also the objective of a trial from its epoch history.
import { hashWords } from '../data/hash-index';
import type { SplitArrays } from '../data/training-arrays';
import type { EpochPoint } from '../train/history';
import type { PrunerSpec } from './pruners';
import type { SamplerSpec } from './samplers';
import type { SearchSpace } from './space';
import type { Direction, Trial } from './study';

export type StudyMetric = 'valAcc' | 'valLoss';
export type StudyStatus = 'running' | 'paused' | 'done';

export interface StudyData {
  /** Digest of the train and validation crops and labels the trials see. */
  digest: string;
  /** The split recipe, in words. */
  description: string;
  /** Names of the open sources (to say what to open again after a reload). */
  sources: string[];
  train: number;
  val: number;
  /** The dataset version, where the data library made one (issue 11). */
  datasetVersionId: string | null;
}

export interface StudyRecord {
  id: string;
  name: string;
  createdAt: number;
  metric: StudyMetric;
  direction: Direction;
  /** The space as its sweep text (what the user wrote) and parsed. */
  spaceText: string;
  space: SearchSpace;
  sampler: SamplerSpec;
  pruner: PrunerSpec;
  nTrials: number;
  /** Trials trained at the same time (each in its own worker). */
  parallel: number;
  /** Overrides every trial gets (e.g. training.epochs=4), on top of the defaults. */
  fixedOverrides: string;
  data: StudyData | null;
  status: StudyStatus;
  message: string;
}

export interface TrialRecord extends Trial {
  /** `${studyId}:${number}` */
  id: string;
  studyId: string;
}

export function trialKey(studyId: string, number: number): string {
  return `${studyId}:${number}`;
}

export function directionOf(metric: StudyMetric): Direction {
  return metric === 'valAcc' ? 'maximize' : 'minimize';
}

export function epochValue(p: EpochPoint, metric: StudyMetric): number {
  return metric === 'valAcc' ? p.valAcc : p.valLoss;
}

/** A trial's objective: its best validation value over the epochs (the checkpoint kept as best). */
export function objectiveOf(epochs: readonly EpochPoint[], metric: StudyMetric): number | null {
  const vals = epochs.map((p) => epochValue(p, metric)).filter(Number.isFinite);
  if (vals.length === 0) return null;
  return metric === 'valAcc' ? Math.max(...vals) : Math.min(...vals);
}

/** Digest of the train and validation splits (labels, pixels and crop ids): the data a study is bound to. */
export function splitDigest(train: SplitArrays, val: SplitArrays): string {
  const enc = new TextEncoder();
  const parts = [
    train.y,
    val.y,
    train.x,
    val.x,
    enc.encode(train.ids.join('\n')),
    enc.encode(val.ids.join('\n')),
  ];
  return parts
    .map((p) =>
      hashWords(p)
        .map((w) => w.toString(16).padStart(8, '0'))
        .join(''),
    )
    .join('')
    .slice(0, 32);
}
