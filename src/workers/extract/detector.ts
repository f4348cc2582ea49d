// The research frame-differencing detector on opencv.js: absdiff of two colour frames → grey → Gaussian blur →
// threshold → dilate → findContours (RETR_TREE, CHAIN_APPROX_SIMPLE) → bounding rect + area → the rules of
// core/extract/rules. Frames are RGBA (what WebCodecs gives); cvtColor RGBA2GRAY applies the same weights to
// R, G, B as BGR2GRAY does on the seed's BGR frames, so the grey image is the same. All Mats are allocated
// once per frame size and reused; two frame Mats alternate so each decoded frame is written once.
// Given the SIMD kernels (kernels/pixel-kernels.ts), the pixel stages up to the dilated mask run there instead,
// bit-exact and several times faster, and the frames live in the kernels' memory; opencv.js keeps the contours.
import type { Mat, MatVector } from '@techstark/opencv-js';
import { classifyContour, colourSums, cropRect, type Box, type Verdict } from '../../core/extract/rules';
import type { DetectOptions } from '../../core/extract/options';
import type { OpenCv } from './opencv-ready';
import type { I420Sink } from '../video/frame-pixels';
import { DetectKernels, KERNEL_BLUR_SIZES } from './kernels/pixel-kernels';

export interface ContourResult {
  /** Bounding rect in full-frame pixels. */
  box: Box;
  area: number;
  verdict: Verdict;
}

export interface PairResult {
  /** Accepted spatters, in findContours order (the order the seed writes them). */
  spatters: ContourResult[];
  /** Rejected contours (only when asked for: stepping through frames). */
  rejected: ContourResult[];
}

/** Milliseconds spent per stage since the detector was made (performance.now, summed per frame pair). */
export interface DetectTiming {
  /** absdiff, grey, blur, threshold, dilate. */
  kernelsMs: number;
  /** findContours, areas, bounding rects, colour sums. */
  contoursMs: number;
}

/** The SIMD kernels' buffers: two frames and the stage images, offsets in the kernels' memory. */
interface KernelPlanes {
  k: DetectKernels;
  frames: [number, number];
  grey: number;
  blurred: number;
  binary: number;
  dilated: number;
  tmp: number;
  row: number;
  /** 16 bytes: the mask's bounding box (mask_bounds). */
  bounds: number;
}

/** Whether the kernels do these options exactly (else opencv.js runs every stage). */
export function kernelsCover(o: DetectOptions): boolean {
  return (
    KERNEL_BLUR_SIZES.includes(o.blur) &&
    Number.isInteger(o.threshold) &&
    o.threshold >= 0 &&
    o.threshold <= 255 &&
    Number.isInteger(o.dilateIterations) &&
    o.dilateIterations >= 0
  );
}

export class SpatterDetector {
  private readonly frames: [Mat, Mat] | null;
  private readonly planes: KernelPlanes | null;
  readonly timing: DetectTiming = { kernelsMs: 0, contoursMs: 0 };
  private current = 0;
  private filled = 0;
  private readonly diff: Mat;
  private readonly grey: Mat;
  private readonly blurred: Mat;
  private readonly binary: Mat;
  private readonly dilated: Mat;
  private readonly kernel: Mat;
  private readonly hierarchy: Mat;
  private readonly contours: MatVector;
  private readonly roi: { x: number; width: number };
  /**
   * Where the dilated mask has pixels (the kernels say it), in region coordinates: findContours runs on that
   * rectangle only, which gives the same contours shifted (OpenCV pads its input with zeros, and outside the
   * rectangle the mask is zero). Null: the whole mask (opencv.js path).
   */
  private maskRect: { x: number; y: number; width: number; height: number } | null = null;
  private deleted = false;
  /** Where decoded I420 planes are copied in the kernels' memory (grown on demand). */
  private i420: { ptr: number; size: number } | null = null;

