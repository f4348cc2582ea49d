import { describe, expect, it } from 'vitest';
import { applyOverrides, defaultConfig, diffFromDefaults, parseOverride, runConfig } from './config';

describe('studio configuration', () => {
  it('holds the research defaults', () => {
    const c = defaultConfig();
    expect(c.extract.min_area).toBe(2000);
    expect(c.extract.max_area).toBe(15000);
    expect(c.extract.layer_gap).toBe(700);
    expect(c.training.batch_size).toBe(1024);
    expect(c.training.lr).toBe(1e-3);
    expect(c.data.ratios).toEqual([0.6, 0.2, 0.2]);
    expect(c.data.seed).toBe(1234);
  });

  it('applies dotted overrides of every type', () => {
    const { config, errors } = applyOverrides(
      defaultConfig(),
      'training.batch_size=512 extract.min_area=2500 training.loss=focal training.flips=true data.ratios=0.7,0.15,0.15',
    );
    expect(errors).toEqual([]);
    expect(config.training.batch_size).toBe(512);
    expect(config.extract.min_area).toBe(2500);
    expect(config.training.loss).toBe('focal');
    expect(config.training.flips).toBe(true);
    expect(config.data.ratios).toEqual([0.7, 0.15, 0.15]);
  });

  it('does not touch the base config', () => {
    const base = defaultConfig();
    applyOverrides(base, 'training.epochs=3');
    expect(base.training.epochs).toBe(20);
  });

  it('rejects unknown keys naming the key', () => {
    expect(() => parseOverride('training.batchsize=5')).toThrow(/Unknown key "training.batchsize"/);
    expect(() => parseOverride('nope.x=1')).toThrow(/Unknown key "nope.x".*extract, data, model, training/);
    expect(() => parseOverride('training=1')).toThrow(/Unknown key "training"/);
  });

  it('rejects bad values naming the key and the expected type', () => {
    expect(() => parseOverride('training.batch_size=abc')).toThrow(
      /Bad value for "training.batch_size": got "abc", expected an integer/,
    );
    expect(() => parseOverride('training.batch_size=1.5')).toThrow(/expected an integer/);
    expect(() => parseOverride('training.loss=mse')).toThrow(/expected one of bce \| focal/);
    expect(() => parseOverride('training.flips=yes')).toThrow(/expected true or false/);
    expect(() => parseOverride('extract.threshold=300')).toThrow(/in \[0, 255\]/);
    expect(() => parseOverride('min_area')).toThrow(/not an override/);
  });

  it('collects every error and checks cross-field rules', () => {
    const { errors } = applyOverrides(defaultConfig(), 'a.b=1 extract.min_area=20000 training.epochs=x');
    expect(errors.map((e) => e.key)).toEqual(['a.b', 'training.epochs', 'extract.min_area']);
  });

  it('round-trips a config through its diff from the defaults', () => {
    const { config } = applyOverrides(defaultConfig(), 'training.batch_size=256 model.name=lenet5-classic');
    const diff = diffFromDefaults(config);
    expect(diff).toEqual(['model.name=lenet5-classic', 'training.batch_size=256']);
    expect(applyOverrides(defaultConfig(), diff.join(' ')).config).toEqual(config);
  });
});

describe('runConfig', () => {
  it('records the backend actually used instead of auto, leaving the rest and the input untouched', () => {
    const c = defaultConfig();
    expect(c.training.backend).toBe('auto');
    const r = runConfig(c, 'wasm');
    expect(r.training.backend).toBe('wasm');
    expect(r.training.batch_size).toBe(c.training.batch_size);
    expect(c.training.backend).toBe('auto');
  });
});
