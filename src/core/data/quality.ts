// Data-quality rules over measured crops: all-black crops (the research set has 1-2%), undecodable
// elements, exact duplicates, and implausible sizes. Each finding names the crop's location.

import { hashWords } from './hash-index';

export type FindingRule = 'black' | 'undecodable' | 'duplicate' | 'tiny' | 'empty';

export interface CropLocation {
  file: string;
  dataset: string;
  index: number;
}

export interface Finding extends CropLocation {
  rule: FindingRule;
  message: string;
}

/** What the decode pass measures per crop (NaN/-1 where decoding failed). */
export interface CropMeasure {
  width: number;
  height: number;
  /** Encoded size in bytes. */
  bytes: number;
  /** Brightest grey value, 0..255; -1 when undecodable. */
  maxGrey: number;
  /** Content hash of the encoded bytes (for exact duplicates). */
  hash: string;
  decodeError?: string;
}

export interface QualityOptions {
  /** A crop whose brightest pixel is at most this is "all black". */
  blackMax: number;
  /** Crops with width or height below this are flagged as tiny. */
  minSide: number;
}

export const DEFAULT_QUALITY: QualityOptions = { blackMax: 8, minSide: 2 };

export function ruleLabel(rule: FindingRule): string {
  switch (rule) {
    case 'black':
      return 'all black';
    case 'undecodable':
      return 'undecodable';
    case 'duplicate':
      return 'duplicate';
    case 'tiny':
      return 'tiny';
    case 'empty':
      return 'empty element';
  }
}

export function where(l: CropLocation): string {
  return `${l.file} › ${l.dataset} [${l.index}]`;
}

/** Apply the rules to one crop; `seen` maps hash → first location, for duplicates. */
export function checkCrop(
  loc: CropLocation,
  m: CropMeasure,
  seen: Map<string, CropLocation>,
  opts: QualityOptions = DEFAULT_QUALITY,
): Finding[] {
  const out: Finding[] = [];
  if (m.bytes === 0) {
    out.push({ ...loc, rule: 'empty', message: `${where(loc)} holds no bytes` });
    return out;
  }
  if (m.decodeError !== undefined) {
    out.push({
      ...loc,
      rule: 'undecodable',
      message: `${where(loc)} is not a decodable image (${m.decodeError}); it is left out of training`,
    });
  } else {
    if (m.maxGrey <= opts.blackMax) {
      out.push({
        ...loc,
        rule: 'black',
        message: `${where(loc)} is all black (brightest grey ${m.maxGrey})`,
      });
    }
    if (m.width < opts.minSide || m.height < opts.minSide) {
      out.push({ ...loc, rule: 'tiny', message: `${where(loc)} is only ${m.width}x${m.height} pixels` });
    }
  }
  const first = seen.get(m.hash);
  if (first) {
    out.push({ ...loc, rule: 'duplicate', message: `${where(loc)} has the same bytes as ${where(first)}` });
  } else seen.set(m.hash, loc);
  return out;
}

/** Which of N decoded grey crops (side x side each, concatenated) are all black under the quality rule. */
export function allBlackFlags(x: Uint8Array, side: number, blackMax = DEFAULT_QUALITY.blackMax): boolean[] {
  const px = side * side;
  const n = px > 0 ? Math.floor(x.length / px) : 0;
  const out: boolean[] = [];
  for (let j = 0; j < n; j++) {
    let max = 0;
    for (let q = j * px; q < (j + 1) * px && max <= blackMax; q++) max = Math.max(max, x[q]!);
    out.push(max <= blackMax);
  }
  return out;
}

/** 64-bit FNV-1a of bytes as 16 hex digits (two 32-bit lanes; fast enough for 600k small crops). */
export function contentHash(bytes: Uint8Array): string {
  const [h1, h2] = hashWords(bytes);
  return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0') + bytes.length;
}
