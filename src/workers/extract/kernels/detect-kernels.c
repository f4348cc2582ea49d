// The extraction detector's pixel stages as WebAssembly SIMD kernels, bit-exact with OpenCV (opencv.js 4.12):
//   absdiff of two RGBA frames -> grey   cvtColor RGBA2GRAY: (9798 R + 19235 G + 3735 B + 2^14) >> 15
//   Gaussian blur, ksize 3 or 5, sigma 0  OpenCV's fixed-point path for 8-bit images: the small binomial
//                                         kernels are exact in 8 fractional bits, so the result is the integer
//                                         sum rounded half up; borders reflect-101 (BORDER_DEFAULT)
//   threshold (THRESH_BINARY, 255)       src > t ? 255 : 0
//   dilate, 3x3 rectangle, n iterations  one (2n+1)^2 rectangle (what cv.dilate does with an empty kernel),
//                                         pixels outside the image ignored (BORDER_CONSTANT, -inf)
// and the frames' colour conversion, I420 -> RGBA as swscale's x86 path does it (core/extract/yuv.ts, 'swscale-simd'),
// and two searches that let the detector run the later stages on a band of rows and findContours on a box.
// No libc: the caller (pixel-kernels.ts) lays out the buffers in this module's memory.
// Rebuild with scripts/extract/build-kernels.sh (Debian clang + lld); the built .wasm is committed.
#include <stdint.h>
#include <wasm_simd128.h>

typedef uint8_t u8;
typedef uint16_t u16;

#define EXPORT(name) __attribute__((export_name(#name)))

static inline int reflect101(int i, int n) {
  if (n == 1) return 0;
  while (i < 0 || i >= n) {
    if (i < 0) i = -i;
    if (i >= n) i = 2 * n - 2 - i;
  }
  return i;
}

static inline u8 grey_of(int r, int g, int b) { return (u8)((r * 9798 + g * 19235 + b * 3735 + 16384) >> 15); }

static inline int absd(int a, int b) { return a > b ? a - b : b - a; }

// Four RGBA pixels of |a - b| (16 bytes) -> four grey values in the i32 lanes.
static inline v128_t grey4(v128_t d) {
  const v128_t coef = wasm_i16x8_make(9798, 19235, 3735, 0, 9798, 19235, 3735, 0);
  v128_t lo = wasm_i32x4_dot_i16x8(wasm_u16x8_extend_low_u8x16(d), coef);
  v128_t hi = wasm_i32x4_dot_i16x8(wasm_u16x8_extend_high_u8x16(d), coef);
  v128_t sum = wasm_i32x4_add(wasm_i32x4_shuffle(lo, hi, 0, 2, 4, 6), wasm_i32x4_shuffle(lo, hi, 1, 3, 5, 7));
  return wasm_u32x4_shr(wasm_i32x4_add(sum, wasm_i32x4_splat(16384)), 15);
}

static inline v128_t absdiff16(const u8* a, const u8* b) {
  v128_t x = wasm_v128_load(a);
  v128_t y = wasm_v128_load(b);
  return wasm_v128_or(wasm_u8x16_sub_sat(x, y), wasm_u8x16_sub_sat(y, x));
}

/**
 * grey[y * w + x] = RGBA2GRAY(|a - b|) over columns x0 .. x0 + w of two frames `stride` pixels wide, h rows.
 */
EXPORT(absdiff_grey)
void absdiff_grey(const u8* a, const u8* b, int stride, int x0, int w, int h, u8* grey) {
  for (int y = 0; y < h; y++) {
    const u8* pa = a + ((long)y * stride + x0) * 4;
    const u8* pb = b + ((long)y * stride + x0) * 4;
    u8* out = grey + (long)y * w;
    int x = 0;
    for (; x + 16 <= w; x += 16) {
      v128_t g0 = grey4(absdiff16(pa + 4 * x, pb + 4 * x));
      v128_t g1 = grey4(absdiff16(pa + 4 * x + 16, pb + 4 * x + 16));
      v128_t g2 = grey4(absdiff16(pa + 4 * x + 32, pb + 4 * x + 32));
      v128_t g3 = grey4(absdiff16(pa + 4 * x + 48, pb + 4 * x + 48));
      v128_t w0 = wasm_u16x8_narrow_i32x4(g0, g1);
      v128_t w1 = wasm_u16x8_narrow_i32x4(g2, g3);
      wasm_v128_store(out + x, wasm_u8x16_narrow_i16x8(w0, w1));
    }
    for (; x < w; x++) {
      const u8* p = pa + 4 * x;
      const u8* q = pb + 4 * x;
      out[x] = grey_of(absd(p[0], q[0]), absd(p[1], q[1]), absd(p[2], q[2]));
    }
  }
}

