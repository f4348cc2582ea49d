// Where research-layout HDF5 files are written by the workers (data export, generated sets): into OPFS through a
// sync-file mount (sync-file-fs.ts), so a file of any size is written in bounded memory and handed out as a
// disk-backed File; or, where there is no OPFS, into h5wasm's in-memory file system and handed out as bytes.
import type { ExportTarget } from './data-library';
import type { H5Module } from './h5-reader';
import { mountSyncFiles, type SyncFile } from './sync-file-fs';

interface SyncHandle {
  write(data: Uint8Array, opts: { at: number }): number;
  read(out: Uint8Array, opts: { at: number }): number;
  truncate(size: number): void;
  getSize(): number;
  flush(): void;
  close(): void;
}

/** Whether this worker can write OPFS files synchronously (dedicated workers in current browsers). */
export function opfsAvailable(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.storage?.getDirectory === 'function';
}

/** An OPFS folder for written files, emptied first (what an earlier export left there may still be downloading
 * until the next one starts, never longer). */
export async function freshOpfsFolder(name: string): Promise<FileSystemDirectoryHandle> {
  const root = await navigator.storage.getDirectory();
  const dir = await root.getDirectoryHandle(name, { create: true });
  for await (const key of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) {
    await dir.removeEntry(key).catch(() => {});
  }
  return dir;
}

/** A file in `dir` written through a sync-file mount; `finish` hands out the OPFS File. */
export async function opfsTarget(
  module: H5Module,
  dir: FileSystemDirectoryHandle,
  fileName: string,
): Promise<ExportTarget> {
  const safe = fileName.replace(/[^A-Za-z0-9_.-]/g, '_') || 'export.h5';
  const fh = await dir.getFileHandle(safe, { create: true });
  const handle = await (
    fh as unknown as { createSyncAccessHandle(): Promise<SyncHandle> }
  ).createSyncAccessHandle();
  handle.truncate(0);
  const file: SyncFile = {
    read: (out, at) => handle.read(out, { at }),
    write: (data, at) => handle.write(data, { at }),
    getSize: () => handle.getSize(),
    truncate: (n) => handle.truncate(n),
    flush: () => handle.flush(),
  };
  const mount = mountSyncFiles(module, { [safe]: file });
  const release = () => {
    try {
      mount.unmount();
    } finally {
      handle.flush();
      handle.close();
    }
  };
  return {
    path: `${mount.dir}/${safe}`,
    async finish() {
      release();
      const out = await fh.getFile();
      return { name: fileName, size: out.size, file: out };
    },
    async discard() {
      release();
      await dir.removeEntry(safe).catch(() => {});
    },
  };
}

/** A file at `path` in h5wasm's in-memory file system; `finish` hands out its bytes and removes it. */
export function memfsTarget(module: H5Module, path: string, fileName: string): ExportTarget {
  const FS = module.FS;
  const remove = () => {
    try {
      FS.unlink(path);
    } catch {
      /* never written, or already gone */
    }
  };
  return {
    path,
    finish: async () => {
      const bytes = FS.readFile(path);
      remove();
      return { name: fileName, size: bytes.length, bytes };
    },
    discard: async () => remove(),
  };
}
