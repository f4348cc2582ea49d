// Classify a build video from the Evaluate area: the extraction worker finds every spatter crop with the same
// pipeline and options as the Extract area (nothing of it is duplicated here), and each crop is dated by its
// frame and by its layer with the research's layer rule, ready for the eval store's classifyVideoCrops. The crops
// are spooled into Blob chunks as Extract does (core/data/crop-chunks), so a long build video does not grow the tab.
import type { ExtractConfig } from '../core/config/config';
import { CropSpooler } from '../core/data/crop-chunks';
import { LayerCounter } from '../core/extract/layers';
import { extractOptionsFrom } from '../core/extract/options';
import type { ExtractBatch, ExtractedCrop, ExtractOptions } from '../workers/extract/api';
import { extractVideo } from '../workers/extract/parallel';
import type { PixelPath } from '../workers/video/frame-pixels';
import type { Progress } from '../workers/task';
import type { VideoCropsInput } from './eval-store';

/** Crops, frames and layers collected from a stream of extraction batches. */
export class VideoCropCollector {
  readonly frames: number[] = [];
  readonly layers: number[] = [];
  private readonly counter: LayerCounter;

  /** `startFrame`: the first frame the extraction processes (the layer rule counts frames from there). */
  constructor(
    private readonly startFrame: number,
    layerGap: number,
    /** The crops' JPEG bytes, in Blob chunks (only the current chunk's crops are held as arrays). */
    readonly spool = new CropSpooler(),
  ) {
    this.counter = new LayerCounter(layerGap);
  }

  /** Batches must come in order, as the extraction worker sends them. */
  push(b: { firstFrame: number; counts: number[]; crops: Pick<ExtractedCrop, 'frame' | 'jpeg'>[] }): void {
    // The layer of a frame is the count after pushing it, as in the Extract area and the per-frame log.
    const layerOf = new Map<number, number>();
    b.counts.forEach((n, i) => {
      const frame = b.firstFrame + i;
      const layer = this.counter.push(frame - this.startFrame, n);
      if (n > 0) layerOf.set(frame, layer);
    });
    for (const c of b.crops) {
      this.spool.push(c.jpeg);
      this.frames.push(c.frame);
      this.layers.push(layerOf.get(c.frame) ?? this.counter.layers);
    }
  }
}

/** The worker's options from the Extract area's settings (research defaults from the config section). */
export function videoExtractOptions(options: ExtractConfig, pixelPath: PixelPath): ExtractOptions {
  return { ...extractOptionsFrom(options), pixelPath, previewEveryMs: 0 };
}

/** Extract every crop of `file`, dated by frame and layer. Rejects with an AbortError when `signal` aborts. */
export async function extractVideoCrops(
  file: File,
  options: ExtractConfig,
  pixelPath: PixelPath,
  run: { signal?: AbortSignal; onProgress?: (p: Progress) => void } = {},
): Promise<VideoCropsInput> {
  const o = videoExtractOptions(options, pixelPath);
  const collected = new VideoCropCollector(o.startFrame, options.layer_gap);
  const onBatch = (b: ExtractBatch) => {
    b.preview?.bitmap.close();
    collected.push(b);
  };
  const summary = await extractVideo(file, file.name, o, onBatch, {
    ...(run.signal ? { signal: run.signal } : {}),
    ...(run.onProgress ? { onProgress: run.onProgress } : {}),
  });
  return {
    videoName: file.name,
    chunks: collected.spool.chunks(),
    frames: collected.frames,
    layers: collected.layers,
    totalFrames: summary.info.packetCount,
  };
}
