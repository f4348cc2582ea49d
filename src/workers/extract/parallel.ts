// One video, several extraction workers: the frame pairs are cut into contiguous segments (core/extract/segments)
// that start on key frames, each worker demuxes, decodes (from its segment's key frame) and detects its own segment, and the
// results are handed on in frame order, so callers see exactly what one worker would have given them: batches
// with consecutive `firstFrame`s and one summary. Later segments' batches wait until the earlier segments are
// done; their preview frames go through at once so the live view keeps moving. Decoding runs on the browser's
// media threads and detection on the workers', so on two cores two workers nearly double the frames per second.
import { proxy } from 'comlink';
import { alignToKeyFrames, pairRange, splitPairs, type PairSegment } from '../../core/extract/segments';
import type { ProgressFn } from '../task';
import type { WorkerBridge } from '../bridge';
import type { VideoInfo } from '../video/demux';
import type { ExtractApi, ExtractBatch, ExtractOptions, ExtractStages, ExtractSummary } from './api';
import { extractWorker, extractWorkers, MAX_EXTRACT_WORKERS } from './client';

interface Queued {
  batch: ExtractBatch;
  /** The batch's crop bytes while it waits (its `crops` then carry empty `jpeg`s). */
  parked?: { blob: Blob; sizes: number[] };
}

function park(batch: ExtractBatch): Queued {
  if (batch.crops.length === 0) return { batch };
  const parked = {
    blob: new Blob(batch.crops.map((c) => c.jpeg as BlobPart)),
    sizes: batch.crops.map((c) => c.jpeg.length),
  };
  for (const c of batch.crops) c.jpeg = new Uint8Array(0);
  return { batch, parked };
}

async function unpark(q: Queued): Promise<ExtractBatch> {
  if (!q.parked) return q.batch;
  const bytes = new Uint8Array(await q.parked.blob.arrayBuffer());
  let at = 0;
  q.batch.crops.forEach((c, i) => {
    const n = q.parked!.sizes[i]!;
    c.jpeg = bytes.subarray(at, at + n);
    at += n;
  });
  return q.batch;
}

export interface ExtractVideoOptions {
  signal?: AbortSignal;
  onProgress?: ProgressFn;
  /** The container's facts as soon as the video is opened (before any frame is decoded). */
  onInfo?: (info: VideoInfo) => void;
}

/** The workers a run may use (the app's pool; tests pass stand-ins). */
export interface ExtractPool {
  /** The first `n` workers (the first one probes the video). */
  take(n: number): Pick<WorkerBridge<ExtractApi>, 'api' | 'run'>[];
}

const appPool: ExtractPool = {
  take: (n) => (n <= 1 ? [extractWorker] : extractWorkers(n)),
};

/** The fewest pairs a worker is given when the run asks for a number of workers (extract.workers > 0). */
export const MIN_SEGMENT_PAIRS = 150;

/**
 * The fewest pairs a worker is given when the count is automatic (one per core): a second worker costs its own
 * demuxer, decoder and JIT warm-up and competes with the first one's decoder for the cores. On the 2-core
 * machine, 439-pair videos ran slower on two workers than on one (idle and loaded alike), and 3,519 pairs about
 * as fast; so two workers from 1,000 pairs on.
 */
export const AUTO_MIN_SEGMENT_PAIRS = 500;

/** Workers to use: `requested`, or one per CPU core when 0 (at most MAX_EXTRACT_WORKERS). */
export function extractWorkerCount(requested: number): number {
  const cores = typeof navigator !== 'undefined' ? (navigator.hardwareConcurrency ?? 1) : 1;
  return Math.max(1, Math.min(requested > 0 ? requested : cores, MAX_EXTRACT_WORKERS));
}

/** The workers' stage times summed (each worker's total included, so per-stage shares stay comparable). */
function sumStages(parts: ExtractStages[]): ExtractStages {
  const out = { ...parts[0]! };
  for (const p of parts.slice(1)) {
    for (const k of Object.keys(p) as (keyof ExtractStages)[]) {
      if (k === 'simdKernels') out.simdKernels &&= p.simdKernels;
      else out[k] += p[k];
    }
  }
  return out;
}

