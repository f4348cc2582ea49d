import { describe, expect, it } from 'vitest';
import type { ImageFinding } from './findings';
import { galleryImages, NO_FILTER, splitTags } from './gallery';

const items = [
  { path: 'a', labels: [0] },
  { path: 'b', labels: [1] },
  { path: 'c', labels: [] },
  { path: 'd', labels: [0, 1] },
];
const tags = splitTags(4, { train: [0, 1], val: [3], test: [] });
const finding = (key: string, images: number[]) => ({ key, images }) as unknown as ImageFinding;
const findings = [finding('duplicate', [0, 3]), finding('blank', [2])];

describe('gallery filters', () => {
  it('tags each image with its split, none when in no split', () => {
    expect(tags).toEqual(['train', 'train', 'none', 'val']);
    expect(splitTags(2, null)).toEqual(['none', 'none']);
  });
  it('filters by class (multi-label: any of its classes), no class, split and finding', () => {
    expect(galleryImages(items, tags, findings, NO_FILTER)).toEqual([0, 1, 2, 3]);
    expect(galleryImages(items, tags, findings, { ...NO_FILTER, cls: 1 })).toEqual([1, 3]);
    expect(galleryImages(items, tags, findings, { ...NO_FILTER, cls: 'none' })).toEqual([2]);
    expect(galleryImages(items, tags, findings, { ...NO_FILTER, split: 'train' })).toEqual([0, 1]);
    expect(galleryImages(items, tags, findings, { ...NO_FILTER, quality: 'flagged' })).toEqual([0, 2, 3]);
    expect(galleryImages(items, tags, findings, { ...NO_FILTER, quality: 'duplicate' })).toEqual([0, 3]);
    expect(galleryImages(items, tags, findings, { cls: 0, split: 'val', quality: 'duplicate' })).toEqual([3]);
    expect(galleryImages(items, tags, findings, { ...NO_FILTER, quality: 'gone' })).toEqual([]);
  });
});
