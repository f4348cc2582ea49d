// The research extraction's decision rules (seed_extract.py): which crop a contour's box gives, and whether
// the contour is kept as a spatter or rejected as too small, too large or blue-dominant (the recoater light).

/** An axis-aligned box in frame pixels, as cv.boundingRect returns it. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export type RejectReason = 'too_small' | 'too_large' | 'blue';
export type Verdict = 'spatter' | RejectReason;

export interface RuleOptions {
  minArea: number;
  maxArea: number;
  rejectBlue: boolean;
}

/** Channel sums over a crop, named by colour (not by channel index, which differs between BGR and RGBA). */
export interface ColourSums {
  red: number;
  green: number;
  blue: number;
}

/**
 * The crop the research code saves for a box: `frame1[y+2:y+h-1, x+2:x+w-1]`, with numpy slice semantics
 * (clamped to the frame, empty when the stop is not past the start).
 */
export function cropRect(box: Box, frameWidth: number, frameHeight: number): Box {
  const clamp = (v: number, hi: number) => Math.min(Math.max(v, 0), hi);
  const x0 = clamp(box.x + 2, frameWidth);
  const x1 = clamp(box.x + box.w - 1, frameWidth);
  const y0 = clamp(box.y + 2, frameHeight);
  const y1 = clamp(box.y + box.h - 1, frameHeight);
  return { x: x0, y: y0, w: Math.max(0, x1 - x0), h: Math.max(0, y1 - y0) };
}

/**
 * Sum each colour over `rect` of an interleaved 8-bit frame. `order` names the channel positions:
 * 'rgba' for VideoFrame/ImageData pixels, 'bgr' for OpenCV's native frames.
 */
export function colourSums(
  pixels: Uint8Array | Uint8ClampedArray,
  frameWidth: number,
  rect: Box,
  order: 'rgba' | 'bgr' = 'rgba',
): ColourSums {
  const ch = order === 'rgba' ? 4 : 3;
  const [ri, gi, bi] = order === 'rgba' ? [0, 1, 2] : [2, 1, 0];
  let red = 0;
  let green = 0;
  let blue = 0;
  for (let y = rect.y; y < rect.y + rect.h; y++) {
    let p = (y * frameWidth + rect.x) * ch;
    for (let x = 0; x < rect.w; x++, p += ch) {
      red += pixels[p + ri]!;
      green += pixels[p + gi]!;
      blue += pixels[p + bi]!;
    }
  }
  return { red, green, blue };
}

/** The recoater-light test: blue outweighs green and red together (an empty crop is not blue). */
export function isBlueDominant(s: ColourSums): boolean {
  return s.blue > s.green + s.red;
}

/** Keep or reject one contour, the reason named; area bounds are checked first, as a user would read them. */
export function classifyContour(area: number, sums: ColourSums, o: RuleOptions): Verdict {
  if (area < o.minArea) return 'too_small';
  if (area > o.maxArea) return 'too_large';
  if (o.rejectBlue && isBlueDominant(sums)) return 'blue';
  return 'spatter';
}

export const verdictLabel: Record<Verdict, string> = {
  spatter: 'spatter',
  too_small: 'too small',
  too_large: 'too large',
  blue: 'blue (recoater light)',
};
