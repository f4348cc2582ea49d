// Lasting image-set versions and runs: freeze an image set as a content-addressed version (or reuse the identical
// one), keep it in the studio database, record each image run (config, history, results.json, version, status,
// weights) and list them after a reload.
import { create } from 'zustand';
import { endRun, unpackWeights, type ImageRunRecord, type WeightsManifest } from '../core/images/run-record';
import {
  decodeImageItems,
  describeImageDiff,
  diffImageVersions,
  imageVersionEntries,
  labelOriginOf,
  makeImageVersion,
  type ImageFileFacts,
  type ImageDatasetVersion,
  type ImageVersionEntry,
  type ImageVersionHeader,
} from '../core/images/version';
import type { ImageLabels } from '../core/images/task';
import { imagesWorker } from '../workers/images/client';
import type { ImageFile } from '../workers/images/decode';
import { downloadBytes } from './eval-store';
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
    /** The weights packed (`packWeights`), or null. */
    weights?: { bytes: Uint8Array; manifest: WeightsManifest } | null;
    error?: string;
  },
): Promise<ImageRunRecord> {
  const db = studioDb();
  const rec = await db.imageRuns.get(id);
  if (!rec) throw new Error(`Image run ${id} is not in this browser's storage`);
  let weights: ImageRunRecord['weights'] = null;
  if (end.weights) {
    const { bytes, manifest } = end.weights;
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

const lockName = (runId: string) => `spatter-studio:image-run:${runId}`;

/**
 * Hold a Web Lock named after the run while it trains, so that another tab of the studio sees it is alive (where
 * the browser has no Web Locks, only this page's own run counts as alive). Returns the release.
 */
export function holdRunLock(runId: string): () => void {
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  if (typeof navigator !== 'undefined' && 'locks' in navigator)
    void navigator.locks.request(lockName(runId), () => held).catch(() => undefined);
  return release;
}

async function heldLocks(): Promise<Set<string>> {
  if (typeof navigator === 'undefined' || !('locks' in navigator)) return new Set();
  const q = await navigator.locks.query().catch(() => ({ held: [] }));
  return new Set((q.held ?? []).map((l) => l.name ?? ''));
}

/** Runs still marked running that no page is training (reload, closed tab) were cut off. */
export async function markInterrupted(except: string | null): Promise<number> {
  const db = studioDb();
  const alive = await heldLocks();
  const stale = (await db.imageRuns.toArray()).filter(
    (r) => r.status === 'running' && r.id !== except && !alive.has(lockName(r.id)),
  );
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

/** File facts by blob: a re-split or a second run reads no file twice. */
const factsCache = new WeakMap<Blob, ImageFileFacts>();

/** The version a labelled set with this split makes (not kept): header and entries, and the sealed version. */
export async function versionOfSet(
  files: readonly ImageFile[],
  labels: ImageLabels,
  split: { train: number[]; val: number[]; test: number[]; description: string },
  signal?: AbortSignal,
): Promise<{ header: ImageVersionHeader; entries: ImageVersionEntry[]; version: ImageDatasetVersion }> {
  const todo = files.filter((f) => !factsCache.has(f.blob));
  if (todo.length) {
    const facts = await imagesWorker.run('describeFiles', [todo], signal ? { signal } : {});
    todo.forEach((f, i) => factsCache.set(f.blob, facts[i]!));
  }
  const byPath = new Map(files.map((f) => [f.path, factsCache.get(f.blob)!]));
  const facts = labels.items.map((it) => {
    const f = byPath.get(it.path);
    if (!f) throw new Error(`Image "${it.path}" is labelled but not among the opened files`);
    return f;
  });
  const header: ImageVersionHeader = {
    classNames: labels.classNames,
    task: labels.task,
    splitRecipe: split.description,
    labelsFrom: labels.source,
    parent: null,
  };
  const entries = imageVersionEntries(labels.items, facts, split, labelOriginOf(labels.source));
  return { header, entries, version: makeImageVersion(header, entries, 'current', Date.now()).version };
}

function runOf(id: string): ImageRunRecord {
  const rec = useImageRuns.getState().runs.find((r) => r.id === id);
  if (!rec) throw new Error(`Image run ${id} is not in this browser's storage`);
  return rec;
}

/** Download a kept run's results.json as it was recorded. */
export function downloadRunResults(id: string): void {
  const rec = runOf(id);
  if (!rec.results) throw new Error(`Run ${id} has no results (it ${rec.status})`);
  downloadBytes(`results-${id}.json`, JSON.stringify(rec.results, null, 2), 'application/json');
}

/** Export a kept run's model as ONNX (ConvNeXt) from its stored weights. */
export async function exportRunOnnx(id: string): Promise<void> {
  const rec = runOf(id);
  const r = await imagesWorker.api.exportOnnxOf(
    rec.config,
    await imageRunWeights(rec),
    rec.results?.dataset.source ?? 'an image set',
  );
  downloadBytes(`${rec.config.model}-${id}.onnx`, r.bytes, 'application/octet-stream');
}

/** Export a kept run's model as a TF.js graph model (model.json + its weights shard) from its stored weights. */
export async function exportRunTfjs(id: string): Promise<void> {
  const rec = runOf(id);
  const r = await imagesWorker.api.exportTfjsOf(rec.config, await imageRunWeights(rec), {
    ...(rec.results ? { trainedOn: rec.results.dataset.source } : {}),
    runId: id,
  });
  downloadBytes('model.json', r.modelJson, 'application/json');
  downloadBytes(r.weightsPath, r.weights, 'application/octet-stream');
}

/**
 * How a set's version differs from the latest kept version: null when there is none or it is the same one, else
 * one phrase per difference ("3 images relabelled").
 */
export async function diffFromLatest(
  header: ImageVersionHeader,
  entries: readonly ImageVersionEntry[],
  id: string,
): Promise<{ against: ImageDatasetVersion; changes: string[] } | null> {
  const latest = await studioDb().imageVersions.orderBy('createdAt').last();
  if (!latest || latest.id === id) return null;
  const changes = describeImageDiff(
    diffImageVersions(latest, await imageVersionItems(latest.id), header, entries),
  );
  if (header.splitRecipe !== latest.splitRecipe) changes.push(`split ${header.splitRecipe}`);
  return { against: latest, changes };
}
