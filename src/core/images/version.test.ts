// Image dataset versions: content addressing (order does not matter, a label / split / byte change does), the
// multi-hot bit packing, the header reading, and the diff of two versions.
import { describe, expect, it } from 'vitest';
import {
  countImageClasses,
  decodeImageItems,
  describeImageBytes,
  describeImageDiff,
  diffImageVersions,
  encodeImageItems,
  imageDigest,
  imageVersionEntries,
  labelOriginOf,
  makeImageVersion,
  packLabels,
  unpackLabels,
  type ImageVersionEntry,
  type ImageVersionHeader,
} from './version';

const header: ImageVersionHeader = {
  classNames: ['scratches', 'pits', 'patches', 'inclusions'],
  task: 'multi-label',
  splitRecipe: 'iterative stratification (multi-label) 70/15/15, seed 42',
  labelsFrom: 'train.csv (steel layout)',
  parent: null,
};

function entry(
  path: string,
  labels: number[],
  split: ImageVersionEntry['split'],
  byte = 1,
): ImageVersionEntry {
  return {
    path,
    digest: imageDigest(new Uint8Array([byte, 2, 3])),
    height: 32,
    width: 160,
    channels: 1,
    labels,
    origin: 'steel-csv',
    split,
  };
}

const base = [
  entry('a.png', [0, 2], 'train'),
  entry('b.png', [], 'train'),
  entry('c.png', [3], 'val'),
  entry('d.png', [1], 'test'),
];

const idOf = (h: ImageVersionHeader, e: ImageVersionEntry[]) => makeImageVersion(h, e, 'v', 0).version.id;

