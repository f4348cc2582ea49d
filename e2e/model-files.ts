// Test inputs the evaluation tests share: a seeded LeNet5 exported as TF.js files, and grey crops encoded as PNG
// in the page (lossless, so the studio decodes exactly these pixels).
import type { Page } from '@playwright/test';
import * as tf from '@tensorflow/tfjs';
import { buildLayersModel, METADATA_FORMAT, saveLayersModel } from '../src/workers/eval/tfjs-model';
import { getModel } from '../src/workers/train/models/registry';
import { initialWeights } from '../src/workers/train/trainer';

export const LENET_INPUT = { size: 32, channels: 3 };

export interface UploadFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

export type LenetWeights = ReturnType<typeof initialWeights>;

/** Seeded LeNet5 weights, as the studio initialises them. */
export async function seededLenetWeights(seed: number): Promise<LenetWeights> {
  await tf.setBackend('cpu');
  return initialWeights(getModel('lenet5').params(LENET_INPUT), seed);
}

/** model.json + weights.bin + metadata.json of a LeNet5 with these weights, ready for setInputFiles. */
export async function lenetModelFiles(
  weights: LenetWeights,
  training: Record<string, unknown> = {},
): Promise<UploadFile[]> {
  const files = await saveLayersModel(buildLayersModel('lenet5', LENET_INPUT, weights), {
    format: METADATA_FORMAT,
    version: 1,
    model: 'lenet5',
    classNames: ['low', 'high'],
    input: { ...LENET_INPUT, layout: 'NHWC', dtype: 'float32', range: [0, 1] },
    output: { kind: 'logit', units: 1, meaning: 'P(high) = sigmoid(output)' },
    preprocessing: {},
    training,
    exportedAt: new Date().toISOString(),
  });
  return files.map((f) => ({ name: f.name, mimeType: f.type, buffer: Buffer.from(f.bytes) }));
}

/** n grey side×side crops (row-major in `crops`) encoded as PNG in the page, base64 each. */
export async function greyCropsAsPng(
  page: Page,
  crops: Uint8Array,
  side: number,
  n: number,
): Promise<string[]> {
  return page.evaluate(
    async ({ data, side, n }) => {
      const out: string[] = [];
      for (let i = 0; i < n; i++) {
        const c = new OffscreenCanvas(side, side);
        const g = c.getContext('2d')!;
        const img = g.createImageData(side, side);
        for (let p = 0; p < side * side; p++) {
          const v = data[i * side * side + p]!;
          img.data.set([v, v, v, 255], p * 4);
        }
        g.putImageData(img, 0, 0);
        const bytes = new Uint8Array(await (await c.convertToBlob({ type: 'image/png' })).arrayBuffer());
        out.push(btoa(String.fromCharCode(...bytes)));
      }
      return out;
    },
    { data: Array.from(crops), side, n },
  );
}
