// Files from bench/.data handed to the page by bench/run.mjs ('files' op) as a user's pick: the host fills a
// hidden <input type=file>, so the scenario gets disk-backed Files exactly as a user dropping them would.

export interface HostFiles {
  /** The bench/.data folder the files came from (null when none held what was asked). */
  dir: string | null;
  files: File[];
}

type FilesOp = (
  op: 'files',
  selector: string,
  dirs: string[],
  marker?: string,
  ext?: string,
) => Promise<{ dir: string | null; names: string[] }>;

let seq = 0;

/**
 * The `ext` files (default .h5) of the first bench/.data/<dir> of `dirs` that holds `marker` (a file its
 * generator writes last, so a set still being written is passed over). `files` is empty when there is none.
 */
export async function pickHostFiles(dirs: string[], marker?: string, ext?: string): Promise<HostFiles> {
  const host = (window as unknown as { __benchHost?: FilesOp }).__benchHost;
  if (!host) throw new Error('this scenario needs the Node side of bench/run.mjs (window.__benchHost)');
  const input = document.createElement('input');
  input.type = 'file';
  input.multiple = true;
  input.id = `bench-host-files-${++seq}`;
  input.hidden = true;
  document.body.append(input);
  try {
    const changed = new Promise((r) => input.addEventListener('change', r, { once: true }));
    const picked = await host('files', `#${input.id}`, dirs, marker, ext);
    if (picked.names.length === 0 || !picked.dir) return { dir: null, files: [] };
    await changed;
    return { dir: picked.dir, files: [...(input.files ?? [])] };
  } finally {
    input.remove();
  }
}
