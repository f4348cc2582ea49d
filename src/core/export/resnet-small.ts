// resnet-small's architecture as data: stage widths, attention sizes and the shape of every named weight, the
// one description the training model, the TF.js layers export and the ONNX export are built from.
import { ExportError, type ModelInputSpec, type WeightMap } from './sequential';

export const RESNET_SMALL = {
  /** Channels of the three residual stages (32x32, 16x16, 8x8 at a 32x32 input). */
  widths: [16, 32, 64],
  /** Channel-attention MLP reduction. */
  reduction: 4,
  /** Kernel of the spatial-attention convolution. */
  spatialKernel: 7,
} as const;

/** Hidden units of a stage's channel-attention MLP. */
export function attentionUnits(channels: number): number {
  return Math.max(1, channels / RESNET_SMALL.reduction);
}

export interface ResnetWeightShape {
  name: string;
  /** Training layout: conv HWIO [k, k, in, out], dense [in, out], gate [1]. */
  shape: number[];
  kind: 'conv' | 'dense' | 'bias' | 'gate';
}

/** Every weight of resnet-small in the training layout, in the order the training registry declares them. */
export function resnetSmallShapes(input: ModelInputSpec): ResnetWeightShape[] {
  const { widths, spatialKernel } = RESNET_SMALL;
  const out: ResnetWeightShape[] = [];
  const conv = (name: string, k: number, cin: number, cout: number) =>
    out.push(
      { name: `${name}.w`, shape: [k, k, cin, cout], kind: 'conv' },
      { name: `${name}.b`, shape: [cout], kind: 'bias' },
    );
  const dense = (name: string, cin: number, cout: number) =>
    out.push(
      { name: `${name}.w`, shape: [cin, cout], kind: 'dense' },
      { name: `${name}.b`, shape: [cout], kind: 'bias' },
    );
  conv('stem', 3, input.channels, widths[0]);
  widths.forEach((c, i) => {
    const s = `s${i + 1}`;
    if (i > 0) conv(`${s}.down`, 1, widths[i - 1]!, c);
    conv(`${s}.conv1`, 3, c, c);
    conv(`${s}.conv2`, 3, c, c);
    out.push({ name: `${s}.gate`, shape: [1], kind: 'gate' });
    const r = attentionUnits(c);
    dense(`${s}.ca1`, c, r);
    dense(`${s}.ca2`, r, c);
    conv(`${s}.sa`, spatialKernel, 2, 1);
  });
  dense('fc', widths[widths.length - 1]!, 1);
  return out;
}

/**
 * Check the weights against the shapes. A missing gate is allowed (read as 1): a TF.js export folds each gate
 * into its stage's second convolution, so weights read back from one have none.
 */
export function checkResnetWeights(input: ModelInputSpec, weights: WeightMap): void {
  if (input.size < 4 || input.size % 4 !== 0) {
    throw new ExportError(
      `resnet-small needs an input side divisible by 4 (two 2x2 poolings); got ${input.size}`,
    );
  }
  for (const s of resnetSmallShapes(input)) {
    const w = weights[s.name];
    if (!w && s.kind === 'gate') continue;
    const need = s.shape.reduce((a, b) => a * b, 1);
    if (!w || w.length !== need) {
      throw new ExportError(
        `Weights "${s.name}" should hold ${need} values (shape [${s.shape.join(', ')}]) but hold ` +
          `${w?.length ?? 'none'}: they do not belong to resnet-small with this input size`,
      );
    }
  }
}

/** A stage's gate (the learnt scale of its residual branch); 1 when folded away already. */
export function gateOf(weights: WeightMap, stage: string): number {
  return weights[`${stage}.gate`]?.[0] ?? 1;
}

/** conv2 of a stage with its gate folded in: conv(h, w) * g + b * g = conv(h, w * g) + b * g. */
export function foldedConv2(weights: WeightMap, stage: string): { w: Float32Array; b: Float32Array } {
  const g = gateOf(weights, stage);
  return {
    w: weights[`${stage}.conv2.w`]!.map((v) => v * g),
    b: weights[`${stage}.conv2.b`]!.map((v) => v * g),
  };
}
