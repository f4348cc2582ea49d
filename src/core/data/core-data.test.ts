import { describe, expect, it } from 'vitest';
import { inferLabel, nameTokens, sourceOfFile } from './labels';
import { CsvIndexError, formatIndexCsv, parseIndexCsv, shuffledRows } from './csv-index';
import { applyClassRatio, cutPoints, makeSplit, SplitError } from './splits';
import { classCounts, summarize } from './stats';
import { checkCrop, contentHash, type CropMeasure } from './quality';
import { resizeBilinear, toGrey } from './grey-resize';

describe('labels', () => {
  it('infers the research classes from file names', () => {
    expect(inferLabel('left_low_0.h5')).toBe(0);
    expect(inferLabel('mid_high_2.h5')).toBe(1);
    expect(inferLabel('/data/right_high_5.hdf5')).toBe(1);
    expect(inferLabel('lowlands.h5')).toBeNull();
    expect(inferLabel('low_high.h5')).toBeNull();
  });
  it('supports any number of classes', () => {
    const classes = [
      { name: 'a', tokens: ['argon'] },
      { name: 'b', tokens: ['nitrogen'] },
      { name: 'c', tokens: ['helium', 'he'] },
    ];
    expect(inferLabel('x_he_1.h5', classes)).toBe(2);
    expect(inferLabel('x_nitrogen.h5', classes)).toBe(1);
  });
  it('splits names into tokens and finds the source', () => {
    expect(nameTokens('Left-Low_0.h5')).toEqual(['left', 'low', '0']);
    expect(sourceOfFile('left_low_0.h5')).toBe('left_low');
  });
});

describe('CSV index', () => {
  const rows = [
    { file: 'left_low_0.h5', dataset: 'spatter_low_flow_0', dsIdx: 0, label: 0 },
    { file: 'a,b.h5', dataset: 'd', dsIdx: 7, label: 1 },
  ];
  it('round-trips', () => {
    const text = formatIndexCsv(rows);
    expect(text.split('\n')[0]).toBe('file,dataset,ds_idx,label');
    expect(parseIndexCsv(text)).toEqual(rows);
  });
  it('reads a pandas CSV with an unnamed index column', () => {
    const text = ',file,dataset,ds_idx,label\n0,left_low_0.h5,spatter_low_flow_0,3,0\n';
    expect(parseIndexCsv(text)).toEqual([
      { file: 'left_low_0.h5', dataset: 'spatter_low_flow_0', dsIdx: 3, label: 0 },
    ]);
  });
  it('names the bad line', () => {
    expect(() => parseIndexCsv('file,dataset,ds_idx,label\na,b,x,0\n')).toThrow(/Line 2/);
    expect(() => parseIndexCsv('a,b\n')).toThrow(CsvIndexError);
  });
  it('shuffles like random.Random(seed).shuffle', () => {
    const many = Array.from({ length: 20 }, (_, i) => ({ file: 'f', dataset: 'd', dsIdx: i, label: 0 }));
    expect(shuffledRows(many, 1234).map((r) => r.dsIdx)).toEqual([
      19, 13, 4, 9, 16, 7, 6, 8, 17, 18, 5, 12, 15, 11, 10, 1, 2, 0, 3, 14,
    ]);
  });
});

describe('splits', () => {
  // 101 low + 237 high crops, as the two fixtures.
  const labels = Uint8Array.from([...Array<number>(101).fill(0), ...Array<number>(237).fill(1)]);

  it('reproduces the research random 60/20/20 split with seed 1234 (values from CPython)', () => {
    const s = makeSplit(labels, { kind: 'random', seed: 1234, ratios: [0.6, 0.2, 0.2] });
    expect([s.train.length, s.val.length, s.test.length]).toEqual([202, 68, 68]);
    expect(Array.from(s.train.slice(0, 8))).toEqual([290, 269, 122, 317, 126, 235, 299, 103]);
    expect(Array.from(s.val.slice(0, 5))).toEqual([201, 82, 184, 281, 68]);
    expect(Array.from(s.test.slice(-3))).toEqual([3, 59, 225]);
    expect(s.description).toBe('random 60/20/20, seed 1234');
  });
  it('cuts like int(0.8 * n) even though 0.6 + 0.2 != 0.8 in floats', () => {
    expect(cutPoints(10, [0.6, 0.2, 0.2])).toEqual([6, 8]);
    expect(() => cutPoints(10, [0.5, 0.2, 0.2])).toThrow(SplitError);
  });
  it('stratifies: every split keeps the class balance', () => {
    const s = makeSplit(labels, { kind: 'stratified', seed: 1, ratios: [0.7, 0.15, 0.15] });
    const all = [...s.train, ...s.val, ...s.test];
    expect(new Set(all).size).toBe(338);
    expect(classCounts(Array.from(s.train, (i) => labels[i]!))).toEqual([70, 165]);
    expect(classCounts(Array.from(s.test, (i) => labels[i]!))).toEqual([16, 36]);
  });
  it('applies a class ratio by subsampling the larger class', () => {
    const r = applyClassRatio(labels, [1, 1], 7);
    expect(classCounts(r.kept.map((i) => labels[i]!))).toEqual([101, 101]);
    expect(r.dropped).toBe(136);
    const s = makeSplit(labels, { kind: 'random', seed: 7, ratios: [0.6, 0.2, 0.2], classRatio: [1, 1] });
    expect(s.train.length + s.val.length + s.test.length).toBe(202);
    expect(s.description).toContain('class ratio 1:1');
  });
  it('keeps each source in one split when grouped', () => {
    const groups = Uint32Array.from(labels, (_, i) => Math.floor(i / 20)); // 17 sources
    const s = makeSplit(labels, { kind: 'grouped', seed: 1234, ratios: [0.6, 0.2, 0.2] }, groups);
    const splitOfGroup = new Map<number, number>();
    [s.train, s.val, s.test].forEach((part, k) => {
      for (const i of part) {
        const g = groups[i]!;
        expect(splitOfGroup.get(g) ?? k).toBe(k);
        splitOfGroup.set(g, k);
      }
    });
    expect(s.train.length).toBeGreaterThan(s.val.length);
    expect(s.test.length).toBeGreaterThan(0);
  });
  it('warns about an empty split', () => {
    const groups = new Uint32Array(338); // one source
    const s = makeSplit(labels, { kind: 'grouped', seed: 1, ratios: [0.6, 0.2, 0.2] }, groups);
    expect(s.warnings.join(' ')).toContain('empty');
  });
  it('is deterministic per seed and differs across seeds', () => {
    const a = makeSplit(labels, { kind: 'random', seed: 5, ratios: [0.6, 0.2, 0.2] });
    const b = makeSplit(labels, { kind: 'random', seed: 5, ratios: [0.6, 0.2, 0.2] });
    const c = makeSplit(labels, { kind: 'random', seed: 6, ratios: [0.6, 0.2, 0.2] });
    expect(a.train).toEqual(b.train);
    expect(a.train).not.toEqual(c.train);
  });
});

