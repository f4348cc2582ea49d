// The pipeline plan: frozen held-out set, seeded chunk order independent of source order, strategies, refusals.
import { describe, expect, it } from 'vitest';
import { DEFAULT_GATE } from '../registry/gate';
import {
  assertNoOverlap,
  chunkNote,
  chunkProblem,
  extendBySource,
  planBySource,
  planPipeline,
  pipelineSecondsLeft,
  splitTrainVal,
  trainingIds,
  type PipelineConfig,
} from './plan';

const config: PipelineConfig = {
  chunking: 'seeded',
  chunkSize: 10,
  heldOut: 20,
  maxChunks: 0,
  strategy: 'scratch',
  replaySize: 5,
  valFraction: 0.2,
  epochs: 1,
  batchSize: 32,
  lr: 1e-3,
  seed: 7,
  onChunkFailure: 'continue',
  gate: DEFAULT_GATE,
};
const ids = Array.from({ length: 75 }, (_, i) => `src/ds/${i}`);

describe('planPipeline', () => {
  it('holds out a fixed set, cuts the rest into chunks, never mixing them', () => {
    const p = planPipeline(ids, config);
    expect(p.heldOut).toHaveLength(20);
    expect(p.chunks.map((c) => c.length)).toEqual([10, 10, 10, 10, 10, 5]);
    const all = [...p.heldOut, ...p.chunks.flat()];
    expect(new Set(all).size).toBe(75);
    expect(() => assertNoOverlap(p.heldOut, p.chunks.flat())).not.toThrow();
  });

  it('does not depend on the order the crops are listed in, but on the seed', () => {
    const a = planPipeline(ids, config);
    const b = planPipeline([...ids].reverse(), config);
    expect(b).toEqual(a);
    const c = planPipeline(ids, { ...config, seed: 8 });
    expect(c.heldOut).not.toEqual(a.heldOut);
  });

  it('stops at maxChunks and refuses sizes the data cannot fill', () => {
    expect(planPipeline(ids, { ...config, maxChunks: 3 }).chunks).toHaveLength(3);
    expect(() => planPipeline(ids.slice(0, 25), config)).toThrow(/25 crops are open/);
    expect(() => planPipeline([...ids, ids[0]!], config)).toThrow(/appear twice/);
  });
});

describe('trainingIds', () => {
  const p = planPipeline(ids, config);
  it('expands for scratch and warm start, replays for warm-replay', () => {
    expect(trainingIds(p, 2, config)).toEqual([...p.chunks[0]!, ...p.chunks[1]!, ...p.chunks[2]!]);
    const r = trainingIds(p, 2, { ...config, strategy: 'warm-replay' });
    expect(r.slice(0, 10)).toEqual(p.chunks[2]);
    expect(r).toHaveLength(15);
    const earlier = new Set([...p.chunks[0]!, ...p.chunks[1]!]);
    expect(r.slice(10).every((id) => earlier.has(id))).toBe(true);
    expect(trainingIds(p, 2, { ...config, strategy: 'warm-replay' })).toEqual(r);
  });
});

describe('bad input', () => {
  it('refuses a held-out set that shares crops with training data', () => {
    expect(() => assertNoOverlap(['a', 'b'], ['c', 'b'])).toThrow(
      /shares 1 crop with the training data \(e\.g\. b\)/,
    );
  });
  it('names an empty chunk and a one-class training set', () => {
    const names = ['low gas flow', 'high gas flow'];
    expect(chunkProblem(3, [], [0, 1], names)).toMatch(/Chunk 3 is empty/);
    expect(chunkProblem(1, [1, 1], [1, 1], names)).toMatch(/only "high gas flow" crops/);
    expect(chunkProblem(2, [1, 1], [0, 1, 1], names)).toBeNull();
    expect(chunkNote([1, 1], names)).toBe('chunk holds only "high gas flow" crops');
  });
});

describe('splitTrainVal and time left', () => {
  it('keeps each class in both parts, seeded', () => {
    const labels = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1];
    const s = splitTrainVal(labels.map(String), labels, 0.2, 1);
    expect(s.val.map((i) => labels[i])).toEqual([0, 1]);
    expect(s.train).toHaveLength(8);
    expect(splitTrainVal(labels.map(String), labels, 0.2, 1)).toEqual(s);
  });
  it('estimates the time left from seconds per sample', () => {
    expect(pipelineSecondsLeft([10, 20], [100, 200], [300, 400])).toBeCloseTo(70, 10);
    expect(pipelineSecondsLeft([], [], [1])).toBeNull();
  });
});

describe('one chunk per source', () => {
  const src = (id: string) => id.slice(0, id.indexOf('/'));
  const a = Array.from({ length: 30 }, (_, i) => `build_a/ds/${i}`);
  const b = Array.from({ length: 20 }, (_, i) => `build_b/ds/${i}`);
  it('holds out across the sources once and makes a chunk of each source, in arrival order', () => {
    const p = planBySource([...b, ...a], src, ['build_b', 'build_a'], { ...config, heldOut: 10 });
    expect(p.heldOut).toHaveLength(10);
    expect(p.chunks.map((c) => src(c[0]!))).toEqual(['build_b', 'build_a']);
    expect(p.chunks.flat().length + 10).toBe(50);
    expect(() => assertNoOverlap(p.heldOut, p.chunks.flat())).not.toThrow();
  });
  it('appends a chunk for a new build and keeps the held-out set frozen', () => {
    const p = planBySource([...a, ...b], src, ['build_a', 'build_b'], { ...config, heldOut: 10 });
    const c = Array.from({ length: 15 }, (_, i) => `build_c/ds/${i}`);
    const q = extendBySource(p, [...a, ...b, ...c], src, ['build_a', 'build_b', 'build_c']);
    expect(q.heldOut).toEqual(p.heldOut);
    expect(q.chunks.slice(0, 2)).toEqual(p.chunks);
    expect(q.chunks[2]).toEqual([...c].sort());
    expect(extendBySource(q, [...a, ...b, ...c], src, [])).toEqual(q);
  });
  it('refuses a held-out set as large as the data', () => {
    expect(() => planBySource(a, src, ['build_a'], { ...config, heldOut: 30 })).toThrow(/30 crops are open/);
  });
});
