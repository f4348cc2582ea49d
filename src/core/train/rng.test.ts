import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed, permutation, uniformArray } from './rng';

describe('seeded rng', () => {
  it('repeats its stream for the same seed and differs for another', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const sa = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(sa);
    for (const v of sa) expect(v >= 0 && v < 1).toBe(true);
  });

  it('permutes every index exactly once', () => {
    const p = permutation(1000, createRng(1));
    expect([...p].sort((x, y) => x - y)).toEqual([...Array(1000).keys()]);
    expect([...p.slice(0, 10)]).not.toEqual([...Array(10).keys()]);
  });

  it('derives independent streams by name', () => {
    expect(deriveSeed(1, 'weights')).not.toBe(deriveSeed(1, 'order'));
    expect(deriveSeed(1, 'weights')).toBe(deriveSeed(1, 'weights'));
  });

  it('draws init values inside the bound', () => {
    const w = uniformArray(10000, 0.2, createRng(3));
    expect(Math.max(...w)).toBeLessThanOrEqual(0.2);
    expect(Math.min(...w)).toBeGreaterThanOrEqual(-0.2);
    expect(Math.max(...w)).toBeGreaterThan(0.19);
  });
});
