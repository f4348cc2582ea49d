// Scale-out jobs: export a run (or the current settings) as a job for torchrun / Ray / Kubeflow, and import the
// results it writes — checked against the data open in the studio, re-evaluated on the frozen test split with
// onnxruntime-web, kept as an imported model and handed to the model registry through a hook.
import { create } from 'zustand';
import type { StudioConfig } from '../core/config/config';
import type { Progress } from '../workers/task';
import { checkJobConfig, jobZip, type JobSpec } from '../core/jobs/job';
import { buildManifest } from '../core/jobs/manifest';
import type { StudySpec } from '../core/jobs/study';
import { JobResultsError, readJobResults, type EpochMetrics, type JobResult } from '../core/jobs/results';
import { jobsWorker } from '../workers/jobs/client';
import { useSettings } from './settings-store';
import { currentJobData, type JobDataMode } from './jobs-data';
import { putBlob, studioDb } from './storage/db';

export interface ExportedJob {
  jobId: string;
  createdAt: number;
  origin: string;
  manifestDigest: string;
  datasetVersion: string;
  splitSha256: string;
  nprocPerNode: number;
  crops: number;
  zipBytes: number;
}

export interface ImportedModel {
  id: string;
  createdAt: number;
  jobId: string;
  manifestDigest: string;
  datasetVersion: string;
  /** "trained by torchrun on 2 processes" */
  lineage: string;
  /** What train.py reported. */
  reported: JobResult['test'];
  /** The studio's own evaluation of model.onnx on the frozen test split. */
  studioTest: { accuracy: number; correct: number; count: number };
  metrics: EpochMetrics[];
  result: JobResult;
  onnxBlobKey: string;
  /** Model-registry version id once registered (null until the registry hook is connected). */
  registryVersionId: string | null;
}

/** What the registry receives for a model trained outside the studio (status `candidate`). */
export interface ModelRegistration {
  status: 'candidate';
  name: string;
  lineage: string;
  datasetVersionId: string;
  onnx: Uint8Array;
  metrics: { testAccuracy: number; testCount: number };
  source: { kind: 'job'; jobId: string; manifestDigest: string; processes: number; launcher: string };
}

export type ModelRegistrar = (m: ModelRegistration) => Promise<{ versionId: string }>;

let registrar: ModelRegistrar | null = null;
/** The model registry connects here; until then imported models are kept as this feature's own records. */
export function setModelRegistrar(fn: ModelRegistrar | null): void {
  registrar = fn;
}

export class JobImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobImportError';
  }
}

export interface ExportOptions {
  config?: StudioConfig;
  origin?: string;
  nprocPerNode: number;
  numNodes?: number;
  image?: string;
  /** A search to export with the job (Optuna journal; the search issue's study journal goes in `journal`). */
  study?: StudySpec | null;
  /** Carry the HDF5 files in the zip (default) or reference the opened files by name. */
  dataMode?: JobDataMode;
}

interface JobsState {
  busy: string | null;
  exported: ExportedJob[];
  imported: ImportedModel[];
  lastError: string | null;
  loaded: boolean;
  load(): Promise<void>;
  /** Build the job zip (also recorded in the list of exported jobs). */
  exportJob(opts: ExportOptions): Promise<{ job: ExportedJob; fileName: string; zip: Uint8Array }>;
  /** Import a job's results (files of a dropped folder by relative path, or a zip unpacked by the caller). */
  importResults(files: Record<string, Uint8Array>): Promise<ImportedModel>;
  remove(id: string): Promise<void>;
  /** Stop the export or import in progress. */
  cancel(): void;
}

let running: AbortController | null = null;

/** Options for the data calls: the running job's signal, and progress shown as the busy line. */
function dataOptions(set: (p: Partial<JobsState>) => void, what: string) {
  running?.abort();
  running = new AbortController();
  return {
    signal: running.signal,
    onProgress: (p: Progress) =>
      set({
        busy: `${what}: ${p.message ?? ''}${p.total ? ` (${Math.round((100 * p.done) / p.total)}%)` : ''}`,
      }),
  };
}

const JOB_KEY = 'jobs.exported:';
const MODEL_KEY = 'jobs.imported-model:';

function jobIdNow(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}-${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
  return `spatter-job-${stamp}-${Math.random().toString(36).slice(2, 6)}`;
}

async function listMeta<T>(prefix: string): Promise<T[]> {
  const rows = await studioDb().meta.where('key').startsWith(prefix).toArray();
  return rows.map((r) => r.value as T);
}

