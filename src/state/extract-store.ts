// Extraction state: the queue of dropped videos, the options (research defaults from config section `extract`),
// live progress of the running job (counts per frame, boxes, frames/s, time left, a preview frame), and the
// outputs: crops into the data library as a new source, the research CSVs. Finished jobs are kept in IndexedDB
// (counts, boxes, summary) so they survive a reload; their crops live on in the data library's saved source.
import { studioDbReady, type KeyedRecord } from './storage/db';
import { create } from 'zustand';
import { defaultConfig, type ExtractConfig } from '../core/config/config';
import { boxesCsv, spatterAtFrameCsv, type FrameBox } from '../core/extract/csv';
import { CropSpooler } from '../core/data/crop-chunks';
import { ActiveClock } from '../core/extract/active-clock';
import { LayerCounter } from '../core/extract/layers';
import { extractOptionsFrom } from '../core/extract/options';
import { inferLabel } from '../core/data/labels';
import type { ExtractBatch, ExtractOptions, ExtractSummary, InspectResult } from '../workers/extract/api';
import { extractWorker, extractWorkers, startedExtractWorkers } from '../workers/extract/client';
import { extractVideo, extractWorkerCount } from '../workers/extract/parallel';
import type { VideoInfo } from '../workers/video/demux';
import type { PixelPath } from '../workers/video/frame-pixels';
import { useDataStore } from './data-store';
import { notifyError, useNotices } from './notices-store';
import { useSettings } from './settings-store';

export type JobStatus = 'queued' | 'running' | 'paused' | 'done' | 'failed' | 'cancelled';

export interface ExtractJob {
  id: string;
  fileName: string;
  /** The dropped file; null for jobs restored after a reload. */
  file: File | null;
  /** Class of the video's crops; null when its name says nothing: the crops stay unlabelled until chosen. */
  label: number | null;
  status: JobStatus;
  error?: string;
  info?: VideoInfo;
  firstFrame: number;
  /**
   * Spatter count per processed frame (pair), from `firstFrame`. Grown in place while the job runs (a copy per
   * batch would cost O(frames²) over a long video); views key on its length.
   */
  counts: number[];
  boxes: FrameBox[];
  /** Crops extracted so far; their bytes go into Blob chunks as they come (see crop-chunks.ts), not into state. */
  cropCount: number;
  layers: number;
  framesPerSecond: number;
  done: number;
  total: number;
  etaS: number | null;
  preview?: { frame: number; bitmap: ImageBitmap; boxes: FrameBox[] };
  summary?: ExtractSummary;
  sourceId?: string;
}

interface ExtractState {
  jobs: ExtractJob[];
  options: ExtractConfig;
  pixelPath: PixelPath;
  selectedId: string | null;
  /**
   * The live view follows the running job (each queued video as it starts) until the user picks another job;
   * picking the running one, or followRunning(), follows again.
   */
  following: boolean;
  inspect: { jobId: string; result: InspectResult } | null;
  inspecting: boolean;
  /** Queue videos; they start at once unless `start` is false (then `start()` runs the queue). */
  addFiles(files: File[], opts?: { start?: boolean; labels?: (number | undefined)[] }): void;
  /** Run the queued videos, one after another. */
  start(): void;
  setOption<K extends keyof ExtractConfig>(key: K, value: ExtractConfig[K]): void;
  resetOptions(): void;
  setPixelPath(p: PixelPath): void;
  select(id: string): void;
  followRunning(): void;
  setLabel(id: string, label: number | null): void;
  pause(id: string): void;
  resume(id: string): void;
  cancel(id: string): void;
  remove(id: string): void;
  inspectFrame(id: string, frame: number): Promise<void>;
  perFrameCsv(id: string): string;
  boxesCsv(id: string): string;
  restore(): Promise<void>;
}

let seq = 0;

/** Every worker the running job uses or may still start (pause can come while the video is being probed). */
function jobWorkers(options: ExtractConfig) {
  extractWorkers(extractWorkerCount(options.workers));
  return startedExtractWorkers();
}
/** Running-time clocks of the jobs started in this page, by job id. */
const clocks = new Map<string, ActiveClock>();
const controllers = new Map<string, { abort: AbortController; taskId: string | null }>();

function workerOptions(s: { options: ExtractConfig; pixelPath: PixelPath }): ExtractOptions {
  return { ...extractOptionsFrom(s.options), pixelPath: s.pixelPath, previewEveryMs: 250 };
}