  constructor(
    private readonly cv: OpenCv,
    readonly width: number,
    readonly height: number,
    private readonly opts: DetectOptions,
    kernels?: WebAssembly.Module | null,
  ) {
    const left = Math.min(Math.max(0, opts.leftBound), width - 1);
    const right = opts.rightBound > 0 ? Math.min(opts.rightBound, width) : width;
    if (right <= left) {
      throw new RangeError(`left bound ${opts.leftBound} must be left of right bound ${opts.rightBound}`);
    }
    this.roi = { x: left, width: right - left };
    const w = this.roi.width;
    if (kernels && kernelsCover(opts)) {
      const k = new DetectKernels(kernels);
      const n = w * height;
      this.frames = null;
      this.planes = {
        k,
        frames: [k.alloc(width * height * 4), k.alloc(width * height * 4)],
        grey: k.alloc(n),
        blurred: k.alloc(n),
        binary: k.alloc(n),
        dilated: k.alloc(n),
        tmp: k.alloc(n),
        row: k.alloc(2 * (w + 4) + w + 2 * opts.dilateIterations),
        bounds: k.alloc(16),
      };
    } else {
      this.planes = null;
      this.frames = [new cv.Mat(height, width, cv.CV_8UC4), new cv.Mat(height, width, cv.CV_8UC4)];
    }
    this.diff = new cv.Mat(height, w, cv.CV_8UC4);
    this.grey = new cv.Mat(height, w, cv.CV_8UC1);
    this.blurred = new cv.Mat(height, w, cv.CV_8UC1);
    this.binary = new cv.Mat(height, w, cv.CV_8UC1);
    this.dilated = new cv.Mat(height, w, cv.CV_8UC1);
    // An empty kernel is what cv2.dilate(x, None) passes: a 3x3 rectangle, iterations folded into one pass.
    this.kernel = new cv.Mat();
    this.hierarchy = new cv.Mat();
    this.contours = new cv.MatVector();
  }

  /**
   * The pixels of the frame slot the next frame goes into (a view on the wasm heap: decode straight into it,
   * then call `commitFrame`). Re-read after any opencv call: the heap may grow and detach old views.
   */
  nextFrameBuffer(): Uint8Array {
    return this.frameData(this.current);
  }

  /**
   * With the kernels: an I420 sink that converts straight into the next frame slot (FramePixels.read's third
   * argument; call commitFrame after). Null on the opencv.js path.
   */
  i420Sink(): I420Sink | null {
    const p = this.planes;
    if (!p) return null;
    return {
      buffer: (size) => {
        if (!this.i420 || this.i420.size < size) this.i420 = { ptr: p.k.alloc(size), size };
        return p.k.view(this.i420.ptr, size);
      },
      convert: (layout) => {
        if (!this.i420) throw new Error('convert before buffer');
        p.k.i420ToRgba(this.i420.ptr, layout, this.width, this.height, p.frames[this.current]!);
      },
    };
  }

  /** Whether the SIMD kernels run the pixel stages (else opencv.js does). */
  get usesKernels(): boolean {
    return this.planes !== null;
  }

  private frameData(slot: number): Uint8Array {
    if (this.planes) return this.planes.k.view(this.planes.frames[slot]!, this.width * this.height * 4);
    return this.frames![slot]!.data;
  }

  /** Mark the buffer from `nextFrameBuffer` as filled. Returns true once a pair is ready to detect. */
  commitFrame(): boolean {
    this.current ^= 1;
    this.filled = Math.min(2, this.filled + 1);
    return this.filled === 2;
  }

  /** Copy a frame in (for callers that already hold RGBA pixels). */
  pushFrame(rgba: Uint8Array | Uint8ClampedArray): boolean {
    this.nextFrameBuffer().set(rgba);
    return this.commitFrame();
  }

  /** The earlier frame of the current pair (frame1 in the seed): where crops are cut from. */
  earlierFrame(): Uint8Array {
    return this.frameData(this.current);
  }

