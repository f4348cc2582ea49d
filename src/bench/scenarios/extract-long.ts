// Bench: memory of the tab over a long video (issue 4: "must stay flat"). The whole extraction of a 30,800-frame
// 640x360 H.264 video (bench/.data/long, from scripts/extract/make_long_video.py) the way the Extract area runs it
// (src/state/extract-store.ts runJob): extractVideo on one worker per core, a live preview every 250 ms, counts
// and boxes grown in place, every crop handed into Blob chunks (CropSpooler). The renderer's RSS (page + workers,
// sampled on the Node side by bench/run.mjs) is read at every 10% of the frames, next to the crop bytes that can
// be in the page at that moment, to tell what the crops cost from what the rest of the path holds on to.
import { defaultConfig } from '../../core/config/config';
import { CropSpooler } from '../../core/data/crop-chunks';
import type { FrameBox } from '../../core/extract/csv';
import { extractOptionsFrom } from '../../core/extract/options';
import type { ExtractBatch, ExtractOptions, ExtractSummary } from '../../workers/extract/api';
import { extractWorker } from '../../workers/extract/client';
import { extractVideo } from '../../workers/extract/parallel';
import { pickHostFiles } from '../host-files';
import type { BenchScenario } from '../types';

type HostPeak = { peakBytes: number; pid: number | null; all: { pid: number; peakBytes: number }[] };
/** The memory ops of bench/run.mjs this scenario uses (files come through pickHostFiles). */
interface Host {
  (op: 'memory-start'): Promise<number[]>;
  (op: 'memory-peak'): Promise<HostPeak>;
}

const VIDEO = 'spatter_long_30k.mp4';
const MAKE = '/usr/bin/python3 scripts/extract/make_long_video.py';
const MB = 2 ** 20;
const STEPS = 10;

interface Sample {
  /** Share of the frame pairs the workers have done, 0.1 .. 1. */
  at: number;
  /** Pairs the workers have done. */
  done: number;
  /** Pairs handed on in frame order (what the store has seen). */
  delivered: number;
  /** RSS of the tab's renderer now (peak over a 300 ms window right after a reset). */
  rssBytes: number;
  /** Peak RSS since the previous sample. */
  windowPeakBytes: number;
  /** Crops and bytes handed into Blob chunks so far (the blob store, outside the renderer but for the last chunk). */
  crops: number;
  cropBytes: number;
  /**
   * Crop bytes queued for earlier segments: pairs done by later workers but not handed on yet (extractVideo passes
   * a segment's batches on once the segments before it are done, holding their crops as Blobs meanwhile), at the
   * crop bytes per pair seen so far.
   */
  queuedCropBytes: number;
  /** The main thread's JS heap (performance.memory; the workers' heaps are not in it). */
  mainHeapBytes: number;
}

const mb = (b: number) => b / MB;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mainHeap = () =>
  (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0;

/** Least-squares slope of y over x: a single RSS reading swings by tens of MB with garbage collection. */
function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  const sxx = points.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  return sxx > 0 ? points.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0) / sxx : 0;
}

/** The long video as a disk-backed File, as a user's pick. */
async function pickVideo(): Promise<File> {
  // The marker is the video itself: the script writes it under another name and renames it when complete.
  const picked = await pickHostFiles(['long'], VIDEO, '.mp4');
  const file = picked.files.find((f) => f.name === VIDEO);
  if (!file) throw new Error(`no long video: bench/.data/long/${VIDEO} is missing; make it with \`${MAKE}\``);
  return file;
}

