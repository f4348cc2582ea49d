// The studio's one IndexedDB database (Dexie), with a schema version per change and migrations, so what an earlier
// version of the studio stored still opens. Every persisted domain object has its table here; stores read and write
// through the typed tables below.
import Dexie, { type EntityTable, type Table } from 'dexie';
import type { DatasetVersion } from '../../core/dataset/version';
import type { EvaluationRecord } from '../../core/eval/records';

export const DB_NAME = 'spatter-studio';

/** Large binary payloads (packed dataset items, predictions…) by key, kept apart from the small records. */
export interface BlobRecord {
  key: string;
  /** What the blob belongs to, e.g. `dataset-version:dv-…`. */
  owner: string;
  bytes: Blob;
  createdAt: number;
}

/** A remembered source file: a File System Access handle (where offered) or an OPFS copy, by source digest. */
export interface SourceFileRecord {
  contentDigest: string;
  name: string;
  sizeBytes: number;
  handle: FileSystemFileHandle | null;
  /** Path in OPFS of the copy kept at the user's request, or null. */
  opfsPath: string | null;
  savedAt: number;
}

/** Generic record shape for the feature tables whose types live in their own core modules. */
export interface KeyedRecord {
  id: string;
  [key: string]: unknown;
}

export interface MetaRecord {
  key: string;
  value: unknown;
}

export class StudioDb extends Dexie {
  datasetVersions!: EntityTable<DatasetVersion, 'id'>;
  evaluations!: EntityTable<EvaluationRecord, 'id'>;
  blobs!: EntityTable<BlobRecord, 'key'>;
  sourceFiles!: EntityTable<SourceFileRecord, 'contentDigest'>;
  /** Registry: model versions and the append-only alias events (core/registry). */
  modelVersions!: Table<KeyedRecord, string>;
  aliasEvents!: Table<KeyedRecord, string>;
  /** Incremental-learning pipelines (core/incremental). */
  pipelines!: Table<KeyedRecord, string>;
  /** Hyper-parameter studies and their trials (core/hpo). */
  studies!: Table<KeyedRecord, string>;
  trials!: Table<KeyedRecord, string>;
  meta!: EntityTable<MetaRecord, 'key'>;

  constructor(name = DB_NAME) {
    super(name);
    this.version(1).stores({
      datasetVersions: 'id, createdAt, parent',
      evaluations: 'id, createdAt, runId, modelVersionId, datasetVersionId',
      blobs: 'key, owner',
      sourceFiles: 'contentDigest, name',
      modelVersions: 'id, n, runId, createdAt',
      aliasEvents: 'id, alias, versionId, at',
      pipelines: 'id, createdAt',
      studies: 'id, createdAt',
      trials: 'id, studyId, number',
      meta: 'key',
    });
  }
}

let instance: StudioDb | null = null;

/** The database of this page (opened on first use). */
export function studioDb(): StudioDb {
  instance ??= new StudioDb();
  return instance;
}

/** Tests: use a fresh database (fake-indexeddb in Node). */
export function resetStudioDbForTests(
  name = `${DB_NAME}-test-${Math.random().toString(36).slice(2)}`,
): StudioDb {
  instance = new StudioDb(name);
  return instance;
}

export async function putBlob(owner: string, key: string, bytes: Uint8Array | Blob): Promise<void> {
  const blob = bytes instanceof Blob ? bytes : new Blob([bytes as Uint8Array<ArrayBuffer>]);
  await studioDb().blobs.put({ key, owner, bytes: blob, createdAt: Date.now() });
}

export async function getBlobBytes(key: string): Promise<Uint8Array | null> {
  const rec = await studioDb().blobs.get(key);
  if (!rec) return null;
  return new Uint8Array(await rec.bytes.arrayBuffer());
}
