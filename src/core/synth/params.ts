// Parameters of a synthetic LPBF scene, their research-like defaults, and checks that name the bad field.

export interface SceneParams {
  /** Seed of everything random in the scene: the same seed gives the same bytes. */
  seed: number;
  width: number;
  height: number;
  fps: number;
  /** Inert gas flow speed over the bed, m/s (research: "low" and "high" flow settings). */
  gasFlow: number;
  /** Spatter ejections per second while the laser is on. */
  spatterRate: number;
  /** Number of layers scanned. */
  layers: number;
  /** Laser scanning time of each layer, seconds (the "duration" of a layer). */
  layerSeconds: number;
  /** Frames between the end of one layer's scan and the next (recoating). The extractor counts a new
   *  layer after more than 700 frames without spatter, so the default leaves room for spatter to settle. */
  layerGapFrames: number;
}

/** Gas flow speeds standing for the research's two classes. */
export const GAS_FLOW = { low: 0.6, high: 2.4 } as const;
export type FlowClass = keyof typeof GAS_FLOW;

export const DEFAULT_SCENE: SceneParams = {
  seed: 1,
  width: 640,
  height: 360,
  fps: 25,
  gasFlow: GAS_FLOW.high,
  spatterRate: 600,
  layers: 2,
  layerSeconds: 20,
  layerGapFrames: 800,
};

/** Frames of laser scanning per layer. */
export function scanFrames(p: SceneParams): number {
  return Math.max(1, Math.round(p.layerSeconds * p.fps));
}

/** Total frames: layers of scanning separated by recoating gaps (none after the last layer). */
export function sceneFrameCount(p: SceneParams): number {
  return p.layers * scanFrames(p) + (p.layers - 1) * p.layerGapFrames;
}

/** Problems with the parameters, each naming the field and the allowed range; empty when fine. */
export function checkSceneParams(p: SceneParams): string[] {
  const errs: string[] = [];
  const range = (name: keyof SceneParams, lo: number, hi: number, integer = false) => {
    const v = p[name];
    if (!Number.isFinite(v) || v < lo || v > hi || (integer && !Number.isInteger(v)))
      errs.push(`${name} must be ${integer ? 'an integer ' : ''}between ${lo} and ${hi} (got ${v})`);
  };
  range('seed', 0, 2 ** 32 - 1, true);
  range('width', 64, 3840, true);
  range('height', 64, 2160, true);
  range('fps', 1, 240);
  range('gasFlow', 0, 10);
  range('spatterRate', 0, 10000);
  range('layers', 1, 10000, true);
  range('layerSeconds', 0.04, 3600);
  range('layerGapFrames', 0, 100000, true);
  if (p.width % 2 || p.height % 2) errs.push('width and height must be even (video encoders need it)');
  return errs;
}