  /** The pixel stages on the SIMD kernels, into this.dilated; false when the mask is empty (nothing copied). */
  private maskWithKernels(p: KernelPlanes): boolean {
    const { k } = p;
    const w = this.roi.width;
    const h = this.height;
    const o = this.opts;
    k.absdiffGrey(p.frames[this.current]!, p.frames[this.current ^ 1]!, this.width, this.roi.x, w, h, p.grey);
    // The rest runs on the band of rows where the mask can be non-zero (the blur's and the dilation's reach
    // around the rows with grey above the threshold); every row outside it is zero in the mask.
    const above = k.rowsAbove(p.grey, w, h, o.threshold, p.bounds);
    if (!above) return false;
    const br = o.blur >> 1;
    const r = o.dilateIterations;
    const bin0 = Math.max(0, above[0] - br); // rows the binary image can be non-zero in
    const bin1 = Math.min(h, above[1] + br);
    const grey0 = Math.max(0, bin0 - br); // the grey rows their blur reads
    const grey1 = Math.min(h, bin1 + br);
    k.gaussianBlur(p.grey + grey0 * w, p.blurred + grey0 * w, w, grey1 - grey0, o.blur, p.row);
    const band0 = Math.max(0, bin0 - r); // rows the dilation can reach
    const band1 = Math.min(h, bin1 + r);
    k.view(p.binary + band0 * w, (bin0 - band0) * w).fill(0);
    k.threshold(p.blurred + bin0 * w, p.binary + bin0 * w, (bin1 - bin0) * w, o.threshold);
    k.view(p.binary + bin1 * w, (band1 - bin1) * w).fill(0);
    const rows = band1 - band0;
    if (!k.dilate(p.binary + band0 * w, p.dilated + band0 * w, w, rows, r, p.tmp, p.row)) return false;
    const b = k.maskBounds(p.dilated + band0 * w, w, rows, p.bounds);
    if (!b) return false;
    const [x0, y0, x1, y1] = [b[0], b[1] + band0, b[2], b[3] + band0];
    // Only the rows findContours will read are copied into opencv.js's Mat.
    this.dilated.data.set(k.view(p.dilated + y0 * w, (y1 - y0) * w), y0 * w);
    this.maskRect = { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
    return true;
  }

  /** The pixel stages on opencv.js, into this.dilated. */
  private maskWithOpenCv(frames: [Mat, Mat]): void {
    const cv = this.cv;
    const o = this.opts;
    const f1 = frames[this.current]!;
    const f2 = frames[this.current ^ 1]!;
    const whole = this.roi.x === 0 && this.roi.width === this.width;
    if (whole) {
      cv.absdiff(f1, f2, this.diff);
    } else {
      const rect = new cv.Rect(this.roi.x, 0, this.roi.width, this.height);
      const a = f1.roi(rect);
      const b = f2.roi(rect);
      cv.absdiff(a, b, this.diff);
      a.delete();
      b.delete();
    }
    cv.cvtColor(this.diff, this.grey, cv.COLOR_RGBA2GRAY);
    cv.GaussianBlur(this.grey, this.blurred, new cv.Size(o.blur, o.blur), 0, 0, cv.BORDER_DEFAULT);
    cv.threshold(this.blurred, this.binary, o.threshold, 255, cv.THRESH_BINARY);
    if (o.dilateIterations > 0) {
      cv.dilate(
        this.binary,
        this.dilated,
        this.kernel,
        new cv.Point(-1, -1),
        o.dilateIterations,
        cv.BORDER_CONSTANT,
        cv.morphologyDefaultBorderValue(),
      );
    } else {
      this.binary.copyTo(this.dilated);
    }
  }

  /** Run the research pipeline on the last two frames pushed. */
  detect(withRejected = false): PairResult {
    if (this.filled < 2) throw new Error('detect needs two frames');
    const cv = this.cv;
    const o = this.opts;
    const t0 = performance.now();
    let found = true;
    if (this.planes) found = this.maskWithKernels(this.planes);
    else this.maskWithOpenCv(this.frames!);
    const t1 = performance.now();
    this.timing.kernelsMs += t1 - t0;
    // An empty mask has no contours: findContours is skipped (frames without motion are common).
    if (!found) return { spatters: [], rejected: [] };
    const rect = this.maskRect;
    const mask = rect ? this.dilated.roi(new cv.Rect(rect.x, rect.y, rect.width, rect.height)) : this.dilated;
    try {
      cv.findContours(mask, this.contours, this.hierarchy, cv.RETR_TREE, cv.CHAIN_APPROX_SIMPLE);
    } finally {
      if (mask !== this.dilated) mask.delete();
    }
    const dx = rect?.x ?? 0;
    const dy = rect?.y ?? 0;

    const spatters: ContourResult[] = [];
    const rejected: ContourResult[] = [];
    const n = this.contours.size();
    const rules = { minArea: o.minArea, maxArea: o.maxArea, rejectBlue: o.rejectBlue };
    let pixels: Uint8Array | null = null;
    for (let i = 0; i < n; i++) {
      const c = this.contours.get(i);
      const area = cv.contourArea(c);
      const b = cv.boundingRect(c);
      c.delete();
      const r = { x: b.x + dx, y: b.y + dy, width: b.width, height: b.height };
      const box = { x: r.x + this.roi.x, y: r.y, w: r.width, h: r.height };
      const inRange = area >= o.minArea && area <= o.maxArea;
      if (!inRange && !withRejected) continue;
      // The crop is cut inside the searched region, as the seed cuts it from its (possibly narrowed) frame.
      const local = cropRect({ x: r.x, y: r.y, w: r.width, h: r.height }, this.roi.width, this.height);
      pixels ??= this.earlierFrame();
      const sums = inRange
        ? colourSums(pixels, this.width, { ...local, x: local.x + this.roi.x }, 'rgba')
        : { red: 0, green: 0, blue: 0 };
      const verdict = classifyContour(area, sums, rules);
      if (verdict === 'spatter') spatters.push({ box, area, verdict });
      else if (withRejected) rejected.push({ box, area, verdict });
    }
    this.timing.contoursMs += performance.now() - t1;
    return { spatters, rejected };
  }

  /** RGBA pixels of the saved crop of a box (frame1[y+2:y+h-1, x+2:x+w-1]), plus its size. */
  crop(box: Box): { rgba: Uint8ClampedArray; width: number; height: number } {
    const local = cropRect({ ...box, x: box.x - this.roi.x }, this.roi.width, this.height);
    const x0 = local.x + this.roi.x;
    const src = this.earlierFrame();
    const out = new Uint8ClampedArray(local.w * local.h * 4);
    for (let y = 0; y < local.h; y++) {
      const s = ((local.y + y) * this.width + x0) * 4;
      out.set(src.subarray(s, s + local.w * 4), y * local.w * 4);
    }
    return { rgba: out, width: local.w, height: local.h };
  }

  /**
   * The saved crop of a box as a baseline JPEG at `quality`, encoded where the frame lies in the kernels' memory
   * (jpeg-encoder.c: the bytes cv2.imencode writes); null when the crop is empty. Only with the kernels.
   */
  encodeCrop(box: Box, quality: number): Uint8Array | null {
    const p = this.planes;
    if (!p) throw new Error('encodeCrop needs the SIMD kernels (usesKernels)');
    const local = cropRect({ ...box, x: box.x - this.roi.x }, this.roi.width, this.height);
    if (local.w <= 0 || local.h <= 0) return null;
    const at = p.frames[this.current]! + (local.y * this.width + local.x + this.roi.x) * 4;
    return p.k.encodeJpeg(at, this.width, local.w, local.h, quality);
  }

  delete(): void {
    if (this.deleted) return;
    this.deleted = true;
    for (const m of [
      ...(this.frames ?? []),
      this.diff,
      this.grey,
      this.blurred,
      this.binary,
      this.dilated,
      this.kernel,
      this.hierarchy,
    ])
      m.delete();
    this.contours.delete();
  }
}
