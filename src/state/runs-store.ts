// Training runs kept across reloads: each run's configuration, status, metric history and checkpoints in
// IndexedDB (checkpoints hold weights + Adam state, so any of them can be resumed or evaluated).
import { create } from 'zustand';
import type { StudioConfig } from '../core/config/config';
import { retain, type CheckpointMeta } from '../core/train/checkpoints';
import type { MetricHistory } from '../core/train/history';
import type { ResumeState, RunResult, RunStatus } from '../workers/train/loop';
import type { WeightMap } from '../workers/train/trainer';
import { studioDb, studioDbReady, type KeyedRecord } from './storage/db';

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

/** Storage errors in words a user can act on. */
async function saving<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const m = e instanceof Error ? e.message : String(e);
    throw new Error(`Saving ${what} failed: ${m} (is the disk full, or is storage blocked for this site?)`);
  }
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

/** How a run ended, over its latest record (a rename or tag made while it trained is kept). */
export function endedRun(
  run: RunRecord,
  result: Pick<RunResult, 'status' | 'message' | 'history' | 'bestValAcc' | 'test'>,
): RunRecord {
  const cur = useRuns.getState().runs.find((r) => r.id === run.id) ?? run;
  return {
    ...cur,
    status: result.status,
    message: result.message,
    history: result.history,
    bestValAcc: result.bestValAcc,
    test: result.test,
  };
}

const ckKey = (runId: string, name: string) => `${runId}/${name}`;

export const useRuns = create<RunsState>((set, get) => ({
  runs: [],
  loaded: false,

  load: async () => {
    const db = await studioDbReady();
    const all = (await db.runs.toArray()) as unknown as RunRecord[];
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
    await saving('runs', () => studioDb().runs.put(run as unknown as KeyedRecord));
    set((s) => ({
      runs: [run, ...s.runs.filter((r) => r.id !== run.id)].sort((a, b) => b.createdAt - a.createdAt),
    }));
  },

  addCheckpoint: async (runId, meta, state, keep) => {
    const run = get().runs.find((r) => r.id === runId);
    const all = [...(run?.checkpoints ?? []).filter((c) => c.name !== meta.name), meta];
    const { keep: kept, drop } = retain(all, keep);
    const db = studioDb();
    await saving('a checkpoint', () =>
      db.transaction('rw', db.checkpoints, db.latest, async () => {
        if (kept.includes(meta))
          await db.checkpoints.put({
            key: ckKey(runId, meta.name),
            runId,
            meta,
            state,
          } satisfies CheckpointRecord);
        await db.checkpoints.bulkDelete(drop.map((d) => ckKey(runId, d.name)));
        await db.latest.put({ runId, state });
      }),
    );
    if (run) await get().saveRun({ ...run, checkpoints: kept });
    return kept;
  },

  saveLatest: async (runId, state) => {
    await saving('a resume point', () => studioDb().latest.put({ runId, state }));
  },

  loadLatest: async (runId) =>
    ((await (await studioDbReady()).latest.get(runId))?.state as ResumeState | undefined) ?? null,

  loadCheckpoint: async (runId, name) => {
    const rec = (await (await studioDbReady()).checkpoints.get(ckKey(runId, name))) as
      CheckpointRecord | undefined;
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
    const db = studioDb();
    await saving('runs', () =>
      db.transaction('rw', db.runs, db.checkpoints, db.latest, async () => {
        await db.runs.delete(runId);
        await db.checkpoints.bulkDelete((run?.checkpoints ?? []).map((c) => ckKey(runId, c.name)));
        await db.checkpoints.where('runId').equals(runId).delete();
        await db.latest.delete(runId);
      }),
    );
    set((s) => ({ runs: s.runs.filter((r) => r.id !== runId) }));
  },
}));