/**
 * Gaussian blur (ksize 1, 3 or 5; sigma 0) of a w x h grey image, reflect-101 borders. `row` is scratch for
 * w + 4 u16 values. Returns 0, or -1 for a kernel size it does not do.
 */
EXPORT(gaussian_blur)
int gaussian_blur(const u8* src, u8* dst, int w, int h, int ksize, u16* row) {
  if (ksize != 1 && ksize != 3 && ksize != 5) return -1;
  if (ksize == 1) {
    for (long i = 0; i < (long)w * h; i++) dst[i] = src[i];
    return 0;
  }
  const int r = ksize / 2;
  u16* t = row + 2; // t[-2 .. w + 1] valid
  for (int y = 0; y < h; y++) {
    // Vertical pass into t: binomial weights (1 2 1) or (1 4 6 4 1).
    const u8* s0 = src + (long)reflect101(y - r, h) * w;
    const u8* s1 = src + (long)reflect101(y - r + 1, h) * w;
    const u8* s2 = src + (long)reflect101(y - r + 2, h) * w;
    int x = 0;
    if (r == 1) {
      for (; x + 16 <= w; x += 16) {
        v128_t a = wasm_v128_load(s0 + x), b = wasm_v128_load(s1 + x), c = wasm_v128_load(s2 + x);
        v128_t lo = wasm_i16x8_add(wasm_i16x8_add(wasm_u16x8_extend_low_u8x16(a), wasm_u16x8_extend_low_u8x16(c)),
                                   wasm_i16x8_shl(wasm_u16x8_extend_low_u8x16(b), 1));
        v128_t hi = wasm_i16x8_add(wasm_i16x8_add(wasm_u16x8_extend_high_u8x16(a), wasm_u16x8_extend_high_u8x16(c)),
                                   wasm_i16x8_shl(wasm_u16x8_extend_high_u8x16(b), 1));
        wasm_v128_store(t + x, lo);
        wasm_v128_store(t + x + 8, hi);
      }
      for (; x < w; x++) t[x] = (u16)(s0[x] + 2 * s1[x] + s2[x]);
    } else {
      const u8* s3 = src + (long)reflect101(y + 1, h) * w;
      const u8* s4 = src + (long)reflect101(y + 2, h) * w;
      for (; x + 16 <= w; x += 16) {
        v128_t a = wasm_v128_load(s0 + x), b = wasm_v128_load(s1 + x), c = wasm_v128_load(s2 + x);
        v128_t d = wasm_v128_load(s3 + x), e = wasm_v128_load(s4 + x);
#define TAP5(ext)                                                                                          \
  wasm_i16x8_add(wasm_i16x8_add(ext(a), ext(e)),                                                           \
                 wasm_i16x8_add(wasm_i16x8_shl(wasm_i16x8_add(ext(b), ext(d)), 2),                         \
                                wasm_i16x8_add(wasm_i16x8_shl(ext(c), 2), wasm_i16x8_shl(ext(c), 1))))
        wasm_v128_store(t + x, TAP5(wasm_u16x8_extend_low_u8x16));
        wasm_v128_store(t + x + 8, TAP5(wasm_u16x8_extend_high_u8x16));
#undef TAP5
      }
      for (; x < w; x++) t[x] = (u16)(s0[x] + s4[x] + 4 * (s1[x] + s3[x]) + 6 * s2[x]);
    }
    for (int k = 1; k <= r; k++) {
      t[-k] = t[reflect101(-k, w)];
      t[w - 1 + k] = t[reflect101(w - 1 + k, w)];
    }
    // Horizontal pass, rounded half up: 3x3 weights sum to 16, 5x5 to 256 (at most 65,280: fits u16).
    u8* out = dst + (long)y * w;
    x = 0;
    if (r == 1) {
      const v128_t half = wasm_i16x8_splat(8);
      for (; x + 8 <= w; x += 8) {
        v128_t s = wasm_i16x8_add(wasm_i16x8_add(wasm_v128_load(t + x - 1), wasm_v128_load(t + x + 1)),
                                  wasm_i16x8_shl(wasm_v128_load(t + x), 1));
        v128_t v = wasm_u16x8_shr(wasm_i16x8_add(s, half), 4);
        wasm_v128_store64_lane(out + x, wasm_u8x16_narrow_i16x8(v, v), 0);
      }
      for (; x < w; x++) out[x] = (u8)((t[x - 1] + 2 * t[x] + t[x + 1] + 8) >> 4);
    } else {
      const v128_t half = wasm_i16x8_splat(128);
      for (; x + 8 <= w; x += 8) {
        v128_t c = wasm_v128_load(t + x);
        v128_t s = wasm_i16x8_add(
            wasm_i16x8_add(wasm_v128_load(t + x - 2), wasm_v128_load(t + x + 2)),
            wasm_i16x8_add(wasm_i16x8_shl(wasm_i16x8_add(wasm_v128_load(t + x - 1), wasm_v128_load(t + x + 1)), 2),
                           wasm_i16x8_add(wasm_i16x8_shl(c, 2), wasm_i16x8_shl(c, 1))));
        // s + 128 may pass 65,535 only when s > 65,407, which rounds to 255 either way: add saturating.
        v128_t v = wasm_u16x8_shr(wasm_u16x8_add_sat(s, half), 8);
        wasm_v128_store64_lane(out + x, wasm_u8x16_narrow_i16x8(v, v), 0);
      }
      for (; x < w; x++)
        out[x] = (u8)((t[x - 2] + t[x + 2] + 4 * (t[x - 1] + t[x + 1]) + 6 * t[x] + 128) >> 8);
    }
  }
  return 0;
}