export const useJobs = create<JobsState>((set, get) => ({
  busy: null,
  exported: [],
  imported: [],
  lastError: null,
  loaded: false,

  async load() {
    const [exported, imported] = await Promise.all([
      listMeta<ExportedJob>(JOB_KEY),
      listMeta<ImportedModel>(MODEL_KEY),
    ]);
    set({
      loaded: true,
      exported: exported.sort((a, b) => b.createdAt - a.createdAt),
      imported: imported.sort((a, b) => b.createdAt - a.createdAt),
    });
  },

  async exportJob(opts) {
    const config = opts.config ?? useSettings.getState().config;
    checkJobConfig(config);
    set({ busy: 'Gathering the data and the frozen split…', lastError: null });
    try {
      const data = await currentJobData(
        opts.dataMode ?? 'include',
        true,
        dataOptions(set, 'Gathering the data'),
      );
      set({ busy: 'Writing the job…' });
      const { manifest, files: manifestFiles } = await buildManifest({
        datasetVersion: data.datasetVersion,
        files: data.fileInfo,
        crops: data.crops,
        preprocessing: {
          cacheSide: data.arrays.side,
          inputSize: config.model.input_size,
          channels: config.model.channels,
          grey: 'OpenCV BGR2GRAY weights (R 4899, G 9617, B 1868 >> 14)',
          resize:
            'bilinear, cv2.INTER_LINEAR geometry, float weights, rounded half up (train.py resize_bilinear)',
        },
      });
      const jobId = jobIdNow();
      const spec: JobSpec = {
        jobId,
        config,
        origin: opts.origin ?? 'current settings',
        manifest,
        manifestFiles,
        dataFiles: data.files,
        fileLabels: data.fileLabels,
        launch: {
          nprocPerNode: opts.nprocPerNode,
          numNodes: opts.numNodes ?? 1,
          image: opts.image ?? `registry.example.com/spatter-job:${jobId}`,
        },
        study: opts.study ?? null,
      };
      const zip = jobZip(spec);
      const job: ExportedJob = {
        jobId,
        createdAt: Date.now(),
        origin: spec.origin,
        manifestDigest: manifest.digest,
        datasetVersion: manifest.datasetVersion.id,
        splitSha256: manifest.split.sha256,
        nprocPerNode: opts.nprocPerNode,
        crops: data.crops.length,
        zipBytes: zip.byteLength,
      };
      await studioDb().meta.put({ key: JOB_KEY + jobId, value: job });
      set((s) => ({ exported: [job, ...s.exported] }));
      return { job, fileName: `${jobId}.zip`, zip };
    } catch (e) {
      set({ lastError: (e as Error).message });
      throw e;
    } finally {
      set({ busy: null });
    }
  },

  async importResults(files) {
    set({ busy: 'Reading the results…', lastError: null });
    try {
      const res = await readJobResults(files);
      set({ busy: 'Checking the data open in the studio against the job’s manifest…' });
      const want = res.manifest;
      const data = await currentJobData(
        want.files.every((f) => f.included !== false) ? 'include' : 'reference',
        false,
        dataOptions(set, 'Checking the data'),
      );
      if (data.splitSha256 !== want.split.sha256) {
        const names = want.files.map((f) => f.source.name).join(', ');
        throw new JobImportError(
          `These results are for another dataset version: the job trained on ${want.datasetVersion.id} (${want.index.rows} crops, split ${want.datasetVersion.splitRecipe}), but the data open in the studio gives ${data.datasetVersion.id} (${data.crops.length} crops). Open the job's data (${names}) with the same split settings, then import again.`,
        );
      }
      const side = res.result.model.cache_side;
      if (side !== data.arrays.side) {
        throw new JobImportError(
          `The job's crops were ${side}×${side} before the centre crop; the studio's cache is ${data.arrays.side}×${data.arrays.side}. Set data.cache_size=${side} and import again.`,
        );
      }
      set({ busy: 'Evaluating model.onnx on the frozen test split…' });
      const test = data.arrays.test;
      let ev;
      try {
        ev = await jobsWorker.run(
          'evaluateOnnx',
          [
            res.onnx,
            { x: test.x, y: test.y, side },
            {
              input: res.result.model.input,
              output: res.result.model.output,
              size: res.result.model.size,
              channels: res.result.model.channels,
            },
          ],
          { signal: running?.signal ?? undefined },
        );
      } catch (e) {
        throw new JobImportError((e as Error).message);
      }
      const r = res.result;
      const launcher = r.launcher === 'torchrun' ? 'torchrun' : 'python3';
      const lineage = `trained by ${launcher} on ${r.processes} process${r.processes === 1 ? '' : 'es'}`;
      const id = `imported-${r.job_id}-${Date.now().toString(36)}`;
      const onnxBlobKey = `onnx:${id}`;
      await putBlob(`imported-model:${id}`, onnxBlobKey, res.onnx);
      const model: ImportedModel = {
        id,
        createdAt: Date.now(),
        jobId: r.job_id,
        manifestDigest: want.digest,
        datasetVersion: want.datasetVersion.id,
        lineage,
        reported: r.test,
        studioTest: { accuracy: ev.accuracy, correct: ev.correct, count: ev.count },
        metrics: res.metrics,
        result: r,
        onnxBlobKey,
        registryVersionId: null,
      };
      if (registrar) {
        const reg = await registrar({
          status: 'candidate',
          name: `${r.model.name} (job ${r.job_id})`,
          lineage,
          datasetVersionId: want.datasetVersion.id,
          onnx: res.onnx,
          metrics: { testAccuracy: ev.accuracy, testCount: ev.count },
          source: {
            kind: 'job',
            jobId: r.job_id,
            manifestDigest: want.digest,
            processes: r.processes,
            launcher,
          },
        });
        model.registryVersionId = reg.versionId;
      }
      await studioDb().meta.put({ key: MODEL_KEY + id, value: model });
      set((s) => ({ imported: [model, ...s.imported] }));
      return model;
    } catch (e) {
      const msg =
        e instanceof JobResultsError || e instanceof JobImportError
          ? e.message
          : `Import failed: ${String((e as Error).message ?? e)}`;
      set({ lastError: msg });
      throw e instanceof JobResultsError || e instanceof JobImportError ? e : new JobImportError(msg);
    } finally {
      set({ busy: null });
    }
  },

  cancel() {
    running?.abort();
  },

  async remove(id) {
    const m = get().imported.find((x) => x.id === id);
    await studioDb().meta.delete(MODEL_KEY + id);
    if (m) await studioDb().blobs.delete(m.onnxBlobKey);
    set((s) => ({ imported: s.imported.filter((x) => x.id !== id) }));
  },
}));
