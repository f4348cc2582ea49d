// Extraction settings: the research tool's options (spatter_fvideo_hdf5_bytes_v3) with its defaults.
import { bool, int } from '../spec';

export const extractSection = {
  min_area: int(2000, 'Smallest contour area (px²) kept as a spatter', { min: 0 }),
  max_area: int(15000, 'Largest contour area (px²) kept as a spatter', { min: 1 }),
  threshold: int(20, 'Binary threshold on the blurred grey difference', { min: 0, max: 255 }),
  blur: int(5, 'Gaussian blur kernel size (odd)', { min: 1, max: 31 }),
  dilate_iterations: int(3, 'Dilations with a 3x3 kernel', { min: 0, max: 20 }),
  layer_gap: int(700, 'Frames without spatter that start a new layer', { min: 1 }),
  reject_blue: bool(true, 'Reject blue-dominant crops (the recoater light)'),
  start_frame: int(0, 'First frame to process', { min: 0 }),
  left_bound: int(0, 'Left bound of the region searched (px)', { min: 0 }),
  right_bound: int(0, 'Right bound of the region searched (px, 0 = frame width)', { min: 0 }),
  limit: int(0, 'Stop after this many frames (debug mode, 0 = whole video)', { min: 0 }),
  workers: int(
    0,
    'Extraction workers, each on a share of the video (0 = one per CPU core, at most 4, from 1,000 frames on)',
    {
      min: 0,
      max: 8,
    },
  ),
  jpeg_quality: int(95, 'JPEG quality of the saved crops (OpenCV default 95)', { min: 1, max: 100 }),
} as const;
