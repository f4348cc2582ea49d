// The training loop of a run: seeded batches through the pipeline, Adam steps, per-epoch validation, lr
// schedule, early stopping, checkpoints, and throttled metric events. Bad runs end with a status and a
// message that says what happened and what to do; the history so far always comes back.
import * as tf from '@tensorflow/tfjs';
import type { TrainingArrays, SplitArrays } from '../../core/data/training-arrays';
import { checkpointName, shouldSave, type CheckpointMeta } from '../../core/train/checkpoints';
import { EarlyStopping, type EarlyStoppingState } from '../../core/train/early-stopping';
import {
  appendBatches,
  emptyHistory,
  lossProblem,
  secondsLeft,
  trainingSetProblem,
  type BatchPoint,
  type EpochPoint,
  type MetricHistory,
} from '../../core/train/history';
import { lrAtStep, PlateauReducer, type ScheduleName } from '../../core/train/schedule';
import type { ModelInput } from './models/types';
import type { LossName } from './losses';
import { BatchSource, NO_AUGMENT, toTensors, type AugmentOptions } from './pipeline';
import { DataParallelStep, type GradReplica } from './data-parallel';
import { Trainer, type TrainerOptions, type WeightMap } from './trainer';

export interface TrainingSettings {
  batchSize: number;
  epochs: number;
  lr: number;
  weightDecay: number;
  loss: LossName;
  schedule: ScheduleName;
  augment: AugmentOptions;
  earlyStopping: boolean;
  patience: number;
  minDelta: number;
  checkpointEvery: number;
  seed: number;
}

export interface OptimizerState {
  step: number;
  m: WeightMap;
  v: WeightMap;
}

export interface ResumeState {
  /** Epochs completed when the checkpoint was taken. */
  epoch: number;
  weights: WeightMap;
  optimizer: OptimizerState;
  history: MetricHistory;
  earlyStopping: EarlyStoppingState;
  lr: number;
  /** The plateau schedule's memory (best loss, bad epochs), so a resumed run lowers the rate when it would have. */
  plateau?: { best: number; bad: number; lr: number };
}

export interface RunSpec {
  model: string;
  input: ModelInput;
  settings: TrainingSettings;
  resume?: ResumeState;
  /** End the run after this many batches (a quick look, e2e tests). */
  maxBatches?: number;
}

export interface CheckpointPayload {
  meta: CheckpointMeta;
  state: ResumeState;
}

export interface LiveInfo {
  epoch: number;
  batch: number;
  batchesPerEpoch: number;
  doneSteps: number;
  totalSteps: number;
  secondsLeft: number | null;
}

export interface TrainEvents {
  batches(points: BatchPoint[], info: LiveInfo): void | Promise<void>;
  epoch(p: EpochPoint): void | Promise<void>;
  /** A checkpoint to store (awaited: the loop continues once it is saved). */
  checkpoint(c: CheckpointPayload): void | Promise<void>;
  /**
   * The state at the end of each epoch (awaited): the point a stopped or interrupted run resumes from, so the
   * resumed run takes exactly the steps the uninterrupted one would. Required: the events reach the worker as a
   * Comlink proxy, on which a missing method cannot be told from a present one.
   */
  epochEnd(state: ResumeState): void | Promise<void>;
}

export type RunStatus = 'completed' | 'early-stopped' | 'stopped' | 'failed';

export interface RunResult {
  status: RunStatus;
  message: string;
  epochsDone: number;
  history: MetricHistory;
  bestValAcc: number | null;
  test: { loss: number; acc: number; count: number } | null;
  /** The resume point: the end of the last finished epoch (a stop mid-epoch goes back to it). */
  final: ResumeState | null;
}

export interface LoopControl {
  /** Throws when the run was stopped; waits while it is paused. */
  checkpoint(): Promise<void>;
  stopped(): boolean;
  /**
   * Replicas for data-parallel steps (shard workers, one per extra core), or null to train on this thread alone.
   * Terminated when the run ends.
   */
  startReplicas?(opts: TrainerOptions): Promise<{ replicas: GradReplica[]; terminate(): void } | null>;
}

const EVAL_BATCH = 1024;
const FLUSH_MS = 250;

/** Mean BCE loss and accuracy (logit > 0 means class 1) over a split, without augmentation. */
export async function evaluateSplit(
  trainer: Trainer,
  split: SplitArrays,
  side: number,
  size: number,
  control?: LoopControl,
): Promise<{ loss: number; acc: number; count: number }> {
  const src = new BatchSource(split, side, EVAL_BATCH, NO_AUGMENT, 0, false);
  let lossSum = 0;
  let hits = 0;
  for (let b = 0; b < src.batches; b++) {
    const h = src.gather(b, size);
    const [l, c] = tf.tidy(() => {
      const { x, y } = toTensors(h);
      const z = trainer.predict(x);
      const per = tf
        .relu(z)
        .sub(z.mul(y))
        .add(tf.log1p(tf.exp(tf.neg(tf.abs(z)))));
      const correct = tf.greater(z, 0).cast('float32').equal(y).cast('float32');
      return [per.sum(), correct.sum()];
    });
    lossSum += (await l.data())[0]!;
    hits += (await c.data())[0]!;
    l.dispose();
    c.dispose();
    await control?.checkpoint();
  }
  const n = Math.max(1, src.count);
  return { loss: lossSum / n, acc: hits / n, count: src.count };
}

