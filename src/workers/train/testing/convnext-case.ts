// A seeded ConvNeXt test case shared by the export proofs (ONNX, TF.js graph model): registry model, its weights
// with layer scale raised and biases set so every block matters, and a deterministic NHWC batch.
import { getModel } from '../models/registry';
import { initialWeights } from '../trainer';

export function seededConvNextCase(
  name: string,
  h: number,
  w: number,
  channels: number,
  classes: number,
  n: number,
) {
  const input = { size: h, height: h, width: w, channels, classes };
  const model = getModel(name);
  const specs = model.params(input);
  const weights = initialWeights(specs, 21);
  for (const s of specs) {
    if (s.name.endsWith('.gamma')) weights[s.name]!.fill(0.4);
    if (s.name.endsWith('.b') && !s.name.includes('ln'))
      weights[s.name] = weights[s.name]!.map((_, i) => 0.05 * Math.sin(i));
  }
  const nhwc = Float32Array.from(
    { length: n * h * w * channels },
    (_, i) => ((i * 2654435761) % 1000) / 1000,
  );
  return { input, model, specs, weights, nhwc };
}
