// Baseline JPEG encoder for the extraction's crops, in the same WebAssembly module as the pixel kernels (the frames
// already live in its memory, so a crop is encoded where it lies, without a copy). What cv2.imencode('.jpg')
// writes with libjpeg's defaults: JFIF, baseline (SOF0), Y'CbCr 4:2:0 (libjpeg's fixed-point colour conversion and
// h2v2 box downsampling), the IJG quality scaling of the Annex K quantisation tables, the integer "islow" DCT
// (jfdctint.c), the standard Huffman tables, and libjpeg's edge padding and dummy blocks — so the bytes are those
// cv2.imencode writes at the same quality (jpeg-encoder.test.ts checks it against files written by libjpeg).
// Encoding a 90x85 crop takes tens of microseconds; OffscreenCanvas.convertToBlob took milliseconds per crop.
#include <stdint.h>

typedef uint8_t u8;
typedef int32_t i32;
typedef uint32_t u32;

#define EXPORT(name) __attribute__((export_name(#name)))

// Natural (row-major) index of the k-th coefficient in zigzag order.
static const u8 natural_order[64] = {
  0,  1,  8,  16, 9,  2,  3,  10, 17, 24, 32, 25, 18, 11, 4,  5,  12, 19, 26, 33, 40, 48,
  41, 34, 27, 20, 13, 6,  7,  14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23,
  30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
};

// ITU-T T.81 Annex K tables, natural order.
static const u8 std_luminance_quant[64] = {
  16, 11, 10, 16, 24, 40, 51, 61,
  12, 12, 14, 19, 26, 58, 60, 55,
  14, 13, 16, 24, 40, 57, 69, 56,
  14, 17, 22, 29, 51, 87, 80, 62,
  18, 22, 37, 56, 68, 109, 103, 77,
  24, 35, 55, 64, 81, 104, 113, 92,
  49, 64, 78, 87, 103, 121, 120, 101,
  72, 92, 95, 98, 112, 100, 103, 99,
};
static const u8 std_chrominance_quant[64] = {
  17, 18, 24, 47, 99, 99, 99, 99,
  18, 21, 26, 66, 99, 99, 99, 99,
  24, 26, 56, 99, 99, 99, 99, 99,
  47, 66, 99, 99, 99, 99, 99, 99,
  99, 99, 99, 99, 99, 99, 99, 99,
  99, 99, 99, 99, 99, 99, 99, 99,
  99, 99, 99, 99, 99, 99, 99, 99,
  99, 99, 99, 99, 99, 99, 99, 99,
};

// Huffman tables (counts of codes of length 1..16, then the symbols), as in libjpeg's jcparam.c.
static const u8 dc_luminance_bits[16] = {0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0};
static const u8 dc_chrominance_bits[16] = {0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0};
static const u8 dc_values[12] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
static const u8 ac_luminance_bits[16] = {0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d};
static const u8 ac_luminance_values[162] = {
  0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06,
  0x13, 0x51, 0x61, 0x07, 0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08,
  0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0, 0x24, 0x33, 0x62, 0x72,
  0x82, 0x09, 0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28,
  0x29, 0x2a, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45,
  0x46, 0x47, 0x48, 0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59,
  0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x73, 0x74, 0x75,
  0x76, 0x77, 0x78, 0x79, 0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
  0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3,
  0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6,
  0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9,
  0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2,
  0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf1, 0xf2, 0xf3, 0xf4,
  0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa,
};
static const u8 ac_chrominance_bits[16] = {0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77};
static const u8 ac_chrominance_values[162] = {
  0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41,
  0x51, 0x07, 0x61, 0x71, 0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91,
  0xa1, 0xb1, 0xc1, 0x09, 0x23, 0x33, 0x52, 0xf0, 0x15, 0x62, 0x72, 0xd1,
  0x0a, 0x16, 0x24, 0x34, 0xe1, 0x25, 0xf1, 0x17, 0x18, 0x19, 0x1a, 0x26,
  0x27, 0x28, 0x29, 0x2a, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44,
  0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58,
  0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x73, 0x74,
  0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
  0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a,
  0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4,
  0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7,
  0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda,
  0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf2, 0xf3, 0xf4,
  0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa,
};

