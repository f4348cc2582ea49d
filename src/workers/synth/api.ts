// Synth worker API: renders synthetic LPBF scenes (preview frames, WebCodecs videos) and makes spatter crop
// sets of any size (JPEG spooled into Blob chunks, research-layout HDF5 written to OPFS as the crops come, via the
// data library's writer). Crops are JPEG-encoded by the extraction's wasm encoder — byte for byte what
// cv2.imencode writes, as the research saved its crops — or, without wasm SIMD, by the browser's canvas.
// Importable in a Vitest test without a Worker: browser-only pieces load on first use.
import * as Comlink from 'comlink';
import {
  CropGenerator,
  SpatterScene,
  cropSetStats,
  hashSeed,
  type CropFacts,
  type CropSetStats,
  type FlowClass,
  type SceneParams,
} from '../../core/synth';
import { CropSpooler, type CropChunk } from '../../core/data/crop-chunks';
import type { ExportedFile, ExportTarget } from '../data/data-library';
import type { H5Module } from '../data/h5-reader';
import { compileDetectKernels, DetectKernels } from '../extract/kernels/pixel-kernels';
import { runTask, TaskRegistry, type TaskOptions } from '../task';
import { encodeSceneVideo, videoSupport, type VideoFormat, type VideoResult } from './video';

const tasks = new TaskRegistry();

export interface CropSetSpec {
  seed: number;
  /** Crops of class 0 (low gas flow) and class 1 (high gas flow). */
  low: number;
  high: number;
  /** Name stem of the sources, e.g. "synthetic" → synthetic_low_0.h5 / synthetic_high_2.h5. */
  stem: string;
  /** Also write the research-layout HDF5 files. */
  h5: boolean;
  /** JPEG quality 0..1 (OpenCV's default is 95). */
  quality?: number;
}

export interface CropClassResult {
  flow: FlowClass;
  label: number;
  /** File name of its HDF5 (and the source name in the data library). */
  fileName: string;
  count: number;
  /** The JPEG crops spooled into Blob chunks (core/data/crop-chunks): a set of any size is not held as arrays. */
  chunks: CropChunk[];
  /** The HDF5 file: written to OPFS as the crops come (a disk-backed File) where there is OPFS, else bytes. */
  h5?: ExportedFile;
}

export interface CropSetResult {
  classes: CropClassResult[];
  /** Research CSV index (file,dataset,ds_idx,label) of the HDF5 files, unshuffled. */
  indexCsv: string;
  seconds: number;
  /** The research's statistics for this set (sizes, area bins, class balance, black crops, mean grey). */
  stats: CropSetStats;
}

/** The wasm JPEG encoder (one instance per worker) and a reusable input buffer in its memory. */
let wasmJpeg: Promise<{ k: DetectKernels; at: number; size: number } | null> | null = null;

/** JPEG-encodes RGBA pixels (quality 0..1): the wasm encoder where there is wasm SIMD, else the browser's. */
async function encodeJpeg(
  rgba: Uint8ClampedArray,
  w: number,
  h: number,
  quality: number,
): Promise<Uint8Array> {
  wasmJpeg ??= compileDetectKernels().then((m) => (m ? { k: new DetectKernels(m), at: 0, size: 0 } : null));
  const enc = await wasmJpeg;
  if (enc) {
    if (enc.size < rgba.length) {
      // the allocator never frees: grow by doubling so what is left behind stays under the last buffer's size
      enc.size = Math.max(rgba.length, 2 * enc.size);
      enc.at = enc.k.alloc(enc.size);
    }
    enc.k.view(enc.at, rgba.length).set(rgba);
    return enc.k.encodeJpeg(enc.at, w, w, h, Math.round(quality * 100));
  }
  const cv = new OffscreenCanvas(w, h);
  const c = cv.getContext('2d');
  if (!c) throw new Error('This browser cannot encode JPEG in a worker (no OffscreenCanvas 2D)');
  c.putImageData(new ImageData(new Uint8ClampedArray(rgba), w, h), 0, 0);
  const blob = await cv.convertToBlob({ type: 'image/jpeg', quality });
  return new Uint8Array(await blob.arrayBuffer());
}

/** Where generated HDF5 files go instead of OPFS / memory (tests: a file on disk through a sync-file mount). */
let targetOverride: ((module: H5Module, fileName: string) => Promise<ExportTarget>) | null = null;

export function setCropSetTarget(open: typeof targetOverride): void {
  targetOverride = open;
}

/**
 * A research-layout HDF5 written as the crops come, a dataset of 10,000 at a time (what is held), into OPFS where
 * this worker has it (`folder`, emptied by the caller), else into h5wasm's memory.
 */
