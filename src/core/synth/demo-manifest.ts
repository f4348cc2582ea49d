// The built-in demo under public/demo (made by `npm run generate:demo`): what the app shell offers on a
// first visit. Paths are relative to the page, so the demo works from any sub-path of a static host.

export type DemoKind = 'h5' | 'video' | 'model';

export interface DemoFile {
  /** Relative URL, e.g. `demo/left_low_0.h5`. */
  path: string;
  kind: DemoKind;
  /** Class index (0 low gas flow, 1 high gas flow) where the file holds one class. */
  label?: number;
  /** What the user is shown. */
  title: string;
}

export const DEMO_SEED = 2024;
/** Crops in the demo HDF5 files, split by the research's class balance (two files, about 7.5 MB together). */
export const DEMO_CROPS = 2000;
/** Synthetic crops the demo LeNet5 is trained on (left/mid/right views; not shipped: the demo stays light). */
export const DEMO_TRAIN_CROPS = 12_000;

export const DEMO_FILES: readonly DemoFile[] = [
  { path: 'demo/left_low_0.h5', kind: 'h5', label: 0, title: 'Low gas flow crops (synthetic)' },
  { path: 'demo/left_high_2.h5', kind: 'h5', label: 1, title: 'High gas flow crops (synthetic)' },
  {
    path: 'demo/spatter_low_flow.mp4',
    kind: 'video',
    label: 0,
    title: 'Low gas flow build, 2 layers (H.264)',
  },
  {
    path: 'demo/spatter_high_flow.mp4',
    kind: 'video',
    label: 1,
    title: 'High gas flow build, 2 layers (H.264)',
  },
];

/** The demo's HDF5 files, for `useDataStore.getState().openUrls(demoUrls('h5'))`. */
export function demoUrls(kind: DemoKind): string[] {
  return DEMO_FILES.filter((f) => f.kind === kind).map((f) => f.path);
}

/** Scene parameters of the demo videos: two short layers with a short recoat between them (like the
 *  research fixtures, so the video stays small: the extractor will count them as one layer). */
export const DEMO_VIDEO_SCENE = {
  width: 640,
  height: 360,
  fps: 25,
  spatterRate: 600,
  layers: 2,
  layerSeconds: 6,
  layerGapFrames: 120,
} as const;
