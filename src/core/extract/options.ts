// From the typed config section `extract` (research defaults, dotted overrides) to the detector's options.
import type { ExtractConfig } from '../config/config';

export interface CoreExtractOptions {
  minArea: number;
  maxArea: number;
  threshold: number;
  blur: number;
  dilateIterations: number;
  rejectBlue: boolean;
  leftBound: number;
  rightBound: number;
  startFrame: number;
  endFrame: number;
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
