// The report's summary and CSV.
import { describe, expect, it } from 'vitest';
import { reportCsv, reportJson, summarize, type ChunkRow } from './report';

function row(
  chunk: number,
  status: ChunkRow['status'],
  accuracy: number | null,
  f1: number | null,
): ChunkRow {
  return {
    chunk,
    chunkCrops: 100,
    trainedOn: chunk * 100,
    samplesSoFar: chunk * 100,
    status,
    accuracy,
    f1,
    precision: accuracy,
    recall: accuracy,
    productionAccuracy: null,
    productionAfter: accuracy,
    pValue: null,
    significance: null,
    reason: status === 'failed' ? 'NaN loss, "bad"' : 'ok',
    note: '',
    versionId: null,
    versionN: chunk,
    runId: `run-${chunk}`,
    candidateEvaluationId: null,
    productionEvaluationId: null,
    seconds: 1.23456,
    finishedAt: 0,
  };
}

describe('incremental report', () => {
  const rows = [
    row(1, 'promoted', 0.7, 0.6),
    row(2, 'local', 0.6, 0.5),
    row(3, 'failed', null, null),
    row(4, 'promoted', 0.9, 0.8),
  ];
  it('summarizes like the research (failed chunks out of the statistics)', () => {
    const s = summarize(rows);
    expect(s).toMatchObject({
      chunks: 4,
      failed: 1,
      improvements: 2,
      localOnly: 1,
      bestAccuracy: 0.9,
      worstAccuracy: 0.6,
    });
    expect(s.meanAccuracy).toBeCloseTo(2.2 / 3, 12);
    expect(s.bestF1).toBe(0.8);
    expect(s.meanF1).toBeCloseTo(1.9 / 3, 12);
    expect(s.finalProductionAccuracy).toBe(0.9);
    expect(summarize([]).meanAccuracy).toBeNull();
  });
  it('writes one CSV row per chunk with quoting', () => {
    const csv = reportCsv(rows).trim().split('\n');
    expect(csv).toHaveLength(5);
    expect(csv[0]).toMatch(/^chunk,chunk_crops,samples_so_far/);
    expect(csv[3]).toContain('"NaN loss, ""bad"""');
    expect(reportJson('p', {}, { count: 5, datasetVersionId: null }, rows).summary.chunks).toBe(4);
  });
});
