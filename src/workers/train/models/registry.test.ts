import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { startNodeBackend } from '../testing/node-tf';
import { initialWeights } from '../trainer';
import { getModel, listModels } from './registry';
import { paramCount } from './types';

describe('model registry', () => {
  beforeAll(() => startNodeBackend('cpu'));

  it('lenet5 has the research layer sizes (61,241 parameters with 3 input channels, as torch counts)', () => {
    const m = getModel('lenet5');
    const specs = m.params({ size: 32, channels: 3 });
    expect(paramCount(specs)).toBe(61241);
    expect(specs.find((s) => s.name === 'fc1.w')!.shape).toEqual([400, 120]);
    expect(listModels().find((i) => i.name === 'lenet5')!.parameters).toBe(61241);
  });

  it('lenet5 maps a batch of 32x32x3 images to one logit each', () => {
    const m = getModel('lenet5');
    const w = initialWeights(m.params({ size: 32, channels: 3 }), 7);
    const specs = m.params({ size: 32, channels: 3 });
    const p = Object.fromEntries(specs.map((s) => [s.name, tf.tensor(w[s.name]!, s.shape)]));
    const out = m.apply(p, tf.zeros([5, 32, 32, 3]), false);
    expect(out.shape).toEqual([5, 1]);
  });

  it('resnet-small is listed with its parameter count and maps 32x32 (3 or 1 channels) to one logit', () => {
    const info = listModels().find((i) => i.name === 'resnet-small')!;
    const m = getModel('resnet-small');
    const specs = m.params({ size: 32, channels: 3 });
    expect(info.parameters).toBe(paramCount(specs));
    // stem 448; residual convs + gate 4,641 + 18,497 + 73,857; 1x1 transitions 544 + 2,112;
    // CBAM (MLP + 7x7 spatial conv) 247 + 651 + 2,227; head 65
    expect(info.parameters).toBe(103289);
    const w = initialWeights(specs, 7);
    const p = Object.fromEntries(specs.map((s) => [s.name, tf.tensor(w[s.name]!, s.shape)]));
    expect(m.apply(p, tf.zeros([2, 32, 32, 3]), false).shape).toEqual([2, 1]);
    const grey = tf.randomUniform([2, 32, 32, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const rgb = tf.tile(grey, [1, 1, 1, 3]) as tf.Tensor4D;
    const a = m.apply(p, grey, false).dataSync();
    const b = m.apply(p, rgb, false).dataSync();
    expect(Math.abs(a[0]! - b[0]!)).toBeLessThan(1e-5);
  });

  it('names the known models when asked for an unknown one', () => {
    expect(() => getModel('vgg')).toThrow(/lenet5/);
  });
});
