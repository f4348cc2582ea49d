// The extraction's WebAssembly SIMD pixel kernels (detect-kernels.c): absdiff -> grey, Gaussian blur, threshold and
// dilate, bit-exact with opencv.js and several times faster (opencv.js is built without SIMD). Each instance owns
// its memory; buffers are laid out once (alloc) and read through fresh views. Also I420 -> RGBA exactly as
// core/extract/yuv.ts's 'swscale-simd' does it, where a mask can be non-zero (rows_above, mask_bounds), and the
// crops' baseline JPEG encoding (jpeg-encoder.c). Where the browser lacks wasm SIMD, compileDetectKernels gives
// null and the detector stays on opencv.js.
import { detectKernelsWasm } from './detect-kernels-wasm';

interface Exports {
  memory: WebAssembly.Memory;
  __heap_base: WebAssembly.Global;
  absdiff_grey(a: number, b: number, stride: number, x0: number, w: number, h: number, grey: number): void;
  gaussian_blur(src: number, dst: number, w: number, h: number, ksize: number, row: number): number;
  threshold_binary(src: number, dst: number, n: number, t: number): void;
  dilate_rect(src: number, dst: number, w: number, h: number, r: number, tmp: number, row: number): number;
  i420_to_rgba(
    y: number,
    ys: number,
    u: number,
    us: number,
    v: number,
    vs: number,
    w: number,
    h: number,
    out: number,
  ): void;
  mask_bounds(mask: number, w: number, h: number, out: number): number;
  rows_above(grey: number, w: number, h: number, t: number, out: number): number;
  jpeg_bound(w: number, h: number): number;
  jpeg_encode_rgba(
    src: number,
    stride: number,
    w: number,
    h: number,
    quality: number,
    out: number,
    cap: number,
  ): number;
}

/** Where the planes of an I420 frame lie in a buffer (VideoFrame.copyTo's layout). */
export interface PlaneLayout {
  offset: number;
  stride: number;
}

/** Kernel sizes the blur kernel does (OpenCV's exact small binomial kernels); others stay on opencv.js. */
export const KERNEL_BLUR_SIZES: readonly number[] = [1, 3, 5];