export const scenario: BenchScenario = {
  name: 'extract-long',
  description:
    'Tab memory (renderer RSS) over the extraction of a 30,800-frame video, run and kept as the Extract area does',
  async run(log) {
    const host = window.__benchHost as unknown as Host | undefined;
    if (!host) throw new Error('extract-long needs the Node side of bench/run.mjs (window.__benchHost)');
    const file = await pickVideo();
    const info = await extractWorker.api.probe(file, VIDEO);
    log(
      `${VIDEO}: ${info.container} ${info.codecString} ${info.width}x${info.height}, ${info.packetCount} frames, ${mb(file.size).toFixed(1)} MB`,
    );
    if (info.packetCount < 30_000) {
      throw new Error(
        `${VIDEO} has ${info.packetCount} frames, fewer than 30,000; remake it with \`${MAKE} --force\``,
      );
    }

    // What the extract store keeps per job (runJob): counts and boxes grown in place, crops spooled into Blob
    // chunks, the previous preview bitmap closed when a new one comes.
    const counts: number[] = [];
    const boxes: FrameBox[] = [];
    const spool = new CropSpooler();
    let preview: ImageBitmap | null = null;
    const onBatch = (b: ExtractBatch) => {
      for (const c of b.counts) counts.push(c);
      for (const x of b.boxes) boxes.push(x);
      for (const c of b.crops) spool.push(c.jpeg);
      if (b.preview) {
        preview?.close();
        preview = b.preview.bitmap;
      }
    };

    const samples: Sample[] = [];
    let sampling: Promise<void> = Promise.resolve();
    const sample = (at: number, done: number) => {
      const perPair = counts.length > 0 ? spool.byteLength / counts.length : 0;
      const kept = {
        delivered: counts.length,
        crops: spool.count,
        cropBytes: spool.byteLength,
        queuedCropBytes: Math.max(0, done - counts.length) * perPair,
        mainHeapBytes: mainHeap(),
      };
      sampling = sampling.then(async () => {
        const windowPeak = await host('memory-peak');
        await host('memory-start');
        await sleep(300);
        const now = await host('memory-peak');
        // memory-peak also stops the host's sampler; the last reading leaves it stopped (a sampler left running
        // keeps bench/run.mjs from exiting).
        if (at < 1) await host('memory-start');
        const s: Sample = {
          at,
          done,
          rssBytes: now.peakBytes,
          windowPeakBytes: windowPeak.peakBytes,
          ...kept,
        };
        samples.push(s);
        log(
          `${Math.round(100 * at)}% (${done} pairs done, ${s.delivered} handed on): RSS ${mb(s.rssBytes).toFixed(0)} MB (peak since last ${mb(s.windowPeakBytes).toFixed(0)} MB); ${s.crops} crops ${mb(s.cropBytes).toFixed(1)} MB in Blob chunks, ~${mb(s.queuedCropBytes).toFixed(1)} MB queued as Blobs; main JS heap ${mb(s.mainHeapBytes).toFixed(0)} MB`,
        );
      });
    };

    // The store's options: research defaults (workers 0 = one per core), its pixel path, a preview every 250 ms.
    const opts: ExtractOptions = {
      ...extractOptionsFrom(defaultConfig().extract),
      pixelPath: 'i420-swscale',
      previewEveryMs: 250,
    };
    let nextStep = 1;
    let lastLog = 0;
    await host('memory-start');
    let summary: ExtractSummary;
    try {
      summary = await extractVideo(file, VIDEO, opts, onBatch, {
        onProgress: (p) => {
          const total = p.total ?? info.packetCount - 1;
          while (nextStep < STEPS && p.done >= (nextStep / STEPS) * total) {
            sample(nextStep / STEPS, p.done);
            nextStep++;
          }
          if (performance.now() - lastLog > 15_000) {
            lastLog = performance.now();
            log(p.message ?? `${p.done}/${total}`);
          }
        },
      });
    } catch (e) {
      await sampling.catch(() => {});
      await host('memory-peak');
      throw e;
    }
    sample(1, summary.pairs);
    await sampling;
    (preview as ImageBitmap | null)?.close();
    log(
      `done: ${summary.pairs} pairs on ${summary.workers} workers (${summary.framesDecoded} frames decoded), ${summary.crops} crops in ${summary.seconds.toFixed(0)} s (${summary.framesPerSecond.toFixed(0)} frames/s); kept ${counts.length} counts, ${boxes.length} boxes, ${spool.count} crops`,
    );
    if (!summary.complete) throw new Error(`${VIDEO}: not every frame was decoded`);

    const first = samples[0]!;
    const mid = samples.find((s) => s.at >= 0.5)!;
    const last = samples[samples.length - 1]!;
    const growth = last.rssBytes - first.rssBytes;
    const span = last.done - first.done;
    const fitGrowth = span * slope(samples.map((s) => ({ x: s.done, y: s.rssBytes })));
    const fitApart = span * slope(samples.map((s) => ({ x: s.done, y: s.rssBytes - s.queuedCropBytes })));
    const peak = samples.reduce((a, s) => (s.windowPeakBytes > a.windowPeakBytes ? s : a));
    const queued = samples.reduce((a, s) => (s.queuedCropBytes > a.queuedCropBytes ? s : a));
    const curve = samples.map((s) => `${Math.round(100 * s.at)}%=${mb(s.rssBytes).toFixed(0)}`).join(' ');
    log(
      `RSS MB by share of frames: ${curve}; window peaks: ${samples.map((s) => mb(s.windowPeakBytes).toFixed(0)).join(' ')}; crop MB queued as Blobs: ${samples.map((s) => mb(s.queuedCropBytes).toFixed(1)).join(' ')}`,
    );
    const at = (s: Sample) => `at ${s.done} pairs done, ${s.crops} crops handed on`;
    return [
      {
        name: 'extract.long.frames',
        value: info.packetCount,
        unit: 'frames',
        note: `${VIDEO}, ${info.codecString} ${info.width}x${info.height}; ${summary.pairs} pairs on ${summary.workers} workers`,
      },
      {
        name: 'extract.long.fps',
        value: Math.round(summary.framesPerSecond),
        unit: 'frames/s',
        note: `whole path as the Extract area runs it (${summary.workers} workers, preview every 250 ms, crops spooled)`,
      },
      {
        name: 'extract.long.rss_10pct_mb',
        value: mb(first.rssBytes),
        unit: 'MB',
        note: `tab renderer RSS ${at(first)}`,
      },
      {
        name: 'extract.long.rss_50pct_mb',
        value: mb(mid.rssBytes),
        unit: 'MB',
        note: `tab renderer RSS ${at(mid)}`,
      },
      {
        name: 'extract.long.rss_end_mb',
        value: mb(last.rssBytes),
        unit: 'MB',
        note: `tab renderer RSS ${at(last)}`,
      },
      {
        name: 'extract.long.rss_peak_mb',
        value: mb(peak.windowPeakBytes),
        unit: 'MB',
        note: `highest RSS sampled (every 200 ms by bench/run.mjs, and VmHWM), in the 10% up to ${Math.round(100 * peak.at)}%`,
      },
      {
        name: 'extract.long.rss_growth_mb',
        value: mb(growth),
        unit: 'MB',
        note: `RSS growth from 10% to 100% of the frames; curve ${curve}`,
      },
      {
        name: 'extract.long.rss_fit_growth_mb',
        value: mb(fitGrowth),
        unit: 'MB',
        note: 'RSS growth 10%->100% from a least-squares line through all ten readings (less noisy than two points)',
      },
      {
        name: 'extract.long.crops_mb',
        value: mb(last.cropBytes),
        unit: 'MB',
        note: `${last.crops} JPEG crops in Blob chunks (the browser's blob store, not the renderer; at most one 4 MB chunk in the page)`,
      },
      {
        name: 'extract.long.crops_waiting_max_mb',
        value: mb(queued.queuedCropBytes),
        unit: 'MB',
        note: `most crop bytes queued for earlier segments (estimated), at ${Math.round(100 * queued.at)}%: held as Blobs (blob store), not in the page's heap`,
      },
      {
        name: 'extract.long.rss_fit_growth_apart_from_crops_mb',
        value: mb(fitApart),
        unit: 'MB',
        note: 'the same line through RSS minus the queued crop bytes at each reading (those were in the page before they were parked as Blobs)',
      },
      {
        name: 'extract.long.main_heap_growth_mb',
        value: mb(last.mainHeapBytes - first.mainHeapBytes),
        unit: 'MB',
        note: `main thread JS heap 10%->100% (${mb(first.mainHeapBytes).toFixed(0)} -> ${mb(last.mainHeapBytes).toFixed(0)} MB), not counting the workers`,
      },
    ];
  },
};
