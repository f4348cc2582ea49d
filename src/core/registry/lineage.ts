// Lineage of model versions as one JSON file: run → config → dataset version → evaluation records → alias
// moves. Exported from one browser and imported in another: the import is validated field by field and merged
// by id, and every problem is named with where it is in the file.
import type { DatasetVersion } from '../dataset/version';
import type { EvaluationRecord } from '../eval/records';
import { ALIASES, isAlias, type AliasEvent, type ModelVersion } from './registry';

export const LINEAGE_FORMAT = 'spatter-studio-lineage';
export const LINEAGE_VERSION = 1;

/** What the lineage keeps of a run (no weights, no per-batch history). */
export interface LineageRun {
  id: string;
  name: string;
  model: string;
  backend: string;
  createdAt: number;
  status: string;
  splitDescription: string;
  config: unknown;
  test: { loss: number; acc: number; count: number } | null;
}

export interface LineageFile {
  format: typeof LINEAGE_FORMAT;
  formatVersion: number;
  exportedAt: number;
  versions: ModelVersion[];
  aliasEvents: AliasEvent[];
  runs: LineageRun[];
  datasetVersions: DatasetVersion[];
  evaluations: EvaluationRecord[];
}

export class LineageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LineageError';
  }
}

export function buildLineage(parts: Omit<LineageFile, 'format' | 'formatVersion'>): LineageFile {
  return { format: LINEAGE_FORMAT, formatVersion: LINEAGE_VERSION, ...parts };
}

/** The part of a lineage that concerns one version: its run, data, evaluations and alias moves. */
export function lineageOf(file: LineageFile, versionId: string): LineageFile {
  const v = file.versions.find((x) => x.id === versionId);
  if (!v) throw new LineageError(`Version ${versionId} is not in this lineage`);
  return {
    ...file,
    versions: [v],
    aliasEvents: file.aliasEvents.filter((e) => e.versionId === versionId),
    runs: file.runs.filter((r) => r.id === v.runId),
    datasetVersions: file.datasetVersions.filter((d) => d.id === v.datasetVersionId),
    evaluations: file.evaluations.filter((e) => e.modelVersionId === versionId || e.runId === v.runId),
  };
}

type Obj = Record<string, unknown>;

function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function need(cond: boolean, where: string, what: string): void {
  if (!cond) throw new LineageError(`${where}: ${what}`);
}

const isStr = (x: unknown): x is string => typeof x === 'string' && x.length > 0;
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isMetric = (x: unknown) => x === null || (isNum(x) && x >= 0 && x <= 1);

function checkVersion(v: unknown, i: number): ModelVersion {
  const at = `versions[${i}]`;
  need(isObj(v), at, 'is not an object');
  const o = v as Obj;
  need(isStr(o.id), at, 'has no id');
  need(Number.isInteger(o.n) && (o.n as number) > 0, at, `has no version number (n = ${String(o.n)})`);
  need(isNum(o.createdAt), at, 'has no createdAt time');
  need(isStr(o.runId), at, 'names no run (runId)');
  need(isStr(o.checkpoint), at, 'names no checkpoint');
  need(o.datasetVersionId === null || isStr(o.datasetVersionId), at, 'has a bad datasetVersionId');
  need(isObj(o.metrics), at, 'has no metrics');
  const m = o.metrics as Obj;
  for (const k of ['accuracy', 'f1', 'precision', 'recall'])
    need(isMetric(m[k]), `${at}.metrics.${k}`, 'must be a number in [0, 1] or null');
  need(isObj(o.card), at, 'has no model card');
  const c = o.card as Obj;
  need(isStr(c.model), `${at}.card`, 'names no model');
  need(
    Array.isArray(c.classNames) && c.classNames.every((x) => typeof x === 'string'),
    `${at}.card`,
    'has no class names',
  );
  return {
    ...(o as unknown as ModelVersion),
    origin: o.origin === 'imported' ? 'imported' : ((o.origin as ModelVersion['origin']) ?? 'imported'),
    pipelineId: (o.pipelineId as string | null | undefined) ?? null,
    chunk: (o.chunk as number | null | undefined) ?? null,
  };
}