typedef struct {
  u32 code[256];
  u8 size[256];
} huff_table;

static huff_table dc_lum, ac_lum, dc_chr, ac_chr;
static int huff_ready = 0;
// Quantisation tables of the current quality: natural order as written to DQT (after zigzag) and as divisors of
// the DCT's output, which the islow DCT scales by 8.
static int table_quality = -1;
static u8 quant[2][64];
static i32 divisor[2][64];

static void make_huff(huff_table* t, const u8* bits, const u8* values) {
  u32 code = 0;
  int k = 0;
  for (int len = 1; len <= 16; len++) {
    for (int i = 0; i < bits[len - 1]; i++) {
      t->code[values[k]] = code++;
      t->size[values[k]] = (u8)len;
      k++;
    }
    code <<= 1;
  }
}

static void set_quality(int quality) {
  if (quality == table_quality) return;
  table_quality = quality;
  int q = quality < 1 ? 1 : quality > 100 ? 100 : quality;
  int scale = q < 50 ? 5000 / q : 200 - 2 * q;
  for (int i = 0; i < 64; i++) {
    for (int t = 0; t < 2; t++) {
      int base = t == 0 ? std_luminance_quant[i] : std_chrominance_quant[i];
      int v = (base * scale + 50) / 100;
      v = v < 1 ? 1 : v > 255 ? 255 : v;
      quant[t][i] = (u8)v;
      divisor[t][i] = v << 3;
    }
  }
}

// ---- output -------------------------------------------------------------------------------------------------

typedef struct {
  u8* out;
  i32 pos;
  u32 acc;  // pending bits, left-aligned at bit `bits - 1`
  i32 bits;
} writer;

static inline void put_byte(writer* w, int b) { w->out[w->pos++] = (u8)b; }

static inline void put_u16(writer* w, int v) {
  put_byte(w, v >> 8);
  put_byte(w, v & 255);
}

static inline void put_bits(writer* w, u32 code, int size) {
  w->acc = (w->acc << size) | (code & ((1u << size) - 1));
  w->bits += size;
  while (w->bits >= 8) {
    int b = (int)((w->acc >> (w->bits - 8)) & 255);
    put_byte(w, b);
    if (b == 0xff) put_byte(w, 0);  // byte stuffing
    w->bits -= 8;
  }
}

static void put_dht(writer* w, int cls_id, const u8* bits, const u8* values) {
  int n = 0;
  for (int i = 0; i < 16; i++) n += bits[i];
  put_u16(w, 0xffc4);
  put_u16(w, 2 + 1 + 16 + n);
  put_byte(w, cls_id);
  for (int i = 0; i < 16; i++) put_byte(w, bits[i]);
  for (int i = 0; i < n; i++) put_byte(w, values[i]);
}

// The segments in libjpeg's order and grouping (one DQT per table; the DHTs as the scan header sends them).
static void put_headers(writer* w, int width, int height) {
  static const u8 jfif[18] = {0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0};
  put_u16(w, 0xffd8);
  for (int i = 0; i < 18; i++) put_byte(w, jfif[i]);
  for (int t = 0; t < 2; t++) {
    put_u16(w, 0xffdb);
    put_u16(w, 2 + 65);
    put_byte(w, t);
    for (int k = 0; k < 64; k++) put_byte(w, quant[t][natural_order[k]]);
  }
  put_u16(w, 0xffc0);
  put_u16(w, 17);
  put_byte(w, 8);
  put_u16(w, height);
  put_u16(w, width);
  put_byte(w, 3);
  static const u8 comps[9] = {1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1};
  for (int i = 0; i < 9; i++) put_byte(w, comps[i]);
  put_dht(w, 0x00, dc_luminance_bits, dc_values);
  put_dht(w, 0x10, ac_luminance_bits, ac_luminance_values);
  put_dht(w, 0x01, dc_chrominance_bits, dc_values);
  put_dht(w, 0x11, ac_chrominance_bits, ac_chrominance_values);
  put_u16(w, 0xffda);
  put_u16(w, 12);
  static const u8 sos[10] = {3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0};
  for (int i = 0; i < 10; i++) put_byte(w, sos[i]);
}

