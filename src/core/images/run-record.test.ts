// Image run records: weights packed in a given order unpack to the same arrays, a wrong size is refused, and a
// record's results never change once written.
import { describe, expect, it } from 'vitest';
import type { ImageTrainConfig, ResultsJson } from './experiment';
import { endRun, packWeights, unpackWeights, type ImageRunRecord } from './run-record';

describe('image run records', () => {
  it('pack weights in the given order and unpack them to equal arrays', () => {
    const w = { b: new Float32Array([3, 4, 5]), a: new Float32Array([1.5, -2]) };
    const { bytes, manifest } = packWeights(w, ['a', 'b']);
    expect(manifest).toEqual({ names: ['a', 'b'], lengths: [2, 3] });
    expect(Array.from(new Float32Array(bytes.buffer))).toEqual([1.5, -2, 3, 4, 5]);
    expect(unpackWeights(bytes, manifest)).toEqual(w);
    expect(() => unpackWeights(bytes.subarray(4), manifest)).toThrow('expected 20 bytes, got 16');
    expect(() => packWeights(w, ['a', 'c'])).toThrow('"c" is missing');
  });

  it('end a run once: a record with results keeps them', () => {
    const rec: ImageRunRecord = {
      id: 'r',
      createdAt: 1,
      finishedAt: null,
      status: 'running',
      backend: 'wasm',
      config: {} as ImageTrainConfig,
      datasetVersionId: 'iv-1',
      history: [],
      results: null,
      error: null,
      weights: null,
    };
    const results = { test: { macro: { f1: 0.4 } } } as ResultsJson;
    const done = endRun(rec, { status: 'done', history: [], results, error: null, weights: null }, 7);
    expect(done).toMatchObject({ status: 'done', finishedAt: 7, results });
    expect(() =>
      endRun(done, { status: 'failed', history: [], results: null, error: 'x', weights: null }, 8),
    ).toThrow('Run r already has its results');
  });
});
