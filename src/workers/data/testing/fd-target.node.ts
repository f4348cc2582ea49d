// Node stand-ins for OPFS in the streaming-write tests (a .node.ts file: type-checked with the Node tests only): a
// SyncFile on a file descriptor (what an OPFS FileSystemSyncAccessHandle is in the worker) and an export target
// writing a file in `dir` through a sync-file mount, as the worker's OPFS target does.
import {
  closeSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { ExportTarget } from '../data-library';
import type { H5Module } from '../h5-reader';
import { mountSyncFiles, type SyncFile } from '../sync-file-fs';

export function fdFile(fd: number): SyncFile {
  return {
    read: (out, at) => readSync(fd, out, 0, out.length, at),
    write: (data, at) => writeSync(fd, data, 0, data.length, at),
    getSize: () => fstatSync(fd).size,
    truncate: (n) => ftruncateSync(fd, n),
    flush: () => fsyncSync(fd),
  };
}

export function fdExportTarget(module: H5Module, dir: string, fileName: string): ExportTarget {
  const path = join(dir, fileName);
  const fd = openSync(path, 'w+');
  const mount = mountSyncFiles(module, { [fileName]: fdFile(fd) });
  const release = () => {
    mount.unmount();
    closeSync(fd);
  };
  return {
    path: `${mount.dir}/${fileName}`,
    finish: async () => {
      release();
      return { name: fileName, size: statSync(path).size };
    },
    discard: async () => release(),
  };
}
