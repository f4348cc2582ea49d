// The lasting record of an image training run: configuration, per-epoch history, results.json (with the dataset
// version it was trained on), status, and the trained weights packed as one byte array beside the record.
import type { EpochRecord, ImageTrainConfig, ResultsJson } from './experiment';
import { imageVersionRef, type ImageDatasetVersion } from './version';

export type ImageRunStatus = 'running' | 'done' | 'failed' | 'interrupted';

export interface WeightsManifest {
  names: string[];
  lengths: number[];
}

export interface ImageRunRecord {
  id: string;
  createdAt: number;
  finishedAt: number | null;
  status: ImageRunStatus;
  backend: string;
  config: ImageTrainConfig;
  datasetVersionId: string;
  history: EpochRecord[];
  /** results.json as written when the run ended; never changed afterwards. */
  results: ResultsJson | null;
  error: string | null;
  /** Where the weights are (a blob key) and how they unpack, or null when the run left none. */
  weights: ({ key: string } & WeightsManifest) | null;
}

/** Float32 weights by name as one byte array (in `names` order) and the manifest to unpack it. */
export function packWeights(
  weights: Record<string, Float32Array>,
  names: readonly string[] = Object.keys(weights),
): { bytes: Uint8Array; manifest: WeightsManifest } {
  const lengths = names.map((n) => {
    const w = weights[n];
    if (!w) throw new Error(`Weights: "${n}" is missing`);
    return w.length;
  });
  const all = new Float32Array(lengths.reduce((a, b) => a + b, 0));
  let o = 0;
  names.forEach((n) => {
    all.set(weights[n]!, o);
    o += weights[n]!.length;
  });
  return { bytes: new Uint8Array(all.buffer), manifest: { names: [...names], lengths } };
}

export function unpackWeights(bytes: Uint8Array, m: WeightsManifest): Record<string, Float32Array> {
  const total = m.lengths.reduce((a, b) => a + b, 0);
  if (bytes.byteLength !== total * 4)
    throw new Error(`Stored weights: expected ${total * 4} bytes, got ${bytes.byteLength}`);
  const all = new Float32Array(bytes.slice().buffer);
  const out: Record<string, Float32Array> = {};
  let o = 0;
  m.names.forEach((n, i) => {
    out[n] = all.slice(o, o + m.lengths[i]!);
    o += m.lengths[i]!;
  });
  return out;
}

/** results.json with the dataset version the run was trained on, in its dataset section. */
export function withDatasetVersion(results: ResultsJson, version: ImageDatasetVersion): ResultsJson {
  return { ...results, dataset: { ...results.dataset, version: imageVersionRef(version) } };
}

/**
 * The record once the run has ended. A record that already holds results keeps them (and its status): a run's
 * recorded metrics never change.
 */
export function endRun(
  rec: ImageRunRecord,
  end: Pick<ImageRunRecord, 'status' | 'history' | 'results' | 'error' | 'weights'>,
  at: number,
): ImageRunRecord {
  if (rec.results) {
    throw new Error(
      `Run ${rec.id} already has its results (recorded ${new Date(rec.finishedAt ?? 0).toISOString()}); they never change`,
    );
  }
  return { ...rec, ...end, finishedAt: at };
}