/** dst = src > t ? 255 : 0 over n bytes (t in 0..255). */
EXPORT(threshold_binary)
void threshold_binary(const u8* src, u8* dst, long n, int t) {
  const v128_t tv = wasm_u8x16_splat((u8)t);
  long i = 0;
  for (; i + 16 <= n; i += 16) wasm_v128_store(dst + i, wasm_u8x16_gt(wasm_v128_load(src + i), tv));
  for (; i < n; i++) dst[i] = src[i] > t ? 255 : 0;
}

/**
 * Grey dilation by a (2r+1) x (2r+1) rectangle, window clipped at the image edges. `tmp` is a w x h scratch
 * image, `row` scratch for w + 2r bytes. Returns 1 if any output pixel is non-zero (else there are no contours).
 */
EXPORT(dilate_rect)
int dilate_rect(const u8* src, u8* dst, int w, int h, int r, u8* tmp, u8* row) {
  v128_t any = wasm_i8x16_splat(0);
  int anyTail = 0;
  // Vertical maxima into tmp.
  for (int y = 0; y < h; y++) {
    int y0 = y - r < 0 ? 0 : y - r;
    int y1 = y + r >= h ? h - 1 : y + r;
    u8* out = tmp + (long)y * w;
    int x = 0;
    for (; x + 16 <= w; x += 16) {
      v128_t m = wasm_v128_load(src + (long)y0 * w + x);
      for (int k = y0 + 1; k <= y1; k++) m = wasm_u8x16_max(m, wasm_v128_load(src + (long)k * w + x));
      wasm_v128_store(out + x, m);
    }
    for (; x < w; x++) {
      u8 m = 0;
      for (int k = y0; k <= y1; k++) m = src[(long)k * w + x] > m ? src[(long)k * w + x] : m;
      out[x] = m;
    }
  }
  // Horizontal maxima from a row padded with r zeros each side (0 is the identity of max on u8).
  for (int i = 0; i < r; i++) row[i] = row[w + r + i] = 0;
  for (int y = 0; y < h; y++) {
    const u8* in = tmp + (long)y * w;
    u8* p = row + r;
    for (int x = 0; x < w; x++) p[x] = in[x];
    u8* out = dst + (long)y * w;
    int x = 0;
    for (; x + 16 <= w; x += 16) {
      v128_t m = wasm_v128_load(p + x - r);
      for (int k = -r + 1; k <= r; k++) m = wasm_u8x16_max(m, wasm_v128_load(p + x + k));
      wasm_v128_store(out + x, m);
      any = wasm_v128_or(any, m);
    }
    for (; x < w; x++) {
      u8 m = 0;
      for (int k = -r; k <= r; k++) m = p[x + k] > m ? p[x + k] : m;
      out[x] = m;
      anyTail |= m;
    }
  }
  return (wasm_v128_any_true(any) || anyTail) ? 1 : 0;
}