// ---- persistence (state/storage): finished jobs without their file or crops ----
const jobsTable = async () => (await studioDbReady()).extractJobs;
async function saveJob(j: ExtractJob): Promise<void> {
  const { file: _f, preview: _p, ...rest } = j;
  await (await jobsTable()).put({ ...rest, file: null } as unknown as KeyedRecord).catch(() => {
    /* storage blocked: the job stays for this session only */
  });
}

export const useExtractStore = create<ExtractState>((set, get) => {
  const patch = (id: string, p: Partial<ExtractJob> | ((j: ExtractJob) => Partial<ExtractJob>)) =>
    set((s) => ({
      jobs: s.jobs.map((j) => (j.id === id ? { ...j, ...(typeof p === 'function' ? p(j) : p) } : j)),
    }));

  async function runJob(job: ExtractJob): Promise<void> {
    const abort = new AbortController();
    controllers.set(job.id, { abort, taskId: null });
    const opts = workerOptions(get());
    const layerCounter = new LayerCounter(get().options.layer_gap);
    const spool = new CropSpooler();
    const counts: number[] = [];
    const boxes: FrameBox[] = [];
    // Frames/s and time left count running time only (a paused job's rate must not fall).
    const clock = new ActiveClock(performance.now());
    clocks.set(job.id, clock);
    patch(job.id, { status: 'running', firstFrame: opts.startFrame, counts, boxes, cropCount: 0 });
    if (get().following && get().selectedId !== job.id) set({ selectedId: job.id, inspect: null });
    try {
      const onBatch = (b: ExtractBatch) => {
        for (let i = 0; i < b.counts.length; i++) {
          counts.push(b.counts[i]!);
          layerCounter.push(b.firstFrame - opts.startFrame + i, b.counts[i]!);
        }
        for (const x of b.boxes) boxes.push(x);
        for (const c of b.crops) spool.push(c.jpeg);
        patch(job.id, (j) => {
          if (j.preview && b.preview) j.preview.bitmap.close();
          return {
            cropCount: spool.count,
            layers: layerCounter.layersWithSpatter,
            preview: b.preview
              ? { ...b.preview, boxes: b.preview.boxes.map((x) => ({ frame: b.preview!.frame, ...x })) }
              : j.preview,
          };
        });
      };
      const summary = await extractVideo(job.file!, job.fileName, opts, onBatch, {
        signal: abort.signal,
        onInfo: (info) => patch(job.id, { info }),
        onProgress: (p) => {
          const s = clock.elapsed(performance.now()) / 1000;
          const fps = p.done / Math.max(s, 1e-3);
          patch(job.id, {
            done: p.done,
            total: p.total ?? 0,
            framesPerSecond: fps,
            etaS: p.total && fps > 0 ? (p.total - p.done) / fps : null,
          });
        },
      });
      // The job shows 'done' only once its crops (data library) and the job itself are saved, so a reload
      // from that moment on keeps both.
      const label = get().jobs.find((j) => j.id === job.id)?.label ?? job.label;
      let sourceId: string | undefined;
      if (spool.count > 0) {
        try {
          const src = await useDataStore.getState().addMemorySource({
            name: job.fileName.replace(/\.[^.]+$/, ''),
            label,
            labelSource:
              label !== null && label === inferLabel(job.fileName.replace(/\.[^.]+$/, ''))
                ? 'file-name'
                : 'user',
            chunks: spool.chunks(),
            origin: job.fileName,
          });
          sourceId = src.id;
        } catch (e) {
          notifyError(
            `The ${spool.count} crops of ${job.fileName} could not be added to the data library`,
            e instanceof Error ? e.message : String(e),
          );
        }
      }
      const done: Partial<ExtractJob> = {
        status: 'done',
        summary,
        framesPerSecond: summary.framesPerSecond,
        etaS: 0,
        ...(sourceId ? { sourceId } : {}),
      };
      const current = get().jobs.find((j) => j.id === job.id);
      if (current) await saveJob({ ...current, ...done }); // (a job removed meanwhile stays removed)
      patch(job.id, done);
      useNotices.getState().notify({
        kind: 'info',
        title: `${job.fileName}: ${summary.crops} spatters in ${summary.pairs} frames (${summary.framesPerSecond.toFixed(0)} frames/s on ${summary.workers} worker${summary.workers > 1 ? 's' : ''})`,
      });
    } catch (e) {
      const cancelled = abort.signal.aborted || (e instanceof Error && e.name === 'AbortError');
      const message = e instanceof Error ? e.message : String(e);
      patch(job.id, { status: cancelled ? 'cancelled' : 'failed', error: cancelled ? undefined : message });
      if (!cancelled) notifyError(message, 'The other videos in the queue go on; nothing else was changed.');
    } finally {
      controllers.delete(job.id);
      clocks.delete(job.id);
    }
  }

  let pumping = false;
  async function pump(): Promise<void> {
    if (pumping) return;
    pumping = true;
    try {
      for (;;) {
        const next = get().jobs.find((j) => j.status === 'queued');
        if (!next) break;
        await runJob(next);
      }
    } finally {
      pumping = false;
    }
  }

  return {
    jobs: [],
    options: useSettings.getState().config.extract,
    pixelPath: 'i420-swscale',
    selectedId: null,
    following: true,
    inspect: null,
    inspecting: false,
    addFiles(files, opts = {}) {
      const jobs = files.map<ExtractJob>((file, i) => ({
        id: `x${Date.now().toString(36)}-${++seq}`,
        fileName: file.name,
        file,
        label: opts.labels?.[i] ?? inferLabel(file.name.replace(/\.[^.]+$/, '')) ?? null,
        status: 'queued',
        firstFrame: 0,
        counts: [],
        boxes: [],
        cropCount: 0,
        layers: 0,
        framesPerSecond: 0,
        done: 0,
        total: 0,
        etaS: null,
      }));
      set((s) => ({ jobs: [...s.jobs, ...jobs], selectedId: s.selectedId ?? jobs[0]?.id ?? null }));
      if (opts.start !== false) void pump();
    },
    start() {
      void pump();
    },
    setOption(key, value) {
      set((s) => ({ options: { ...s.options, [key]: value } }));
    },
    resetOptions() {
      set({ options: defaultConfig().extract });
    },
    setPixelPath(p) {
      set({ pixelPath: p });
    },
    select(id) {
      const running = get().jobs.find((j) => j.status === 'running' || j.status === 'paused');
      set({ selectedId: id, inspect: null, following: !running || running.id === id });
    },
    followRunning() {
      const running = get().jobs.find((j) => j.status === 'running' || j.status === 'paused');
      set({ following: true, ...(running ? { selectedId: running.id, inspect: null } : {}) });
    },
    setLabel(id, label) {
      patch(id, { label });
    },
    pause(id) {
      clocks.get(id)?.pause(performance.now());
      // One video runs at a time (the queue), possibly shared between workers: pause every extraction task.
      void Promise.all(jobWorkers(get().options).map((w) => w.api.pauseAll())).then(() =>
        patch(id, { status: 'paused' }),
      );
    },
    resume(id) {
      clocks.get(id)?.resume(performance.now());
      void Promise.all(jobWorkers(get().options).map((w) => w.api.resumeAll())).then(() =>
        patch(id, { status: 'running' }),
      );
    },
    cancel(id) {
      const c = controllers.get(id);
      if (c) {
        for (const w of jobWorkers(get().options)) void w.api.resumeAll();
        c.abort.abort();
      } else patch(id, { status: 'cancelled' });
    },
    remove(id) {
      get().cancel(id);
      set((s) => ({ jobs: s.jobs.filter((j) => j.id !== id) }));
      void jobsTable()
        .then((t) => t.delete(id))
        .catch(() => {});
    },
    async inspectFrame(id, frame) {
      const job = get().jobs.find((j) => j.id === id);
      if (!job?.file) {
        notifyError(
          `${job?.fileName ?? 'This video'} is not loaded`,
          'Drop the video again to step through its frames.',
        );
        return;
      }
      set({ inspecting: true });
      try {
        const result = await extractWorker.api.inspectFrame(
          job.file,
          job.fileName,
          frame,
          workerOptions(get()),
        );
        set({ inspect: { jobId: id, result } });
      } catch (e) {
        notifyError(
          `${job.fileName}: frame ${frame} could not be inspected`,
          e instanceof Error ? e.message : String(e),
        );
      } finally {
        set({ inspecting: false });
      }
    },
    perFrameCsv(id) {
      const j = get().jobs.find((x) => x.id === id);
      return j ? spatterAtFrameCsv(j.counts, j.firstFrame) : '';
    },
    boxesCsv(id) {
      const j = get().jobs.find((x) => x.id === id);
      return j ? boxesCsv(j.boxes) : '';
    },
    async restore() {
      try {
        const saved = (await (await jobsTable()).toArray()) as unknown as ExtractJob[];
        const known = new Set(get().jobs.map((j) => j.id));
        const back = saved.filter((j) => !known.has(j.id));
        if (back.length)
          set((s) => ({ jobs: [...back, ...s.jobs], selectedId: s.selectedId ?? back[0]!.id }));
      } catch {
        /* no IndexedDB: nothing to restore */
      }
    },
  };
});