function wasmBytes(): Uint8Array<ArrayBuffer> {
  const bin = atob(detectKernelsWasm);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

let compiled: Promise<WebAssembly.Module | null> | null = null;

/** The compiled kernels, or null where this WebAssembly has no SIMD (the module does not validate). */
export function compileDetectKernels(): Promise<WebAssembly.Module | null> {
  compiled ??= (async () => {
    const bytes = wasmBytes();
    if (!WebAssembly.validate(bytes)) return null;
    return WebAssembly.compile(bytes);
  })();
  return compiled;
}

const PAGE = 65536;

export class DetectKernels {
  private readonly x: Exports;
  private top: number;
  /** The JPEG encoder's output buffer (grown on demand). */
  private jpegOut = { ptr: 0, size: 0 };

  constructor(module: WebAssembly.Module) {
    this.x = new WebAssembly.Instance(module, {}).exports as unknown as Exports;
    this.top = Number(this.x.__heap_base.value);
  }

  /** Reserve `bytes` (16-byte aligned) in this instance's memory; returns the offset. */
  alloc(bytes: number): number {
    const at = (this.top + 15) & ~15;
    this.top = at + bytes;
    const need = Math.ceil(this.top / PAGE) - this.x.memory.buffer.byteLength / PAGE;
    if (need > 0) this.x.memory.grow(need);
    return at;
  }

  /** A view on `len` bytes at `ptr` (valid until the next alloc). */
  view(ptr: number, len: number): Uint8Array {
    return new Uint8Array(this.x.memory.buffer, ptr, len);
  }

  /** grey (w*h) = RGBA2GRAY(|a - b|) over columns x0..x0+w of two RGBA frames `stride` pixels wide. */
  absdiffGrey(a: number, b: number, stride: number, x0: number, w: number, h: number, grey: number): void {
    this.x.absdiff_grey(a, b, stride, x0, w, h, grey);
  }

  /** GaussianBlur(ksize, sigma 0, BORDER_DEFAULT) of a w x h grey image; `row` holds 2 * (w + 4) bytes. */
  gaussianBlur(src: number, dst: number, w: number, h: number, ksize: number, row: number): void {
    if (this.x.gaussian_blur(src, dst, w, h, ksize, row) !== 0) {
      throw new RangeError(`The SIMD blur does kernel sizes ${KERNEL_BLUR_SIZES.join(', ')}, not ${ksize}`);
    }
  }

  /** threshold(THRESH_BINARY, maxval 255) with an integer threshold in 0..255. */
  threshold(src: number, dst: number, n: number, t: number): void {
    this.x.threshold_binary(src, dst, n, t);
  }

  /**
   * dilate by a (2r+1)^2 rectangle (3x3, r iterations); `tmp` holds w*h bytes, `row` w + 2r. Returns whether any
   * pixel of the result is set (an empty mask has no contours).
   */
  dilate(src: number, dst: number, w: number, h: number, r: number, tmp: number, row: number): boolean {
    return this.x.dilate_rect(src, dst, w, h, r, tmp, row) !== 0;
  }

  /**
   * The w x h region at `src` of an RGBA image `stride` pixels wide as a baseline JPEG (JFIF, 4:2:0, libjpeg's
   * quality scale 1..100), what cv2.imencode('.jpg') writes; returns a copy of the bytes.
   */
  encodeJpeg(src: number, stride: number, w: number, h: number, quality: number): Uint8Array {
    const need = this.x.jpeg_bound(w, h);
    if (this.jpegOut.size < need) {
      // The allocator never frees: grow by doubling, so the buffers left behind stay under the final one's size.
      const size = Math.max(need, 2 * this.jpegOut.size);
      this.jpegOut = { ptr: this.alloc(size), size };
    }
    const n = this.x.jpeg_encode_rgba(src, stride, w, h, quality, this.jpegOut.ptr, this.jpegOut.size);
    if (n < 0) throw new RangeError(`Cannot encode a ${w}x${h} JPEG`);
    return this.view(this.jpegOut.ptr, n).slice();
  }

  /** The rows [y0, y1) of a w x h grey image with a pixel above `t` (null when none); `scratch` holds 8 bytes. */
  rowsAbove(grey: number, w: number, h: number, t: number, scratch: number): [number, number] | null {
    if (this.x.rows_above(grey, w, h, t, scratch) === 0) return null;
    const r = new Int32Array(this.x.memory.buffer, scratch, 2);
    return [r[0]!, r[1]!];
  }

  /**
   * The bounding box of the non-zero pixels of a w x h mask as [x0, y0, x1, y1) (null when empty); `scratch` holds
   * 16 bytes.
   */
  maskBounds(mask: number, w: number, h: number, scratch: number): [number, number, number, number] | null {
    if (this.x.mask_bounds(mask, w, h, scratch) === 0) return null;
    const b = new Int32Array(this.x.memory.buffer, scratch, 4);
    return [b[0]!, b[1]!, b[2]!, b[3]!];
  }

  /** I420 planes at `base` (copyTo's layout) -> RGBA at `out`, swscale's x86 arithmetic (yuv.ts 'swscale-simd'). */
  i420ToRgba(base: number, planes: readonly PlaneLayout[], w: number, h: number, out: number): void {
    const [y, u, v] = planes;
    if (!y || !u || !v) throw new RangeError(`An I420 frame has 3 planes, not ${planes.length}`);
    this.x.i420_to_rgba(
      base + y.offset,
      y.stride,
      base + u.offset,
      u.stride,
      base + v.offset,
      v.stride,
      w,
      h,
      out,
    );
  }
}
