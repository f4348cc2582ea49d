// Extraction worker API: demux + decode a dropped video (WebCodecs), run the research detector (opencv.js) on
// every consecutive pair of frames, cut and JPEG-encode the accepted crops, and stream results back in batches.
// Importable without a Worker: opencv.js is loaded on first use through `setOpenCvLoader` (the worker entry sets
// the bundled one; see opencv.ts on why tests load it differently).
import { cropRect, type Box } from '../../core/extract/rules';
import type { FrameBox } from '../../core/extract/csv';
import { runTask, TaskRegistry, type TaskContext, type TaskOptions } from '../task';
import { decodeFrames, frameIndexOf } from '../video/decode';
import { openVideo, VideoError, type OpenedVideo, type VideoInfo } from '../video/demux';
import { FramePixels, type PixelPath } from '../video/frame-pixels';
import type { CoreExtractOptions } from '../../core/extract/options';
import { SpatterDetector, type ContourResult } from './detector';
import { compileDetectKernels } from './kernels/pixel-kernels';
import type { OpenCv } from './opencv-ready';

/** The run's options: the research algorithm's and the run's (core/extract/options) plus how pixels are read. */
export interface ExtractOptions extends Omit<CoreExtractOptions, 'layerGap' | 'workers'> {
  pixelPath: PixelPath;
  /** Send a preview frame (ImageBitmap) at most this often, ms; 0 = never. */
  previewEveryMs: number;
  /** Workers sharing the video (read by parallel.ts; one worker ignores it). 0 = one per CPU core. */
  workers?: number;
}

export interface ExtractedCrop {
  frame: number;
  box: Box;
  jpeg: Uint8Array;
}

/** What a batch carries: per-frame counts from `firstFrame` on, the accepted boxes and crops of those frames. */
export interface ExtractBatch {
  firstFrame: number;
  counts: number[];
  boxes: FrameBox[];
  crops: ExtractedCrop[];
  preview?: { frame: number; bitmap: ImageBitmap; boxes: Box[] };
}

/**
 * Where a run's milliseconds went, summed over its frames (and over workers when merged): the bench divides by
 * the pairs. decode is the time waiting for the next decoded frame less the demuxer's share. jpeg: with the SIMD
 * kernels the crops are encoded in line (jpeg-encoder.c) and it is their time; on the opencv.js path it is the
 * time each canvas encode was in flight (they overlap detection, so not on the critical path one for one).
 */
export interface ExtractStages {
  demuxMs: number;
  decodeMs: number;
  /** VideoFrame.copyTo out of the decoder. */
  copyMs: number;
  /** I420 -> RGBA (or the browser's RGBA copy into the frame buffer). */
  convertMs: number;
  /** absdiff, grey, blur, threshold, dilate. */
  kernelsMs: number;
  /** findContours, areas, rects, colour sums. */
  contoursMs: number;
  /** Cutting crops out of the frame. */
  cropMs: number;
  jpegMs: number;
  /** The whole run in the worker (wall clock). */
  totalMs: number;
  /** Whether the pixel stages ran on the SIMD kernels (else opencv.js). */
  simdKernels: boolean;
}

export function emptyStages(): ExtractStages {
  return {
    demuxMs: 0,
    decodeMs: 0,
    copyMs: 0,
    convertMs: 0,
    kernelsMs: 0,
    contoursMs: 0,
    cropMs: 0,
    jpegMs: 0,
    totalMs: 0,
    simdKernels: false,
  };
}

export interface ExtractSummary {
  info: VideoInfo;
  /** Frames decoded (the decoder's output count). */
  framesDecoded: number;
  /** Frame pairs run through the detector. */
  pairs: number;
  crops: number;
  seconds: number;
  framesPerSecond: number;
  pixelPath: PixelPath;
  /** True when every packet of the container came back as a frame. */
  complete: boolean;
  /** Workers that shared the video. */
  workers: number;
  stages: ExtractStages;
}

export interface InspectResult {
  frame: number;
  width: number;
  height: number;
  /** RGBA pixels of the earlier frame of the pair. */
  rgba: Uint8ClampedArray;
  spatters: ContourResult[];
  rejected: ContourResult[];
}