// ---- one 8x8 block ----------------------------------------------------------------------------------------

#define CONST_BITS 13
#define PASS1_BITS 2
#define DESCALE(x, n) (((x) + (1 << ((n) - 1))) >> (n))

// libjpeg's jpeg_fdct_islow on samples already centred on 0; the output is scaled up by 8.
static void fdct_islow(i32* d) {
  i32* p = d;
  for (int r = 0; r < 8; r++, p += 8) {
    i32 tmp0 = p[0] + p[7], tmp7 = p[0] - p[7];
    i32 tmp1 = p[1] + p[6], tmp6 = p[1] - p[6];
    i32 tmp2 = p[2] + p[5], tmp5 = p[2] - p[5];
    i32 tmp3 = p[3] + p[4], tmp4 = p[3] - p[4];
    i32 tmp10 = tmp0 + tmp3, tmp13 = tmp0 - tmp3;
    i32 tmp11 = tmp1 + tmp2, tmp12 = tmp1 - tmp2;
    p[0] = (tmp10 + tmp11) << PASS1_BITS;
    p[4] = (tmp10 - tmp11) << PASS1_BITS;
    i32 z1 = (tmp12 + tmp13) * 4433;
    p[2] = DESCALE(z1 + tmp13 * 6270, CONST_BITS - PASS1_BITS);
    p[6] = DESCALE(z1 - tmp12 * 15137, CONST_BITS - PASS1_BITS);
    z1 = tmp4 + tmp7;
    i32 z2 = tmp5 + tmp6, z3 = tmp4 + tmp6, z4 = tmp5 + tmp7;
    i32 z5 = (z3 + z4) * 9633;
    tmp4 *= 2446;
    tmp5 *= 16819;
    tmp6 *= 25172;
    tmp7 *= 12299;
    z1 *= -7373;
    z2 *= -20995;
    z3 = z3 * -16069 + z5;
    z4 = z4 * -3196 + z5;
    p[7] = DESCALE(tmp4 + z1 + z3, CONST_BITS - PASS1_BITS);
    p[5] = DESCALE(tmp5 + z2 + z4, CONST_BITS - PASS1_BITS);
    p[3] = DESCALE(tmp6 + z2 + z3, CONST_BITS - PASS1_BITS);
    p[1] = DESCALE(tmp7 + z1 + z4, CONST_BITS - PASS1_BITS);
  }
  for (int c = 0; c < 8; c++) {
    p = d + c;
    i32 tmp0 = p[0] + p[56], tmp7 = p[0] - p[56];
    i32 tmp1 = p[8] + p[48], tmp6 = p[8] - p[48];
    i32 tmp2 = p[16] + p[40], tmp5 = p[16] - p[40];
    i32 tmp3 = p[24] + p[32], tmp4 = p[24] - p[32];
    i32 tmp10 = tmp0 + tmp3, tmp13 = tmp0 - tmp3;
    i32 tmp11 = tmp1 + tmp2, tmp12 = tmp1 - tmp2;
    p[0] = DESCALE(tmp10 + tmp11, PASS1_BITS);
    p[32] = DESCALE(tmp10 - tmp11, PASS1_BITS);
    i32 z1 = (tmp12 + tmp13) * 4433;
    p[16] = DESCALE(z1 + tmp13 * 6270, CONST_BITS + PASS1_BITS);
    p[48] = DESCALE(z1 - tmp12 * 15137, CONST_BITS + PASS1_BITS);
    z1 = tmp4 + tmp7;
    i32 z2 = tmp5 + tmp6, z3 = tmp4 + tmp6, z4 = tmp5 + tmp7;
    i32 z5 = (z3 + z4) * 9633;
    tmp4 *= 2446;
    tmp5 *= 16819;
    tmp6 *= 25172;
    tmp7 *= 12299;
    z1 *= -7373;
    z2 *= -20995;
    z3 = z3 * -16069 + z5;
    z4 = z4 * -3196 + z5;
    p[56] = DESCALE(tmp4 + z1 + z3, CONST_BITS + PASS1_BITS);
    p[40] = DESCALE(tmp5 + z2 + z4, CONST_BITS + PASS1_BITS);
    p[24] = DESCALE(tmp6 + z2 + z3, CONST_BITS + PASS1_BITS);
    p[8] = DESCALE(tmp7 + z1 + z4, CONST_BITS + PASS1_BITS);
  }
}

