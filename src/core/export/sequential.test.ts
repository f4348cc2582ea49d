// The protobuf writer's wire bytes and the layout conversions behind the ONNX export.
import { describe, expect, it } from 'vitest';
import { ProtoWriter } from './protobuf';
import { hwcRowsToChw, hwioToOihw, sequentialModel, shapeModel } from './sequential';

describe('ProtoWriter', () => {
  it('writes varints, negative int64, strings and nested messages as protobuf does', () => {
    // field 1 varint 150 -> 08 96 01 (the protobuf documentation's example)
    expect([...new ProtoWriter().int(1, 150).finish()]).toEqual([0x08, 0x96, 0x01]);
    // -1 as int64 takes ten bytes
    expect([...new ProtoWriter().varint(-1).finish()]).toEqual([...new Array(9).fill(0xff), 0x01]);
    // field 2 string "testing" -> 12 07 74 65 73 74 69 6e 67
    expect([...new ProtoWriter().string(2, 'testing').finish()]).toEqual([
      0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67,
    ]);
    // field 3 embedded message { 1: 150 } -> 1a 03 08 96 01
    expect([...new ProtoWriter().message(3, new ProtoWriter().int(1, 150)).finish()]).toEqual([
      0x1a, 0x03, 0x08, 0x96, 0x01,
    ]);
    // packed repeated [3, 270, 86942] in field 4 -> 22 06 03 8e 02 9e a7 05
    expect([...new ProtoWriter().packedInts(4, [3, 270, 86942]).finish()]).toEqual([
      0x22, 0x06, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05,
    ]);
    // float 1.0 in field 2 -> 15 00 00 80 3f
    expect([...new ProtoWriter().float(2, 1).finish()]).toEqual([0x15, 0, 0, 0x80, 0x3f]);
  });

  it('grows past its first buffer', () => {
    const big = new Uint8Array(1000).fill(7);
    const out = new ProtoWriter().int(1, 1).bytes(2, big).finish();
    expect(out.length).toBe(2 + 1 + 2 + 1000);
    expect(out[out.length - 1]).toBe(7);
  });
});

describe('layout conversions', () => {
  it('HWIO -> OIHW moves each kernel value to its PyTorch place', () => {
    const k = 2,
      cin = 2,
      cout = 3;
    const w = new Float32Array(k * k * cin * cout).map((_, i) => i);
    const o = hwioToOihw(w, k, cin, cout);
    // value at HWIO [h=1, w=0, i=1, o=2] = ((1*2+0)*2+1)*3+2 = 17 goes to OIHW [2, 1, 1, 0] = ((2*2+1)*2+1)*2+0 = 22
    expect(o[22]).toBe(17);
  });

  it('reorders dense rows from (h, w, c) to (c, h, w) flatten order', () => {
    const h = 2,
      wd = 2,
      c = 3,
      units = 1;
    const w = new Float32Array(h * wd * c).map((_, i) => i); // row index in HWC order
    const o = hwcRowsToChw(w, h, wd, c, units);
    // CHW row (c=1, h=0, w=1) = 1*4 + 0*2 + 1 = 5 must hold HWC row (0*2+1)*3+1 = 4
    expect(o[5]).toBe(4);
  });

  it('shapes LeNet5 from 32x32x3 to one logit through a 400-wide flatten', () => {
    const shaped = shapeModel(sequentialModel('lenet5'), { size: 32, channels: 3 });
    expect(shaped.find((s) => s.op.kind === 'flatten')!.outShape).toEqual([400]);
    expect(shaped[shaped.length - 1]!.outShape).toEqual([1]);
    expect(shaped[0]!.weightShape).toEqual([5, 5, 3, 6]);
  });
});
