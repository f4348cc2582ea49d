// The runs store's IndexedDB persistence in Node (fake-indexeddb: an in-memory IndexedDB with the real
// structured clone): runs survive a reload, checkpoints follow the best-K retention, resume state round-trips.
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../core/config/config';
import { checkpointName, type CheckpointMeta } from '../core/train/checkpoints';
import { emptyHistory } from '../core/train/history';
import type { ResumeState } from '../workers/train/loop';
import { useRuns, type RunRecord } from './runs-store';

function run(id: string, createdAt: number): RunRecord {
  return {
    id,
    name: `run ${id}`,
    createdAt,
    model: 'lenet5',
    backend: 'wasm',
    config: defaultConfig(),
    splitDescription: 'random 60/20/20, seed 1234',
    status: 'running',
    message: '',
    history: emptyHistory(),
    bestValAcc: null,
    test: null,
    checkpoints: [],
  };
}

function state(epoch: number): ResumeState {
  return {
    epoch,
    weights: { 'fc3.b': new Float32Array([epoch / 10]) },
    optimizer: {
      step: epoch * 4,
      m: { 'fc3.b': new Float32Array([0.5]) },
      v: { 'fc3.b': new Float32Array([2]) },
    },
    history: {
      batches: [],
      epochs: [{ epoch, trainLoss: 0.5, trainAcc: 0.8, valLoss: 0.4, valAcc: 0.9, lr: 1e-3, seconds: 1 }],
    },
    earlyStopping: { best: 0.9, bestEpoch: epoch, wait: 0 },
    lr: 1e-3,
  };
}

function meta(epoch: number, valAcc: number): CheckpointMeta {
  return {
    name: checkpointName(epoch, 1 - valAcc, valAcc),
    epoch,
    valLoss: 1 - valAcc,
    valAcc,
    best: false,
    createdAt: epoch,
  };
}

/** What a page reload sees: the store empty, then loaded from the database. */
async function reload() {
  useRuns.setState({ runs: [], loaded: false });
  await useRuns.getState().load();
  return useRuns.getState().runs;
}

describe('runs store (IndexedDB)', () => {
  beforeEach(async () => {
    await useRuns.getState().load();
    for (const r of useRuns.getState().runs) await useRuns.getState().deleteRun(r.id);
  });

  it('keeps runs across a reload, newest first, and marks a run cut off while running as interrupted', async () => {
    await useRuns.getState().saveRun({ ...run('a', 1), status: 'completed', message: 'done' });
    await useRuns.getState().saveRun(run('b', 2));
    const runs = await reload();
    expect(runs.map((r) => r.id)).toEqual(['b', 'a']);
    expect(runs[0]!.status).toBe('interrupted');
    expect(runs[0]!.message).toMatch(/resume/);
    expect(runs[1]!.status).toBe('completed');
    expect(runs[1]!.config.training.batch_size).toBe(1024);
  });

  it('keeps the best 3 checkpoints plus the latest in the database, and the latest state for resuming', async () => {
    await useRuns.getState().saveRun(run('r', 1));
    const accs = [0.7, 0.9, 0.8, 0.95, 0.6, 0.85];
    let kept: CheckpointMeta[] = [];
    for (const [i, acc] of accs.entries()) {
      kept = await useRuns.getState().addCheckpoint('r', meta(i + 1, acc), state(i + 1), 3);
    }
    // best three: epochs 4 (0.95), 2 (0.9), 6 (0.85, also the latest)
    expect(kept.map((c) => c.epoch)).toEqual([2, 4, 6]);
    const runs = await reload();
    expect(runs[0]!.checkpoints.map((c) => c.epoch)).toEqual([2, 4, 6]);
    // dropped checkpoints are gone from the database, kept ones load with their weights
    expect(await useRuns.getState().loadCheckpoint('r', meta(1, 0.7).name)).toBeNull();
    expect(await useRuns.getState().loadCheckpoint('r', meta(3, 0.8).name)).toBeNull();
    const four = await useRuns.getState().loadCheckpoint('r', meta(4, 0.95).name);
    expect(four!.weights['fc3.b']).toEqual(new Float32Array([0.4]));
    expect(four!.optimizer.step).toBe(16);
    const best = await useRuns.getState().loadBestWeights('r');
    expect(best!.meta.epoch).toBe(4);
    // the resume point is the last checkpoint's state
    const latest = await useRuns.getState().loadLatest('r');
    expect(latest!.epoch).toBe(6);
    expect(latest!.history.epochs[0]!.epoch).toBe(6);
  });

  it('a later saveLatest replaces the resume point; deleting a run removes its checkpoints and state', async () => {
    await useRuns.getState().saveRun(run('d', 1));
    await useRuns.getState().addCheckpoint('d', meta(5, 0.9), state(5), 3);
    await useRuns.getState().saveLatest('d', state(7));
    expect((await useRuns.getState().loadLatest('d'))!.epoch).toBe(7);
    await useRuns.getState().deleteRun('d');
    expect(await useRuns.getState().loadCheckpoint('d', meta(5, 0.9).name)).toBeNull();
    expect(await useRuns.getState().loadLatest('d')).toBeNull();
    expect(await reload()).toEqual([]);
  });
});
