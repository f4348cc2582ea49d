// Run files through the real runs store (IndexedDB via fake-indexeddb in Node): export a trained run with
// its best checkpoint, delete it, import it back with the same weights and optimizer state; a file from a
// newer studio or a damaged one is refused and the history is left as it was.
import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../core/config/config';
import { getModel } from '../workers/train/models/registry';
import { initialWeights } from '../workers/train/trainer';
import {
  buildRunFile,
  importRunFile,
  allRunsMetricsCsv,
  updateRunMeta,
  useEval,
  type RunWithExtras,
} from './eval-store';
import { useNotices } from './notices-store';
import { useRuns, type RunRecord } from './runs-store';

const input = { size: 32, channels: 3 };
const weights = initialWeights(getModel('lenet5').params(input), 5);
const m = Object.fromEntries(Object.entries(weights).map(([k, w]) => [k, w.map((v) => v * 0.5)]));
const v = Object.fromEntries(Object.entries(weights).map(([k, w]) => [k, w.map((x) => x * x)]));
const meta = {
  name: 'epoch-002_loss-0.3000_acc-0.9000',
  epoch: 2,
  valLoss: 0.3,
  valAcc: 0.9,
  best: true,
  createdAt: 1,
};
const run: RunRecord = {
  id: 'run-1',
  name: 'lenet first',
  createdAt: 1_700_000_000_000,
  model: 'lenet5',
  backend: 'wasm',
  config: defaultConfig(),
  splitDescription: 'random 60/20/20, seed 1234',
  status: 'completed',
  message: 'done',
  history: {
    batches: [],
    epochs: [
      { epoch: 1, trainLoss: 0.6, trainAcc: 0.7, valLoss: 0.5, valAcc: 0.8, lr: 0.001, seconds: 3 },
      { epoch: 2, trainLoss: 0.4, trainAcc: 0.85, valLoss: 0.3, valAcc: 0.9, lr: 0.001, seconds: 3 },
    ],
  },
  bestValAcc: 0.9,
  test: { loss: 0.31, acc: 0.89, count: 68 },
  checkpoints: [],
};

beforeAll(async () => {
  await useRuns.getState().load();
  await useRuns.getState().saveRun(run);
  await useRuns.getState().addCheckpoint(
    run.id,
    meta,
    {
      epoch: 2,
      weights,
      optimizer: { step: 8, m, v },
      history: run.history,
      earlyStopping: { best: 0.9, bestEpoch: 2, wait: 0 },
      lr: 0.001,
    },
    3,
  );
  await updateRunMeta(run.id, { tags: ['keeper', ' e2e ', 'keeper'] });
});

const lastError = () =>
  useNotices
    .getState()
    .notices.filter((n) => n.kind === 'error')
    .at(-1);

describe('run files through the runs store', () => {
  let text = '';

  it('exports the record, its tags and its best checkpoint', async () => {
    text = await buildRunFile(run.id);
    const doc = JSON.parse(text) as {
      run: RunWithExtras;
      weights: { tensors: { name: string; shape: number[] }[] };
    };
    expect(doc.run.tags).toEqual(['keeper', 'e2e']);
    expect(doc.run.checkpoints).toEqual([meta]);
    expect(doc.weights.tensors.find((t) => t.name === 'conv1.w')!.shape).toEqual([5, 5, 3, 6]);
  });

  it('deleted and imported back, the run has the same weights and optimizer state', async () => {
    await useRuns.getState().deleteRun(run.id);
    expect(useRuns.getState().runs).toHaveLength(0);
    const id = await importRunFile(text, 'lenet_first.run.json');
    expect(id).toBe(run.id);
    const back = useRuns.getState().runs.find((r) => r.id === id) as RunWithExtras;
    expect(back).toMatchObject({ name: 'lenet first', tags: ['keeper', 'e2e'], bestValAcc: 0.9 });
    const best = await useRuns.getState().loadBestWeights(run.id);
    expect(best!.meta).toEqual(meta);
    expect(Array.from(best!.weights['fc1.w']!)).toEqual(Array.from(weights['fc1.w']!));
    const state = await useRuns.getState().loadCheckpoint(run.id, meta.name);
    expect(state!.optimizer.step).toBe(8);
    expect(Array.from(state!.optimizer.v['conv2.w']!)).toEqual(Array.from(v['conv2.w']!));
  });

  it('importing the same file again adds no second row and says so', async () => {
    const before = useRuns.getState().runs.length;
    const id = await importRunFile(text, 'again.run.json');
    expect(id).toBe(run.id);
    expect(useRuns.getState().runs).toHaveLength(before);
    expect(useNotices.getState().notices.at(-1)!.title).toBe('Run "lenet first" is already in the list');
  });

  it('a different run under the same id is imported beside it', async () => {
    const doc = JSON.parse(text) as { run: { createdAt: number } };
    doc.run.createdAt += 1;
    const id = await importRunFile(JSON.stringify(doc), 'other.run.json');
    expect(id).not.toBe(run.id);
    expect(useRuns.getState().runs.find((r) => r.id === id)!.name).toBe('lenet first (imported)');
    await useRuns.getState().deleteRun(id!);
  });

  it('refuses a newer file and a damaged one, leaving the history as it was', async () => {
    const before = useRuns.getState().runs.map((r) => r.id);
    const newer = JSON.stringify({ ...JSON.parse(text), version: 99 });
    expect(await importRunFile(newer, 'newer.run.json')).toBeNull();
    expect(lastError()!.detail).toMatch(
      /newer\.run\.json was written by a newer Spatter Studio \(run file version 99\)/,
    );
    const doc = JSON.parse(text) as { weights: { tensors: { data: string }[] } };
    doc.weights.tensors[0]!.data = 'AAAA';
    expect(
      await importRunFile(
        JSON.stringify({ ...doc, run: { ...JSON.parse(text).run, id: 'other' } }),
        'bad.run.json',
      ),
    ).toBeNull();
    expect(lastError()!.detail).toMatch(/damaged/);
    expect(useRuns.getState().runs.map((r) => r.id)).toEqual(before);
  });

  it('writes every run’s epochs in one CSV', () => {
    const lines = allRunsMetricsCsv().trim().split('\n');
    expect(lines[0]).toBe('run_id,run_name,epoch,trainLoss,trainAcc,valLoss,valAcc,lr,seconds');
    expect(lines[2]).toBe('run-1,lenet first,2,0.4,0.85,0.3,0.9,0.001,3');
  });

  it('a deleted run leaves the Evaluate model list', async () => {
    const r = { ...run, id: 'run-gone', name: 'gone' };
    await useRuns.getState().saveRun(r);
    useEval.setState({
      models: [
        {
          key: 'run-run-gone',
          label: 'gone',
          info: {
            name: 'lenet5',
            input,
            numOutputs: 1,
            output: 'logit',
            classNames: ['low', 'high'],
            parameters: 1,
          },
          origin: 'run',
          runId: 'run-gone',
        },
      ],
      activeKey: 'run-run-gone',
    });
    await useRuns.getState().deleteRun('run-gone');
    expect(useEval.getState().models).toEqual([]);
    expect(useEval.getState().activeKey).toBeNull();
  });
});
