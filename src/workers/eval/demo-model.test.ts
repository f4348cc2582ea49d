// The built-in demo LeNet5 (public/demo/lenet5, trained on synthetic crops only) on six real research crops, cut
// from the research's figure by scripts/generate/cut_real_crops.py (one per camera position and gas flow): each
// must come out as its gas flow (low = class 0, high = class 1) through the studio's own preprocessing.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { resizeBilinear, toGrey } from '../../core/data/grey-resize';
import { cropBatch } from '../../core/eval/preprocess';
import { loadLayersModelFromFiles } from './tfjs-model';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixtures = fileURLToPath(new URL('./fixtures/real-crops/', import.meta.url));

/** Decodes an 8-bit, non-interlaced RGB or RGBA PNG (what OpenCV's imwrite makes) to its pixels. */
function decodePng(buf: Buffer): { width: number; height: number; channels: number; data: Uint8Array } {
  let off = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('latin1', off + 4, off + 8);
    const body = buf.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      if (body[8] !== 8 || body[12] !== 0) throw new Error('only 8-bit, non-interlaced PNGs');
      channels = ({ 0: 1, 2: 3, 6: 4 } as Record<number, number>)[body[9]!] ?? 0;
      if (!channels) throw new Error(`PNG colour type ${body[9]} is not handled`);
    } else if (type === 'IDAT') idat.push(body);
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const data = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? data[y * stride + x - channels]! : 0;
      const b = y > 0 ? data[(y - 1) * stride + x]! : 0;
      const c = x >= channels && y > 0 ? data[(y - 1) * stride + x - channels]! : 0;
      let pred = 0;
      if (filter === 1) pred = a;
      else if (filter === 2) pred = b;
      else if (filter === 3) pred = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      data[y * stride + x] = (row[x]! + pred) & 255;
    }
  }
  return { width, height, channels, data };
}

const CASES = [
  { file: 'left_low.png', label: 0 },
  { file: 'mid_low.png', label: 0 },
  { file: 'right_low.png', label: 0 },
  { file: 'left_high.png', label: 1 },
  { file: 'mid_high.png', label: 1 },
  { file: 'right_high.png', label: 1 },
];

describe('the demo model on real research crops', () => {
  let model: tf.LayersModel;
  let metadata: { training: { data: string; syntheticOnly?: boolean } };
  beforeAll(async () => {
    await tf.setBackend('cpu');
    const dir = `${root}public/demo/lenet5/`;
    model = await loadLayersModelFromFiles({
      modelJson: readFileSync(`${dir}model.json`, 'utf8'),
      weights: { 'weights.bin': new Uint8Array(readFileSync(`${dir}weights.bin`)) },
    });
    metadata = JSON.parse(readFileSync(`${dir}metadata.json`, 'utf8')) as typeof metadata;
  });

  it('was trained on synthetic crops only', () => {
    expect(metadata.training.syntheticOnly).toBe(true);
    expect(metadata.training.data).toMatch(/synthetic/);
  });

  it('classifies each of the six crops of the figure as its gas flow', () => {
    const side = 40;
    const cache = new Uint8Array(CASES.length * side * side);
    CASES.forEach((c, i) => {
      const png = decodePng(readFileSync(fixtures + c.file));
      const grey = toGrey(png.data, png.width * png.height, png.channels);
      cache.set(resizeBilinear(grey, png.width, png.height, side, side), i * side * side);
    });
    const input = { size: 32, channels: 3 };
    const x = tf.tensor4d(cropBatch(cache, side, input, 0, CASES.length), [CASES.length, 32, 32, 3]);
    const logits = Array.from((model.predict(x) as tf.Tensor).dataSync());
    x.dispose();
    const got = Object.fromEntries(CASES.map((c, i) => [c.file, logits[i]! > 0 ? 1 : 0]));
    const want = Object.fromEntries(CASES.map((c) => [c.file, c.label]));
    console.log(
      'demo model logits on the real crops:',
      CASES.map((c, i) => `${c.file} ${logits[i]!.toFixed(2)}`).join(', '),
    );
    expect(got).toEqual(want);
  });
});
