// Image versions and runs in the studio database (fake-indexeddb in Node): same content is one version, a run's
// results and weights outlive the page and never change, cut-off runs read as interrupted, and a database made
// by schema version 1 opens with its records and the new tables.
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ImageTrainConfig, ResultsJson } from '../core/images/experiment';
import { packWeights, withDatasetVersion } from '../core/images/run-record';
import type { ImageVersionEntry, ImageVersionHeader } from '../core/images/version';
import {
  diffFromLatest,
  finishImageRun,
  imageRunWeights,
  imageVersionItems,
  saveImageVersion,
  startImageRun,
  useImageRuns,
} from './image-runs';
import { resetStudioDbForTests, SCHEMA_V1, StudioDb } from './storage/db';

const header: ImageVersionHeader = {
  classNames: ['a', 'b'],
  task: 'binary',
  splitRecipe: 'stratified 70/15/15, seed 42',
  labelsFrom: 'sub-folders',
  parent: null,
};
const entries: ImageVersionEntry[] = ['a/1.png', 'a/2.png', 'b/3.png'].map((path, i) => ({
  path,
  digest: `d${i}`,
  height: 32,
  width: 160,
  channels: 1,
  labels: [i < 2 ? 0 : 1],
  origin: 'folder-name',
  split: i === 0 ? 'val' : 'train',
}));

const config = { model: 'convnext-atto-cbam', task: 'binary', classNames: ['a', 'b'] } as ImageTrainConfig;
const results = {
  schema: 'spatter-studio/image-results@1',
  experiment: { runId: 'run-1' },
  dataset: { source: 'sub-folders', images: 3, train: 2, val: 1, test: 0, classCounts: [2, 1] },
  test: { macro: { f1: 0.5 }, micro: { f1: 0.75 } },
} as unknown as ResultsJson;

beforeEach(() => {
  resetStudioDbForTests();
  useImageRuns.setState({ versions: [], runs: [], loaded: false, current: null });
});

describe('image versions and runs in the studio database', () => {
  it('keeps one version for the same content and gives its images back', async () => {
    const v1 = await saveImageVersion(header, entries);
    const again = await saveImageVersion(header, [...entries].reverse(), 'other name');
    expect(again.id).toBe(v1.id);
    expect(again.name).toBe('v1');
    const v2 = await saveImageVersion(
      header,
      entries.map((e) => ({ ...e, split: 'train' as const })),
    );
    expect(v2.id).not.toBe(v1.id);
    expect(v2.name).toBe('v2');
    expect(await imageVersionItems(v1.id)).toEqual(entries);
    await useImageRuns.getState().load();
    expect(useImageRuns.getState().versions.map((v) => v.id)).toEqual([v2.id, v1.id]);
  });

  it('says how a set differs from the latest kept version', async () => {
    expect(await diffFromLatest(header, entries, 'iv-x')).toBeNull();
    const v = await saveImageVersion(header, entries);
    expect(await diffFromLatest(header, entries, v.id)).toBeNull();
    const moved = entries.map((e, i) => (i === 0 ? { ...e, split: 'train' as const, labels: [1] } : e));
    const d = await diffFromLatest(
      { ...header, splitRecipe: 'by hand' },
      [...moved, { ...entries[0]!, path: 'c/4.png' }],
      'iv-y',
    );
    expect(d?.against.id).toBe(v.id);
    expect(d?.changes).toEqual([
      '1 image added',
      '1 image relabelled',
      '1 image in a different split',
      'split by hand',
    ]);
  });

  it('records a run with its version, results.json and weights, and never changes its results', async () => {
    const v = await saveImageVersion(header, entries);
    await startImageRun({ id: 'run-1', createdAt: 1, backend: 'wasm', config, datasetVersionId: v.id });
    const weights = { 'stem.w': new Float32Array([1, 2, 3]), 'head.b': new Float32Array([-0.5]) };
    const r = withDatasetVersion(results, v);
    expect(r.dataset.version).toMatchObject({ id: v.id, images: { train: 2, val: 1, test: 0, excluded: 0 } });
    expect(r.dataset.version!.classCounts.train).toEqual([1, 1]);
    await finishImageRun('run-1', { history: [], results: r, weights: packWeights(weights) });
    // a fresh page: only what the database holds
    await useImageRuns.getState().load();
    const [rec] = useImageRuns.getState().runs;
    expect(rec).toMatchObject({ id: 'run-1', status: 'done', datasetVersionId: v.id });
    expect(rec!.results!.dataset.version!.id).toBe(v.id);
    expect(await imageRunWeights(rec!)).toEqual(weights);
    await expect(
      finishImageRun('run-1', { history: [], results: { ...r, test: { macro: { f1: 1 } } } as ResultsJson }),
    ).rejects.toThrow('Run run-1 already has its results');
    await useImageRuns.getState().load();
    expect(useImageRuns.getState().runs[0]!.results!.test.macro.f1).toBe(0.5);
  });

  it('marks a run cut off by a reload as interrupted, and a failed run with its error and no weights', async () => {
    const v = await saveImageVersion(header, entries);
    await startImageRun({ id: 'cut', createdAt: 1, backend: 'wasm', config, datasetVersionId: v.id });
    await startImageRun({ id: 'bad', createdAt: 2, backend: 'wasm', config, datasetVersionId: v.id });
    await finishImageRun('bad', { history: [], error: 'out of memory' });
    await useImageRuns.getState().load();
    const byId = Object.fromEntries(useImageRuns.getState().runs.map((r) => [r.id, r]));
    expect(byId.cut!.status).toBe('interrupted');
    expect(byId.bad).toMatchObject({ status: 'failed', error: 'out of memory', weights: null });
    await expect(imageRunWeights(byId.bad!)).rejects.toThrow('Run bad has no stored weights (it failed)');
  });

  it('opens a database written by schema version 1 with its records, and adds the image tables', async () => {
    const name = `v1-${Math.random()}`;
    const old = new Dexie(name);
    old.version(1).stores(SCHEMA_V1);
    await old.table('runs').put({ id: 'crop-run', createdAt: 3 });
    await old.table('datasetVersions').put({ id: 'dv-1', createdAt: 1, parent: null });
    old.close();
    const db = new StudioDb(name);
    expect((await db.runs.get('crop-run'))?.createdAt).toBe(3);
    expect((await db.datasetVersions.get('dv-1'))?.id).toBe('dv-1');
    expect(await db.imageRuns.count()).toBe(0);
    expect(db.verno).toBe(2);
    db.close();
  });
});
