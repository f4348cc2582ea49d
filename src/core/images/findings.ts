// Quality findings for labelled image sets: unreadable files, exact duplicates (worse: with different labels),
// sizes that differ from the set's usual size, blank images, classes too rare to stratify, single-label images
// with no class. Pure: it works on per-image facts the images worker measured (see `inspectImages`).
import type { TaskKind } from './task';

/** What the images worker measures of one file (bytes digested once, decoded once). */
export interface ImageInspection {
  path: string;
  /** Digest of the file's bytes (`imageDigest` of ./version, the digest the dataset versions record). */
  contentDigest: string;
  /** Natural size; 0 x 0 when it could not be decoded. */
  height: number;
  width: number;
  /** 1 when every pixel is grey (R = G = B), else 3; 0 when undecodable. */
  channels: number;
  /** Darkest, brightest and mean channel value (0..255) over the colour channels. */
  min: number;
  max: number;
  mean: number;
  decodeError?: string;
}

/** The facts the rules use: a file's inspection and the classes the set gives it. */
export interface ImageFacts extends ImageInspection {
  labels: readonly number[];
}

export type ImageFindingRule =
  'unreadable' | 'duplicate-conflict' | 'duplicate' | 'odd-size' | 'blank' | 'rare-class' | 'no-label';

export type FindingSeverity = 'error' | 'warning';

export interface ImageFinding {
  /** Unique among a set's findings (the rule, plus the class for rare classes). */
  key: string;
  rule: ImageFindingRule;
  severity: FindingSeverity;
  /** Images this finding is about. */
  count: number;
  /** Their indices in the set (what the gallery filters to). */
  images: number[];
  /** A few of their paths, to name them. */
  examples: string[];
  message: string;
  /** One line: what to do about it. */
  todo: string;
  /** What it is about when not the whole set (the class of a rare-class finding). */
  subject?: string;
}

/** Images a class needs so that 70/15/15 can give train, validation and test one each. */
export const MIN_IMAGES_PER_CLASS = 3;
const EXAMPLES = 3;

/** Min, max and mean over the colour channels of RGBA pixels (alpha ignored), and whether they are grey. */
export function rgbaStats(rgba: Uint8Array | Uint8ClampedArray): {
  min: number;
  max: number;
  mean: number;
  channels: number;
} {
  let min = 255;
  let max = 0;
  let sum = 0;
  let grey = true;
  for (let p = 0; p < rgba.length; p += 4) {
    const r = rgba[p]!;
    const g = rgba[p + 1]!;
    const b = rgba[p + 2]!;
    if (grey && (r !== g || r !== b)) grey = false;
    min = Math.min(min, r, g, b);
    max = Math.max(max, r, g, b);
    sum += r + g + b;
  }
  const n = (rgba.length / 4) * 3;
  return n === 0
    ? { min: 0, max: 0, mean: 0, channels: 0 }
    : { min, max, mean: sum / n, channels: grey ? 1 : 3 };
}

/** The usable images: those that could be decoded (the split and training leave the others out). */
export function readableImages(facts: readonly ImageInspection[]): number[] {
  return facts.flatMap((f, i) => (f.decodeError === undefined ? [i] : []));
}

const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
const sizeOf = (f: ImageInspection) => `${f.height}×${f.width}`;

function finding(
  rule: ImageFindingRule,
  severity: FindingSeverity,
  images: number[],
  facts: readonly ImageFacts[],
  message: string,
  todo: string,
  key: string = rule,
  subject?: string,
): ImageFinding {
  return {
    ...(subject !== undefined ? { subject } : {}),
    key,
    rule,
    severity,
    count: images.length,
    images,
    examples: images.slice(0, EXAMPLES).map((i) => facts[i]!.path),
    message,
    todo,
  };
}

/** Label sets compared as sorted lists. */
const labelKey = (l: readonly number[]) => [...l].sort((a, b) => a - b).join(',');

export interface FindingsContext {
  task: TaskKind;
  classNames: readonly string[];
  /** The current split (indices into the set), when there is one: a class with no image in a split is flagged. */
  split?: { train: readonly number[]; val: readonly number[]; test: readonly number[] } | null;
}

