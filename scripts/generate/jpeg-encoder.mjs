// One reusable jpeg-js encoder. jpeg-js's `encode()` builds a new JPEGEncoder per call, and building its
// tables (~65k-entry lookups) costs far more than encoding a 100x70 crop; the class itself is not exported,
// so it is taken from the module's source once and kept.
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function createJpegEncoder(quality = 95) {
  const src = fs.readFileSync(require.resolve('jpeg-js/lib/encoder.js'), 'utf8');
  const JPEGEncoder = new Function('module', 'Buffer', `${src}\nreturn JPEGEncoder;`)(
    { exports: {} },
    Buffer,
  );
  const enc = new JPEGEncoder(quality);
  /** RGBA pixels → JPEG bytes (baseline, 4:4:4 like OpenCV's default). */
  return (rgba, width, height) => {
    const buf = enc.encode({ data: rgba, width, height }, quality);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  };
}
