// A small op with known numbers, run on one backend: proves the backend computes correctly, not just that it exists.
import { BACKENDS, type BackendName } from '../../core/backends/backends';
import { initTfBackend, tf } from './tf-backends';

export interface SmokeResult {
  backend: BackendName;
  ok: boolean;
  /** Largest absolute difference from the values computed in plain JS. */
  maxAbsDiff: number;
  values: number[];
  ms: number;
  error?: string;
}

/** 3x3 conv (valid) of a 6x6 ramp with a fixed kernel, then matMul with a fixed matrix: exercises conv + matmul. */
export function smokeExpected(): number[] {
  const img = Array.from({ length: 36 }, (_, i) => (i % 7) / 7 - 0.3);
  const k = [1, 0, -1, 2, 0, -2, 1, 0, -1].map((v) => v * 0.5);
  const conv: number[] = [];
  for (let y = 0; y < 4; y++)
    for (let x = 0; x < 4; x++) {
      let s = 0;
      for (let dy = 0; dy < 3; dy++)
        for (let dx = 0; dx < 3; dx++) s += img[(y + dy) * 6 + x + dx]! * k[dy * 3 + dx]!;
      conv.push(s);
    }
  const w = Array.from({ length: 16 * 2 }, (_, i) => Math.sin(i));
  return [0, 1].map((j) => conv.reduce((s, v, i) => s + v * w[i * 2 + j]!, 0));
}

export async function runSmoke(backend: BackendName): Promise<SmokeResult> {
  const t0 = performance.now();
  try {
    await initTfBackend(backend);
    const img = tf.tensor4d(
      Array.from({ length: 36 }, (_, i) => (i % 7) / 7 - 0.3),
      [1, 6, 6, 1],
    );
    const k = tf.tensor4d(
      [1, 0, -1, 2, 0, -2, 1, 0, -1].map((v) => v * 0.5),
      [3, 3, 1, 1],
    );
    const w = tf.tensor2d(
      Array.from({ length: 32 }, (_, i) => Math.sin(i)),
      [16, 2],
    );
    const out = tf.tidy(() => tf.matMul(tf.conv2d(img, k, 1, 'valid').reshape([1, 16]), w));
    const values = Array.from(await out.data());
    tf.dispose([img, k, w, out]);
    const expected = smokeExpected();
    const maxAbsDiff = Math.max(...values.map((v, i) => Math.abs(v - expected[i]!)));
    return { backend, ok: maxAbsDiff < 1e-4, maxAbsDiff, values, ms: performance.now() - t0 };
  } catch (e) {
    return {
      backend,
      ok: false,
      maxAbsDiff: Number.NaN,
      values: [],
      ms: performance.now() - t0,
      error: e instanceof Error ? e.message : String(e),
    };
  }
}

export { BACKENDS };
