// What a model in the registry is: named parameters with shapes and a seeded init, and a forward pass
// written with plain tfjs ops (no tf.layers), so every backend runs the same graph and gradients.
import type * as tf from '@tensorflow/tfjs';

export type ModelName = 'lenet5' | 'lenet5-classic' | 'resnet-small' | ConvNextName;

export type ConvNextSize = 'atto' | 'femto' | 'pico' | 'nano' | 'tiny';
export type ConvNextName = `convnext-${ConvNextSize}` | `convnext-${ConvNextSize}-cbam`;

export interface ParamSpec {
  name: string;
  shape: number[];
  /**
   * 'fan-in': uniform in +-1/sqrt(fanIn) (PyTorch's default for conv and linear); 'ones'/'zeros' for norms;
   * 'const': every value is `value` (ConvNeXt's layer scale starts at 1e-6); 'he': uniform in
   * +-sqrt(6/fanIn) (He/Kaiming for ReLU nets without normalisation, so the signal keeps its scale with depth).
   */
  init: 'fan-in' | 'ones' | 'zeros' | 'const' | 'he';
  fanIn: number;
  value?: number;
}

export interface ModelInput {
  /** Side of the square input (research: 32). */
  size: number;
  /** 3 (grey replicated, research) or 1. */
  channels: number;
  /** Non-square inputs (full-resolution images, e.g. 256 x 1600): height and width override `size`. */
  height?: number;
  width?: number;
  /** Outputs of the head (default 1: one logit for binary tasks). */
  classes?: number;
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
  /** Multiply-adds of one forward pass for one image (what papers quote as FLOPs), where known. */
  flops?(input: ModelInput): number;
  /** Floats one image's forward pass keeps for the backward pass (the activation-memory estimate). */
  activationFloats?(input: ModelInput): number;
}

export function inputHeight(i: ModelInput): number {
  return i.height ?? i.size;
}

export function inputWidth(i: ModelInput): number {
  return i.width ?? i.size;
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
