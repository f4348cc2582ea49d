import { describe, expect, it } from 'vitest';
import { buildVerdict, perLayer, type CropPrediction } from '../eval/timeline';
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

describe('layers with spatter (the figure Extract and Classify both show)', () => {
  it('counts the first stretch of spatter as a layer, and each stretch after a gap as another', () => {
    const c = new LayerCounter(700);
    c.push(5, 1);
    expect(c.layers).toBe(0);
    expect(c.layersWithSpatter).toBe(1);
    c.push(1406, 1);
    expect(c.layersWithSpatter).toBe(2);
    const late = new LayerCounter(700);
    late.push(800, 1); // the research count already says 1 here, and it is still one layer with spatter
    expect(late.layers).toBe(1);
    expect(late.layersWithSpatter).toBe(1);
  });

  it('equals the number of layers Classify bins the crops into, for the same per-frame counts', () => {
    const counts = new Array<number>(4000).fill(0);
    for (const f of [10, 11, 300, 1200, 1250, 3000]) counts[f] = 2;
    const c = new LayerCounter(700);
    const crops: CropPrediction[] = [];
    counts.forEach((n, frame) => {
      const layer = c.push(frame, n);
      for (let k = 0; k < n; k++) crops.push({ frame, layer, probability: 0.5 });
    });
    expect(c.layersWithSpatter).toBe(perLayer(crops).length);
    expect(c.layersWithSpatter).toBe(3);
    expect(buildVerdict(crops, ['low', 'high']).layers).toBe(3);
  });

  it('survives a snapshot', () => {
    const a = new LayerCounter();
    a.push(5, 1);
    const b = LayerCounter.from(a.snapshot());
    b.push(1000, 1);
    expect(b.layersWithSpatter).toBe(2);
  });
});
