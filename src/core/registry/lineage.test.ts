// Lineage files: round trip, validation messages that name the problem, merge rules.
import { describe, expect, it } from 'vitest';
import { buildLineage, lineageOf, LineageError, parseLineage, planMerge } from './lineage';
import { promoteEvents, type ModelVersion } from './registry';

function version(n: number, id = `mv-${n}`): ModelVersion {
  return {
    id,
    n,
    createdAt: 1000 + n,
    runId: `run-${n}`,
    checkpoint: 'epoch-1',
    datasetVersionId: 'dv-1',
    metrics: { accuracy: 0.8, f1: 0.79, precision: 0.8, recall: 0.78, count: 100, evaluationId: 'ev-1' },
    card: {
      model: 'lenet5',
      input: { size: 32, channels: 1 },
      classNames: ['low gas flow', 'high gas flow'],
      trainedOn: 'x',
      training: {},
      intendedUse: 'x',
      limitations: 'x',
    },
    origin: 'trained',
    pipelineId: null,
    chunk: null,
  };
}

function file() {
  let k = 0;
  const newId = () => `e${k++}`;
  const ev1 = promoteEvents([], 'mv-1', { at: 10, reason: 'gate', newId });
  const ev2 = promoteEvents(ev1, 'mv-2', { at: 20, reason: 'gate', newId });
  return buildLineage({
    exportedAt: 30,
    versions: [version(1), version(2)],
    aliasEvents: [...ev1, ...ev2],
    runs: [],
    datasetVersions: [],
    evaluations: [],
  });
}

describe('lineage files', () => {
  it('round-trips through JSON', () => {
    const f = file();
    const back = parseLineage(JSON.stringify(f));
    expect(back.versions).toEqual(f.versions);
    expect(back.aliasEvents).toEqual(f.aliasEvents);
  });

  it('names what is wrong with a bad file', () => {
    expect(() => parseLineage('{')).toThrow(/not JSON/);
    expect(() => parseLineage('{"format":"other"}')).toThrow(/not a Spatter Studio lineage/);
    const f = file();
    const badAlias = { ...f, aliasEvents: [{ ...f.aliasEvents[0]!, alias: 'staging' }] };
    expect(() => parseLineage(JSON.stringify(badAlias))).toThrow(/aliasEvents\[0\]: alias "staging"/);
    const dangling = { ...f, versions: [f.versions[1]!] };
    expect(() => parseLineage(JSON.stringify(dangling))).toThrow(
      /points at version mv-1, which is not in the file/,
    );
    const badMetric = {
      ...f,
      versions: [{ ...f.versions[0]!, metrics: { ...f.versions[0]!.metrics, accuracy: 1.5 } }],
    };
    expect(() => parseLineage(JSON.stringify(badMetric))).toThrow(/versions\[0\]\.metrics\.accuracy/);
    const twice = { ...f, versions: [f.versions[0]!, { ...f.versions[1]!, n: 1 }] };
    expect(() => parseLineage(JSON.stringify(twice))).toThrow(/version number 1 appears twice/);
  });

  it('merges by id and refuses a different model under a taken number', () => {
    const f = file();
    const fresh = planMerge({ versions: [], aliasEvents: [] }, f);
    expect(fresh.versions.map((v) => [v.n, v.origin])).toEqual([
      [1, 'imported'],
      [2, 'imported'],
    ]);
    expect(fresh.aliasEvents).toHaveLength(f.aliasEvents.length);
    const again = planMerge({ versions: f.versions, aliasEvents: f.aliasEvents }, f);
    expect(again).toEqual({ versions: [], aliasEvents: [], known: 2 });
    expect(() => planMerge({ versions: [version(1, 'mv-other')], aliasEvents: [] }, f)).toThrow(LineageError);
  });

  it('cuts the lineage of one version', () => {
    const one = lineageOf(file(), 'mv-1');
    expect(one.versions.map((v) => v.id)).toEqual(['mv-1']);
    expect(one.aliasEvents.every((e) => e.versionId === 'mv-1')).toBe(true);
    expect(one.aliasEvents.map((e) => e.alias).sort()).toEqual(['previous', 'production']);
  });
});
