import { describe, expect, it } from 'vitest';
import { csvLabels, imageFolderLabels, LabelError, parseCsvRows, steelLabels } from './labels';
import { evaluateImages, multiLabelMetrics } from './metrics';
import { iterativeStratification, splitImages } from './split';
import { classCounts, focalAlpha, lossClassWeights, targetMatrix, type LabelledImage } from './task';

describe('focal alpha from class frequencies', () => {
  it('binary: alpha of class 1 is the share of class 0', () => {
    expect(focalAlpha('binary', [30, 10], 40)).toEqual([0.75]);
  });
  it('multi-class: balanced N / (K n_c)', () => {
    const a = focalAlpha('multi-class', [50, 30, 20], 100);
    expect(a[0]).toBeCloseTo(100 / 150, 10);
    expect(a[1]).toBeCloseTo(100 / 90, 10);
    expect(a[2]).toBeCloseTo(100 / 60, 10);
  });
  it('multi-label: 1 - positive share per class; an empty class takes the largest weight', () => {
    expect(focalAlpha('multi-label', [10, 2], 20)).toEqual([0.5, 0.9]);
    expect(focalAlpha('multi-class', [10, 0, 30], 40)).toEqual([4 / 3, 4 / 3, 40 / 90]);
  });
});

describe('class weights for BCE / cross-entropy', () => {
  it('balanced for multi-class, pos_weight (negatives / positives, at most 10) per class otherwise', () => {
    expect(lossClassWeights('multi-class', [50, 30, 20], 100)[2]).toBeCloseTo(100 / 60, 12);
    expect(lossClassWeights('multi-label', [10, 1, 0], 20)).toEqual([1, 10, 1]);
    expect(lossClassWeights('binary', [30, 10], 40)).toEqual([3]);
  });
});

describe('multi-label metrics (hand-computed)', () => {
  // 5 images, 3 classes
  const actual = [[0, 1], [1], [], [2], []];
  const predicted = [[0], [1, 2], [2], [], []];
  const m = multiLabelMetrics(actual, predicted, ['a', 'b', 'c']);
  it('per class', () => {
    expect(m.perClass.map((c) => [c.precision, c.recall, c.support])).toEqual([
      [1, 1, 1],
      [1, 0.5, 2],
      [0, 0, 1],
    ]);
    expect(m.perClass[1]!.f1).toBeCloseTo(2 / 3, 12);
    expect(m.perClassConfusion).toEqual([
      [
        [4, 0],
        [0, 1],
      ],
      [
        [3, 0],
        [1, 1],
      ],
      [
        [2, 2],
        [1, 0],
      ],
    ]);
  });
  it('micro pools TP 2, FP 2, FN 2; macro and weighted average the classes', () => {
    expect(m.micro).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5 });
    expect(m.macro.precision).toBeCloseTo(2 / 3, 12);
    expect(m.macro.recall).toBeCloseTo(0.5, 12);
    expect(m.macro.f1).toBeCloseTo(5 / 9, 12);
    expect(m.weighted.precision).toBeCloseTo(0.75, 12);
    expect(m.weighted.recall).toBeCloseTo(0.5, 12);
    expect(m.weighted.f1).toBeCloseTo(7 / 12, 12);
    expect(m.accuracy).toBeCloseTo(0.2, 12);
  });
  it('evaluateImages thresholds sigmoid outputs and gives a PR curve per class', () => {
    const items: LabelledImage[] = actual.map((labels, i) => ({ path: `${i}.png`, labels }));
    const probs = [0.9, 0.4, 0.1, 0.2, 0.8, 0.7, 0.3, 0.2, 0.6, 0.1, 0.1, 0.45, 0.0, 0.0, 0.0];
    const e = evaluateImages('multi-label', ['a', 'b', 'c'], items, probs);
    expect(e.micro).toEqual(m.micro);
    expect(e.curves).toHaveLength(3);
    // class a: the one positive has the top score -> AP 1
    expect(e.curves[0]!.ap).toBeCloseTo(1, 12);
    // class c: positive (0.45) ranks third after 0.7 and 0.6 -> AP = precision at its rank = 1/3
    expect(e.curves[2]!.ap).toBeCloseTo(1 / 3, 12);
  });
  it('multi-class evaluation: confusion matrix and micro = accuracy', () => {
    const items: LabelledImage[] = [0, 1, 2, 2].map((l, i) => ({ path: `${i}`, labels: [l] }));
    const probs = [0.8, 0.1, 0.1, 0.2, 0.7, 0.1, 0.1, 0.1, 0.8, 0.6, 0.3, 0.1];
    const e = evaluateImages('multi-class', ['x', 'y', 'z'], items, probs);
    expect(e.confusion).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [1, 0, 1],
    ]);
    expect(e.accuracy).toBe(0.75);
    expect(e.micro.f1).toBe(0.75);
    expect(e.perClass[0]!.precision).toBe(0.5);
    expect(e.macro.recall).toBeCloseTo((1 + 1 + 0.5) / 3, 12);
  });
});

