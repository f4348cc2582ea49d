// Opened source files remembered across reloads: by content digest, with a File System Access handle where the
// browser gave one (permission asked again on return) or a copy in the origin-private file system (OPFS) when
// the user chose to keep one. A file the user re-picks is matched by its digest, never by its name alone.
import { create } from 'zustand';
import { studioDb, type SourceFileRecord } from './storage/db';

const KEEP_COPIES = 'keep-source-copies';
const OPFS_DIR = 'sources';

interface PermissionHandle extends FileSystemFileHandle {
  queryPermission?(opts: { mode: 'read' }): Promise<PermissionState>;
  requestPermission?(opts: { mode: 'read' }): Promise<PermissionState>;
}

async function opfsDir(): Promise<FileSystemDirectoryHandle | null> {
  if (typeof navigator === 'undefined' || !navigator.storage?.getDirectory) return null;
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle(OPFS_DIR, { create: true });
}

async function copyToOpfs(file: File, digest: string): Promise<string | null> {
  const dir = await opfsDir();
  if (!dir) return null;
  const name = `${digest}.h5`;
  const handle = await dir.getFileHandle(name, { create: true });
  const writable = await handle.createWritable();
  await file.stream().pipeTo(writable);
  return `${OPFS_DIR}/${name}`;
}

export interface SourceFilesState {
  remembered: SourceFileRecord[];
  keepCopies: boolean;
  loaded: boolean;
  load(): Promise<void>;
  setKeepCopies(on: boolean): Promise<void>;
  /** Remember a file the user opened (after indexing, when its digest is known). */
  remember(file: File, digest: string, handle?: FileSystemFileHandle | null): Promise<void>;
  /** The file again: from its OPFS copy, or its handle (asking permission). Null when neither is possible. */
  reopen(digest: string): Promise<File | null>;
  forget(digest: string): Promise<void>;
}

export const useSourceFiles = create<SourceFilesState>((set, get) => ({
  remembered: [],
  keepCopies: false,
  loaded: false,

  load: async () => {
    const db = studioDb();
    const [remembered, keep] = await Promise.all([
      db.sourceFiles.orderBy('name').toArray(),
      db.meta.get(KEEP_COPIES),
    ]);
    set({ remembered, keepCopies: keep?.value === true, loaded: true });
  },

  setKeepCopies: async (on) => {
    // The box follows the click at once; the choice is then kept for the next visit.
    set({ keepCopies: on });
    await studioDb().meta.put({ key: KEEP_COPIES, value: on });
  },

  remember: async (file, digest, handle = null) => {
    if (!get().loaded) await get().load();
    const prev = await studioDb().sourceFiles.get(digest);
    let opfsPath = prev?.opfsPath ?? null;
    if (!opfsPath && get().keepCopies) opfsPath = await copyToOpfs(file, digest).catch(() => null);
    const rec: SourceFileRecord = {
      contentDigest: digest,
      name: file.name,
      sizeBytes: file.size,
      handle: handle ?? prev?.handle ?? null,
      opfsPath,
      savedAt: Date.now(),
    };
    await studioDb().sourceFiles.put(rec);
    set((s) => ({ remembered: [...s.remembered.filter((r) => r.contentDigest !== digest), rec] }));
  },

  reopen: async (digest) => {
    const rec = await studioDb().sourceFiles.get(digest);
    if (!rec) return null;
    if (rec.opfsPath) {
      const dir = await opfsDir();
      const name = rec.opfsPath.split('/').pop()!;
      const h = await dir?.getFileHandle(name).catch(() => null);
      if (h) {
        const f = await h.getFile();
        return new File([f], rec.name, { type: f.type });
      }
    }
    const handle = rec.handle as PermissionHandle | null;
    if (handle) {
      let state = (await handle.queryPermission?.({ mode: 'read' })) ?? 'granted';
      if (state !== 'granted') state = (await handle.requestPermission?.({ mode: 'read' })) ?? 'denied';
      if (state === 'granted') return handle.getFile();
    }
    return null;
  },

  forget: async (digest) => {
    const rec = await studioDb().sourceFiles.get(digest);
    if (rec?.opfsPath) {
      const dir = await opfsDir();
      await dir?.removeEntry(rec.opfsPath.split('/').pop()!).catch(() => undefined);
    }
    await studioDb().sourceFiles.delete(digest);
    set((s) => ({ remembered: s.remembered.filter((r) => r.contentDigest !== digest) }));
  },
}));
