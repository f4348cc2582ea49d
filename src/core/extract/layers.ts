// Layer counting of the research code: a frame with spatter more than `gap` frames after the previous frame
// with spatter starts a new layer. Like the seed, the count starts at 0 and the "previous" frame starts at 0,
// so spatter in the first `gap` frames does not count as a layer of its own.

export class LayerCounter {
  private last = 0;
  private count = 0;

  constructor(private readonly gap = 700) {}

  /** Feed every processed frame in order (index relative to the first processed frame) with its count. */
  push(frame: number, spatterCount: number): number {
    if (spatterCount > 0) {
      if (frame - this.last > this.gap) this.count += 1;
      this.last = frame;
    }
    return this.count;
  }

  get layers(): number {
    return this.count;
  }

  get lastSpatterFrame(): number {
    return this.last;
  }

  /** Save and restore (for stitching halves of a video or resuming a finished run). */
  snapshot(): { last: number; count: number } {
    return { last: this.last, count: this.count };
  }

  static from(s: { last: number; count: number }, gap = 700): LayerCounter {
    const c = new LayerCounter(gap);
    c.last = s.last;
    c.count = s.count;
    return c;
  }
}

/** Layers of a whole per-frame log, as the seed counts them. */
export function countLayers(perFrame: ArrayLike<number>, gap = 700): number {
  const c = new LayerCounter(gap);
  for (let i = 0; i < perFrame.length; i++) c.push(i, perFrame[i]!);
  return c.layers;
}