async function openClassH5(fileName: string, source: string, folder: FileSystemDirectoryHandle | null) {
  const [{ default: h5 }, writer, targets] = await Promise.all([
    import('h5wasm'),
    import('../data/h5-writer'),
    import('../data/export-targets'),
  ]);
  const module = await h5.ready;
  const target = targetOverride
    ? await targetOverride(module, fileName)
    : folder
      ? await targets.opfsTarget(module, folder, fileName)
      : targets.memfsTarget(module, `/synth-${Date.now()}-${fileName}`, fileName);
  const w = await writer.ResearchH5Writer.create(h5, target.path);
  let pending: Uint8Array[] = [];
  let part = 0;
  const flush = () => {
    if (pending.length === 0) return;
    w.addDataset({ name: `${source}_${part++}`, crops: pending });
    pending = [];
  };
  return {
    push(crop: Uint8Array) {
      pending.push(crop);
      if (pending.length === writer.RESEARCH_DATASET_MAX) flush();
    },
    async finish(): Promise<ExportedFile> {
      try {
        flush();
        w.close();
      } catch (e) {
        await target.discard();
        throw e;
      }
      return target.finish();
    },
    async discard() {
      try {
        w.close();
      } finally {
        await target.discard();
      }
    },
  };
}

export const api = {
  cancel(taskId: string): boolean {
    return tasks.cancel(taskId);
  },

  /** Which video formats this browser can encode. */
  videoSupport,

  /** Facts about a scene without rendering it. */
  describeScene(params: SceneParams): { frames: number; seconds: number; scanFrames: number } {
    const s = new SpatterScene(params);
    return { frames: s.frameCount, seconds: s.frameCount / params.fps, scanFrames: s.scanFrames };
  },

  /** One frame as RGBA (transferred). */
  renderFrame(params: SceneParams, frame: number): Uint8ClampedArray {
    const px = new SpatterScene(params).renderFrame(frame);
    return Comlink.transfer(px, [px.buffer]);
  },

  /** Renders `count` frames of the scene without encoding; seconds taken (bench). */
  benchRender(params: SceneParams, count: number): number {
    const scene = new SpatterScene(params);
    const buf = new Uint8ClampedArray(params.width * params.height * 4);
    const t0 = performance.now();
    for (let f = 0; f < count; f++) scene.renderFrame(f % scene.frameCount, buf);
    return (performance.now() - t0) / 1000;
  },

  async renderVideo(
    params: SceneParams,
    format: VideoFormat,
    /** A frame range to encode (null: the whole scene). */
    range: { from: number; count: number } | null,
    opts?: TaskOptions,
  ): Promise<VideoResult> {
    const r = await runTask(tasks, opts, (ctx) => encodeSceneVideo(params, format, ctx, range ?? undefined));
    return Comlink.transfer(r, [r.bytes.buffer]);
  },

  async makeCropSet(spec: CropSetSpec, opts?: TaskOptions): Promise<CropSetResult> {
    const r = await runTask(tasks, opts, async (ctx) => {
      const t0 = performance.now();
      const total = spec.low + spec.high;
      const classes: CropClassResult[] = [];
      let done = 0;
      const rows: string[] = ['file,dataset,ds_idx,label'];
      const facts: CropFacts[] = [];
      const targets = spec.h5 ? await import('../data/export-targets') : null;
      const folder = targets?.opfsAvailable() ? await targets.freshOpfsFolder('generated') : null;
      for (const [label, flow] of (['low', 'high'] as const).entries()) {
        const n = flow === 'low' ? spec.low : spec.high;
        if (n <= 0) continue;
        const gen = new CropGenerator(hashSeed(spec.seed, label));
        const fileName = `${spec.stem}_${flow}_${label === 0 ? 0 : 2}.h5`;
        const spool = new CropSpooler();
        const h5 = spec.h5 ? await openClassH5(fileName, `${spec.stem}_${flow}`, folder) : null;
        try {
          for (let i = 0; i < n; i++) {
            const c = gen.cropAt(flow, i);
            facts.push({ width: c.width, height: c.height, label, meanGrey: c.meanGrey });
            const jpeg = await encodeJpeg(c.rgba, c.width, c.height, spec.quality ?? 0.95);
            spool.push(jpeg);
            h5?.push(jpeg);
            done++;
            if (done % 50 === 0 || done === total) {
              ctx.progress({ done, total, unit: 'crops', message: `${fileName}: ${i + 1} / ${n} crops` });
              await ctx.checkpoint();
            }
          }
        } catch (e) {
          await h5?.discard();
          throw e;
        }
        const result: CropClassResult = { flow, label, fileName, count: n, chunks: spool.chunks() };
        if (h5) {
          ctx.progress({ done, total, unit: 'crops', message: `writing ${fileName}` });
          result.h5 = await h5.finish();
          for (let i = 0; i < n; i++)
            rows.push(`${fileName},${spec.stem}_${flow}_${Math.floor(i / 10000)},${i % 10000},${label}`);
        }
        classes.push(result);
      }
      return {
        classes,
        indexCsv: rows.join('\n') + '\n',
        seconds: (performance.now() - t0) / 1000,
        stats: cropSetStats(facts),
      };
    });
    const buffers = r.classes.flatMap((c) => (c.h5?.bytes ? [c.h5.bytes.buffer as ArrayBuffer] : []));
    return Comlink.transfer(r, buffers);
  },
};

export type SynthApi = typeof api;