/**
 * The rows of a w x h grey image holding a pixel above t: out = {y0, y1} (y1 exclusive); returns 0 when there is
 * none. The blur never raises a pixel above the largest in its window (weights sum to one, rounded half up), so
 * the mask can be non-zero only within the blur's radius of these rows: the later stages run on that band.
 */
EXPORT(rows_above)
int rows_above(const u8* g, int w, int h, int t, int* out) {
  const v128_t tv = wasm_u8x16_splat((u8)t);
  int y0 = -1, y1 = -1;
  for (int y = 0; y < h; y++) {
    const u8* row = g + (long)y * w;
    v128_t acc = wasm_i8x16_splat(0);
    int x = 0;
    for (; x + 16 <= w; x += 16) acc = wasm_v128_or(acc, wasm_u8x16_gt(wasm_v128_load(row + x), tv));
    int any = wasm_v128_any_true(acc);
    for (; x < w; x++) any |= row[x] > t;
    if (!any) continue;
    if (y0 < 0) y0 = y;
    y1 = y + 1;
  }
  if (y0 < 0) return 0;
  out[0] = y0;
  out[1] = y1;
  return 1;
}

/**
 * Bounding box of the non-zero pixels of a w x h mask: out = {x0, y0, x1, y1} (x1, y1 exclusive). Returns 0 when
 * the mask is empty. findContours then runs on that rectangle only: its result is the same, shifted.
 */
EXPORT(mask_bounds)
int mask_bounds(const u8* m, int w, int h, int* out) {
  int x0 = w, x1 = 0, y0 = -1, y1 = -1;
  for (int y = 0; y < h; y++) {
    const u8* row = m + (long)y * w;
    v128_t acc = wasm_i8x16_splat(0);
    int x = 0;
    for (; x + 16 <= w; x += 16) acc = wasm_v128_or(acc, wasm_v128_load(row + x));
    int any = wasm_v128_any_true(acc);
    for (; x < w; x++) any |= row[x];
    if (!any) continue;
    if (y0 < 0) y0 = y;
    y1 = y + 1;
    for (x = 0; x < x0; x++) {
      if (row[x]) {
        x0 = x;
        break;
      }
    }
    for (x = w - 1; x >= x1; x--) {
      if (row[x]) {
        x1 = x + 1;
        break;
      }
    }
  }
  if (y0 < 0) return 0;
  out[0] = x0;
  out[1] = y0;
  out[2] = x1;
  out[3] = y1;
  return 1;
}

// swscale's x86 yuv2rgb coefficients (core/extract/yuv.ts SIMD: 16.16 BT.601 values * 2^13, rounded to int16).
#define YUV_Y 9539
#define YUV_V2R 13075
#define YUV_U2G (-3209)
#define YUV_V2G (-6660)
#define YUV_U2B 16525

static inline int mulhi_s(int a, int b) { return (a * b) >> 16; }

static inline u8 clip_u8(int v) { return (u8)(v < 0 ? 0 : v > 255 ? 255 : v); }

// pmulhw: the high half of each signed 16-bit product.
static inline v128_t mulhi8(v128_t a, v128_t c) {
  v128_t lo = wasm_i32x4_shr(wasm_i32x4_extmul_low_i16x8(a, c), 16);
  v128_t hi = wasm_i32x4_shr(wasm_i32x4_extmul_high_i16x8(a, c), 16);
  return wasm_i16x8_narrow_i32x4(lo, hi);
}

/**
 * I420 planes (limited range BT.601) -> RGBA with alpha 255, w x h, each chroma sample shared by a 2x2 block,
 * in swscale's 16-bit fixed point: luma (sat(Y - 16) << 3) * cy >> 16, chroma ((C - 128) << 3) * k >> 16, sums
 * clamped to 0..255.
 */