describe('splits', () => {
  function multiLabelSet(n: number): number[][] {
    // class 0 common (~50%), class 1 ~20%, class 2 rare (~4%), some images with none
    return Array.from({ length: n }, (_, i) => {
      const l: number[] = [];
      if (i % 2 === 0) l.push(0);
      if (i % 5 === 1) l.push(1);
      if (i % 25 === 3) l.push(2);
      return l;
    });
  }
  it('iterative stratification keeps every class near 70/15/15 and is seeded', () => {
    const labels = multiLabelSet(200);
    const fold = iterativeStratification(labels, 3, [0.7, 0.15, 0.15], 42);
    expect([...fold].every((f) => f <= 2)).toBe(true);
    const sizes = [0, 1, 2].map((j) => fold.filter((f) => f === j).length);
    expect(Math.abs(sizes[0]! - 140)).toBeLessThanOrEqual(2);
    expect(Math.abs(sizes[1]! - 30)).toBeLessThanOrEqual(2);
    for (let c = 0; c < 3; c++) {
      const total = labels.filter((l) => l.includes(c)).length;
      const inFold = [0, 1, 2].map((j) => labels.filter((l, i) => fold[i] === j && l.includes(c)).length);
      [0.7, 0.15, 0.15].forEach((r, j) => expect(Math.abs(inFold[j]! - r * total)).toBeLessThanOrEqual(1));
    }
    expect(iterativeStratification(labels, 3, [0.7, 0.15, 0.15], 42)).toEqual(fold);
    expect(iterativeStratification(labels, 3, [0.7, 0.15, 0.15], 7)).not.toEqual(fold);
  });
  it('stratified 70/15/15 for multi-class keeps class shares', () => {
    const items = Array.from({ length: 100 }, (_, i) => ({
      path: `${i}`,
      labels: [i < 80 ? 0 : i < 95 ? 1 : 2],
    }));
    const s = splitImages('multi-class', 3, items, 1);
    expect([s.train.length, s.val.length, s.test.length]).toEqual([69, 15, 16]);
    const count = (ids: Uint32Array, c: number) => [...ids].filter((i) => items[i]!.labels[0] === c).length;
    expect([count(s.train, 0), count(s.val, 0), count(s.test, 0)]).toEqual([56, 12, 12]);
    expect(count(s.train, 2) + count(s.val, 2) + count(s.test, 2)).toBe(5);
  });
  it('multi-label split has every image exactly once', () => {
    const items = multiLabelSet(50).map((labels, i) => ({ path: `${i}`, labels }));
    const s = splitImages('multi-label', 3, items, 3);
    const all = [...s.train, ...s.val, ...s.test].sort((a, b) => a - b);
    expect(all).toEqual([...Array(50).keys()]);
    expect(s.description).toMatch(/iterative/);
  });
});

