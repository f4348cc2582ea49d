// Turns the demo LeNet5 weights (from train_demo_model.py, training layout) into a TF.js layers model with the
// studio's own exporter (buildLayersModel + saveLayersModel), checks it gives PyTorch's logits on the probe
// crops, and writes public/demo/lenet5/{model.json, weights.bin, metadata.json}.
// usage: node scripts/generate/export-demo-model.mjs WEIGHTS.json [DATA_DESCRIPTION]
import fs from 'node:fs';
import path from 'node:path';
import { closeCore, loadCore, repoRoot } from './load-core.mjs';

const [weightsFile, dataDescription] = process.argv.slice(2);
const doc = JSON.parse(fs.readFileSync(weightsFile, 'utf8'));
const tfjsModel = await loadCore('src/workers/eval/tfjs-model.ts');
const { describePreprocessing } = await loadCore('src/core/eval/preprocess.ts');
const tf = await import('@tensorflow/tfjs');
await tf.setBackend('cpu');

const weights = Object.fromEntries(
  Object.entries(doc.weights).map(([k, v]) => [k, Float32Array.from(v.data)]),
);
const model = tfjsModel.buildLayersModel(doc.model, doc.input, weights);

// Same numbers as PyTorch on the probe crops (grey replicated to 3 channels, NHWC).
const n = doc.probe.logits.length;
const grey = Float32Array.from(doc.probe.grey32);
const x = tf.tidy(() => tf.tensor4d(grey, [n, 32, 32, 1]).tile([1, 1, 1, 3]));
const logits = Array.from(await model.predict(x).data());
x.dispose();
const maxDiff = Math.max(...logits.map((v, i) => Math.abs(v - doc.probe.logits[i])));
console.log(`probe logits: max |TF.js - PyTorch| = ${maxDiff.toExponential(2)}`);
if (!(maxDiff < 1e-3)) throw new Error(`the exported model does not match PyTorch (max diff ${maxDiff})`);

const files = await tfjsModel.saveLayersModel(model, {
  format: tfjsModel.METADATA_FORMAT,
  version: tfjsModel.METADATA_VERSION,
  model: doc.model,
  classNames: ['low gas flow', 'high gas flow'],
  input: { ...doc.input, layout: 'NHWC', dtype: 'float32', range: [0, 1] },
  output: { kind: 'logit', units: 1, meaning: 'P(high gas flow) = sigmoid(output)' },
  preprocessing: describePreprocessing(40, doc.input),
  training: {
    ...doc.training,
    // The studio says so wherever the demo model appears: no real crop was used to train it.
    syntheticOnly: true,
    data: dataDescription ?? 'synthetic crops from the studio generator',
  },
  exportedAt: new Date(0).toISOString(),
});
const out = path.join(repoRoot, 'public/demo/lenet5');
fs.mkdirSync(out, { recursive: true });
for (const f of files) fs.writeFileSync(path.join(out, f.name), f.bytes);
console.log(
  `wrote ${files.map((f) => `demo/lenet5/${f.name} (${f.bytes.length} B)`).join(', ')}; test accuracy ${doc.training.test_acc}`,
);
await closeCore();
