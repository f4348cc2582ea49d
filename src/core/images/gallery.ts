// Which images of a labelled set the gallery shows under its filters (class, no class, split, quality finding),
// and the split each image is in.
import type { ImageFinding } from './findings';
import type { LabelledImage } from './task';

export type SplitTag = 'train' | 'val' | 'test' | 'none';

export interface GalleryFilter {
  /** A class index, 'none' (images with no class), or null for every image. */
  cls: number | 'none' | null;
  split: SplitTag | null;
  /** 'flagged' (any finding), a finding's key, or null. */
  quality: 'flagged' | string | null;
}

export const NO_FILTER: GalleryFilter = { cls: null, split: null, quality: null };

/** Split of each image ('none': in no split, e.g. unreadable or not split yet). */
export function splitTags(
  count: number,
  split: { train: readonly number[]; val: readonly number[]; test: readonly number[] } | null,
): SplitTag[] {
  const tags = new Array<SplitTag>(count).fill('none');
  if (split) {
    for (const i of split.train) tags[i] = 'train';
    for (const i of split.val) tags[i] = 'val';
    for (const i of split.test) tags[i] = 'test';
  }
  return tags;
}

/** Indices of the images that pass every filter, in set order. */
export function galleryImages(
  items: readonly LabelledImage[],
  tags: readonly SplitTag[],
  findings: readonly ImageFinding[],
  f: GalleryFilter,
): number[] {
  let allowed: Set<number> | null = null;
  if (f.quality === 'flagged') allowed = new Set(findings.flatMap((x) => x.images));
  else if (f.quality !== null) allowed = new Set(findings.find((x) => x.key === f.quality)?.images ?? []);
  const out: number[] = [];
  items.forEach((it, i) => {
    if (f.cls === 'none' ? it.labels.length > 0 : f.cls !== null && !it.labels.includes(f.cls)) return;
    if (f.split !== null && tags[i] !== f.split) return;
    if (allowed && !allowed.has(i)) return;
    out.push(i);
  });
  return out;
}
