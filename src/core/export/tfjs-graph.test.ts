// The GraphDef-JSON writer under the TF.js exports: attr encodings as tfjs-converter reads them, constants in the
// manifest order and little-endian in the shard, and the mistakes it refuses.
import { describe, expect, it } from 'vitest';
import { attr, TfjsGraph } from './tfjs-graph';

describe('TF.js graph writer', () => {
  it('encodes attrs as proto3 JSON: strings base64, ints as strings', () => {
    for (const s of ['SAME', 'VALID', 'NHWC', 'a', 'ab', 'abc'])
      expect(attr.str(s)).toEqual({ s: Buffer.from(s).toString('base64') });
    expect(attr.ints([1, 4, 4, 1])).toEqual({ list: { i: ['1', '4', '4', '1'] } });
    expect(attr.int(2)).toEqual({ i: '2' });
    expect(attr.bool(false)).toEqual({ b: false });
  });

  it('writes model.json with a signature and the constants little-endian in manifest order', () => {
    const g = new TfjsGraph();
    const x = g.placeholder('input', [-1, 2]);
    const w = g.constant('w', [2, 1], Float32Array.of(1.5, -2));
    const shape = g.ints([-1, 1]);
    expect(g.ints([-1, 1])).toBe(shape);
    g.op('Reshape', [g.op('MatMul', [x, w]), shape], {}, 'out');
    const files = g.toFiles({
      inputs: { input: { name: 'input:0', dtype: 'DT_FLOAT', tensorShape: { dim: [] } } },
      outputs: { out: { name: 'out:0', dtype: 'DT_FLOAT', tensorShape: { dim: [] } } },
      weightsPath: 'w.bin',
      generatedBy: 'test',
    });
    const json = JSON.parse(files.modelJson);
    expect(json.format).toBe('graph-model');
    expect(json.modelTopology.node.map((n: { op: string }) => n.op)).toEqual([
      'Placeholder',
      'Const',
      'Const',
      'MatMul',
      'Reshape',
    ]);
    expect(json.weightsManifest).toEqual([
      {
        paths: ['w.bin'],
        weights: [
          { name: 'w', shape: [2, 1], dtype: 'float32' },
          { name: shape, shape: [2], dtype: 'int32' },
        ],
      },
    ]);
    const view = new DataView(files.weights.buffer);
    expect([view.getFloat32(0, true), view.getFloat32(4, true)]).toEqual([1.5, -2]);
    expect([view.getInt32(8, true), view.getInt32(12, true)]).toEqual([-1, 1]);
  });

  it('refuses a constant of the wrong size and a name used twice', () => {
    const g = new TfjsGraph();
    expect(() => g.constant('w', [2, 2], new Float32Array(3))).toThrow(
      'Constant "w" of shape [2, 2] needs 4 values, got 3',
    );
    g.placeholder('input', [1]);
    expect(() => g.op('Relu', ['input'], {}, 'input')).toThrow('Graph node "input" is defined twice');
  });
});