type BatchSink = (b: ExtractBatch) => void | Promise<void>;

const tasks = new TaskRegistry();
const running = new Set<string>();
/** The worker-wide pause (pauseAll): holds running tasks and any task that starts while it is closed. */
let gate: { resume: Promise<void>; release: () => void } | null = null;
let cvLoader: (() => Promise<{ cv: OpenCv }>) | null = null;

export function setOpenCvLoader(load: () => Promise<{ cv: OpenCv }>): void {
  cvLoader = load;
}

/** Wrapped, never returned bare from an async function: the module is a thenable (see opencv-ready.ts). */
function opencv(): Promise<{ cv: OpenCv }> {
  if (!cvLoader)
    return Promise.reject(new Error('opencv.js is not available in this context (no loader set)'));
  return cvLoader();
}

/** The opencv.js path's encoder (the SIMD kernels' module encodes in line, see SpatterDetector.encodeCrop). */
async function encodeJpeg(
  crop: { rgba: Uint8ClampedArray; width: number; height: number },
  quality: number,
  stages: ExtractStages,
): Promise<Uint8Array> {
  const t0 = performance.now();
  // A canvas per crop, so several encodes can be in flight while the next frames are detected. willReadFrequently
  // keeps it in memory: a GPU-backed canvas costs 1-3 ms per crop to set up and upload (0.15 ms this way).
  const canvas = new OffscreenCanvas(crop.width, crop.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('This browser cannot encode JPEG in a worker (no OffscreenCanvas 2D)');
  ctx.putImageData(new ImageData(crop.rgba as Uint8ClampedArray<ArrayBuffer>, crop.width, crop.height), 0, 0);
  const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: quality / 100 });
  const bytes = new Uint8Array(await blob.arrayBuffer());
  stages.jpegMs += performance.now() - t0;
  return bytes;
}

async function waitIfPaused(ctx: TaskContext): Promise<void> {
  while (gate && !ctx.signal.aborted) {
    await Promise.race([
      gate.resume,
      new Promise((r) => ctx.signal.addEventListener('abort', r, { once: true })),
    ]);
  }
  ctx.check();
}

async function withVideo<T>(file: Blob, name: string, fn: (v: OpenedVideo) => Promise<T>): Promise<T> {
  const v = await openVideo(file, name);
  try {
    return await fn(v);
  } finally {
    v.input.dispose();
  }
}

