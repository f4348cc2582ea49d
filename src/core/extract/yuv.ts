// I420 (planar YUV 4:2:0, limited range, BT.601) → RGBA, written to reproduce what the research pipeline sees:
// OpenCV's VideoCapture converts with FFmpeg's swscale, whose unscaled yuv420p → bgr24 path shares each chroma
// sample across a 2x2 block (no interpolation) and, on x86 builds, computes in 16-bit fixed point (pmulhw).
// Browsers' own conversions (VideoFrame.copyTo RGBA, canvas drawImage) round differently or interpolate chroma.

export interface I420Planes {
  width: number;
  height: number;
  /** The planes back to back as VideoFrame.copyTo({format: 'I420'}) lays them out, with their offsets/strides. */
  data: Uint8Array;
  y: { offset: number; stride: number };
  u: { offset: number; stride: number };
  v: { offset: number; stride: number };
}

export type YuvMethod = 'swscale-simd' | 'swscale-c';

// swscale's BT.601 (SWS_CS_DEFAULT) inverse coefficients in 16.16 fixed point, and the luma gain for limited range.
const CRV = 104597;
const CBU = 132201;
const CGU = 25675;
const CGV = 53279;
const CY = Math.trunc((65536 * 255) / 219); // 76309

const roundToInt16 = (f: number) => (f + (1 << 15)) >> 16;
// The x86 path's 16-bit coefficients (ff_yuv2rgb_c_init_tables: value * 2^13, rounded from 16.16).
const SIMD = {
  y: roundToInt16(CY * (1 << 13)),
  v2r: roundToInt16(CRV * (1 << 13)),
  u2g: roundToInt16(-CGU * (1 << 13)),
  v2g: roundToInt16(-CGV * (1 << 13)),
  u2b: roundToInt16(CBU * (1 << 13)),
};
const mulhi = (a: number, b: number) => (a * b) >> 16; // pmulhw: high half of the signed 32-bit product

const clip = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v);

/** Lookup tables for one method: luma term per Y, chroma terms per U / V, so the pixel loop is adds + clamps. */
function tables(method: YuvMethod) {
  const yT = new Int32Array(256);
  const rV = new Int32Array(256);
  const gU = new Int32Array(256);
  const gV = new Int32Array(256);
  const bU = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    if (method === 'swscale-simd') {
      yT[i] = mulhi(Math.max(0, i - 16) * 8, SIMD.y); // psubusb 16 (saturating), << 3, pmulhw
      const c = (i - 128) * 8;
      rV[i] = mulhi(c, SIMD.v2r);
      gU[i] = mulhi(c, SIMD.u2g);
      gV[i] = mulhi(c, SIMD.v2g);
      bU[i] = mulhi(c, SIMD.u2b);
    } else {
      // The C tables: chroma offsets rounded to whole luma steps, then one luma table lookup.
      const divRound = (a: number, b: number) =>
        a >= 0 ? Math.floor((a + b / 2) / b) : -Math.floor((-a + b / 2) / b);
      yT[i] = i;
      rV[i] = divRound(CRV * (i - 128), CY);
      gU[i] = divRound(-CGU * (i - 128), CY);
      gV[i] = divRound(-CGV * (i - 128), CY);
      bU[i] = divRound(CBU * (i - 128), CY);
    }
  }
  const yC = new Uint8Array(256 + 1024);
  if (method === 'swscale-c') {
    // y_table: index Y + chroma offset (offset by 512 to allow negative), value clip(round((Y-16) * cy))
    for (let i = 0; i < yC.length; i++) yC[i] = clip(((i - 512 - 16) * CY + 0x8000) >> 16);
  }
  return { yT, rV, gU, gV, bU, yC };
}

const cache = new Map<YuvMethod, ReturnType<typeof tables>>();

