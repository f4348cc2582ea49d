// Per-crop labels and the whole library at once (label refinement), on the real fixtures with real h5wasm.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataLibrary } from './data-library';
import { fixturesDir, nodeLibraryEnv } from './testing/node-env';

async function library(): Promise<DataLibrary> {
  const env = await nodeLibraryEnv('/tmp');
  const lib = new DataLibrary(env);
  for (const n of ['left_low_0.h5', 'left_high_2.h5']) lib.openPath(join(fixturesDir, n), n);
  return lib;
}

describe('DataLibrary for label refinement', () => {
  it('hands over every crop with labels, split, identity and a pixel digest; per-crop labels override', async () => {
    const lib = await library();
    const split = { kind: 'random' as const, seed: 1234, ratios: [0.6, 0.2, 0.2] };
    const a = await lib.allCrops(40, split);
    expect(a.label.length).toBe(338);
    expect(a.x.length).toBe(338 * 1600);
    expect(a.sources.map((s) => [s.name, s.crops])).toEqual([
      ['left_low_0.h5', 101],
      ['left_high_2.h5', 237],
    ]);
    expect(a.sources[0]!.digest).toMatch(/^[0-9a-f]{16}$/); // the source content digest
    expect(a.label[0]).toBe(0);
    expect(a.label[101]).toBe(1);
    const inSplits = [0, 1, 2].map((c) => a.split.filter((s) => s === c).length);
    expect(inSplits.reduce((x, y) => x + y, 0) + a.split.filter((s) => s === 3).length).toBe(338);
    expect(inSplits[2]).toBeGreaterThan(50);

    lib.setCropLabelsByOrdinal([0, 1], 1);
    lib.setCropLabelsByOrdinal([101], [null]);
    const b = await lib.allCrops(40, split);
    expect([b.label[0], b.label[1], b.label[2], b.label[101]]).toEqual([1, 1, 0, 1]);
    expect([b.ownLabel[0], b.ownLabel[2], b.ownLabel[101]]).toEqual([1, 0, 0]);
    expect(b.sources[0]!.digest).toBe(a.sources[0]!.digest);
    expect(() => lib.setCropLabelsByOrdinal([0], 300)).toThrow(/not a class index/);
  });
});
