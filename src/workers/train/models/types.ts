// What a model in the registry is: named parameters with shapes and a seeded init, and a forward pass
// written with plain tfjs ops (no tf.layers), so every backend runs the same graph and gradients.
import type * as tf from '@tensorflow/tfjs';

export type ModelName = 'lenet5' | 'lenet5-classic' | 'resnet-small';

export interface ParamSpec {
  name: string;
  shape: number[];
  /** 'fan-in': uniform in +-1/sqrt(fanIn) (PyTorch's default for conv and linear); 'ones'/'zeros' for norms. */
  init: 'fan-in' | 'ones' | 'zeros';
  fanIn: number;
}

export interface ModelInput {
  /** Side of the square input (research: 32). */
  size: number;
  /** 3 (grey replicated, research) or 1. */
  channels: number;
}

export type Params = Record<string, tf.Tensor>;

export interface ModelDef {
  name: ModelName;
  label: string;
  description: string;
  params(input: ModelInput): ParamSpec[];
  /**
   * Logits [N, 1] for a batch x [N, size, size, channels] (NHWC, values in [0, 1]); grey batches may come
   * with 1 channel for a 3-channel model (see firstLayerKernel).
   */
  apply(p: Params, x: tf.Tensor4D, training: boolean): tf.Tensor2D;
}

export function paramCount(specs: ParamSpec[]): number {
  return specs.reduce((s, p) => s + p.shape.reduce((a, b) => a * b, 1), 0);
}

/** Fetch a parameter by name with a message that names the model when it is missing (bad checkpoint). */
export function param<T extends tf.Tensor>(p: Params, name: string): T {
  const t = p[name];
  if (!t) throw new Error(`Model parameter "${name}" is missing (the checkpoint does not match the model)`);
  return t as T;
}
