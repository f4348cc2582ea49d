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

  it('names the known models when asked for an unknown one', () => {
    expect(() => getModel('vgg')).toThrow(/lenet5/);
  });
});
