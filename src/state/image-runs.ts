// Lasting image-set versions and runs: freeze an image set as a content-addressed version (or reuse the identical
// one), keep it in the studio database, record each image run (config, history, results.json, version, status,
// weights) and list them after a reload.
import { create } from 'zustand';
import { endRun, packWeights, unpackWeights, type ImageRunRecord } from '../core/images/run-record';
import {
  decodeImageItems,
  makeImageVersion,
  type ImageDatasetVersion,
  type ImageVersionEntry,
  type ImageVersionHeader,
} from '../core/images/version';
import { getBlobBytes, putBlob, studioDb } from './storage/db';

const itemsKey = (id: string) => `image-version-items:${id}`;
const weightsKey = (runId: string) => `image-run-weights:${runId}`;

/** Keep a version (same content as a kept one: that one is returned, with its own name and date). */
export async function saveImageVersion(
  header: ImageVersionHeader,
  entries: readonly ImageVersionEntry[],
  name?: string,
): Promise<ImageDatasetVersion> {
  const db = studioDb();
  const n = (await db.imageVersions.count()) + 1;
  const { version, itemBytes } = makeImageVersion(header, entries, name ?? `v${n}`, Date.now());
  const existing = await db.imageVersions.get(version.id);
  if (existing) return existing;
  await putBlob(`image-version:${version.id}`, itemsKey(version.id), itemBytes);
  await db.imageVersions.put(version);
  return version;
}

/** The images of a kept version (path order). */
export async function imageVersionItems(id: string): Promise<ImageVersionEntry[]> {
  const bytes = await getBlobBytes(itemsKey(id));
  if (!bytes)
    throw new Error(
      `The images of dataset version ${id} are not in this browser's storage (was site data cleared?)`,
    );
  return decodeImageItems(bytes);
}

/** Record a run as it starts. */
export async function startImageRun(
  rec: Omit<ImageRunRecord, 'finishedAt' | 'status' | 'history' | 'results' | 'error' | 'weights'>,
): Promise<ImageRunRecord> {
  const full: ImageRunRecord = {
    ...rec,
    finishedAt: null,
    status: 'running',
    history: [],
    results: null,
    error: null,
    weights: null,
  };
  await studioDb().imageRuns.put(full);
  return full;
}

/** Record how a run ended: its results and weights, or its error. Results once recorded never change. */
export async function finishImageRun(
  id: string,
  end: {
    history: ImageRunRecord['history'];
    results?: ImageRunRecord['results'];
    weights?: Record<string, Float32Array> | null;
    error?: string;
  },
): Promise<ImageRunRecord> {
  const db = studioDb();
  const rec = await db.imageRuns.get(id);
  if (!rec) throw new Error(`Image run ${id} is not in this browser's storage`);
  let weights: ImageRunRecord['weights'] = null;
  if (end.weights) {
    const { bytes, manifest } = packWeights(end.weights);
    await putBlob(`image-run:${id}`, weightsKey(id), bytes);
    weights = { key: weightsKey(id), ...manifest };
  }
  const next = endRun(
    rec,
    {
      status: end.results ? 'done' : 'failed',
      history: end.history,
      results: end.results ?? null,
      error: end.error ?? null,
      weights,
    },
    Date.now(),
  );
  await db.imageRuns.put(next);
  return next;
}

/** A kept run's trained weights. */
export async function imageRunWeights(rec: ImageRunRecord): Promise<Record<string, Float32Array>> {
  const bytes = rec.weights ? await getBlobBytes(rec.weights.key) : null;
  if (!rec.weights || !bytes)
    throw new Error(
      `Run ${rec.id} has no stored weights (it ${rec.status === 'done' ? 'finished before weights were kept' : rec.status}): train it again to export`,
    );
  return unpackWeights(bytes, rec.weights);
}

/** Runs still marked running that this page did not start were cut off (reload, closed tab). */
export async function markInterrupted(except: string | null): Promise<number> {
  const db = studioDb();
  const stale = (await db.imageRuns.toArray()).filter((r) => r.status === 'running' && r.id !== except);
  for (const r of stale)
    await db.imageRuns.put({
      ...r,
      status: 'interrupted',
      error: 'The page closed or reloaded during the run',
    });
  return stale.length;
}

interface ImageRunsState {
  versions: ImageDatasetVersion[];
  runs: ImageRunRecord[];
  loaded: boolean;
  /** The run this page is training now, if any. */
  current: string | null;
  load(): Promise<void>;
  setCurrent(id: string | null): void;
}

export const useImageRuns = create<ImageRunsState>((set, get) => ({
  versions: [],
  runs: [],
  loaded: false,
  current: null,
  load: async () => {
    const db = studioDb();
    await markInterrupted(get().current);
    const [versions, runs] = await Promise.all([
      db.imageVersions.orderBy('createdAt').reverse().toArray(),
      db.imageRuns.orderBy('createdAt').reverse().toArray(),
    ]);
    set({ versions, runs, loaded: true });
  },
  setCurrent: (id) => set({ current: id }),
}));
