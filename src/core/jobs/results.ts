// The results of an exported job as train.py writes them (result.json, metrics.jsonl, model.onnx, manifest.json,
// .hydra/): found in a dropped folder or zip, parsed and checked, with a message naming what is wrong and what to do.
import { unzipSync } from 'fflate';
import { manifestDigest, type JobManifest } from './manifest';

export const RESULT_FORMAT = 'spatter-studio/job-result@1';

export interface JobResult {
  format: typeof RESULT_FORMAT;
  job_id: string;
  manifest_digest: string;
  dataset_version: string;
  launcher: string;
  processes: number;
  nodes: number;
  dist_backend: string | null;
  device: string;
  torch: string;
  model: {
    name: string;
    file: string;
    input: string;
    output: string;
    layout: 'NCHW';
    size: number;
    channels: number;
    cache_side: number;
  };
  epochs_run: number;
  best_epoch: number;
  best_val_acc: number;
  test: { accuracy: number; loss: number; correct: number; count: number };
  seconds: number;
  overrides: string[];
}

export interface EpochMetrics {
  epoch: number;
  train_loss: number;
  train_acc: number;
  val_loss: number;
  val_acc: number;
  lr: number;
  seconds: number;
  processes: number;
}

export interface JobResults {
  /** The folder inside the drop that held result.json ('' at the top). */
  folder: string;
  result: JobResult;
  metrics: EpochMetrics[];
  onnx: Uint8Array;
  manifest: JobManifest;
  hydraConfig: string | null;
}

export class JobResultsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobResultsError';
  }
}

/** Files of a dropped zip (path → bytes); folders dropped as files come in as their relative paths. */
export function unzipResults(bytes: Uint8Array, name: string): Record<string, Uint8Array> {
  try {
    return unzipSync(bytes);
  } catch (e) {
    throw new JobResultsError(
      `${name} is not a readable zip (${(e as Error).message}): zip the job's output folder again`,
    );
  }
}

function text(b: Uint8Array): string {
  return new TextDecoder().decode(b);
}

function num(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** ONNX is a protobuf ModelProto: the first field is ir_version (field 1, varint: tag byte 0x08). */
export function looksLikeOnnx(b: Uint8Array): boolean {
  return b.length > 16 && b[0] === 0x08;
}

/** Find, parse and check the results among the given files; throws a JobResultsError saying what is wrong. */
export async function readJobResults(files: Record<string, Uint8Array>): Promise<JobResults> {
  const paths = Object.keys(files).map((p) => p.replace(/\\/g, '/'));
  const resultPath = paths
    .filter((p) => p === 'result.json' || p.endsWith('/result.json'))
    .sort((a, b) => a.split('/').length - b.split('/').length)[0];
  if (!resultPath) {
    throw new JobResultsError(
      'No result.json in what was dropped: drop the output folder train.py wrote (outputs/) or a zip of it',
    );
  }
  const folder = resultPath.slice(0, -'result.json'.length);
  const get = (name: string) => {
    const key = Object.keys(files).find((k) => k.replace(/\\/g, '/') === folder + name);
    return key === undefined ? undefined : files[key];
  };
  let result: JobResult;
  try {
    result = JSON.parse(text(get('result.json')!)) as JobResult;
  } catch (e) {
    throw new JobResultsError(`${folder}result.json is not valid JSON (${(e as Error).message})`);
  }
  if (result.format !== RESULT_FORMAT)
    throw new JobResultsError(
      `${folder}result.json is not a Spatter Studio job result (format ${String(result.format)})`,
    );
  if (!num(result.test?.accuracy) || !num(result.test?.count) || !num(result.processes))
    throw new JobResultsError(
      `${folder}result.json lacks the test accuracy or the process count: train.py did not finish`,
    );

  const metricsBytes = get('metrics.jsonl');
  if (!metricsBytes)
    throw new JobResultsError(
      `Missing metrics: ${folder}metrics.jsonl is not there. Drop the whole output folder of the job.`,
    );
  const metrics: EpochMetrics[] = [];
  text(metricsBytes)
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      let m: EpochMetrics;
      try {
        m = JSON.parse(line) as EpochMetrics;
      } catch {
        throw new JobResultsError(`${folder}metrics.jsonl line ${i + 1} is not JSON: the file is damaged`);
      }
      if (!num(m.epoch) || !num(m.train_loss) || !num(m.val_acc))
        throw new JobResultsError(`${folder}metrics.jsonl line ${i + 1} lacks epoch, train_loss or val_acc`);
      metrics.push(m);
    });
  if (metrics.length === 0)
    throw new JobResultsError(
      `Missing metrics: ${folder}metrics.jsonl has no epochs. Did the job stop before the first epoch ended?`,
    );

  const onnx = get(result.model?.file ?? 'model.onnx');
  if (!onnx)
    throw new JobResultsError(
      `${folder}${result.model?.file ?? 'model.onnx'} is missing: the job did not write its model`,
    );
  if (!looksLikeOnnx(onnx))
    throw new JobResultsError(
      `${folder}${result.model.file} is not an ONNX model (corrupt or another file): take it from the job's output again`,
    );

  const manifestBytes = get('manifest.json');
  if (!manifestBytes)
    throw new JobResultsError(`${folder}manifest.json is missing: the results cannot be tied to their data`);
  let manifest: JobManifest;
  try {
    manifest = JSON.parse(text(manifestBytes)) as JobManifest;
  } catch (e) {
    throw new JobResultsError(`${folder}manifest.json is not valid JSON (${(e as Error).message})`);
  }
  const digest = await manifestDigest(manifest);
  if (digest !== manifest.digest || digest !== result.manifest_digest) {
    throw new JobResultsError(
      `The manifest digest does not match (${folder}manifest.json says ${String(manifest.digest).slice(0, 12)}…, its content gives ${digest.slice(0, 12)}…, result.json says ${String(result.manifest_digest).slice(0, 12)}…): the results were edited or mixed with another job's`,
    );
  }
  const hydra = get('.hydra/config.yaml');
  return { folder, result, metrics, onnx, manifest, hydraConfig: hydra ? text(hydra) : null };
}
