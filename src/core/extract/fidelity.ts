// Fidelity of an extraction against the native OpenCV reference: per-frame count agreement and the share of
// reference boxes matched (same frame, IoU >= 0.7) by a studio box — the acceptance figures of issue 4.
import type { FrameBox } from './csv';
import type { Box } from './rules';

export function iou(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  const inter = ix * iy;
  const union = a.w * a.h + b.w * b.h - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Greedy one-to-one matching per frame, best IoU first. Returns, for each reference box, the IoU of the studio box
 * it was matched with (0 when none).
 */
export function matchBoxes(reference: FrameBox[], studio: FrameBox[]): number[] {
  const byFrame = new Map<number, { box: FrameBox; i: number }[]>();
  studio.forEach((box, i) => {
    const l = byFrame.get(box.frame) ?? [];
    l.push({ box, i });
    byFrame.set(box.frame, l);
  });
  const refByFrame = new Map<number, number[]>();
  reference.forEach((b, i) => refByFrame.set(b.frame, [...(refByFrame.get(b.frame) ?? []), i]));
  const out = new Array<number>(reference.length).fill(0);
  for (const [frame, refIdx] of refByFrame) {
    const cands = byFrame.get(frame) ?? [];
    const pairs: { r: number; s: number; v: number }[] = [];
    for (const r of refIdx) for (const c of cands) pairs.push({ r, s: c.i, v: iou(reference[r]!, c.box) });
    pairs.sort((a, b) => b.v - a.v);
    const usedR = new Set<number>();
    const usedS = new Set<number>();
    for (const p of pairs) {
      if (p.v <= 0 || usedR.has(p.r) || usedS.has(p.s)) continue;
      usedR.add(p.r);
      usedS.add(p.s);
      out[p.r] = p.v;
    }
  }
  return out;
}

export interface FidelityReport {
  frames: number;
  /** Frames whose count equals the reference, as a share of the reference's frames. */
  countAgreement: number;
  /** Frames where the counts differ: frame, reference count, studio count (first 50). */
  countMismatches: { frame: number; reference: number; studio: number }[];
  referenceBoxes: number;
  studioBoxes: number;
  /** Share of reference boxes matched with IoU >= minIoU. */
  boxRecall: number;
  /** Share of studio boxes that match a reference box (reports extra detections). */
  boxPrecision: number;
  meanMatchedIoU: number;
}

export function fidelityReport(
  ref: { counts: number[]; boxes: FrameBox[] },
  studio: { counts: ArrayLike<number>; boxes: FrameBox[] },
  minIoU = 0.7,
): FidelityReport {
  const mismatches: FidelityReport['countMismatches'] = [];
  let equal = 0;
  for (let f = 0; f < ref.counts.length; f++) {
    const s = f < studio.counts.length ? studio.counts[f]! : -1;
    if (s === ref.counts[f]) equal++;
    else if (mismatches.length < 50) mismatches.push({ frame: f, reference: ref.counts[f]!, studio: s });
  }
  const matched = matchBoxes(ref.boxes, studio.boxes);
  const good = matched.filter((v) => v >= minIoU);
  const precisionMatches = matchBoxes(studio.boxes, ref.boxes).filter((v) => v >= minIoU).length;
  return {
    frames: ref.counts.length,
    countAgreement: ref.counts.length ? equal / ref.counts.length : 1,
    countMismatches: mismatches,
    referenceBoxes: ref.boxes.length,
    studioBoxes: studio.boxes.length,
    boxRecall: ref.boxes.length ? good.length / ref.boxes.length : 1,
    boxPrecision: studio.boxes.length ? precisionMatches / studio.boxes.length : 1,
    meanMatchedIoU: good.length ? good.reduce((a, b) => a + b, 0) / good.length : 0,
  };
}

export function meetsTarget(r: FidelityReport): boolean {
  return r.countAgreement >= 0.98 && r.boxRecall >= 0.95;
}