/** Run the extraction of `file` on `o.workers` workers (0 = one per core); resolves with the merged summary. */
export async function extractVideo(
  file: Blob,
  name: string,
  o: ExtractOptions,
  onBatch: (b: ExtractBatch) => void,
  run: ExtractVideoOptions = {},
  pool: ExtractPool = appPool,
): Promise<ExtractSummary> {
  const wanted = extractWorkerCount(o.workers ?? 0);
  const workers = pool.take(wanted);
  // The first worker loads opencv.js while it reads the container; the others only once they are known to be
  // needed (a worker loading opencv.js in the background would take a core from the run).
  const warmFirst = workers[0]!.api.warmUp().catch(() => false);
  const info = await workers[0]!.api.probe(file, name);
  run.onInfo?.(info);
  run.signal?.throwIfAborted();
  const range = pairRange(info.packetCount, o);
  const minPairs = (o.workers ?? 0) > 0 ? MIN_SEGMENT_PAIRS : AUTO_MIN_SEGMENT_PAIRS;
  const even = splitPairs(range, wanted, minPairs);
  await Promise.all([
    warmFirst,
    ...workers.slice(1, even.length).map((w) => w.api.warmUp().catch(() => false)),
  ]);
  // The clock starts here for one worker and for several alike: what follows is what the user waits for once the
  // video is opened and the workers are loaded (the figure the bench compares with native OpenCV's loop).
  const t0 = performance.now();
  let segments = even;
  if (even.length > 1) {
    const cuts = even.slice(1).map((s) => s.start);
    // Where the key frames cannot be looked up, the even cuts stand (a later worker then decodes from the key
    // frame before its segment, as it always could).
    const keys = await workers[0]!.api.keyFramesNear(file, name, cuts).catch(() => null);
    if (keys) segments = alignToKeyFrames(even, keys, minPairs);
  }
  if (segments.length === 1) {
    const summary = await workers[0]!.run('extract', [file, name, o, proxy(onBatch)], {
      ...(run.signal ? { signal: run.signal } : {}),
      ...(run.onProgress ? { onProgress: run.onProgress } : {}),
    });
    const seconds = (performance.now() - t0) / 1000;
    return { ...summary, seconds, framesPerSecond: summary.pairs / seconds };
  }

  const abort = new AbortController();
  const stop = () => abort.abort();
  run.signal?.addEventListener('abort', stop, { once: true });

  // In-order hand-over: segment `current` streams straight through, later ones queue until it finishes. A
  // queued batch's crops wait as one Blob (the browser's blob store, not the page's heap): over a long video
  // the later half's crops would otherwise pile up in the page until the first half is done.
  const queues: Queued[][] = segments.map(() => []);
  const finished = segments.map(() => false);
  let current = 0;
  const pumpOnce = async () => {
    while (current < segments.length) {
      const q = queues[current]!;
      while (q.length > 0) onBatch(await unpark(q.shift()!));
      if (!finished[current]) return;
      current++;
    }
  };
  // Hand-overs run one after another (unparking is async); the run resolves after the last one.
  let handing: Promise<void> = Promise.resolve();
  const pump = () => {
    handing = handing.then(pumpOnce);
  };
  const done = segments.map(() => 0);
  const total = range.end - range.start;
  const report = () => {
    if (!run.onProgress) return;
    const d = done.reduce((a, b) => a + b, 0);
    const s = (performance.now() - t0) / 1000;
    run.onProgress({
      done: d,
      total,
      unit: 'frames',
      message: `${name}: ${d} / ${total} frames on ${segments.length} workers, ${(d / Math.max(s, 1e-3)).toFixed(0)} frames/s`,
    });
  };

  const runSegment = async (seg: PairSegment, k: number): Promise<ExtractSummary> => {
    const sink = proxy((b: ExtractBatch) => {
      if (b.preview && k !== current) {
        onBatch({ firstFrame: b.firstFrame, counts: [], boxes: [], crops: [], preview: b.preview });
        delete b.preview;
      }
      queues[k]!.push(k === current ? { batch: b } : park(b));
      pump();
    });
    const segOptions: ExtractOptions = { ...o, startFrame: seg.start, endFrame: seg.end, limit: 0 };
    try {
      const summary = await workers[k]!.run('extract', [file, name, segOptions, sink], {
        signal: abort.signal,
        onProgress: (p) => {
          done[k] = p.done;
          report();
        },
      });
      done[k] = summary.pairs;
      finished[k] = true;
      pump();
      await handing;
      return summary;
    } catch (e) {
      abort.abort(); // one segment failed: the others stop too
      throw e;
    }
  };

  try {
    const settled = await Promise.allSettled(segments.map(runSegment));
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      // Prefer the segment's own failure over the cancellations it caused in the others.
      const real = settled.find(
        (r): r is PromiseRejectedResult =>
          r.status === 'rejected' && !(r.reason instanceof Error && /cancel|abort/i.test(r.reason.name)),
      );
      throw (real ?? failed).reason;
    }
    const parts = settled.map((r) => (r as PromiseFulfilledResult<ExtractSummary>).value);
    const pairs = parts.reduce((a, p) => a + p.pairs, 0);
    if (pairs !== total) {
      throw new Error(
        `${name}: ${total} frame pairs were expected from the container but ${pairs} were decoded; the video may be corrupt or truncated. Re-encode it (e.g. \`ffmpeg -i IN -c:v libx264 -pix_fmt yuv420p OUT.mp4\`) and drop it again.`,
      );
    }
    const seconds = (performance.now() - t0) / 1000;
    return {
      info,
      framesDecoded: parts.reduce((a, p) => a + p.framesDecoded, 0),
      pairs,
      crops: parts.reduce((a, p) => a + p.crops, 0),
      seconds,
      framesPerSecond: pairs / seconds,
      pixelPath: parts[0]!.pixelPath,
      complete: parts.every((p) => p.complete),
      workers: segments.length,
      stages: sumStages(parts.map((p) => p.stages)),
    };
  } finally {
    run.signal?.removeEventListener('abort', stop);
  }
}