describe('stats and quality', () => {
  it('summarizes like numpy', () => {
    expect(summarize([3, 1, 4, 1])).toEqual({ count: 4, min: 1, max: 4, mean: 2.25, median: 2 });
    expect(summarize([]).count).toBe(0);
  });
  it('flags black, undecodable and duplicate crops with their location', () => {
    const seen = new Map();
    const ok: CropMeasure = { width: 30, height: 30, bytes: 100, maxGrey: 200, hash: 'a' };
    expect(checkCrop({ file: 'f.h5', dataset: 'd', index: 0 }, ok, seen)).toEqual([]);
    const dup = checkCrop({ file: 'f.h5', dataset: 'd', index: 5 }, ok, seen);
    expect(dup[0]!.message).toBe('f.h5 › d [5] has the same bytes as f.h5 › d [0]');
    const black = checkCrop({ file: 'f.h5', dataset: 'd', index: 6 }, { ...ok, hash: 'b', maxGrey: 0 }, seen);
    expect(black.map((f) => f.rule)).toEqual(['black']);
    const bad = checkCrop(
      { file: 'f.h5', dataset: 'd', index: 7 },
      { ...ok, hash: 'c', maxGrey: -1, decodeError: 'no JPEG marker' },
      seen,
    );
    expect(bad[0]!.rule).toBe('undecodable');
    expect(bad[0]!.message).toContain('f.h5 › d [7]');
  });
  it('hashes content', () => {
    expect(contentHash(Uint8Array.of(1, 2, 3))).toBe(contentHash(Uint8Array.of(1, 2, 3)));
    expect(contentHash(Uint8Array.of(1, 2, 3))).not.toBe(contentHash(Uint8Array.of(1, 2, 4)));
  });
});

describe('grey resize', () => {
  it('converts RGB to grey with OpenCV weights', () => {
    expect(Array.from(toGrey(Uint8Array.of(255, 0, 0, 0, 255, 0, 0, 0, 255), 3, 3))).toEqual([76, 150, 29]);
  });
  it('keeps a constant image constant and interpolates a ramp', () => {
    const flat = new Uint8Array(50 * 30).fill(77);
    expect(resizeBilinear(flat, 50, 30, 40, 40).every((v) => v === 77)).toBe(true);
    const ramp = Uint8Array.from({ length: 4 }, (_, i) => i * 60); // 4x1
    expect(Array.from(resizeBilinear(ramp, 4, 1, 2, 1))).toEqual([30, 150]);
  });
});

describe('jpeg header', () => {
  it('reads the size from a baseline JPEG header and rejects text', async () => {
    const { jpegSize } = await import('./jpeg-header');
    // SOI, APP0 (len 4, 2 payload bytes), SOF0 len 11: precision 8, height 27, width 200, 3 components.
    const jpg = Uint8Array.of(
      0xff,
      0xd8,
      0xff,
      0xe0,
      0,
      4,
      0,
      0,
      0xff,
      0xc0,
      0,
      11,
      8,
      0,
      27,
      0,
      200,
      3,
      1,
      0x22,
      0,
    );
    expect(jpegSize(jpg)).toEqual({ width: 200, height: 27, channels: 3 });
    expect(jpegSize(new TextEncoder().encode('not a jpeg'))).toBeNull();
  });
});
