import { describe, expect, it } from 'vitest';
import { formatHash, parseHash } from './hash-route';

describe('hash routes', () => {
  it('parses the area and the overrides', () => {
    expect(parseHash('#/train?training.batch_size=512&extract.min_area=2500')).toEqual({
      area: 'train',
      overrides: ['training.batch_size=512', 'extract.min_area=2500'],
    });
  });
  it('falls back to the data area for empty or unknown paths', () => {
    expect(parseHash('').area).toBe('data');
    expect(parseHash('#/nowhere').area).toBe('data');
  });
  it('round-trips, keeping list values readable', () => {
    const r = { area: 'runs' as const, overrides: ['data.ratios=0.7,0.15,0.15', 'training.loss=focal'] };
    const h = formatHash(r);
    expect(h).toBe('#/runs?data.ratios=0.7,0.15,0.15&training.loss=focal');
    expect(parseHash(h)).toEqual(r);
  });
});
