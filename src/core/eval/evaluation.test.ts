// The evaluation bundle, predictions CSV, run comparison and the run file format.
import { describe, expect, it } from 'vitest';
import { allMetricsCsv, bestEpoch, configDiff, metricMode, overlaySeries } from './compare';
import { csvCell, predictionsToCsv, toCsv } from './csv';
import { cellMembers, evaluate, summarizeEvaluation, type PredictionSet } from './evaluation';
import {
  decodeTensor,
  encodeTensor,
  makeRunFile,
  parseRunFile,
  RUN_FILE_VERSION,
  serializeRunFile,
} from './run-file';

const set: PredictionSet = {
  split: 'test',
  classNames: ['low', 'high'],
  ids: ['a/d/0', 'a/d/1', 'b/d/0', 'b/d/1', 'b/d/2'],
  labels: new Uint8Array([0, 0, 1, 1, 1]),
  probs: new Float32Array([0.1, 0.7, 0.95, 0.4, 0.6]),
  numOutputs: 1,
};

describe('evaluate', () => {
  it('builds every figure at the threshold and lists mistakes most confident first', () => {
    const ev = evaluate(set);
    expect(ev.confusion.counts).toEqual([
      [1, 1],
      [1, 2],
    ]);
    expect(ev.report.accuracy).toBeCloseTo(0.6, 12);
    // mistakes: index 1 (said high at 0.7), index 3 (said low at 0.6)
    expect(ev.misclassified).toEqual([1, 3]);
    // ranked pairs: 0.95 beats both negatives, 0.4 and 0.6 beat 0.1 only -> 4 of 6
    expect(ev.roc!.auc).toBeCloseTo(4 / 6, 6);
    expect(cellMembers(ev, set.labels, 1, 1)).toEqual([2, 4]);
  });

  it('moving the threshold changes the confusion matrix', () => {
    const ev = evaluate(set, 0.75);
    expect(ev.confusion.counts).toEqual([
      [2, 0],
      [2, 1],
    ]);
    expect(summarizeEvaluation(ev)).toMatchObject({ split: 'test', threshold: 0.75, total: 5 });
  });

  it('refuses an inconsistent set', () => {
    expect(() => evaluate({ ...set, ids: ['x'] })).toThrow(/inconsistent/);
    expect(() => evaluate({ ...set, classNames: ['a', 'b', 'c'] })).toThrow(/2 classes/);
  });
});

describe('csv', () => {
  it('quotes what needs quoting', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell(NaN)).toBe('NaN');
    expect(toCsv(['x', 'y'], [[1, null]])).toBe('x,y\n1,\n');
  });

  it('writes one prediction row per sample', () => {
    const ev = evaluate(set);
    const lines = predictionsToCsv(set, ev.predicted, ev.confidence).trim().split('\n');
    expect(lines[0]).toBe('id,split,actual,predicted,p_high,confidence,correct');
    expect(lines).toHaveLength(6);
    expect(lines[2]).toMatch(/^a\/d\/1,test,low,high,0\.699999\d*,0\.699999\d*,false$/);
  });
});

describe('compare', () => {
  const a = { training: { lr: 0.001, epochs: 20 }, data: { ratios: [0.6, 0.2, 0.2] } };
  const b = { training: { lr: 0.01, epochs: 20 }, data: { ratios: [0.6, 0.2, 0.2] } };

  it('shows only the keys that differ when asked', () => {
    expect(configDiff([a, b]).map((r) => r.key)).toEqual(['training.lr', 'training.epochs', 'data.ratios']);
    expect(configDiff([a, b], true)).toEqual([
      { key: 'training.lr', values: ['0.001', '0.01'], differs: true },
    ]);
  });

  it('a key missing from one run differs', () => {
    const rows = configDiff([a, { training: { lr: 0.001 } }], true);
    expect(rows.map((r) => r.key)).toEqual(['training.epochs', 'data.ratios']);
    expect(rows[0]!.values).toEqual(['20', '']);
  });

  const hist = [
    { epoch: 1, val_acc: 0.8, val_loss: 0.5 },
    { epoch: 2, val_acc: 0.9, val_loss: 0.3 },
    { epoch: 3, val_acc: 0.9, val_loss: 0.35 },
  ];

  it('finds the best epoch by the metric direction', () => {
    expect(metricMode('val_loss')).toBe('min');
    expect(metricMode('val_acc')).toBe('max');
    expect(bestEpoch(hist, 'val_acc')!.epoch).toBe(2);
    expect(bestEpoch(hist, 'val_loss')!.epoch).toBe(2);
    expect(bestEpoch(hist, 'nope')).toBeUndefined();
  });

  it('overlays curves by epoch and writes all metrics as CSV', () => {
    const rows = overlaySeries(
      [
        { id: 'r1', history: hist },
        { id: 'r2', history: hist.slice(0, 1) },
      ],
      'val_acc',
    );
    expect(rows).toEqual([
      { epoch: 1, r1: 0.8, r2: 0.8 },
      { epoch: 2, r1: 0.9 },
      { epoch: 3, r1: 0.9 },
    ]);
    const csv = allMetricsCsv([{ id: 'r1', name: 'first, run', history: hist }]);
    expect(csv.split('\n')[0]).toBe('run_id,run_name,epoch,val_acc,val_loss');
    expect(csv.split('\n')[1]).toBe('r1,"first, run",1,0.8,0.5');
  });
});

describe('run file', () => {
  const w = new Float32Array([1.5, -2, 3.25, 0]);
  const file = makeRunFile(
    { id: 'r1', name: 'lenet', config: { training: { lr: 0.001 } }, bestValAcc: NaN },
    { model: 'lenet5', input: { size: 32, channels: 3 }, tensors: [encodeTensor('fc3.b', [2, 2], w)] },
    new Date('2025-01-01T00:00:00Z'),
  );

  it('round-trips a run and its weights', () => {
    const back = parseRunFile(serializeRunFile(file), 'r1.run.json');
    expect(back.version).toBe(RUN_FILE_VERSION);
    expect(back.run).toMatchObject({ id: 'r1', name: 'lenet', bestValAcc: 'NaN' });
    expect(Array.from(decodeTensor(back.weights!.tensors[0]!))).toEqual([1.5, -2, 3.25, 0]);
  });

  it('refuses a file from a newer studio, naming the file and both versions', () => {
    const newer = serializeRunFile({ ...file, version: RUN_FILE_VERSION + 1 });
    expect(() => parseRunFile(newer, 'new.run.json')).toThrow(
      new RegExp(
        `new\\.run\\.json was written by a newer Spatter Studio \\(run file version ${RUN_FILE_VERSION + 1}\\)`,
      ),
    );
  });

  it('refuses files that are not run files', () => {
    expect(() => parseRunFile('PK\u0003\u0004', 'x.zip')).toThrow(
      /x\.zip is not a Spatter Studio run file: it is not JSON/,
    );
    expect(() => parseRunFile('{"format":"other"}', 'm.json')).toThrow(/not a Spatter Studio run file/);
    expect(() => parseRunFile(JSON.stringify({ ...file, run: { id: 1 } }))).toThrow(/no run record/);
  });

  it('detects damaged weights', () => {
    expect(() => decodeTensor({ name: 't', shape: [3], dtype: 'float32', data: btoa('abcd') })).toThrow(
      /damaged/,
    );
  });
});
