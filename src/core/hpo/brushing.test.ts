// Brushing on parallel coordinates: positions on log and categorical axes, the trials a brush selects, and the
// region "narrow and continue" goes on in.
import { describe, expect, it } from 'vitest';
import { brushedTrials, paramPosition, regionOf, widestSpace } from './brushing';
import { narrowSpace, parseSpace } from './space';
import { newTrial, type Trial } from './study';

const { space } = parseSpace(
  'training.lr=tag(log,interval(1e-4,1e-2)) training.batch_size=choice(64,128,256)',
);
const trial = (n: number, lr: number, bs: number, value: number): Trial => ({
  ...newTrial(n, { 'training.lr': lr, 'training.batch_size': bs }, space, 0),
  state: 'complete',
  value,
});
const trials = [
  trial(0, 1e-4, 64, 0.6),
  trial(1, 1e-3, 128, 0.9),
  trial(2, 1e-2, 256, 0.7),
  trial(3, 3e-3, 128, 0.85),
];

describe('brushing', () => {
  it('places values on log and categorical axes', () => {
    expect(paramPosition(space['training.lr']!, 1e-3)).toBeCloseTo(0.5);
    expect(paramPosition(space['training.batch_size']!, 256)).toBe(1);
  });

  it('selects the trials inside every brush and turns them into a region', () => {
    // top 40 % of the objective axis: values >= 0.78 on a 0.6..0.9 scale
    const sel = brushedTrials({ value: [0.6, 1] }, space, trials, 'value');
    expect([...sel].sort()).toEqual([1, 3]);
    const region = regionOf({ value: [0.6, 1] }, space, trials, sel)!;
    expect(region['training.lr']).toEqual({ low: 1e-3, high: 3e-3 });
    expect(region['training.batch_size']).toEqual({ choices: [128] });
    const narrowed = narrowSpace(space, region);
    expect(narrowed['training.lr']).toMatchObject({ low: 1e-3, high: 3e-3, log: true });
    // a brushed parameter axis gives its own range (log scale inverted)
    const r2 = regionOf(
      { 'training.lr': [0.5, 1] },
      space,
      trials,
      brushedTrials({ 'training.lr': [0.5, 1] }, space, trials, 'value'),
    )!;
    expect((r2['training.lr'] as { low: number }).low).toBeCloseTo(1e-3);
    expect(regionOf({ value: [0.99, 1] }, space, trials, new Set())).toBeNull();
  });

  it('keeps older trials of a narrowed study on the axes', () => {
    const narrowed = narrowSpace(space, { 'training.lr': { low: 1e-3, high: 2e-3 } });
    expect(widestSpace(narrowed, trials)['training.lr']).toMatchObject({ low: 1e-4, high: 1e-2 });
  });
});