function checkEvent(e: unknown, i: number, versionIds: Set<string>): AliasEvent {
  const at = `aliasEvents[${i}]`;
  need(isObj(e), at, 'is not an object');
  const o = e as Obj;
  need(isStr(o.id), at, 'has no id');
  need(isAlias(o.alias), at, `alias "${String(o.alias)}" is not one of ${ALIASES.join(', ')}`);
  need(o.versionId === null || isStr(o.versionId), at, 'has a bad versionId');
  need(
    o.versionId === null || versionIds.has(o.versionId as string),
    at,
    `points at version ${String(o.versionId)}, which is not in the file`,
  );
  need(isNum(o.at), at, 'has no time (at)');
  need(Number.isInteger(o.seq), at, 'has no sequence number (seq)');
  need(typeof o.reason === 'string', at, 'has no reason');
  return { ...(o as unknown as AliasEvent), evaluationId: (o.evaluationId as string | null) ?? null };
}

function uniqueIds(items: { id: string }[], where: string): void {
  const seen = new Set<string>();
  for (const x of items) {
    need(!seen.has(x.id), where, `id ${x.id} appears twice`);
    seen.add(x.id);
  }
}

/** Parse and validate a lineage file's text; throws LineageError naming the first problem. */
export function parseLineage(text: string): LineageFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new LineageError(`The file is not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  need(isObj(raw), 'The file', 'is not a lineage object');
  const o = raw as Obj;
  need(
    o.format === LINEAGE_FORMAT,
    'The file',
    `is not a Spatter Studio lineage (format "${String(o.format)}", expected "${LINEAGE_FORMAT}")`,
  );
  need(
    o.formatVersion === LINEAGE_VERSION,
    'The file',
    `has lineage format version ${String(o.formatVersion)}; this studio reads version ${LINEAGE_VERSION}`,
  );
  for (const k of ['versions', 'aliasEvents', 'runs', 'datasetVersions', 'evaluations'])
    need(Array.isArray(o[k]), 'The file', `has no "${k}" list`);
  const versions = (o.versions as unknown[]).map(checkVersion);
  uniqueIds(versions, 'versions');
  const ns = new Set<number>();
  for (const v of versions) {
    need(!ns.has(v.n), 'versions', `version number ${v.n} appears twice`);
    ns.add(v.n);
  }
  const ids = new Set(versions.map((v) => v.id));
  const aliasEvents = (o.aliasEvents as unknown[]).map((e, i) => checkEvent(e, i, ids));
  uniqueIds(aliasEvents, 'aliasEvents');
  const runs = o.runs as LineageRun[];
  runs.forEach((r, i) => need(isObj(r) && isStr(r.id), `runs[${i}]`, 'has no id'));
  const datasetVersions = o.datasetVersions as DatasetVersion[];
  datasetVersions.forEach((d, i) => need(isObj(d) && isStr(d.id), `datasetVersions[${i}]`, 'has no id'));
  const evaluations = o.evaluations as EvaluationRecord[];
  evaluations.forEach((e, i) => {
    need(isObj(e) && isStr(e.id), `evaluations[${i}]`, 'has no id');
    need(isObj(e.metrics) && isMetric(e.metrics.accuracy), `evaluations[${i}]`, 'has no accuracy');
  });
  return {
    format: LINEAGE_FORMAT,
    formatVersion: LINEAGE_VERSION,
    exportedAt: isNum(o.exportedAt) ? o.exportedAt : 0,
    versions,
    aliasEvents,
    runs,
    datasetVersions,
    evaluations,
  };
}

export interface MergePlan {
  versions: ModelVersion[];
  aliasEvents: AliasEvent[];
  /** Versions already present (same id), left as they are. */
  known: number;
}

/**
 * What an import adds to a registry: versions and events not there yet (by id). A file version whose number
 * is taken by a different version here is refused: the two histories would tell different stories.
 */
export function planMerge(
  existing: { versions: readonly ModelVersion[]; aliasEvents: readonly AliasEvent[] },
  file: LineageFile,
): MergePlan {
  const byId = new Map(existing.versions.map((v) => [v.id, v]));
  const byN = new Map(existing.versions.map((v) => [v.n, v]));
  const versions: ModelVersion[] = [];
  let known = 0;
  for (const v of file.versions) {
    if (byId.has(v.id)) {
      known++;
      continue;
    }
    const clash = byN.get(v.n);
    if (clash) {
      throw new LineageError(
        `Version ${v.n} of the file (run ${v.runId}) is a different model than version ${clash.n} here (run ${clash.runId}): import it into a studio without a registry of its own, or delete the versions here first`,
      );
    }
    versions.push({ ...v, origin: 'imported' });
  }
  const eventIds = new Set(existing.aliasEvents.map((e) => e.id));
  const aliasEvents = file.aliasEvents.filter((e) => !eventIds.has(e.id));
  return { versions, aliasEvents, known };
}
