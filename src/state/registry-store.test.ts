// The registry store on the studio database in Node (fake-indexeddb): a run's best checkpoint becomes a
// version, aliases move as appended events, "production at T" and rollback, and the lineage exported from one
// database imports into another (the other browser).
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../core/config/config';
import { emptyHistory } from '../core/train/history';
import type { ResumeState } from '../workers/train/loop';
import { useRegistry } from './registry-store';
import { useRuns, type RunRecord } from './runs-store';
import { resetStudioDbForTests, studioDb } from './storage/db';

function state(epoch: number, w: number): ResumeState {
  return {
    epoch,
    weights: { w: new Float32Array([w]) },
    optimizer: { step: 1, m: { w: new Float32Array(1) }, v: { w: new Float32Array(1) } },
    history: emptyHistory(),
    earlyStopping: { best: 0.5, bestEpoch: epoch, wait: 0 },
    lr: 1e-3,
  };
}

async function trainedRun(id: string): Promise<RunRecord> {
  const run: RunRecord = {
    id,
    name: `run ${id}`,
    createdAt: Date.now(),
    model: 'lenet5',
    backend: 'wasm',
    config: defaultConfig(),
    splitDescription: 'random 60/20/20, seed 1234',
    status: 'completed',
    message: '',
    history: emptyHistory(),
    bestValAcc: 0.9,
    test: { loss: 0.3, acc: 0.88, count: 100 },
    checkpoints: [],
  };
  await useRuns.getState().saveRun(run);
  const meta = (epoch: number, valAcc: number) => ({
    name: `epoch-${epoch}`,
    epoch,
    valLoss: 1 - valAcc,
    valAcc,
    best: true,
    createdAt: Date.now(),
  });
  await useRuns.getState().addCheckpoint(id, meta(1, 0.8), state(1, 1), 3);
  await useRuns.getState().addCheckpoint(id, meta(2, 0.9), state(2, 2), 3);
  return run;
}

const tick = () => new Promise((r) => setTimeout(r, 3));

describe('registry store', () => {
  beforeEach(() => {
    resetStudioDbForTests();
    useRegistry.setState({ loaded: false, versions: [], events: [], selected: null });
  });

  it('registers the best checkpoint, promotes, answers production at T, rolls back, survives a reload', async () => {
    await trainedRun('r1');
    await trainedRun('r2');
    const v1 = await useRegistry.getState().registerRun('r1');
    expect(v1).toMatchObject({ n: 1, checkpoint: 'epoch-2', metrics: { accuracy: 0.88 } });
    expect(await useRegistry.getState().registerRun('r1')).toBe(v1);
    const v2 = await useRegistry.getState().registerRun('r2');
    expect(v2.n).toBe(2);
    expect(Array.from((await useRegistry.getState().loadWeights(v1.id))!.w!)).toEqual([2]);

    await useRegistry.getState().promote(v1.id, 'first');
    await tick();
    const between = Date.now();
    await tick();
    await useRegistry.getState().promote(v2.id, 'second');
    expect(useRegistry.getState().aliases()).toMatchObject({ production: v2.id, previous: v1.id });
    expect(useRegistry.getState().productionAt(between)?.n).toBe(1);
    await useRegistry.getState().rollback();
    expect(useRegistry.getState().aliases()).toMatchObject({ production: v1.id, previous: v2.id });

    // a reload reads the same registry back from the database
    useRegistry.setState({ loaded: false, versions: [], events: [] });
    await useRegistry.getState().load();
    expect(useRegistry.getState().versions.map((v) => v.n)).toEqual([1, 2]);
    expect(useRegistry.getState().productionAt(between)?.n).toBe(1);
    expect(useRegistry.getState().aliases().production).toBe(v1.id);
  });

  it('exports lineage that imports into another database', async () => {
    await trainedRun('r1');
    const v1 = await useRegistry.getState().registerRun('r1');
    await useRegistry.getState().promote(v1.id, 'first');
    const text = JSON.stringify(await useRegistry.getState().lineage());
    expect(JSON.parse(text).runs[0].id).toBe('r1');

    resetStudioDbForTests();
    useRegistry.setState({ loaded: false, versions: [], events: [] });
    expect(await useRegistry.getState().importLineage(text, 'lineage.json')).toBe(1);
    expect(await studioDb().modelVersions.count()).toBe(1);
    expect(useRegistry.getState().versions[0]).toMatchObject({ n: 1, origin: 'imported' });
    expect(useRegistry.getState().aliases().production).toBe(v1.id);
    expect(await useRegistry.getState().importLineage(text, 'lineage.json')).toBe(0);
    expect(await useRegistry.getState().importLineage('{"format":"x"}', 'bad.json')).toBeNull();
  });
});
