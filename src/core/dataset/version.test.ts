import { describe, expect, it } from 'vitest';
import {
  decodeItems,
  describeDifference,
  diffVersions,
  emptyItems,
  encodeItems,
  isSameContent,
  makeDatasetVersion,
  splitIndices,
  SPLIT_NAMES,
  type DatasetVersionHeader,
} from './version';

function header(): DatasetVersionHeader {
  return {
    classNames: ['low gas flow', 'high gas flow'],
    sources: [
      {
        id: 's1',
        name: 'left_low_0.h5',
        kind: 'file',
        contentDigest: 'aaa',
        digestMethod: 'fnv',
        sizeBytes: 10,
        datasets: ['d0'],
        crops: 4,
      },
      {
        id: 's2',
        name: 'left_high_2.h5',
        kind: 'file',
        contentDigest: 'bbb',
        digestMethod: 'fnv',
        sizeBytes: 10,
        datasets: ['d0'],
        crops: 2,
      },
    ],
    splitRecipe: 'random 60/20/20 seed 1234',
    parent: null,
  };
}

function items() {
  const it = emptyItems(6);
  for (let i = 0; i < 6; i++) {
    it.source[i] = i < 4 ? 0 : 1;
    it.index[i] = i < 4 ? i : i - 4;
    it.label[i] = i < 4 ? 0 : 1;
    it.labelSource[i] = 1;
    it.split[i] = [0, 0, 1, 2, 0, 2][i]!;
  }
  return it;
}

describe('dataset versions', () => {
  it('round-trips the packed items and gives equal content the same id', () => {
    const a = makeDatasetVersion(header(), items(), 'v1', 1);
    const b = makeDatasetVersion(header(), items(), 'other name', 2);
    expect(a.version.id).toBe(b.version.id);
    const back = decodeItems(a.itemBytes);
    expect(Array.from(back.split)).toEqual(Array.from(items().split));
    expect(Array.from(back.index)).toEqual(Array.from(items().index));
    expect(encodeItems(back)).toEqual(a.itemBytes);
    expect(a.version.counts.perSplit.train).toEqual([2, 1]);
    expect(a.version.counts.perSplit.test).toEqual([1, 1]);
  });

  it('changes the id when one label or one split changes', () => {
    const base = makeDatasetVersion(header(), items(), 'v1', 1).version.id;
    const relabelled = items();
    relabelled.label[0] = 1;
    expect(makeDatasetVersion(header(), relabelled, 'v', 1).version.id).not.toBe(base);
    const resplit = items();
    resplit.split[0] = 2;
    expect(makeDatasetVersion(header(), resplit, 'v', 1).version.id).not.toBe(base);
  });

  it('refuses an unlabelled crop inside a split', () => {
    const bad = items();
    bad.label[1] = -1;
    expect(() => makeDatasetVersion(header(), bad, 'v', 1)).toThrow(/unlabelled but placed in a split/);
    bad.split[1] = SPLIT_NAMES.indexOf('excluded');
    const ok = makeDatasetVersion(header(), bad, 'v', 1);
    expect(ok.version.counts.unlabelled).toBe(1);
  });

  it('names what differs between two versions', () => {
    const h = header();
    const a = items();
    const b = items();
    b.label[0] = 1;
    b.split[1] = 2;
    const d = diffVersions(h, a, h, b);
    expect(d.changedLabels).toBe(1);
    expect(d.changedSplits).toBe(1);
    expect(isSameContent(d)).toBe(false);
    expect(describeDifference(d)).toEqual(['1 crop with changed labels', '1 crop in a different split']);
    const h2 = { ...h, sources: [h.sources[0]!] };
    const onlyFirst = emptyItems(4);
    for (let i = 0; i < 4; i++) {
      onlyFirst.index[i] = i;
      onlyFirst.label[i] = 0;
      onlyFirst.split[i] = a.split[i]!;
    }
    const d2 = diffVersions(h, a, h2, onlyFirst);
    expect(d2.missingSources).toEqual(['left_high_2.h5']);
    expect(describeDifference(d2)[0]).toBe('missing source: left_high_2.h5');
    expect(isSameContent(diffVersions(h, a, h, items()))).toBe(true);
  });

  it('lists the crops of a split', () => {
    expect(Array.from(splitIndices(items(), 'test'))).toEqual([3, 5]);
  });
});
