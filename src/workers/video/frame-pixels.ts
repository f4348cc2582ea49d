// Reading a VideoFrame's pixels as RGBA, by one of several paths, because the path decides how close the studio's
// frames are to the research pipeline's (FFmpeg swscale, BT.601): 'i420-swscale' copies the decoder's own I420
// planes and converts them like swscale's x86 path (closest); 'copy-rgba' lets the browser convert
// (VideoFrame.copyTo format RGBA); 'canvas' draws to an OffscreenCanvas (may interpolate chroma).
import { i420ToRgba, type I420Planes } from '../../core/extract/yuv';

export type PixelPath = 'i420-swscale' | 'i420-swscale-c' | 'copy-rgba' | 'canvas';
export const PIXEL_PATHS: readonly PixelPath[] = ['i420-swscale', 'i420-swscale-c', 'copy-rgba', 'canvas'];

/**
 * Somewhere that converts I420 itself (the extraction's SIMD kernels): the planes are copied straight into its
 * buffer and it writes the RGBA, so no JS loop touches the pixels. Used for 'i420-swscale' only.
 */
export interface I420Sink {
  /** A buffer of at least `size` bytes for VideoFrame.copyTo. */
  buffer(size: number): Uint8Array;
  /** Convert the planes just copied into that buffer (copyTo's layout) to RGBA, swscale's x86 arithmetic. */
  convert(layout: readonly PlaneLayout[]): void;
}

export class FramePixels {
  /** Milliseconds spent copying frames out of the decoder and converting them to RGBA (summed). */
  readonly timing = { copyMs: 0, convertMs: 0 };
  private scratch = new Uint8Array(0);
  private canvas: OffscreenCanvas | null = null;
  private ctx: OffscreenCanvasRenderingContext2D | null = null;

  constructor(readonly path: PixelPath) {}

  /** Write `frame` as RGBA (visible rect, width*height*4 bytes) into `out`. Returns the path actually used. */
  async read(frame: VideoFrame, out: Uint8Array, sink?: I420Sink | null): Promise<PixelPath> {
    const w = frame.displayWidth;
    const h = frame.displayHeight;
    if (sink && this.path === 'i420-swscale' && frame.format === 'I420') {
      const t0 = performance.now();
      const layout = await frame.copyTo(sink.buffer(frame.allocationSize()));
      const t1 = performance.now();
      sink.convert(layout);
      this.timing.copyMs += t1 - t0;
      this.timing.convertMs += performance.now() - t1;
      return this.path;
    }
    if ((this.path === 'i420-swscale' || this.path === 'i420-swscale-c') && frame.format === 'I420') {
      const size = frame.allocationSize();
      if (this.scratch.length < size) this.scratch = new Uint8Array(size);
      const t0 = performance.now();
      const layout = await frame.copyTo(this.scratch);
      const t1 = performance.now();
      const planes: I420Planes = {
        width: w,
        height: h,
        data: this.scratch,
        y: layout[0]!,
        u: layout[1]!,
        v: layout[2]!,
      };
      i420ToRgba(planes, out, this.path === 'i420-swscale' ? 'swscale-simd' : 'swscale-c');
      this.timing.copyMs += t1 - t0;
      this.timing.convertMs += performance.now() - t1;
      return this.path;
    }
    if (this.path !== 'canvas') {
      try {
        const opts = { format: 'RGBA', colorSpace: 'srgb' } as unknown as VideoFrameCopyToOptions;
        const need = w * h * 4;
        if (this.scratch.length < need) this.scratch = new Uint8Array(need);
        const t0 = performance.now();
        await frame.copyTo(this.scratch, opts);
        const t1 = performance.now();
        out.set(this.scratch.subarray(0, need));
        this.timing.copyMs += t1 - t0;
        this.timing.convertMs += performance.now() - t1;
        return 'copy-rgba';
      } catch {
        // Older browsers cannot convert in copyTo: fall through to the canvas.
      }
    }
    if (!this.canvas || this.canvas.width !== w || this.canvas.height !== h) {
      this.canvas = new OffscreenCanvas(w, h);
      this.ctx = this.canvas.getContext('2d', { willReadFrequently: true });
    }
    if (!this.ctx) throw new Error('This browser has no OffscreenCanvas 2D context to read video frames');
    const t0 = performance.now();
    this.ctx.drawImage(frame, 0, 0);
    out.set(this.ctx.getImageData(0, 0, w, h).data);
    this.timing.convertMs += performance.now() - t0;
    return 'canvas';
  }
}