describe('label readers', () => {
  it('ImageFolder: class = parent folder, sorted; non-images ignored', () => {
    const l = imageFolderLabels(['set/dog/1.png', 'set/cat/2.jpg', 'set/cat/3.jpeg', 'set/notes.txt']);
    expect(l.classNames).toEqual(['cat', 'dog']);
    expect(l.task).toBe('binary');
    expect(l.items.map((i) => i.labels[0])).toEqual([1, 0, 0]);
    expect(() => imageFolderLabels(['a.png', 'b/c.png'])).toThrow(/"a.png" is not inside a class folder/);
    expect(() => imageFolderLabels(['x/a.png'])).toThrow(/Only one class folder/);
  });
  it('CSV image,label: multi-class, resolved by file name; errors name file and line', () => {
    const paths = ['d/a.png', 'd/b.png', 'd/c.png'];
    const l = csvLabels('image,label\na.png,scratch\nb.png,pit\r\n"c.png",patch\n', 'labels.csv', paths);
    expect(l.classNames).toEqual(['patch', 'pit', 'scratch']);
    expect(l.task).toBe('multi-class');
    expect(l.items.map((i) => [i.path, i.labels[0]])).toEqual([
      ['d/a.png', 2],
      ['d/b.png', 1],
      ['d/c.png', 0],
    ]);
    expect(() => csvLabels('image,label\na.png,x\nzz.png,y\n', 'labels.csv', paths)).toThrow(
      'labels.csv line 3: image "zz.png" is not among the opened images',
    );
    expect(() => csvLabels('image,label\na.png,\n', 'l.csv', paths)).toThrow(
      /l.csv line 2: image "a.png" has no label/,
    );
    expect(() => csvLabels('name,label\na.png,x\n', 'l.csv', paths)).toThrow(/l.csv line 1: no image column/);
  });
  it('steel layout: several classes per image, no row = no class', () => {
    const paths = ['i/0001.jpg', 'i/0002.jpg', 'i/0003.jpg'];
    const csv = 'ImageId,ClassId,EncodedPixels\n0001.jpg,1,1 3 10 5\n0001.jpg,3,\n0002.jpg,4,7 2\n';
    const l = steelLabels(csv, 'train.csv', paths);
    expect(l.task).toBe('multi-label');
    expect(l.classNames).toEqual(['1', '2', '3', '4']);
    expect(l.items.map((i) => i.labels)).toEqual([[0, 2], [3], []]);
    expect(classCounts(l)).toEqual([1, 0, 1, 1]);
    expect([...targetMatrix('multi-label', 4, l.items)]).toEqual([1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
    expect(() => steelLabels('ImageId,ClassId\n0001.jpg,0\n', 'train.csv', paths)).toThrow(
      'train.csv line 2: ClassId "0" is not a class number (1, 2, 3, ...)',
    );
    expect(() =>
      steelLabels('ImageId,ClassId,EncodedPixels\n0001.jpg,2,1 2 3\n', 'train.csv', paths),
    ).toThrow(/train.csv line 2: EncodedPixels must be pairs/);
    expect(() => steelLabels('ImageId,ClassId\n\n0009.jpg,2\n', 't.csv', paths)).toThrow(LabelError);
  });
  it('CSV rows keep their line numbers across blank lines and quoted newlines', () => {
    expect(parseCsvRows('a,b\n\n"x\ny",2\nz,3').map((r) => r.line)).toEqual([1, 3, 5]);
  });
});

describe('steel-like demo set', () => {
  it('is seeded, grey 256x1600, multi-label in the steel layout, with inclusions the rarest kind', async () => {
    const { generateSteelSet, steelCsv } = await import('./steel-demo');
    const set = generateSteelSet(60, 3, 32, 160);
    expect(set[0]!.pixels.length).toBe(32 * 160);
    expect(generateSteelSet(2, 3, 32, 160)[1]!.pixels).toEqual(set[1]!.pixels);
    const labels = steelLabels(
      steelCsv(set),
      'demo.csv',
      set.map((s) => `demo/${s.name}`),
      4,
    );
    expect(labels.items.map((i) => i.labels)).toEqual(set.map((s) => s.labels));
    const counts = classCounts(labels);
    expect(Math.min(...counts)).toBe(counts[3]);
    expect(counts[3]).toBeGreaterThan(0);
    expect(generateSteelSet(1, 1)[0]!.pixels.length).toBe(256 * 1600);
  });
});
