// Evaluation records of the page: every evaluation of a run (or model version) on a split of a dataset
// version, append-only in IndexedDB. A run's own recorded test metrics live in the run and never change; any
// other evaluation is a record of its own, labelled with the data it was made on.
import { create } from 'zustand';
import type { EvaluationRecord } from '../core/eval/records';
import { studioDb } from './storage/db';

export interface EvaluationsState {
  records: EvaluationRecord[];
  loaded: boolean;
  load(): Promise<void>;
  add(rec: Omit<EvaluationRecord, 'id' | 'createdAt'>): Promise<EvaluationRecord>;
  forRun(runId: string): EvaluationRecord[];
  removeForRun(runId: string): Promise<void>;
}

let seq = 0;

export const useEvaluations = create<EvaluationsState>((set, get) => ({
  records: [],
  loaded: false,
  load: async () => {
    const records = await studioDb().evaluations.orderBy('createdAt').reverse().toArray();
    set({ records, loaded: true });
  },
  add: async (rec) => {
    const full: EvaluationRecord = {
      ...rec,
      id: `ev-${Date.now().toString(36)}-${(++seq).toString(36)}`,
      createdAt: Date.now(),
    };
    await studioDb().evaluations.add(full);
    set((s) => ({ records: [full, ...s.records] }));
    return full;
  },
  forRun: (runId) => get().records.filter((r) => r.runId === runId),
  removeForRun: async (runId) => {
    await studioDb().evaluations.where('runId').equals(runId).delete();
    set((s) => ({ records: s.records.filter((r) => r.runId !== runId) }));
  },
}));