describe('image dataset version ids', () => {
  it('are the same for the same content in any order, with labels in any order, and any name or date', () => {
    const id = idOf(header, base);
    expect(id).toMatch(/^iv-[0-9a-f]{24}$/);
    const shuffled = [base[2]!, base[0]!, base[3]!, base[1]!].map((e) => ({
      ...e,
      labels: [...e.labels].reverse(),
    }));
    expect(idOf(header, shuffled)).toBe(id);
    expect(
      makeImageVersion({ ...header, labelsFrom: 'other.csv', parent: 'iv-x' }, base, 'other', 99).version.id,
    ).toBe(id);
  });

  it('differ when a label, a split, the bytes of an image, the class names or the recipe change', () => {
    const id = idOf(header, base);
    const changed = (i: number, patch: Partial<ImageVersionEntry>) =>
      base.map((e, j) => (j === i ? { ...e, ...patch } : e));
    const ids = [
      idOf(header, changed(1, { labels: [3] })),
      idOf(header, changed(0, { labels: [0] })),
      idOf(header, changed(2, { split: 'test' })),
      idOf(header, changed(3, { split: 'excluded' })),
      idOf(header, changed(0, { digest: imageDigest(new Uint8Array([9, 2, 3])) })),
      idOf(header, changed(0, { path: 'a2.png' })),
      idOf({ ...header, classNames: ['s', 'p', 'q', 'i'] }, base),
      idOf({ ...header, splitRecipe: 'iterative stratification (multi-label) 70/15/15, seed 1' }, base),
    ];
    expect(ids).not.toContain(id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('refuse an image twice, a class out of range, and a single-label image in a split without exactly one class', () => {
    expect(() => makeImageVersion(header, [...base, base[0]!], 'v', 0)).toThrow('"a.png" appears twice');
    expect(() => makeImageVersion(header, [entry('x.png', [4], 'train')], 'v', 0)).toThrow(
      'has class 4 but the set has 4 classes',
    );
    const mc = { ...header, task: 'multi-class' as const };
    expect(() => makeImageVersion(mc, [entry('x.png', [0, 1], 'train')], 'v', 0)).toThrow(
      'Image "x.png" has 2 classes but a multi-class task needs exactly one',
    );
    expect(makeImageVersion(mc, [entry('x.png', [], 'excluded')], 'v', 0).version.counts.total).toBe(1);
  });

  it('count images and classes per split', () => {
    const { version } = makeImageVersion(header, base, 'v1', 5);
    expect(version.counts.images).toEqual({ train: 2, val: 1, test: 1, excluded: 0 });
    expect(version.counts.perSplit.train).toEqual([1, 0, 1, 0]);
    expect(version.counts.perSplit.val).toEqual([0, 0, 0, 1]);
    expect(version.counts.perSplit.test).toEqual([0, 1, 0, 0]);
    expect(version.counts.withoutClass).toBe(1);
    expect(countImageClasses([], 2).total).toBe(0);
  });
});

describe('image version packing', () => {
  it('round-trips multi-hot labels over more than 8 classes as bits (ceil(K / 8) bytes an image)', () => {
    const rows = [[], [0], [7, 8], [0, 3, 9, 10, 11], [11]];
    const bits = packLabels(rows, 12);
    expect(bits.length).toBe(rows.length * 2);
    expect(Array.from(bits.subarray(4, 6))).toEqual([0b10000000, 0b00000001]);
    expect(unpackLabels(bits, rows.length, 12)).toEqual(rows);
    expect(() => unpackLabels(bits, 4, 12)).toThrow('expected 8 bytes, got 10');
  });

  it('round-trips the entries (in path order), unicode paths included', () => {
    const entries = [
      ...base,
      { ...entry('défauts/ü.png', [1, 2], 'excluded'), channels: 3, height: 7, width: 9 },
    ];
    const back = decodeImageItems(encodeImageItems(entries, 4));
    expect(back).toEqual([...entries].sort((x, y) => (x.path < y.path ? -1 : 1)));
  });

  it('reads size and channels from PNG and JPEG headers, and digests the bytes', () => {
    const png = new Uint8Array(33);
    png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    new DataView(png.buffer).setUint32(16, 1600);
    new DataView(png.buffer).setUint32(20, 256);
    png[24] = 8;
    png[25] = 0; // grey
    const jpeg = new Uint8Array([
      0xff, 0xd8, 0xff, 0xc0, 0, 17, 8, 0, 32, 0, 160, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1,
    ]);
    expect(describeImageBytes(png)).toMatchObject({ height: 256, width: 1600, channels: 1 });
    png[25] = 2; // RGB
    expect(describeImageBytes(png).channels).toBe(3);
    expect(describeImageBytes(jpeg)).toMatchObject({ height: 32, width: 160, channels: 3 });
    expect(describeImageBytes(new Uint8Array([1, 2]))).toMatchObject({ height: 0, width: 0, channels: 0 });
    expect(imageDigest(png)).toMatch(/^[0-9a-f]{16}-21$/);
    expect(imageDigest(png)).not.toBe(imageDigest(jpeg));
  });

  it('builds entries from a labelled set and its split, and names where labels came from', () => {
    const items = [
      { path: 'x/a.png', labels: [0] },
      { path: 'y/b.png', labels: [1] },
      { path: 'y/c.png', labels: [1] },
    ];
    const facts = items.map(() => ({ digest: 'd', height: 1, width: 1, channels: 1 }));
    const e = imageVersionEntries(items, facts, { train: [2], val: [], test: [0] }, 'folder-name');
    expect(e.map((x) => x.split)).toEqual(['test', 'excluded', 'train']);
    expect(() => imageVersionEntries(items, facts.slice(1), { train: [], val: [], test: [] }, 'csv')).toThrow(
      '2 file digests for 3 images',
    );
    expect(labelOriginOf('sub-folders')).toBe('folder-name');
    expect(labelOriginOf('train.csv (steel layout)')).toBe('steel-csv');
    expect(labelOriginOf('labels.csv')).toBe('csv');
    expect(labelOriginOf('generated steel-like demo (120 images, 256x1600 grey)')).toBe('generated-demo');
  });
});

describe('image version diff', () => {
  it('lists added, removed, relabelled, moved and changed images by path', () => {
    const b = [
      { ...base[0]!, labels: [0] }, // relabelled
      { ...base[1]!, split: 'val' as const }, // moved
      { ...base[2]!, digest: 'other' }, // new bytes
      entry('e.png', [2], 'test'), // added; d.png removed
    ];
    const d = diffImageVersions(header, base, header, b);
    expect(d).toEqual({
      added: ['e.png'],
      removed: ['d.png'],
      contentChanged: ['c.png'],
      relabelled: ['a.png'],
      movedSplit: ['b.png'],
      classNamesDiffer: false,
      taskDiffers: false,
    });
    expect(describeImageDiff(d)).toEqual([
      '1 image added',
      '1 image removed',
      '1 image with changed content',
      '1 image relabelled',
      '1 image in a different split',
    ]);
    expect(describeImageDiff(diffImageVersions(header, base, header, [...base].reverse()))).toEqual([]);
  });

  it('compares labels by class name, so a reordered class list is not a relabelling', () => {
    const h2 = { ...header, classNames: ['pits', 'scratches', 'patches', 'inclusions'] };
    const swap = (l: number[]) => l.map((c) => (c === 0 ? 1 : c === 1 ? 0 : c));
    const d = diffImageVersions(
      header,
      base,
      h2,
      base.map((e) => ({ ...e, labels: swap(e.labels) })),
    );
    expect(d.relabelled).toEqual([]);
    expect(d.classNamesDiffer).toBe(true);
  });
});
