// The training step: a model's parameters as tf.Variables, the loss, its gradients and an Adam update with
// PyTorch's L2 weight decay (torch.optim.Adam(weight_decay=...)), all on the active tfjs backend.
import * as tf from '@tensorflow/tfjs';
import { createRng, deriveSeed, uniformArray } from '../../core/train/rng';
import { getModel } from './models/registry';
import type { ModelDef, ModelInput, ParamSpec } from './models/types';
import { lossFn, type LossName } from './losses';

export interface TrainerOptions {
  model: string;
  input: ModelInput;
  lr: number;
  weightDecay: number;
  seed: number;
  loss?: LossName;
  /** Weight of class 1 in focal loss. */
  focalAlpha?: number;
}

export type WeightMap = Record<string, Float32Array>;

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPS = 1e-8;

/** Initial weights from the seed alone, so every backend starts from the same numbers. */
export function initialWeights(specs: ParamSpec[], seed: number): WeightMap {
  const rng = createRng(deriveSeed(seed, 'weights'));
  const out: WeightMap = {};
  for (const s of specs) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    out[s.name] =
      s.init === 'fan-in' || s.init === 'he'
        ? uniformArray(n, s.init === 'he' ? Math.sqrt(6 / s.fanIn) : 1 / Math.sqrt(s.fanIn), rng)
        : new Float32Array(n).fill(s.init === 'ones' ? 1 : s.init === 'const' ? (s.value ?? 0) : 0);
  }
  return out;
}

export class Trainer {
  readonly model: ModelDef;
  readonly specs: ParamSpec[];
  readonly vars: Record<string, tf.Variable> = {};
  private readonly m: Record<string, tf.Variable> = {};
  private readonly v: Record<string, tf.Variable> = {};
  private readonly loss: (z: tf.Tensor2D, y: tf.Tensor2D) => tf.Scalar;
  /** Adam steps taken (for bias correction); saved with checkpoints. */
  step = 0;
  lr: number;

  constructor(
    readonly opts: TrainerOptions,
    weights?: WeightMap,
  ) {
    this.model = getModel(opts.model);
    this.specs = this.model.params(opts.input);
    this.lr = opts.lr;
    this.loss = lossFn(opts.loss ?? 'bce', opts.focalAlpha);
    const init = weights ?? initialWeights(this.specs, opts.seed);
    for (const s of this.specs) {
      const w = init[s.name];
      if (!w) throw new Error(`Weights for "${s.name}" are missing (model ${opts.model})`);
      this.vars[s.name] = tf.variable(tf.tensor(w, s.shape), true);
      this.m[s.name] = tf.variable(tf.zeros(s.shape), false);
      this.v[s.name] = tf.variable(tf.zeros(s.shape), false);
    }
  }

  /** Logits for a batch (no gradient bookkeeping). */
  predict(x: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => this.model.apply(this.vars, x, false));
  }

  /** Loss and gradients w.r.t. every parameter, without updating anything. */
  lossAndGrads(
    x: tf.Tensor4D,
    y: tf.Tensor2D,
  ): { loss: tf.Scalar; grads: Record<string, tf.Tensor>; correct: tf.Scalar } {
    const names = this.specs.map((s) => s.name);
    const varList = names.map((n) => this.vars[n]!);
    let correct: tf.Scalar | null = null;
    const { value, grads } = tf.variableGrads(() => {
      const z = this.model.apply(this.vars, x, true);
      // Training accuracy from the same forward pass (logit > 0 is class 1); kept past the tape's tidy.
      correct = tf.keep(tf.greater(z, 0).cast('float32').equal(y).cast('float32').sum<tf.Scalar>());
      return this.loss(z, y);
    }, varList);
    const byName: Record<string, tf.Tensor> = {};
    for (const n of names) {
      byName[n] = grads[this.vars[n]!.name]!;
    }
    return { loss: value, grads: byName, correct: correct! };
  }

  /**
   * One Adam step on a batch. Returns the loss as a tensor the caller reads when it wants to (reading it
   * every batch would stall GPU backends).
   */
  trainStep(x: tf.Tensor4D, y: tf.Tensor2D): tf.Scalar {
    const { loss, correct } = this.trainStepWithHits(x, y);
    correct.dispose();
    return loss;
  }

  /** trainStep that also returns how many of the batch the forward pass classified right (before the update). */
  trainStepWithHits(x: tf.Tensor4D, y: tf.Tensor2D): { loss: tf.Scalar; correct: tf.Scalar } {
    const { loss, grads, correct } = this.lossAndGrads(x, y);
    this.applyGradients(grads);
    return { loss, correct };
  }

  /** One Adam step with given gradients (by parameter name; disposed here). */
  applyGradients(grads: Record<string, tf.Tensor>): void {
    this.step += 1;
    const t = this.step;
    const bc1 = 1 - BETA1 ** t;
    const bc2 = 1 - BETA2 ** t;
    const stepSize = this.lr / bc1;
    const wd = this.opts.weightDecay;
    tf.tidy(() => {
      for (const s of this.specs) {
        const p = this.vars[s.name]!;
        let g = grads[s.name]!;
        if (wd > 0) g = g.add(p.mul(wd));
        const m = this.m[s.name]!;
        const v = this.v[s.name]!;
        const m1 = m.mul(BETA1).add(g.mul(1 - BETA1));
        const v1 = v.mul(BETA2).add(g.square().mul(1 - BETA2));
        m.assign(m1);
        v.assign(v1);
        const denom = v1.sqrt().div(Math.sqrt(bc2)).add(EPS);
        p.assign(p.sub(m1.div(denom).mul(stepSize)));
      }
    });
    for (const g of Object.values(grads)) g.dispose();
  }

  /** Overwrite the parameters (a data-parallel replica takes the coordinator's weights before each shard). */
  setWeights(weights: WeightMap): void {
    for (const s of this.specs) {
      const w = weights[s.name];
      if (!w) throw new Error(`Weights for "${s.name}" are missing (model ${this.opts.model})`);
      tf.tidy(() => this.vars[s.name]!.assign(tf.tensor(w, s.shape)));
    }
  }

  async getWeights(): Promise<WeightMap> {
    const out: WeightMap = {};
    for (const s of this.specs) out[s.name] = (await this.vars[s.name]!.data()) as Float32Array;
    return out;
  }

  /** Adam's moments, for checkpoints that resume exactly. */
  async getOptimizerState(): Promise<{ step: number; m: WeightMap; v: WeightMap }> {
    const m: WeightMap = {};
    const v: WeightMap = {};
    for (const s of this.specs) {
      m[s.name] = (await this.m[s.name]!.data()) as Float32Array;
      v[s.name] = (await this.v[s.name]!.data()) as Float32Array;
    }
    return { step: this.step, m, v };
  }

  setOptimizerState(state: { step: number; m: WeightMap; v: WeightMap }): void {
    this.step = state.step;
    for (const s of this.specs) {
      const m = state.m[s.name];
      const v = state.v[s.name];
      tf.tidy(() => {
        if (m) this.m[s.name]!.assign(tf.tensor(m, s.shape));
        if (v) this.v[s.name]!.assign(tf.tensor(v, s.shape));
      });
    }
  }

  dispose(): void {
    for (const r of [this.vars, this.m, this.v]) for (const t of Object.values(r)) t.dispose();
  }
}
