// The research cache transform on decoded pixels: grey (OpenCV COLOR_BGR2GRAY / RGB2GRAY weights) and a
// bilinear resize to side x side with half-pixel centres (cv2.resize INTER_LINEAR).

/** Grey of interleaved RGB(A) pixels, `channels` 1, 3 or 4 in R,G,B(,A) order. Rounded like OpenCV. */
export function toGrey(src: Uint8Array | Uint8ClampedArray, pixels: number, channels: number): Uint8Array {
  const out = new Uint8Array(pixels);
  if (channels === 1) {
    out.set(src.subarray(0, pixels));
    return out;
  }
  // OpenCV's fixed-point weights (<< 14): R 4899, G 9617, B 1868.
  for (let p = 0, s = 0; p < pixels; p++, s += channels) {
    out[p] = (src[s]! * 4899 + src[s + 1]! * 9617 + src[s + 2]! * 1868 + 8192) >> 14;
  }
  return out;
}

/** Bilinear resize of a grey image to side x side (cv2.INTER_LINEAR geometry, float weights). */
export function resizeBilinear(
  src: Uint8Array,
  width: number,
  height: number,
  outW: number,
  outH: number,
  out: Uint8Array = new Uint8Array(outW * outH),
): Uint8Array {
  const sx = width / outW;
  const sy = height / outH;
  const x0s = new Int32Array(outW);
  const x1s = new Int32Array(outW);
  const fxs = new Float32Array(outW);
  for (let x = 0; x < outW; x++) {
    let fx = (x + 0.5) * sx - 0.5;
    let x0 = Math.floor(fx);
    fx -= x0;
    if (x0 < 0) {
      x0 = 0;
      fx = 0;
    }
    if (x0 >= width - 1) {
      x0 = width - 1;
      fx = 0;
    }
    x0s[x] = x0;
    x1s[x] = Math.min(x0 + 1, width - 1);
    fxs[x] = fx;
  }
  for (let y = 0; y < outH; y++) {
    let fy = (y + 0.5) * sy - 0.5;
    let y0 = Math.floor(fy);
    fy -= y0;
    if (y0 < 0) {
      y0 = 0;
      fy = 0;
    }
    if (y0 >= height - 1) {
      y0 = height - 1;
      fy = 0;
    }
    const y1 = Math.min(y0 + 1, height - 1);
    const r0 = y0 * width;
    const r1 = y1 * width;
    for (let x = 0; x < outW; x++) {
      const a = x0s[x]!;
      const b = x1s[x]!;
      const fx = fxs[x]!;
      const top = src[r0 + a]! + (src[r0 + b]! - src[r0 + a]!) * fx;
      const bot = src[r1 + a]! + (src[r1 + b]! - src[r1 + a]!) * fx;
      out[y * outW + x] = Math.round(top + (bot - top) * fy);
    }
  }
  return out;
}

/** Grey + resize in one go: the cache entry of one crop. */
export function cacheTransform(
  pixels: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  channels: number,
  side: number,
  out?: Uint8Array,
): Uint8Array {
  const grey = toGrey(pixels, width * height, channels);
  return resizeBilinear(grey, width, height, side, side, out);
}

/** Brightest grey value of interleaved pixels (1, 3 or 4 channels, R,G,B(,A)), with OpenCV's grey weights. */
export function maxGreyOf(src: Uint8Array | Uint8ClampedArray, pixels: number, channels: number): number {
  let max = 0;
  if (channels === 1) {
    for (let p = 0; p < pixels; p++) if (src[p]! > max) max = src[p]!;
    return max;
  }
  for (let p = 0, s = 0; p < pixels; p++, s += channels) {
    const g = (src[s]! * 4899 + src[s + 1]! * 9617 + src[s + 2]! * 1868 + 8192) >> 14;
    if (g > max) max = g;
  }
  return max;
}