EXPORT(i420_to_rgba)
void i420_to_rgba(const u8* py, int ys, const u8* pu, int us, const u8* pv, int vs, int w, int h, u8* out) {
  const v128_t cy = wasm_i16x8_splat(YUV_Y), v2r = wasm_i16x8_splat(YUV_V2R), u2g = wasm_i16x8_splat(YUV_U2G);
  const v128_t v2g = wasm_i16x8_splat(YUV_V2G), u2b = wasm_i16x8_splat(YUV_U2B);
  const v128_t c16 = wasm_u8x16_splat(16), c128 = wasm_i16x8_splat(128), alpha = wasm_u8x16_splat(255);
  for (int row = 0; row < h; row++) {
    const u8* yr = py + (long)row * ys;
    const u8* ur = pu + (long)(row >> 1) * us;
    const u8* vr = pv + (long)(row >> 1) * vs;
    u8* o = out + (long)row * w * 4;
    int x = 0;
    for (; x + 16 <= w; x += 16) {
      v128_t y8 = wasm_u8x16_sub_sat(wasm_v128_load(yr + x), c16);
      v128_t ylo = mulhi8(wasm_i16x8_shl(wasm_u16x8_extend_low_u8x16(y8), 3), cy);
      v128_t yhi = mulhi8(wasm_i16x8_shl(wasm_u16x8_extend_high_u8x16(y8), 3), cy);
      v128_t u = wasm_i16x8_shl(wasm_i16x8_sub(wasm_u16x8_extend_low_u8x16(wasm_v128_load64_zero(ur + x / 2)), c128), 3);
      v128_t v = wasm_i16x8_shl(wasm_i16x8_sub(wasm_u16x8_extend_low_u8x16(wasm_v128_load64_zero(vr + x / 2)), c128), 3);
      v128_t r8 = mulhi8(v, v2r);
      v128_t g8 = wasm_i16x8_add(mulhi8(u, u2g), mulhi8(v, v2g));
      v128_t b8 = mulhi8(u, u2b);
      // Each chroma term serves two neighbouring pixels.
#define LO(c) wasm_i16x8_shuffle(c, c, 0, 0, 1, 1, 2, 2, 3, 3)
#define HI(c) wasm_i16x8_shuffle(c, c, 4, 4, 5, 5, 6, 6, 7, 7)
      v128_t R = wasm_u8x16_narrow_i16x8(wasm_i16x8_add(ylo, LO(r8)), wasm_i16x8_add(yhi, HI(r8)));
      v128_t G = wasm_u8x16_narrow_i16x8(wasm_i16x8_add(ylo, LO(g8)), wasm_i16x8_add(yhi, HI(g8)));
      v128_t B = wasm_u8x16_narrow_i16x8(wasm_i16x8_add(ylo, LO(b8)), wasm_i16x8_add(yhi, HI(b8)));
#undef LO
#undef HI
      v128_t rg0 = wasm_i8x16_shuffle(R, G, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
      v128_t rg1 = wasm_i8x16_shuffle(R, G, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
      v128_t ba0 = wasm_i8x16_shuffle(B, alpha, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
      v128_t ba1 = wasm_i8x16_shuffle(B, alpha, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
      wasm_v128_store(o + 4 * x, wasm_i16x8_shuffle(rg0, ba0, 0, 8, 1, 9, 2, 10, 3, 11));
      wasm_v128_store(o + 4 * x + 16, wasm_i16x8_shuffle(rg0, ba0, 4, 12, 5, 13, 6, 14, 7, 15));
      wasm_v128_store(o + 4 * x + 32, wasm_i16x8_shuffle(rg1, ba1, 0, 8, 1, 9, 2, 10, 3, 11));
      wasm_v128_store(o + 4 * x + 48, wasm_i16x8_shuffle(rg1, ba1, 4, 12, 5, 13, 6, 14, 7, 15));
    }
    for (; x < w; x++) {
      int Y = yr[x] > 16 ? yr[x] - 16 : 0;
      int l = mulhi_s(Y * 8, YUV_Y);
      int U = (ur[x >> 1] - 128) * 8, V = (vr[x >> 1] - 128) * 8;
      o[4 * x] = clip_u8(l + mulhi_s(V, YUV_V2R));
      o[4 * x + 1] = clip_u8(l + mulhi_s(U, YUV_U2G) + mulhi_s(V, YUV_V2G));
      o[4 * x + 2] = clip_u8(l + mulhi_s(U, YUV_U2B));
      o[4 * x + 3] = 255;
    }
  }
}
