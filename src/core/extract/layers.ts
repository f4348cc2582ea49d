// Layer counting of the research code: a frame with spatter more than `gap` frames after the previous frame
// with spatter starts a new layer. Like the seed, the count starts at 0 and the "previous" frame starts at 0,
// so spatter in the first `gap` frames does not count as a layer of its own.
//
// What the studio shows as "Layers with spatter" (Extract and Classify alike) is the number of those layer
// indices at which spatter was seen: the first stretch of spatter is a layer, and each stretch after a gap of
// more than `gap` quiet frames is another. (The research count, `layers`, is one less when the video starts
// with spatter.)

export interface LayerSnapshot {
  last: number;
  count: number;
  withSpatter?: number;
  lastIndexWithSpatter?: number;
}

export class LayerCounter {
  private last = 0;
  private count = 0;
  private withSpatter = 0;
  private lastIndexWithSpatter = -1;

  constructor(private readonly gap = 700) {}

  /** Feed every processed frame in order (index relative to the first processed frame) with its count. */
  push(frame: number, spatterCount: number): number {
    if (spatterCount > 0) {
      if (frame - this.last > this.gap) this.count += 1;
      this.last = frame;
      if (this.count !== this.lastIndexWithSpatter) {
        this.withSpatter += 1;
        this.lastIndexWithSpatter = this.count;
      }
    }
    return this.count;
  }

  /** The research count: new-layer gaps seen (the layer index of the latest spatter). */
  get layers(): number {
    return this.count;
  }

  /** Layers in which spatter was seen: the figure the studio shows (Extract and Classify). */
  get layersWithSpatter(): number {
    return this.withSpatter;
  }

  get lastSpatterFrame(): number {
    return this.last;
  }

  /** Save and restore (for stitching halves of a video or resuming a finished run). */
  snapshot(): LayerSnapshot {
    return {
      last: this.last,
      count: this.count,
      withSpatter: this.withSpatter,
      lastIndexWithSpatter: this.lastIndexWithSpatter,
    };
  }

  static from(s: LayerSnapshot, gap = 700): LayerCounter {
    const c = new LayerCounter(gap);
    c.last = s.last;
    c.count = s.count;
    c.withSpatter = s.withSpatter ?? 0;
    c.lastIndexWithSpatter = s.lastIndexWithSpatter ?? -1;
    return c;
  }
}

/** Layers of a whole per-frame log, as the seed counts them. */
export function countLayers(perFrame: ArrayLike<number>, gap = 700): number {
  const c = new LayerCounter(gap);
  for (let i = 0; i < perFrame.length; i++) c.push(i, perFrame[i]!);
  return c.layers;
}
