import { describe, expect, it } from 'vitest';
import { countLayers, LayerCounter } from './layers';

describe('LayerCounter', () => {
  it('starts a layer only after a gap of more than 700 frames', () => {
    const c = new LayerCounter(700);
    c.push(5, 1);
    expect(c.layers).toBe(0); // the seed starts with pre = 0, so early spatter is not a new layer
    c.push(705, 2);
    expect(c.layers).toBe(0); // gap of exactly 700 is not more than 700
    c.push(1406, 1);
    expect(c.layers).toBe(1);
    c.push(2000, 0);
    c.push(2106, 0);
    c.push(2107, 3);
    expect(c.layers).toBe(2);
  });
  it('counts frames without spatter as nothing', () => {
    const counts = new Array(3000).fill(0);
    counts[800] = 1;
    counts[1600] = 1;
    counts[1700] = 2;
    expect(countLayers(counts)).toBe(2);
  });
  it('restores from a snapshot', () => {
    const a = new LayerCounter();
    a.push(800, 1);
    const b = LayerCounter.from(a.snapshot());
    b.push(1600, 1);
    expect(b.layers).toBe(2);
  });
});
