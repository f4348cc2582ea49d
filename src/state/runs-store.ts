// Training runs kept across reloads: each run's configuration, status, metric history and checkpoints in
// IndexedDB (checkpoints hold weights + Adam state, so any of them can be resumed or evaluated).
import { create } from 'zustand';
import type { StudioConfig } from '../core/config/config';
import { retain, type CheckpointMeta } from '../core/train/checkpoints';
import type { MetricHistory } from '../core/train/history';
import type { ResumeState, RunStatus } from '../workers/train/loop';
import type { WeightMap } from '../workers/train/trainer';

export interface RunRecord {
  id: string;
  name: string;
  createdAt: number;
  model: string;
  backend: string;
  config: StudioConfig;
  splitDescription: string;
  /** The immutable dataset version the run was trained on (absent for runs made before versions existed). */
  datasetVersionId?: string;
  status: RunStatus | 'running' | 'interrupted';
  message: string;
  history: MetricHistory;
  bestValAcc: number | null;
  test: { loss: number; acc: number; count: number } | null;
  checkpoints: CheckpointMeta[];
}

interface CheckpointRecord {
  key: string;
  runId: string;
  meta: CheckpointMeta;
  state: ResumeState;
}

const DB_NAME = 'spatter-studio-runs';
const RUNS = 'runs';
const CKPTS = 'checkpoints';
/** The latest state of each run (overwritten every save), for resuming an interrupted run. */
const LATEST = 'latest';

let dbPromise: Promise<IDBDatabase> | null = null;

function openDb(): Promise<IDBDatabase> {
  dbPromise ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      const db = req.result;
      db.createObjectStore(RUNS, { keyPath: 'id' });
      db.createObjectStore(CKPTS, { keyPath: 'key' }).createIndex('runId', 'runId');
      db.createObjectStore(LATEST);
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () =>
      reject(new Error(`The run database could not be opened: ${req.error?.message ?? 'unknown error'}`));
  });
  return dbPromise;
}

async function tx<T>(
  stores: string[],
  mode: IDBTransactionMode,
  fn: (t: IDBTransaction) => IDBRequest<T> | void,
): Promise<T | undefined> {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const t = db.transaction(stores, mode);
    const req = fn(t);
    t.oncomplete = () => resolve(req ? req.result : undefined);
    t.onerror = () =>
      reject(new Error(`Saving runs failed: ${t.error?.message ?? 'unknown error'} (is the disk full?)`));
    t.onabort = () => reject(new Error(`Saving runs was aborted: ${t.error?.message ?? 'unknown error'}`));
  });
}

export interface RunsState {
  runs: RunRecord[];
  loaded: boolean;
  load(): Promise<void>;
  /** Insert or update a run's record (history, status...). */
  saveRun(run: RunRecord): Promise<void>;
  /** Store a checkpoint and apply the retention rule (best `keep` + the latest); returns the kept list. */
  addCheckpoint(
    runId: string,
    meta: CheckpointMeta,
    state: ResumeState,
    keep: number,
  ): Promise<CheckpointMeta[]>;
  saveLatest(runId: string, state: ResumeState): Promise<void>;
  loadLatest(runId: string): Promise<ResumeState | null>;
  loadCheckpoint(runId: string, name: string): Promise<ResumeState | null>;
  /** Weights of the run's best checkpoint (highest validation accuracy), for evaluation and export. */
  loadBestWeights(runId: string): Promise<{ meta: CheckpointMeta; weights: WeightMap } | null>;
  deleteRun(runId: string): Promise<void>;
}

const ckKey = (runId: string, name: string) => `${runId}/${name}`;

export const useRuns = create<RunsState>((set, get) => ({
  runs: [],
  loaded: false,

  load: async () => {
    const all = (await tx<RunRecord[]>([RUNS], 'readonly', (t) => t.objectStore(RUNS).getAll())) ?? [];
    // A run still marked running when the page loads was cut off (tab closed, crash).
    const runs = all
      .map((r) =>
        r.status === 'running'
          ? {
              ...r,
              status: 'interrupted' as const,
              message:
                'Interrupted (the page closed or the worker crashed); resume it from its last checkpoint',
            }
          : r,
      )
      .sort((a, b) => b.createdAt - a.createdAt);
    set({ runs, loaded: true });
  },

  saveRun: async (run) => {
    await tx([RUNS], 'readwrite', (t) => void t.objectStore(RUNS).put(run));
    set((s) => ({
      runs: [run, ...s.runs.filter((r) => r.id !== run.id)].sort((a, b) => b.createdAt - a.createdAt),
    }));
  },

  addCheckpoint: async (runId, meta, state, keep) => {
    const run = get().runs.find((r) => r.id === runId);
    const all = [...(run?.checkpoints ?? []).filter((c) => c.name !== meta.name), meta];
    const { keep: kept, drop } = retain(all, keep);
    await tx([CKPTS, LATEST], 'readwrite', (t) => {
      const store = t.objectStore(CKPTS);
      if (kept.includes(meta))
        store.put({ key: ckKey(runId, meta.name), runId, meta, state } satisfies CheckpointRecord);
      for (const d of drop) store.delete(ckKey(runId, d.name));
      t.objectStore(LATEST).put(state, runId);
    });
    if (run) await get().saveRun({ ...run, checkpoints: kept });
    return kept;
  },

  saveLatest: async (runId, state) => {
    await tx([LATEST], 'readwrite', (t) => void t.objectStore(LATEST).put(state, runId));
  },

  loadLatest: async (runId) =>
    (await tx<ResumeState>([LATEST], 'readonly', (t) => t.objectStore(LATEST).get(runId))) ?? null,

  loadCheckpoint: async (runId, name) => {
    const rec = await tx<CheckpointRecord>([CKPTS], 'readonly', (t) =>
      t.objectStore(CKPTS).get(ckKey(runId, name)),
    );
    return rec?.state ?? null;
  },

  loadBestWeights: async (runId) => {
    const run = get().runs.find((r) => r.id === runId);
    if (!run || run.checkpoints.length === 0) return null;
    const best = [...run.checkpoints].sort((a, b) => b.valAcc - a.valAcc || a.valLoss - b.valLoss)[0]!;
    const state = await get().loadCheckpoint(runId, best.name);
    return state ? { meta: best, weights: state.weights } : null;
  },

  deleteRun: async (runId) => {
    const run = get().runs.find((r) => r.id === runId);
    await tx([RUNS, CKPTS, LATEST], 'readwrite', (t) => {
      t.objectStore(RUNS).delete(runId);
      for (const c of run?.checkpoints ?? []) t.objectStore(CKPTS).delete(ckKey(runId, c.name));
      t.objectStore(LATEST).delete(runId);
    });
    set((s) => ({ runs: s.runs.filter((r) => r.id !== runId) }));
  },
}));
