// The studio database's migration from the earlier studio's own IndexedDB databases (fake-indexeddb in Node):
// runs, checkpoints, resume points, in-memory sources and extraction jobs stored by wave 1 open here.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { migrateLegacyStores, resetStudioDbForTests } from './db';

function legacyDb(
  name: string,
  stores: { name: string; keyPath?: string; records: [unknown, IDBValidKey?][] }[],
) {
  return new Promise<void>((resolve, reject) => {
    const req = indexedDB.open(name, 1);
    req.onupgradeneeded = () => {
      for (const s of stores)
        req.result.createObjectStore(s.name, s.keyPath ? { keyPath: s.keyPath } : undefined);
    };
    req.onsuccess = () => {
      const db = req.result;
      const tx = db.transaction(
        stores.map((s) => s.name),
        'readwrite',
      );
      for (const s of stores)
        for (const [value, key] of s.records) tx.objectStore(s.name).put(value, s.keyPath ? undefined : key);
      tx.oncomplete = () => {
        db.close();
        resolve();
      };
      tx.onerror = () => reject(tx.error);
    };
  });
}

describe('studio database', () => {
  it('takes over what the earlier studio stored, once, leaving the old databases in place', async () => {
    await legacyDb('spatter-studio-runs', [
      { name: 'runs', keyPath: 'id', records: [[{ id: 'run-1', createdAt: 5, name: 'old run' }]] },
      {
        name: 'checkpoints',
        keyPath: 'key',
        records: [[{ key: 'run-1/e1', runId: 'run-1', meta: {}, state: 1 }]],
      },
      { name: 'latest', records: [[{ epoch: 3 }, 'run-1']] },
    ]);
    await legacyDb('spatter-studio-data', [
      { name: 'memory-sources', keyPath: 'key', records: [[{ key: 'm1', name: 'build_1', label: 1 }]] },
    ]);
    const db = resetStudioDbForTests();
    expect(await migrateLegacyStores(db)).toBe(4);
    expect((await db.runs.get('run-1'))?.name).toBe('old run');
    expect(await db.checkpoints.where('runId').equals('run-1').count()).toBe(1);
    expect((await db.latest.get('run-1'))?.state).toEqual({ epoch: 3 });
    expect((await db.memorySources.get('m1'))?.name).toBe('build_1');
    expect(await db.extractJobs.count()).toBe(0);
    // once only; a record this version wrote is never overwritten by an old copy
    await db.runs.put({ id: 'run-1', createdAt: 5, name: 'renamed here' });
    expect(await migrateLegacyStores(db)).toBe(0);
    expect((await db.runs.get('run-1'))?.name).toBe('renamed here');
    const names = (await indexedDB.databases()).map((d) => d.name);
    expect(names).toContain('spatter-studio-runs');
    expect(names).not.toContain('spatter-studio-extract');
  });
});
