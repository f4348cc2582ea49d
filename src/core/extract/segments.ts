// Sharing one video between extraction workers: the frame pairs [first, end) are cut into contiguous segments,
// one per worker. Pair i is (frame i, frame i + 1), so a segment [a, b) needs frames a..b and neighbouring
// segments share one frame; every pair is detected exactly once, and the per-frame log is the concatenation of
// the segments' logs in order. Layers are counted afterwards over the whole log (layers.ts), so the 700-frame
// rule sees across segment boundaries exactly as the research code does.

export interface PairSegment {
  /** First pair (its earlier frame). */
  start: number;
  /** One past the last pair. */
  end: number;
}

/** Pairs a run covers: from `startFrame`, up to `endFrame` (0 = the end) and at most `limit` pairs (0 = all). */
export function pairRange(
  frameCount: number,
  o: { startFrame: number; endFrame: number; limit: number },
): PairSegment {
  let end = frameCount - 1;
  if (o.endFrame > 0) end = Math.min(end, o.endFrame);
  if (o.limit > 0) end = Math.min(end, o.startFrame + o.limit);
  return { start: o.startFrame, end: Math.max(o.startFrame, end) };
}

/**
 * Cut `range` into at most `workers` segments of near-equal length, none shorter than `minPairs` (a worker
 * costs its start-up: loading opencv.js and seeking the decoder), so short videos stay on one worker.
 */
export function splitPairs(range: PairSegment, workers: number, minPairs = 150): PairSegment[] {
  const total = range.end - range.start;
  const n = Math.max(1, Math.min(Math.floor(workers), Math.floor(total / Math.max(1, minPairs))));
  const out: PairSegment[] = [];
  for (let k = 0; k < n; k++) {
    out.push({
      start: range.start + Math.floor((k * total) / n),
      end: range.start + Math.floor(((k + 1) * total) / n),
    });
  }
  return out;
}

/**
 * Move the boundaries between segments onto key frames. A worker's decoder starts at the key frame at or before its
 * segment's first frame, so a boundary between key frames makes the later worker decode frames that the earlier
 * one decodes too. Each inner boundary goes to the nearest of `keys` (frame indices, any order; ties to the earlier)
 * that leaves both neighbours at least `minPairs` pairs; where no key frame does, the two segments become one
 * (a worker that would decode a long stretch before its segment is not worth starting).
 */
export function alignToKeyFrames(
  segments: readonly PairSegment[],
  keys: readonly number[],
  minPairs = 1,
): PairSegment[] {
  if (segments.length <= 1) return [...segments];
  const start = segments[0]!.start;
  const end = segments.at(-1)!.end;
  const sorted = [...new Set(keys)].sort((a, b) => a - b);
  const bounds: number[] = [];
  let prev = start;
  for (const s of segments.slice(1)) {
    let best: number | null = null;
    for (const k of sorted) {
      if (k < prev + minPairs || k > end - minPairs) continue;
      if (best === null || Math.abs(k - s.start) < Math.abs(best - s.start)) best = k;
    }
    if (best === null) continue;
    bounds.push(best);
    prev = best;
  }
  const cuts = [start, ...bounds, end];
  return cuts.slice(1).map((e, i) => ({ start: cuts[i]!, end: e }));
}
