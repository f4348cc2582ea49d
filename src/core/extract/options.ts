// From the typed config section `extract` (research defaults, dotted overrides) to the detector's options.
import type { ExtractConfig } from '../config/config';

/** What the detector needs: the research algorithm's parameters. */
export interface DetectOptions {
  minArea: number;
  maxArea: number;
  threshold: number;
  /** Gaussian kernel size (odd). */
  blur: number;
  dilateIterations: number;
  rejectBlue: boolean;
  /** Columns searched: [leftBound, rightBound); rightBound 0 means the frame width. */
  leftBound: number;
  rightBound: number;
}

export interface CoreExtractOptions extends DetectOptions {
  /** First frame of the first pair processed. */
  startFrame: number;
  /** Process pairs whose earlier frame is below this (exclusive); 0 = to the end. */
  endFrame: number;
  /** Stop after this many pairs (the research tool's debug limit); 0 = no limit. */
  limit: number;
  jpegQuality: number;
  layerGap: number;
  /** Workers sharing the video (0 = one per CPU core); see workers/extract/parallel. */
  workers: number;
}

export function extractOptionsFrom(c: ExtractConfig): CoreExtractOptions {
  return {
    minArea: c.min_area,
    maxArea: c.max_area,
    threshold: c.threshold,
    blur: c.blur,
    dilateIterations: c.dilate_iterations,
    rejectBlue: c.reject_blue,
    leftBound: c.left_bound,
    rightBound: c.right_bound,
    startFrame: c.start_frame,
    endFrame: 0,
    limit: c.limit,
    jpegQuality: c.jpeg_quality,
    layerGap: c.layer_gap,
    workers: c.workers,
  };
}
