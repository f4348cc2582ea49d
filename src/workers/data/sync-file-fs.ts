// An Emscripten file system for h5wasm whose files live outside the wasm heap and the JS heap: each file is a
// SyncFile (an OPFS FileSystemSyncAccessHandle in the worker, a file descriptor in Node), so HDF5 writes a file
// of any size to disk in bounded memory — the random-access reads and writes HDF5 needs, synchronously. Built
// like Emscripten's WORKERFS, with writes; the files are named when mounting (no creating, renaming, deleting).
import type { H5Module } from './h5-reader';

/** Synchronous random access to one file (the subset of FileSystemSyncAccessHandle used here). */
export interface SyncFile {
  read(out: Uint8Array, at: number): number;
  write(data: Uint8Array, at: number): number;
  getSize(): number;
  truncate(size: number): void;
  flush(): void;
}

type Fs = H5Module['FS'];

interface Node {
  id: number;
  mode: number;
  size: number;
  atime: number;
  mtime: number;
  ctime: number;
  contents: SyncFile | Record<string, Node>;
  node_ops: unknown;
  stream_ops: unknown;
}

interface Stream {
  node: Node;
  position: number;
}

const DIR_MODE = 0o40777;
const FILE_MODE = 0o100666;
// Emscripten's errno values.
const ENOENT = 44;
const EPERM = 63;
const EINVAL = 28;

let mountSeq = 0;

/**
 * Mount `files` (name -> SyncFile) in a fresh directory of h5wasm's file system; returns the directory and an
 * unmount. The SyncFiles stay open (the caller flushes and closes them after unmounting).
 */
export function mountSyncFiles(
  module: H5Module,
  files: Record<string, SyncFile>,
): { dir: string; unmount(): void } {
  const FS = module.FS as Fs & {
    createNode(parent: Node | null, name: string, mode: number, dev: number): Node;
    ErrnoError: new (errno: number) => Error;
    isFile(mode: number): boolean;
  };
  const err = (n: number) => new FS.ErrnoError(n);
  const attrs = (node: Node) => ({
    dev: 1,
    ino: node.id,
    mode: node.mode,
    nlink: 1,
    uid: 0,
    gid: 0,
    rdev: 0,
    size: node.size,
    atime: new Date(node.atime),
    mtime: new Date(node.mtime),
    ctime: new Date(node.ctime),
    blksize: 4096,
    blocks: Math.ceil(node.size / 4096),
  });
  const fileOf = (node: Node) => node.contents as SyncFile;
  const node_ops = {
    getattr: attrs,
    setattr(
      node: Node,
      attr: { mode?: number; size?: number; atime?: number; mtime?: number; ctime?: number },
    ) {
      if (attr.size !== undefined && attr.size !== null) {
        if (!FS.isFile(node.mode)) throw err(EINVAL);
        fileOf(node).truncate(attr.size);
        node.size = attr.size;
      }
      for (const key of ['mode', 'atime', 'mtime', 'ctime'] as const) {
        if (attr[key] != null) node[key] = attr[key];
      }
    },
    lookup() {
      throw err(ENOENT);
    },
    mknod() {
      throw err(EPERM);
    },
    rename() {
      throw err(EPERM);
    },
    unlink() {
      throw err(EPERM);
    },
    rmdir() {
      throw err(EPERM);
    },
    readdir(node: Node) {
      return ['.', '..', ...Object.keys(node.contents)];
    },
    symlink() {
      throw err(EPERM);
    },
  };
  const stream_ops = {
    read(stream: Stream, buffer: Uint8Array, offset: number, length: number, position: number) {
      if (position >= stream.node.size) return 0;
      const n = Math.min(length, stream.node.size - position);
      return fileOf(stream.node).read(buffer.subarray(offset, offset + n), position);
    },
    write(stream: Stream, buffer: Uint8Array, offset: number, length: number, position: number) {
      const written = fileOf(stream.node).write(buffer.subarray(offset, offset + length), position);
      stream.node.size = Math.max(stream.node.size, position + written);
      stream.node.mtime = stream.node.ctime = Date.now();
      return written;
    },
    llseek(stream: Stream, offset: number, whence: number) {
      let position = offset;
      if (whence === 1) position += stream.position;
      else if (whence === 2 && FS.isFile(stream.node.mode)) position += stream.node.size;
      if (position < 0) throw err(EINVAL);
      return position;
    },
    fsync(stream: Stream) {
      fileOf(stream.node).flush();
      return 0;
    },
  };
  const make = (
    parent: Node | null,
    name: string,
    mode: number,
    contents: Node['contents'],
    size: number,
  ) => {
    const node = FS.createNode(parent, name, mode, 0);
    node.mode = mode;
    node.node_ops = node_ops;
    node.stream_ops = stream_ops;
    node.atime = node.mtime = node.ctime = Date.now();
    node.contents = contents;
    node.size = size;
    if (parent) (parent.contents as Record<string, Node>)[name] = node;
    return node;
  };
  const type = {
    mount() {
      const root = make(null, '/', DIR_MODE, {}, 4096);
      for (const [name, file] of Object.entries(files)) {
        if (!/^[^/]+$/.test(name)) throw new RangeError(`"${name}" is not a plain file name`);
        make(root, name, FILE_MODE, file, file.getSize());
      }
      return root;
    },
  };
  const dir = `/sync-${++mountSeq}`;
  FS.mkdir(dir);
  FS.mount(type as unknown as Parameters<Fs['mount']>[0], {}, dir);
  return {
    dir,
    unmount() {
      FS.unmount(dir);
      FS.rmdir(dir);
    },
  };
}
