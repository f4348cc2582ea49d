import { describe, expect, it } from 'vitest';
import {
  flaggedImages,
  imageFindings,
  readableImages,
  rgbaStats,
  type ImageFacts,
  type ImageFinding,
} from './findings';
import { imageDigest } from './version';

/** A readable 256x1600 grey image of class `label` with its own content. */
function img(i: number, labels: number[] = [i % 2], patch: Partial<ImageFacts> = {}): ImageFacts {
  return {
    path: `set/${labels.join('+') || 'none'}/${i}.png`,
    contentDigest: `d${i}`,
    height: 256,
    width: 1600,
    channels: 1,
    min: 3,
    max: 200,
    mean: 90,
    labels,
    ...patch,
  };
}

const CLASSES = ['ok', 'defect'];
const ctx = { task: 'binary' as const, classNames: CLASSES };
/** 10 clean images, 5 per class. */
const clean = () => Array.from({ length: 10 }, (_, i) => img(i));
const byRule = (fs: ImageFinding[], rule: ImageFinding['rule']) => fs.filter((f) => f.rule === rule);

describe('image findings', () => {
  it('a clean set has none', () => {
    expect(imageFindings(clean(), ctx)).toEqual([]);
  });

  it('names undecodable images, and leaves them out of every other rule', () => {
    const facts = clean();
    facts[4] = img(4, [0], {
      contentDigest: 'd0', // would be a duplicate of 0 if it were readable
      height: 0,
      width: 0,
      channels: 0,
      min: 0,
      max: 0,
      decodeError: 'not an image',
    });
    const fs = imageFindings(facts, ctx);
    expect(fs.map((f) => f.rule)).toEqual(['unreadable']);
    expect(fs[0]).toMatchObject({ severity: 'error', count: 1, images: [4], examples: ['set/0/4.png'] });
    expect(fs[0]!.message).toContain('set/0/4.png: not an image');
    expect(fs[0]!.message).toContain('left out of the split and training');
    expect(readableImages(facts)).toEqual([0, 1, 2, 3, 5, 6, 7, 8, 9]);
  });

  it('tells exact duplicates with the same class from those with different classes', () => {
    const facts = clean();
    facts[2] = img(2, [0], { contentDigest: 'd0' }); // same bytes, same class as 0
    facts[3] = img(3, [0], { contentDigest: 'd1' }); // same bytes as 1, which is class 1
    const fs = imageFindings(facts, ctx);
    const conflict = byRule(fs, 'duplicate-conflict')[0]!;
    expect(conflict).toMatchObject({ severity: 'error', count: 2, images: [1, 3] });
    expect(conflict.message).toContain('set/1/1.png is defect');
    expect(conflict.message).toContain('set/0/3.png is ok');
    const dup = byRule(fs, 'duplicate')[0]!;
    expect(dup).toMatchObject({ severity: 'warning', count: 2, images: [0, 2] });
    // errors come first
    expect(fs[0]!.rule).toBe('duplicate-conflict');
  });

  it('multi-label duplicates compare the whole class set, in any order', () => {
    const facts = [img(0, [0, 1]), img(1, [1, 0], { contentDigest: 'd0' }), img(2, [1]), img(3, [0])];
    const fs = imageFindings(facts, { task: 'multi-label', classNames: CLASSES });
    expect(byRule(fs, 'duplicate')[0]?.images).toEqual([0, 1]);
    expect(byRule(fs, 'duplicate-conflict')).toEqual([]);
  });

  it('flags sizes other than the most common one, naming the size to use', () => {
    const facts = clean();
    facts[7] = img(7, [1], { height: 200, width: 1600 });
    const [f] = byRule(imageFindings(facts, ctx), 'odd-size');
    expect(f).toMatchObject({ count: 1, images: [7], examples: ['set/1/7.png'] });
    expect(f!.message).toContain('not 256×1600 like the other 9');
    expect(f!.message).toContain('set/1/7.png is 200×1600');
    expect(f!.todo).toContain('resize or crop them to 256×1600');
  });

  it('flags blank images (min == max), not dark ones', () => {
    const facts = clean();
    facts[5] = img(5, [1], { min: 0, max: 0, mean: 0 });
    facts[6] = img(6, [0], { min: 0, max: 1, mean: 0.2 });
    const [f] = byRule(imageFindings(facts, ctx), 'blank');
    expect(f).toMatchObject({ count: 1, images: [5] });
    expect(f!.message).toContain('every pixel 0');
  });

  it('flags a class with fewer than 3 images, and one missing from a split', () => {
    const facts = [...clean(), img(10, [2]), img(11, [2])];
    const classNames = ['ok', 'defect', 'rare'];
    const fs = byRule(imageFindings(facts, { task: 'multi-class', classNames }), 'rare-class');
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({ key: 'rare-class:2', images: [10, 11] });
    expect(fs[0]!.message).toBe(
      'Class "rare" is too rare to stratify: 2 images, fewer than the 3 a 70/15/15 split needs',
    );
    // with a split where "defect" (odd indices) has no test image
    const split = { train: [0, 1, 2, 3, 4, 5, 10], val: [6, 7, 11], test: [8] };
    const withSplit = byRule(imageFindings(facts, { task: 'multi-class', classNames, split }), 'rare-class');
    expect(withSplit.map((f) => f.key)).toEqual(['rare-class:1', 'rare-class:2']);
    expect(withSplit[0]!.message).toContain('none in test');
    expect(withSplit[1]!.message).toContain('none in test');
    // a class with no image at all
    const none = byRule(imageFindings(clean(), { task: 'multi-class', classNames }), 'rare-class');
    expect(none[0]!.message).toContain('0 images');
  });

  it('flags single-label images with no class, but not multi-label negatives', () => {
    const facts = [...clean(), img(10, [])];
    const [f] = byRule(imageFindings(facts, ctx), 'no-label');
    expect(f).toMatchObject({ severity: 'error', images: [10] });
    expect(byRule(imageFindings(facts, { task: 'multi-label', classNames: CLASSES }), 'no-label')).toEqual(
      [],
    );
  });

  it('flagged images are the union over findings', () => {
    const facts = clean();
    facts[2] = img(2, [0], { contentDigest: 'd0' });
    facts[5] = img(5, [1], { min: 9, max: 9 });
    expect([...flaggedImages(imageFindings(facts, ctx))].sort()).toEqual([0, 2, 5]);
  });
});

describe('image measures', () => {
  it('digests bytes with the two hash words and the length (same bytes, same digest)', () => {
    const a = imageDigest(new Uint8Array([1, 2, 3]));
    expect(a).toMatch(/^[0-9a-f]{16}-3$/);
    expect(imageDigest(new Uint8Array([1, 2, 3]))).toBe(a);
    expect(imageDigest(new Uint8Array([1, 2, 4]))).not.toBe(a);
  });

  it('min, max, mean over colour channels, grey when R = G = B', () => {
    const grey = new Uint8Array([10, 10, 10, 255, 30, 30, 30, 0]);
    expect(rgbaStats(grey)).toEqual({ min: 10, max: 30, mean: 20, channels: 1 });
    const colour = new Uint8Array([0, 10, 20, 255]);
    expect(rgbaStats(colour)).toEqual({ min: 0, max: 20, mean: 10, channels: 3 });
  });
});
