// The studio's one IndexedDB database (Dexie), with a schema version per change and migrations, so what an earlier
// version of the studio stored still opens. Every persisted domain object has its table here; stores read and write
// through the typed tables below.
import Dexie, { type EntityTable, type Table } from 'dexie';
import type { DatasetVersion } from '../../core/dataset/version';
import type { EvaluationRecord } from '../../core/eval/records';
import type { ImageRunRecord } from '../../core/images/run-record';
import type { ImageDatasetVersion } from '../../core/images/version';

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

/** A run's latest resume point, by run id. */
export interface LatestRecord {
  runId: string;
  state: unknown;
}

/**
 * The stores of the studio before this database (wave 1): each IndexedDB database, its object store, and the
 * table here that takes its records. `outOfLineKey` names the field the old store's out-of-line key goes into.
 */
export const LEGACY_STORES: { db: string; store: string; table: string; outOfLineKey?: string }[] = [
  { db: 'spatter-studio-runs', store: 'runs', table: 'runs' },
  { db: 'spatter-studio-runs', store: 'checkpoints', table: 'checkpoints' },
  { db: 'spatter-studio-runs', store: 'latest', table: 'latest', outOfLineKey: 'runId' },
  { db: 'spatter-studio-data', store: 'memory-sources', table: 'memorySources' },
  { db: 'spatter-studio-extract', store: 'jobs', table: 'extractJobs' },
];

/** The tables of schema version 1 (kept as they were: later versions only add). */
export const SCHEMA_V1 = {
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
  runs: 'id, createdAt',
  checkpoints: 'key, runId',
  latest: 'runId',
  memorySources: 'key',
  extractJobs: 'id',
};

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
  /** Training runs, their checkpoints and latest resume points (records shaped by state/runs-store). */
  runs!: Table<KeyedRecord, string>;
  checkpoints!: Table<{ key: string; runId: string; [k: string]: unknown }, string>;
  latest!: EntityTable<LatestRecord, 'runId'>;
  /** In-memory crop sources (extracted, dropped, generated) with their crops, by key. */
  memorySources!: Table<{ key: string; [k: string]: unknown }, string>;
  /** Finished extraction jobs (without their file). */
  extractJobs!: Table<KeyedRecord, string>;
  /** Image dataset versions (core/images/version; packed items in `blobs`) and image runs (weights in `blobs`). */
  imageVersions!: EntityTable<ImageDatasetVersion, 'id'>;
  imageRuns!: EntityTable<ImageRunRecord, 'id'>;

  constructor(name = DB_NAME) {
    super(name);
    this.version(1).stores(SCHEMA_V1);
    // 2: image dataset versions and image runs (the tables of version 1 are unchanged).
    this.version(2).stores({
      imageVersions: 'id, createdAt',
      imageRuns: 'id, createdAt, datasetVersionId',
    });
  }
}

const MIGRATED = 'legacy-stores-migrated';

function legacyRecords(dbName: string, store: string): Promise<{ key: IDBValidKey; value: unknown }[]> {
  return new Promise((resolve) => {
    const req = indexedDB.open(dbName);
    // Opening a name that never existed creates an empty database: note it, and remove it again.
    let created = false;
    req.onupgradeneeded = () => {
      created = true;
    };
    req.onerror = () => resolve([]);
    req.onsuccess = () => {
      const db = req.result;
      if (created || !db.objectStoreNames.contains(store)) {
        db.close();
        if (created) indexedDB.deleteDatabase(dbName);
        resolve([]);
        return;
      }
      const out: { key: IDBValidKey; value: unknown }[] = [];
      const cur = db.transaction(store).objectStore(store).openCursor();
      cur.onsuccess = () => {
        const c = cur.result;
        if (c) {
          out.push({ key: c.key, value: c.value });
          c.continue();
        } else {
          db.close();
          resolve(out);
        }
      };
      cur.onerror = () => {
        db.close();
        resolve(out);
      };
    };
  });
}

/**
 * Bring what an earlier version of the studio stored (three IndexedDB databases of its own) into this one,
 * once. The old databases are left as they are, so nothing is lost if this version is rolled back.
 */
export async function migrateLegacyStores(db: StudioDb): Promise<number> {
  if (await db.meta.get(MIGRATED)) return 0;
  let moved = 0;
  for (const l of LEGACY_STORES) {
    const recs = await legacyRecords(l.db, l.store);
    if (recs.length === 0) continue;
    const table = db.table(l.table);
    const keyPath = table.schema.primKey.keyPath as string;
    const rows = recs.map((r) =>
      l.outOfLineKey ? { [l.outOfLineKey]: r.key, state: r.value } : (r.value as Record<string, unknown>),
    );
    // Records already here (written by this version) win over the old copies.
    const have = await table.bulkGet(rows.map((r) => r[keyPath] as string));
    const fresh = rows.filter((_, i) => have[i] === undefined);
    if (fresh.length) await table.bulkAdd(fresh);
    moved += fresh.length;
  }
  await db.meta.put({ key: MIGRATED, value: { at: Date.now(), moved } });
  return moved;
}

let instance: StudioDb | null = null;
let migration: Promise<unknown> | null = null;

/** The database of this page (opened on first use). */
export function studioDb(): StudioDb {
  instance ??= new StudioDb();
  return instance;
}

/** The database once the earlier studio's stores are migrated into it (await before reading old data). */
export async function studioDbReady(): Promise<StudioDb> {
  const db = studioDb();
  migration ??= migrateLegacyStores(db).catch((e: unknown) => {
    console.warn('Migrating the earlier studio storage failed:', e);
  });
  await migration;
  return db;
}

/** Tests: use a fresh database (fake-indexeddb in Node). */
export function resetStudioDbForTests(
  name = `${DB_NAME}-test-${Math.random().toString(36).slice(2)}`,
): StudioDb {
  instance = new StudioDb(name);
  migration = null;
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
