// Augmentation settings for image training: each kind toggled on or off, with the probability it is applied
// to an image and its strength. The augmentations themselves run on the tfjs backend (workers/images/augment).

export type AugmentKind = 'hflip' | 'vflip' | 'rotation' | 'brightness' | 'contrast' | 'colour' | 'blur';

export interface AugmentSetting {
  enabled: boolean;
  /** Chance per image, 0..1. */
  p: number;
  /**
   * rotation: the largest angle in degrees; brightness: the largest shift (share of full scale); contrast and
   * colour: the largest relative change of contrast / of each channel's gain; blur: the Gaussian sigma in
   * pixels. Ignored by flips.
   */
  strength: number;
}

export type AugmentConfig = Record<AugmentKind, AugmentSetting>;

export const AUGMENT_KINDS: { kind: AugmentKind; label: string; unit: string }[] = [
  { kind: 'hflip', label: 'Horizontal flip', unit: '' },
  { kind: 'vflip', label: 'Vertical flip', unit: '' },
  { kind: 'rotation', label: 'Rotation', unit: '°' },
  { kind: 'brightness', label: 'Brightness', unit: '±' },
  { kind: 'contrast', label: 'Contrast', unit: '±' },
  { kind: 'colour', label: 'Colour jitter', unit: '±' },
  { kind: 'blur', label: 'Blur', unit: 'σ px' },
];

/** Defaults for surface-defect images: flips on; small rotation, brightness and contrast; colour and blur off. */
export function defaultAugment(): AugmentConfig {
  return {
    hflip: { enabled: true, p: 0.5, strength: 0 },
    vflip: { enabled: true, p: 0.5, strength: 0 },
    rotation: { enabled: false, p: 0.5, strength: 5 },
    brightness: { enabled: true, p: 0.5, strength: 0.1 },
    contrast: { enabled: true, p: 0.5, strength: 0.2 },
    colour: { enabled: false, p: 0.5, strength: 0.1 },
    blur: { enabled: false, p: 0.2, strength: 1 },
  };
}

export function noAugment(): AugmentConfig {
  const a = defaultAugment();
  for (const k of Object.keys(a) as AugmentKind[]) a[k].enabled = false;
  return a;
}

/** Check the settings; a message names the setting and the range allowed. */
export function checkAugment(a: AugmentConfig): void {
  for (const { kind, label } of AUGMENT_KINDS) {
    const s = a[kind];
    if (!(s.p >= 0 && s.p <= 1)) throw new Error(`${label}: probability must be between 0 and 1, got ${s.p}`);
    if (!(s.strength >= 0)) throw new Error(`${label}: strength must be 0 or more, got ${s.strength}`);
    if (kind === 'rotation' && s.strength > 180)
      throw new Error(`${label}: at most 180 degrees, got ${s.strength}`);
    if (kind === 'blur' && s.strength > 5) throw new Error(`${label}: sigma at most 5 px, got ${s.strength}`);
  }
}