/** Convert I420 planes to RGBA (alpha 255) into `out` (width*height*4 bytes). */
export function i420ToRgba(
  p: I420Planes,
  out: Uint8Array | Uint8ClampedArray,
  method: YuvMethod = 'swscale-simd',
): void {
  let t = cache.get(method);
  if (!t) {
    t = tables(method);
    cache.set(method, t);
  }
  const { yT, rV, gU, gV, bU, yC } = t;
  const { width, height, data } = p;
  if (method === 'swscale-simd' && out.byteOffset % 4 === 0) {
    i420ToRgbaPacked(p, new Uint32Array(out.buffer, out.byteOffset, width * height), t);
    return;
  }
  const simd = method === 'swscale-simd';
  for (let row = 0; row < height; row++) {
    const yRow = p.y.offset + row * p.y.stride;
    const uRow = p.u.offset + (row >> 1) * p.u.stride;
    const vRow = p.v.offset + (row >> 1) * p.v.stride;
    let o = row * width * 4;
    for (let x = 0; x < width; x++, o += 4) {
      const Y = data[yRow + x]!;
      const U = data[uRow + (x >> 1)]!;
      const V = data[vRow + (x >> 1)]!;
      if (simd) {
        const l = yT[Y]!;
        out[o] = clip(l + rV[V]!);
        out[o + 1] = clip(l + gU[U]! + gV[V]!);
        out[o + 2] = clip(l + bU[U]!);
      } else {
        out[o] = yC[512 + Y + rV[V]!]!;
        out[o + 1] = yC[512 + Y + gU[U]! + gV[V]!]!;
        out[o + 2] = yC[512 + Y + bU[U]!]!;
      }
      out[o + 3] = 255;
    }
  }
}

// Clamp by lookup (index + CLAMP_BIAS): the swscale-simd sums stay within [-512, 1023].
const CLAMP_BIAS = 512;
const CLAMP = Uint8Array.from({ length: 1536 }, (_, i) => clip(i - CLAMP_BIAS));
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * The swscale-simd conversion written for speed (the extraction's hottest JS loop): the chroma terms once per
 * pixel pair, clamping by table, one 32-bit store per pixel. Same values as the byte-wise loop.
 */
function i420ToRgbaPacked(p: I420Planes, out32: Uint32Array, t: ReturnType<typeof tables>): void {
  if (!LITTLE_ENDIAN) throw new Error('i420ToRgbaPacked assumes a little-endian platform');
  const { yT, rV, gU, gV, bU } = t;
  const { width, height, data } = p;
  const C = CLAMP;
  const even = width & ~1;
  for (let row = 0; row < height; row++) {
    const yRow = p.y.offset + row * p.y.stride;
    const uRow = p.u.offset + (row >> 1) * p.u.stride;
    const vRow = p.v.offset + (row >> 1) * p.v.stride;
    let o = row * width;
    let x = 0;
    for (; x < even; x += 2, o += 2) {
      const c = x >> 1;
      const U = data[uRow + c]!;
      const V = data[vRow + c]!;
      const r = rV[V]! + CLAMP_BIAS;
      const g = gU[U]! + gV[V]! + CLAMP_BIAS;
      const b = bU[U]! + CLAMP_BIAS;
      const l0 = yT[data[yRow + x]!]!;
      const l1 = yT[data[yRow + x + 1]!]!;
      out32[o] = (C[l0 + r]! | (C[l0 + g]! << 8) | (C[l0 + b]! << 16) | 0xff000000) >>> 0;
      out32[o + 1] = (C[l1 + r]! | (C[l1 + g]! << 8) | (C[l1 + b]! << 16) | 0xff000000) >>> 0;
    }
    if (x < width) {
      const c = x >> 1;
      const U = data[uRow + c]!;
      const V = data[vRow + c]!;
      const l = yT[data[yRow + x]!]!;
      out32[o] =
        (C[l + rV[V]! + CLAMP_BIAS]! |
          (C[l + gU[U]! + gV[V]! + CLAMP_BIAS]! << 8) |
          (C[l + bU[U]! + CLAMP_BIAS]! << 16) |
          0xff000000) >>>
        0;
    }
  }
}