static inline int bit_length(u32 v) { return v == 0 ? 0 : 32 - __builtin_clz(v); }

// Transform and quantise one block in place (rounding half away from zero, as libjpeg).
static void transform(i32* block, const i32* div) {
  fdct_islow(block);
  for (int i = 0; i < 64; i++) {
    i32 v = block[i], d = div[i];
    block[i] = v < 0 ? -((-v + (d >> 1)) / d) : (v + (d >> 1)) / d;
  }
}

// Huffman-code one block of quantised coefficients; returns its DC (the next block's predictor).
static i32 code_block(writer* w, const i32* q, i32 prev_dc, const huff_table* dc, const huff_table* ac) {
  i32 diff = q[0] - prev_dc;
  u32 mag = (u32)(diff < 0 ? -diff : diff);
  int n = bit_length(mag);
  put_bits(w, dc->code[n], dc->size[n]);
  if (n) put_bits(w, (u32)(diff < 0 ? diff - 1 : diff), n);
  int run = 0;
  for (int k = 1; k < 64; k++) {
    i32 v = q[natural_order[k]];
    if (v == 0) {
      run++;
      continue;
    }
    while (run > 15) {
      put_bits(w, ac->code[0xf0], ac->size[0xf0]);
      run -= 16;
    }
    mag = (u32)(v < 0 ? -v : v);
    n = bit_length(mag);
    int sym = (run << 4) | n;
    put_bits(w, ac->code[sym], ac->size[sym]);
    put_bits(w, (u32)(v < 0 ? v - 1 : v), n);
    run = 0;
  }
  if (run > 0) put_bits(w, ac->code[0], ac->size[0]);
  return q[0];
}

// ---- the image ----------------------------------------------------------------------------------------------

// Worst case of one MCU's entropy-coded bytes (six blocks of 64 maximal codes, every byte stuffed), with room.
#define MCU_BOUND 2600
#define HEADER_BYTES 700

/** Bytes `out` must hold to encode a w x h image (the bound jpeg_encode_rgba checks against). */
EXPORT(jpeg_bound) i32 jpeg_bound(i32 w, i32 h) { return HEADER_BYTES + ((w + 15) / 16) * ((h + 15) / 16) * MCU_BOUND; }

/**
 * Encode the w x h region of an RGBA image at `src` (rows `stride` pixels apart) as a baseline JPEG at `quality`
 * (1..100, libjpeg's scale) into `out`; returns its length, or -1 when `cap` is below jpeg_bound(w, h) or the
 * size is not encodable.
 */