export const api = {
  /** Load opencv.js now (compiling it takes a moment), so a run that follows starts at once. */
  async warmUp(): Promise<boolean> {
    await Promise.all([opencv(), compileDetectKernels()]);
    return true;
  },

  /** Container, codec, size, frame rate and frame count; throws a VideoError with the user's message. */
  async probe(file: Blob, name: string): Promise<VideoInfo> {
    return withVideo(file, name, async (v) => v.info);
  },

  /**
   * The key frames around each of `frames` (indices): the one at or before it and the next one, verified in the
   * bitstream as a decoder seeking there finds them. parallel.ts cuts a video between workers on key frames.
   */
  async keyFramesNear(file: Blob, name: string, frames: number[]): Promise<number[]> {
    return withVideo(file, name, async ({ info, sink }) => {
      const index = (timestamp: number) => frameIndexOf(timestamp, info.firstTimestamp, info.fps);
      const out = new Set<number>();
      for (const f of frames) {
        // Half a frame later, so that a key frame at f is found despite rounding in the timestamps.
        const key = await sink.getKeyPacket(info.firstTimestamp + (f + 0.5) / info.fps, {
          verifyKeyPackets: true,
        });
        if (!key) continue;
        out.add(index(key.timestamp));
        const next = await sink.getNextKeyPacket(key, { verifyKeyPackets: true });
        if (next) out.add(index(next.timestamp));
      }
      return [...out].sort((a, b) => a - b);
    });
  },

  async extract(
    file: Blob,
    name: string,
    o: ExtractOptions,
    onBatch: BatchSink,
    opts?: TaskOptions,
  ): Promise<ExtractSummary> {
    return runTask(tasks, opts, async (ctx) => {
      const id = opts?.taskId ?? `local-${Date.now()}`;
      running.add(id);
      ctx.signal.addEventListener('abort', () => running.delete(id));
      const { cv } = await opencv();
      const kernels = await compileDetectKernels();
      return withVideo(file, name, async (video) => {
        const { info } = video;
        const pixels = new FramePixels(o.pixelPath);
        const det = new SpatterDetector(cv, info.width, info.height, o, kernels);
        const stages = { ...emptyStages(), simdKernels: det.usesKernels };
        const sink = det.i420Sink();
        const demux = { demuxMs: 0 };
        const end = o.endFrame > 0 ? o.endFrame : Infinity;
        const pairLimit = o.limit > 0 ? o.limit : Infinity;
        const totalPairs = Math.min(pairLimit, Math.min(end, info.packetCount - 1) - o.startFrame);
        let batch: ExtractBatch = { firstFrame: o.startFrame, counts: [], boxes: [], crops: [] };
        let pairs = 0;
        let crops = 0;
        let decoded = 0;
        let usedPath: PixelPath = o.pixelPath;
        let lastFlush = performance.now();
        let lastPreview = 0;
        // On the opencv.js path, canvas JPEG encodes run while later frames are detected (awaiting each one
        // inline cost ~4 ms per crop); a batch goes out once its crops are all encoded, in order. Bounded by
        // MAX_ENCODING.
        let encoding: Promise<void>[] = [];
        const MAX_ENCODING = 64;
        const t0 = performance.now();
        const flush = async (final: boolean) => {
          const now = performance.now();
          if (!final && now - lastFlush < 250 && batch.counts.length < 2000) {
            if (encoding.length >= MAX_ENCODING) {
              await Promise.all(encoding);
              encoding = [];
            }
            return;
          }
          lastFlush = now;
          await Promise.all(encoding);
          encoding = [];
          const out = batch;
          batch = { firstFrame: out.firstFrame + out.counts.length, counts: [], boxes: [], crops: [] };
          await onBatch(out);
          const s = (now - t0) / 1000;
          ctx.progress({
            done: pairs,
            total: totalPairs,
            unit: 'frames',
            message: `${info.fileName}: frame ${o.startFrame + pairs} / ${o.startFrame + totalPairs}, ${(pairs / Math.max(s, 1e-3)).toFixed(0)} frames/s`,
          });
        };
        // Iterated by hand (not for-await) to time the wait for each frame; returned in the finally below.
        const frames = decodeFrames(video, { signal: ctx.signal, startFrame: o.startFrame, timing: demux });
        try {
          for (;;) {
            const tWait = performance.now();
            const next = await frames.next();
            stages.decodeMs += performance.now() - tWait;
            if (next.done) break;
            const { frame, index } = next.value;
            decoded++;
            try {
              if (index < o.startFrame) continue;
              usedPath = await pixels.read(frame, det.nextFrameBuffer(), sink);
              if (!det.commitFrame()) continue;
              const pairFrame = index - 1;
              const r = det.detect(false);
              batch.counts.push(r.spatters.length);
              for (const s of r.spatters) {
                batch.boxes.push({ frame: pairFrame, ...s.box });
                if (det.usesKernels) {
                  // Encoded here and now where the frame lies (tens of microseconds a crop).
                  const tJpeg = performance.now();
                  const jpeg = det.encodeCrop(s.box, o.jpegQuality);
                  stages.jpegMs += performance.now() - tJpeg;
                  if (jpeg) {
                    batch.crops.push({ frame: pairFrame, box: s.box, jpeg });
                    crops++;
                  }
                  continue;
                }
                const tCrop = performance.now();
                const c = det.crop(s.box);
                stages.cropMs += performance.now() - tCrop;
                if (c.width > 0 && c.height > 0) {
                  const crop: ExtractedCrop = { frame: pairFrame, box: s.box, jpeg: new Uint8Array(0) };
                  batch.crops.push(crop);
                  encoding.push(
                    encodeJpeg(c, o.jpegQuality, stages).then((jpeg) => {
                      crop.jpeg = jpeg;
                    }),
                  );
                  crops++;
                }
              }
              pairs++;
              const now = performance.now();
              if (o.previewEveryMs > 0 && now - lastPreview >= o.previewEveryMs) {
                lastPreview = now;
                batch.preview = {
                  frame: pairFrame,
                  bitmap: await createImageBitmap(frame),
                  boxes: r.spatters.map((s) => s.box),
                };
              }
            } finally {
              frame.close();
            }
            if (pairs >= totalPairs) break;
            await flush(false);
            await waitIfPaused(ctx);
            await ctx.checkpoint();
          }
          await flush(true);
        } finally {
          await frames.return(undefined);
          // On cancel or failure, encodes still in flight are let go (and their failures handled here).
          void Promise.allSettled(encoding);
          det.delete();
          batch.preview?.bitmap.close();
          running.delete(id);
        }
        const seconds = (performance.now() - t0) / 1000;
        Object.assign(stages, {
          demuxMs: demux.demuxMs,
          decodeMs: stages.decodeMs - demux.demuxMs,
          copyMs: pixels.timing.copyMs,
          convertMs: pixels.timing.convertMs,
          kernelsMs: det.timing.kernelsMs,
          contoursMs: det.timing.contoursMs,
          totalMs: seconds * 1000,
        });
        const wanted = o.startFrame === 0 && totalPairs === info.packetCount - 1;
        if (wanted && decoded !== info.packetCount) {
          throw new VideoError(
            'corrupt',
            info.fileName,
            `${info.fileName}: the container has ${info.packetCount} frames but ${decoded} were decoded; the video may be corrupt.`,
          );
        }
        return {
          info,
          framesDecoded: decoded,
          pairs,
          crops,
          seconds,
          framesPerSecond: pairs / seconds,
          pixelPath: usedPath,
          complete: !wanted || decoded === info.packetCount,
          workers: 1,
          stages,
        };
      });
    });
  },

  /** Every contour of one frame pair with its verdict, and the earlier frame's pixels (stepping through frames). */
  async inspectFrame(file: Blob, name: string, frame: number, o: ExtractOptions): Promise<InspectResult> {
    const { cv } = await opencv();
    const kernels = await compileDetectKernels();
    return withVideo(file, name, async (video) => {
      const { width, height } = video.info;
      const pixels = new FramePixels(o.pixelPath);
      const det = new SpatterDetector(cv, width, height, o, kernels);
      let rgba: Uint8ClampedArray | null = null;
      try {
        for await (const { frame: vf, index } of decodeFrames(video, { startFrame: frame })) {
          try {
            if (index < frame) continue;
            await pixels.read(vf, det.nextFrameBuffer(), det.i420Sink());
            if (index === frame) rgba = new Uint8ClampedArray(det.nextFrameBuffer());
            if (det.commitFrame()) {
              const r = det.detect(true);
              return { frame, width, height, rgba: rgba!, spatters: r.spatters, rejected: r.rejected };
            }
          } finally {
            vf.close();
          }
        }
      } finally {
        det.delete();
      }
      throw new RangeError(`${name} has no frame ${frame + 1} to pair frame ${frame} with`);
    });
  },

  /**
   * Pause every extraction of this worker, including one that starts after the call (a video shared between
   * workers may still be probing when the user pauses). The main thread does not see the bridge's task ids.
   */
  pauseAll(): number {
    if (!gate) {
      let release = () => {};
      const resume = new Promise<void>((r) => (release = r));
      gate = { resume, release };
    }
    return running.size;
  },

  resumeAll(): number {
    gate?.release();
    gate = null;
    return running.size;
  },

  /** A paused task stops too: waitIfPaused also wakes on the task's abort. */
  cancel(taskId: string): boolean {
    return tasks.cancel(taskId);
  },
};

/** The crop rectangle a box gives (for drawing what is saved). */
export const savedCropRect = cropRect;

export type ExtractApi = typeof api;
