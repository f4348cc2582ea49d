import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodeBackend } from '../testing/node-tf';
import { initialWeights } from '../trainer';
import { registerWasmTrainingKernels } from '../wasm-kernels';
import { gelu, geluPlain, layerNorm, layerNormPlain } from './convnext';
import { getModel, listModels } from './registry';
import { paramCount, type ModelInput } from './types';

const imageNet: ModelInput = { size: 224, channels: 3, classes: 1000 };

describe('ConvNeXt family', () => {
  beforeAll(() => startNodeBackend('cpu'));

  it('ConvNeXt-Tiny has the published 28,589,128 parameters with a 1000-class head (3 input channels)', () => {
    expect(paramCount(getModel('convnext-tiny').params(imageNet))).toBe(28_589_128);
  });

  it('with 3 input channels and 4 outputs: torchvision ConvNeXt gives 3,375,804 (atto, built from its class) and 27,823,204 (tiny)', () => {
    const four = { size: 256, height: 256, width: 1600, channels: 3, classes: 4 };
    expect(paramCount(getModel('convnext-atto').params(four))).toBe(3_375_804);
    expect(paramCount(getModel('convnext-tiny').params(four))).toBe(27_823_204);
  });

  it('the small sizes match timm (3.70M, 5.22M, 9.05M, 15.59M)', () => {
    const millions = (n: string) => paramCount(getModel(n).params(imageNet)) / 1e6;
    // the same structure as Tiny (whose count is exact above)
    expect(millions('convnext-atto')).toBeCloseTo(3.7, 2);
    expect(millions('convnext-femto')).toBeCloseTo(5.22, 2);
    expect(millions('convnext-pico')).toBeCloseTo(9.05, 2);
    expect(millions('convnext-nano')).toBeCloseTo(15.59, 2);
  });

  it('the registry lists parameters and FLOPs at the chosen input (Tiny: 4.5 GMACs at 224)', () => {
    const tiny = listModels(imageNet).find((m) => m.name === 'convnext-tiny')!;
    expect(tiny.flops! / 1e9).toBeCloseTo(4.47, 1);
    const full = listModels({ size: 256, height: 256, width: 1600, channels: 1, classes: 4 });
    const atto = full.find((m) => m.name === 'convnext-atto-cbam')!;
    const attoPlain = full.find((m) => m.name === 'convnext-atto')!;
    // CBAM at stages 3 and 4: two MLPs (160->10->160, 320->20->320) and two 7x7 spatial convs (2->1)
    expect(atto.parameters - attoPlain.parameters).toBe(
      160 * 10 + 10 + 10 * 160 + 160 + 98 + 1 + 320 * 20 + 20 + 20 * 320 + 320 + 98 + 1,
    );
    // 256x1600 is 8.2x the pixels of 224x224
    expect(atto.flops! / attoPlain.flops!).toBeGreaterThan(1);
  });

  it('maps a non-square batch to one logit per class, grey or RGB alike, and refuses sizes not a multiple of 32', () => {
    const m = getModel('convnext-atto-cbam');
    const input = { size: 32, height: 32, width: 96, channels: 3, classes: 4 };
    const specs = m.params(input);
    const w = initialWeights(specs, 3);
    const p = Object.fromEntries(specs.map((s) => [s.name, tf.tensor(w[s.name]!, s.shape)]));
    for (const s of specs) if (s.name.endsWith('.gamma')) p[s.name] = tf.fill(s.shape, 0.5);
    const grey = tf.randomUniform([2, 32, 96, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
    const a = m.apply(p, grey, false);
    expect(a.shape).toEqual([2, 4]);
    const b = m.apply(p, tf.tile(grey, [1, 1, 1, 3]) as tf.Tensor4D, false);
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeLessThan(1e-4);
    expect(() => m.apply(p, tf.zeros([1, 30, 96, 3]), false)).toThrow(/multiple of 32/);
  });
});

describe('hand-written gradients equal autodiff of the plain ops', () => {
  beforeAll(() => startNodeBackend('cpu'));
  const close = (a: tf.Tensor, b: tf.Tensor) =>
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeLessThan(1e-5);

  it('LayerNorm: value and gradients w.r.t. x, scale and shift', () => {
    const x = tf.randomNormal([2, 3, 4, 8], 0, 2, 'float32', 1);
    const g = tf.randomNormal([8], 1, 0.3, 'float32', 2);
    const b = tf.randomNormal([8], 0, 0.3, 'float32', 3);
    const w = tf.randomNormal([2, 3, 4, 8], 0, 1, 'float32', 4);
    const loss = (f: typeof layerNorm) => (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) =>
      tf.sum(tf.mul(f(xx, gg, bb), w));
    close(layerNorm(x, g, b), layerNormPlain(x, g, b));
    const a = tf.grads(loss(layerNorm))([x, g, b]);
    const e = tf.grads(loss(layerNormPlain))([x, g, b]);
    a.forEach((t, i) => close(t, e[i]!));
  });

  it('GELU: value and gradient', () => {
    const x = tf.linspace(-6, 6, 101);
    close(gelu(x), geluPlain(x));
    close(tf.grad((v: tf.Tensor) => tf.sum(gelu(v)))(x), tf.grad((v: tf.Tensor) => tf.sum(geluPlain(v)))(x));
  });
});

describe('ConvNeXt trains on wasm: gradients equal the cpu backend', () => {
  let cpuGrads: Record<string, Float32Array> = {};
  const m = getModel('convnext-atto-cbam');
  const input = { size: 32, height: 32, width: 64, channels: 1, classes: 3 };
  const specs = m.params(input);
  const w = initialWeights(specs, 11);
  for (const s of specs) if (s.name.endsWith('.gamma')) w[s.name]!.fill(0.3);
  const x = Float32Array.from({ length: 2 * 32 * 64 }, (_, i) => ((i * 7919) % 255) / 255);

  async function grads(): Promise<Record<string, Float32Array>> {
    const vars = Object.fromEntries(specs.map((s) => [s.name, tf.variable(tf.tensor(w[s.name]!, s.shape))]));
    const { grads: g } = tf.variableGrads(
      () => tf.sum(tf.square(m.apply(vars, tf.tensor4d(x, [2, 32, 64, 1]), false))) as tf.Scalar,
      Object.values(vars),
    );
    const out: Record<string, Float32Array> = {};
    for (const s of specs) out[s.name] = (await g[vars[s.name]!.name]!.data()) as Float32Array;
    for (const v of Object.values(vars)) v.dispose();
    return out;
  }

  beforeAll(async () => {
    await startNodeBackend('cpu');
    cpuGrads = await grads();
    registerWasmTrainingKernels();
    await startNodeBackend('wasm');
  });
  afterAll(() => startNodeBackend('cpu'));

  it('depthwise 7x7, patchify, LayerNorm, GELU and CBAM gradients agree within 1e-3 (relative)', async () => {
    const wasm = await grads();
    for (const name of [
      'stem.w',
      's0.b0.dw.w',
      's1.b1.dw.b',
      's2.b3.pw1.w',
      's3.sa.w',
      's3.ca1.w',
      'head.w',
    ]) {
      const a = cpuGrads[name]!;
      const b = wasm[name]!;
      const scale = Math.max(1e-6, ...a.map(Math.abs));
      let worst = 0;
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / scale);
      expect(worst, name).toBeLessThan(1e-3);
    }
  });
});