EXPORT(jpeg_encode_rgba) i32 jpeg_encode_rgba(const u8* src, i32 stride, i32 w, i32 h, i32 quality, u8* out, i32 cap) {
  if (w <= 0 || h <= 0 || w > 65535 || h > 65535 || cap < jpeg_bound(w, h)) return -1;
  if (!huff_ready) {
    make_huff(&dc_lum, dc_luminance_bits, dc_values);
    make_huff(&ac_lum, ac_luminance_bits, ac_luminance_values);
    make_huff(&dc_chr, dc_chrominance_bits, dc_values);
    make_huff(&ac_chr, ac_chrominance_bits, ac_chrominance_values);
    huff_ready = 1;
  }
  set_quality(quality);
  writer wr = {out, 0, 0, 0};
  put_headers(&wr, w, h);

  static i32 Y[256], Cb[256], Cr[256];  // one MCU, 16x16, Y'CbCr (Cb/Cr at full resolution before downsampling)
  i32 block[64];
  i32 dc_y = 0, dc_cb = 0, dc_cr = 0;
  const int y_cols = (w + 7) / 8, y_rows = (h + 7) / 8;  // Y blocks that hold image pixels
  const int c_rows = (h + 1) / 2;                         // chroma rows before padding
  for (int my = 0; my < h; my += 16) {
    for (int mx = 0; mx < w; mx += 16) {
      // Colour conversion as libjpeg's rgb_ycc_convert (16 fractional bits). Padding as libjpeg's: the last
      // column repeated to the MCU's width; below the image, Y repeats the last row and chroma its last
      // downsampled row (rows sy for Y, cy for Cb/Cr).
      for (int y = 0; y < 16; y++) {
        int g = my + y;
        int sy = g < h ? g : h - 1;
        int cy = 2 * ((g >> 1) < c_rows ? (g >> 1) : c_rows - 1) + (g & 1);
        if (cy > h - 1) cy = h - 1;
        const u8* row = src + (long)sy * stride * 4;
        const u8* crow = src + (long)cy * stride * 4;
        for (int x = 0; x < 16; x++) {
          int sx = mx + x < w ? mx + x : w - 1;
          const u8* px = row + sx * 4;
          int i = y * 16 + x;
          Y[i] = (19595 * px[0] + 38470 * px[1] + 7471 * px[2] + 32768) >> 16;
          px = crow + sx * 4;
          i32 r = px[0], gr = px[1], b = px[2];
          Cb[i] = (-11059 * r - 21709 * gr + 32768 * b + (128 << 16) + 32767) >> 16;
          Cr[i] = (32768 * r - 27439 * gr - 5329 * b + (128 << 16) + 32767) >> 16;
        }
      }
      // Y blocks wholly outside the image are libjpeg's dummy blocks: no AC, the previous block's DC.
      i32 last_dc = 0;
      for (int by = 0; by < 16; by += 8) {
        for (int bx = 0; bx < 16; bx += 8) {
          if ((mx + bx) / 8 < y_cols && (my + by) / 8 < y_rows) {
            for (int y = 0; y < 8; y++)
              for (int x = 0; x < 8; x++) block[y * 8 + x] = Y[(by + y) * 16 + bx + x] - 128;
            transform(block, divisor[0]);
          } else {
            for (int i = 1; i < 64; i++) block[i] = 0;
            block[0] = last_dc;
          }
          last_dc = block[0];
          dc_y = code_block(&wr, block, dc_y, &dc_lum, &ac_lum);
        }
      }
      // h2v2 downsampling: the mean of 2x2, rounded with a bias alternating 1, 2 along the row (libjpeg).
      for (int c = 0; c < 2; c++) {
        const i32* full = c == 0 ? Cb : Cr;
        for (int y = 0; y < 8; y++) {
          int bias = 1;
          for (int x = 0; x < 8; x++) {
            const i32* p = full + 2 * y * 16 + 2 * x;
            block[y * 8 + x] = ((p[0] + p[1] + p[16] + p[17] + bias) >> 2) - 128;
            bias ^= 3;
          }
        }
        transform(block, divisor[1]);
        if (c == 0) dc_cb = code_block(&wr, block, dc_cb, &dc_chr, &ac_chr);
        else dc_cr = code_block(&wr, block, dc_cr, &dc_chr, &ac_chr);
      }
    }
  }
  if (wr.bits > 0) put_bits(&wr, 0x7f, 8 - wr.bits);  // pad the last byte with 1 bits
  put_u16(&wr, 0xffd9);
  return wr.pos;
}