function explain(e: unknown, spec: RunSpec): string {
  const msg = e instanceof Error ? e.message : String(e);
  if (/out of memory|OOM|allocation|memory access out of bounds|Failed to allocate/i.test(msg)) {
    return `The backend ran out of memory at batch size ${spec.settings.batchSize}: lower training.batch_size (e.g. training.batch_size=${Math.max(1, spec.settings.batchSize >> 2)}) or switch to the wasm backend. (${msg})`;
  }
  return msg;
}

export async function runTraining(
  arrays: TrainingArrays,
  spec: RunSpec,
  events: TrainEvents,
  control: LoopControl,
): Promise<RunResult> {
  const s = spec.settings;
  let history = spec.resume?.history ?? emptyHistory();
  const startEpoch = spec.resume?.epoch ?? 0;
  const problem = trainingSetProblem(arrays.train.y, arrays.val.y.length, arrays.classNames);
  const base = { history, bestValAcc: null, test: null, final: null, epochsDone: startEpoch };
  if (problem) return { ...base, status: 'failed', message: problem };

  // Focal alpha weighs class 1 by the share of class 0 (the rarer class gets the larger weight).
  let ones = 0;
  for (const y of arrays.train.y) ones += y === 1 ? 1 : 0;
  const focalAlpha = 1 - ones / arrays.train.y.length;

  let trainer: Trainer | null = null;
  let pool: { replicas: GradReplica[]; terminate(): void } | null = null;
  const es = new EarlyStopping(s.patience, s.minDelta);
  if (spec.resume) es.state = spec.resume.earlyStopping;
  const train = new BatchSource(arrays.train, arrays.side, s.batchSize, s.augment, s.seed, true);
  const perEpoch = train.batches;
  const totalSteps = perEpoch * s.epochs;
  const plateau = new PlateauReducer({ patience: 1, factor: 0.5 }, spec.resume?.lr ?? s.lr);
  if (spec.resume?.plateau) plateau.restore(spec.resume.plateau);
  let doneSteps = startEpoch * perEpoch;
  let epoch = startEpoch;
  let firstLoss: number | null = history.batches[0]?.loss ?? null;
  // Batch points not yet sent (they are flushed a few times a second); kept on any exit.
  let pending: BatchPoint[] = [];
  const snapshot = async (): Promise<ResumeState> => ({
    epoch,
    weights: await trainer!.getWeights(),
    optimizer: await trainer!.getOptimizerState(),
    history,
    earlyStopping: { ...es.state },
    lr: trainer!.lr,
    plateau: plateau.state(),
  });
  // The last epoch boundary (the run's start counts as one): where a stop mid-epoch resumes from.
  let boundary: ResumeState | null = spec.resume ?? null;
  try {
    const trainerOpts: TrainerOptions = {
      model: spec.model,
      input: spec.input,
      lr: s.lr,
      weightDecay: s.weightDecay,
      seed: s.seed,
      loss: s.loss,
      focalAlpha,
    };
    trainer = new Trainer(trainerOpts, spec.resume?.weights);
    pool = (await control.startReplicas?.(trainerOpts)) ?? null;
    const parallel = pool && pool.replicas.length > 0 ? new DataParallelStep(trainer, pool.replicas) : null;
    if (spec.resume) {
      trainer.setOptimizerState(spec.resume.optimizer);
      trainer.lr = spec.resume.lr;
    }
    const size = spec.input.size;
    if (!boundary) {
      // The start is a boundary too: a run cut off in its first epoch can be continued from epoch 1.
      boundary = await snapshot();
      await events.epochEnd(boundary);
    }
    let batchesRun = 0;
    let status: RunStatus = 'completed';
    let message = `Trained ${s.epochs} epochs`;
    const t0 = performance.now();
    const stepsAtStart = doneSteps;
    for (; epoch < s.epochs;) {
      train.startEpoch(epoch);
      const epochStart = performance.now();
      pending = [];
      let lastFlush = performance.now();
      let lossSum = 0;
      let lossCount = 0;
      // Right answers of the forward passes during the epoch (augmented crops, weights still moving).
      let hitSum = 0;
      let next = train.gather(0, size);
      let lastBatchEnd = performance.now();
      for (let b = 0; b < perEpoch; b++) {
        if (s.schedule === 'warmup-cosine') {
          trainer.lr = lrAtStep({ name: s.schedule, baseLr: s.lr, totalSteps }, doneSteps);
        }
        const n = next.n;
        let loss: number;
        if (parallel) {
          // Shards on every core; the batch's arrays are copied into the messages before the next gather.
          const r = await parallel.step(next.x, next.y, [n, next.size, next.size, 1]);
          if (b + 1 < perEpoch) next = train.gather(b + 1, size);
          loss = r.loss;
          hitSum += r.correct;
        } else {
          const { x, y } = toTensors(next);
          const { loss: lossT, correct: hitsT } = trainer.trainStepWithHits(x, y);
          // Prefetch: gather the next batch on the host while a GPU backend works on this one.
          if (b + 1 < perEpoch) next = train.gather(b + 1, size);
          loss = (await lossT.data())[0]!;
          hitSum += (await hitsT.data())[0]!;
          lossT.dispose();
          hitsT.dispose();
          x.dispose();
          y.dispose();
        }
        firstLoss ??= loss;
        const bad = lossProblem(loss, firstLoss);
        if (bad) {
          history = appendBatches(history, pending);
          return {
            ...base,
            history,
            epochsDone: epoch,
            bestValAcc: Number.isFinite(es.state.best) ? es.state.best : null,
            status: 'failed',
            message: `Training stopped at epoch ${epoch + 1}, batch ${b + 1}: ${bad}. Lower the learning rate (training.lr) and start again; the history and checkpoints so far are kept.`,
          };
        }
        lossSum += loss * n;
        lossCount += n;
        doneSteps += 1;
        batchesRun += 1;
        const now = performance.now();
        pending.push({
          step: doneSteps,
          epoch: epoch + (b + 1) / perEpoch,
          loss,
          lr: trainer.lr,
          imgPerSec: (n * 1000) / Math.max(1e-3, now - lastBatchEnd),
        });
        lastBatchEnd = now;
        const stopNow = spec.maxBatches !== undefined && batchesRun >= spec.maxBatches;
        if (now - lastFlush > FLUSH_MS || b === perEpoch - 1 || stopNow) {
          history = appendBatches(history, pending);
          const elapsed = (now - t0) / 1000;
          void events.batches(pending, {
            epoch: epoch + 1,
            batch: b + 1,
            batchesPerEpoch: perEpoch,
            doneSteps,
            totalSteps,
            secondsLeft: secondsLeft(doneSteps - stepsAtStart, totalSteps - stepsAtStart, elapsed),
          });
          pending = [];
          lastFlush = now;
        }
        if (stopNow) {
          return {
            ...base,
            history,
            epochsDone: epoch,
            status: 'stopped',
            message: `Stopped after ${batchesRun} batches (as asked); it resumes from the start of epoch ${epoch + 1}`,
            final: boundary,
          };
        }
        await control.checkpoint();
      }
      const val = await evaluateSplit(trainer, arrays.val, arrays.side, size, control);
      epoch += 1;
      const point: EpochPoint = {
        epoch,
        trainLoss: lossSum / Math.max(1, lossCount),
        trainAcc: hitSum / Math.max(1, lossCount),
        valLoss: val.loss,
        valAcc: val.acc,
        lr: trainer.lr,
        seconds: (performance.now() - epochStart) / 1000,
      };
      history = { ...history, epochs: [...history.epochs, point] };
      void events.epoch(point);
      const { improved, stop } = es.update(epoch, val.acc);
      if (s.schedule === 'plateau') trainer.lr = plateau.step(val.loss);
      const last = epoch === s.epochs || (s.earlyStopping && stop);
      if (shouldSave(epoch, s.checkpointEvery, improved, last)) {
        await events.checkpoint({
          meta: {
            name: checkpointName(epoch, val.loss, val.acc),
            epoch,
            valLoss: val.loss,
            valAcc: val.acc,
            best: improved,
            createdAt: Date.now(),
          },
          state: await snapshot(),
        });
      }
      boundary = await snapshot();
      await events.epochEnd(boundary);
      if (s.earlyStopping && stop) {
        status = 'early-stopped';
        message = `Early stop after epoch ${epoch}: validation accuracy has not improved by ${s.minDelta} for ${s.patience} epochs (best ${es.state.best.toFixed(4)} at epoch ${es.state.bestEpoch})`;
        break;
      }
    }
    const test =
      arrays.test.y.length > 0 ? await evaluateSplit(trainer, arrays.test, arrays.side, size, control) : null;
    return {
      history,
      epochsDone: epoch,
      status,
      message: test
        ? `${message}; test accuracy ${(test.acc * 100).toFixed(2)}% on ${test.count} crops`
        : message,
      bestValAcc: Number.isFinite(es.state.best) ? es.state.best : null,
      test,
      final: await snapshot(),
    };
  } catch (e) {
    const stopped = e instanceof Error && e.name === 'AbortError';
    history = appendBatches(history, pending);
    // Resume from the last epoch boundary, never from inside an epoch (that would not be the same run).
    const final = boundary;
    return {
      ...base,
      history,
      epochsDone: epoch,
      bestValAcc: Number.isFinite(es.state.best) ? es.state.best : null,
      status: stopped ? 'stopped' : 'failed',
      message: stopped
        ? `Stopped by the user in epoch ${epoch + 1}; it resumes from the start of epoch ${(boundary?.epoch ?? 0) + 1}`
        : `Training failed in epoch ${epoch + 1}: ${explain(e, spec)}`,
      final,
    };
  } finally {
    trainer?.dispose();
    pool?.terminate();
  }
}