/** All findings for a set, worst first (errors, then warnings; in rule order). */
export function imageFindings(facts: readonly ImageFacts[], ctx: FindingsContext): ImageFinding[] {
  const out: ImageFinding[] = [];
  const readable = readableImages(facts);

  const unreadable = facts.flatMap((f, i) => (f.decodeError !== undefined ? [i] : []));
  if (unreadable.length > 0) {
    const first = facts[unreadable[0]!]!;
    out.push(
      finding(
        'unreadable',
        'error',
        unreadable,
        facts,
        `${plural(unreadable.length, 'image')} could not be decoded (${first.path}: ${first.decodeError}); left out of the split and training`,
        'Replace them with readable PNG or JPEG files, or delete them, and open the set again.',
      ),
    );
  }

  // Exact duplicates: groups of readable images with the same bytes.
  const groups = new Map<string, number[]>();
  for (const i of readable) {
    const d = facts[i]!.contentDigest;
    const g = groups.get(d);
    if (g) g.push(i);
    else groups.set(d, [i]);
  }
  const conflicting: number[] = [];
  const same: number[] = [];
  let conflictGroups = 0;
  let sameGroups = 0;
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    const keys = new Set(g.map((i) => labelKey(facts[i]!.labels)));
    if (keys.size > 1) {
      conflicting.push(...g);
      conflictGroups++;
    } else {
      same.push(...g);
      sameGroups++;
    }
  }
  const classes = (i: number) =>
    facts[i]!.labels.map((c) => ctx.classNames[c] ?? String(c)).join(' + ') || 'no class';
  if (conflicting.length > 0) {
    const a = conflicting[0]!;
    const b = conflicting.find((i) => i !== a && facts[i]!.contentDigest === facts[a]!.contentDigest)!;
    out.push(
      finding(
        'duplicate-conflict',
        'error',
        conflicting.sort((x, y) => x - y),
        facts,
        `${plural(conflicting.length, 'image')} in ${plural(conflictGroups, 'group')} are the same bytes under different classes (${facts[a]!.path} is ${classes(a)}, ${facts[b]!.path} is ${classes(b)})`,
        'Decide the right class, keep one copy under it and delete the others: the model is taught both answers for one image.',
      ),
    );
  }
  if (same.length > 0) {
    out.push(
      finding(
        'duplicate',
        'warning',
        same.sort((x, y) => x - y),
        facts,
        `${plural(same.length, 'image')} in ${plural(sameGroups, 'group')} are exact copies of each other`,
        'Delete the extra copies: a copy in train and another in test makes the test score look better than it is.',
      ),
    );
  }

  // Sizes: the most common size among readable images is the set's size.
  const sizeCounts = new Map<string, number>();
  for (const i of readable) sizeCounts.set(sizeOf(facts[i]!), (sizeCounts.get(sizeOf(facts[i]!)) ?? 0) + 1);
  if (sizeCounts.size > 1) {
    const [common, n] = [...sizeCounts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]!;
    const odd = readable.filter((i) => sizeOf(facts[i]!) !== common);
    const e = facts[odd[0]!]!;
    out.push(
      finding(
        'odd-size',
        'warning',
        odd,
        facts,
        `${plural(odd.length, 'image')} ${odd.length === 1 ? 'is' : 'are'} not ${common} like the other ${n.toLocaleString('en')} (${e.path} is ${sizeOf(e)})`,
        `Training at full resolution needs one size: resize or crop them to ${common}, or train at a chosen input size (every image is then scaled to it).`,
      ),
    );
  }

  const blank = readable.filter((i) => facts[i]!.min === facts[i]!.max);
  if (blank.length > 0) {
    const e = facts[blank[0]!]!;
    out.push(
      finding(
        'blank',
        'warning',
        blank,
        facts,
        `${plural(blank.length, 'image')} ${blank.length === 1 ? 'is' : 'are'} one flat value (${e.path}: every pixel ${e.min})`,
        'Check they are not failed captures; delete them unless a blank image is a real example of its class.',
      ),
    );
  }

  // Classes too rare to stratify, or missing from a split.
  const splitNames = ['train', 'validation', 'test'] as const;
  const splitOf = new Int8Array(facts.length).fill(-1);
  if (ctx.split)
    [ctx.split.train, ctx.split.val, ctx.split.test].forEach((ids, s) =>
      ids.forEach((i) => (splitOf[i] = s)),
    );
  ctx.classNames.forEach((name, c) => {
    const members = readable.filter((i) => facts[i]!.labels.includes(c));
    const reasons: string[] = [];
    if (members.length < MIN_IMAGES_PER_CLASS)
      reasons.push(
        `${plural(members.length, 'image')}, fewer than the ${MIN_IMAGES_PER_CLASS} a 70/15/15 split needs`,
      );
    if (ctx.split && members.length > 0) {
      const missing = splitNames.filter((_, s) => !members.some((i) => splitOf[i] === s));
      if (missing.length > 0) reasons.push(`none in ${missing.join(' or ')}`);
    }
    if (reasons.length === 0) return;
    out.push(
      finding(
        'rare-class',
        'warning',
        members,
        facts,
        `Class "${name}" is too rare to stratify: ${reasons.join('; ')}`,
        `Add images of "${name}" (at least ${MIN_IMAGES_PER_CLASS}, more to measure it), or merge it into another class; its test metrics mean little until then.`,
        `rare-class:${c}`,
        name,
      ),
    );
  });

  if (ctx.task !== 'multi-label') {
    const none = readable.filter((i) => facts[i]!.labels.length === 0);
    if (none.length > 0) {
      out.push(
        finding(
          'no-label',
          'error',
          none,
          facts,
          `${plural(none.length, 'image')} ${none.length === 1 ? 'has' : 'have'} no class in a ${ctx.task} set (${facts[none[0]!]!.path})`,
          'Give each a class (its folder or its CSV row), or remove it: a single-label model cannot learn from an image without one.',
        ),
      );
    }
  }

  const rank = (f: ImageFinding) => (f.severity === 'error' ? 0 : 1);
  return out
    .map((f, i) => ({ f, i }))
    .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
    .map(({ f }) => f);
}

/** Every image some finding is about. */
export function flaggedImages(findings: readonly ImageFinding[]): Set<number> {
  return new Set(findings.flatMap((f) => f.images));
}

export function findingRuleLabel(rule: ImageFindingRule): string {
  switch (rule) {
    case 'unreadable':
      return 'unreadable';
    case 'duplicate-conflict':
      return 'duplicate, other class';
    case 'duplicate':
      return 'duplicate';
    case 'odd-size':
      return 'other size';
    case 'blank':
      return 'blank';
    case 'rare-class':
      return 'rare class';
    case 'no-label':
      return 'no class';
  }
}
