// Files opened before that are not open now (after a reload): reopen them from the browser's copy or their
// handle, or re-pick them (checked by content digest). Also the choice to keep a copy of opened files.
import { useEffect } from 'react';
import { useDataStore } from '../../../state/data-store';
import { notifyError, useNotices } from '../../../state/notices-store';
import { useSourceFiles } from '../../../state/source-files';
import { fmtBytes } from './format';

interface OpenFilePickerWindow {
  showOpenFilePicker?(opts: {
    multiple: boolean;
    types: { description: string; accept: Record<string, string[]> }[];
  }): Promise<FileSystemFileHandle[]>;
}

/** Open HDF5 files through the File System Access picker, so their handles can be kept (Chromium). */
export async function pickWithHandles(): Promise<void> {
  const w = window as unknown as OpenFilePickerWindow;
  if (!w.showOpenFilePicker) return;
  try {
    const handles = await w.showOpenFilePicker({
      multiple: true,
      types: [
        { description: 'HDF5 crop sets', accept: { 'application/x-hdf5': ['.h5', '.hdf5', '.hdf', '.he5'] } },
      ],
    });
    const files = await Promise.all(handles.map((h) => h.getFile()));
    await useDataStore.getState().openFiles(files, handles);
  } catch (e) {
    if ((e as Error).name !== 'AbortError') notifyError('The files could not be opened', String(e));
  }
}

export function RememberedSources() {
  const remembered = useSourceFiles((s) => s.remembered);
  const keepCopies = useSourceFiles((s) => s.keepCopies);
  const loaded = useSourceFiles((s) => s.loaded);
  const sources = useDataStore((s) => s.sources);
  useEffect(() => {
    if (!loaded) void useSourceFiles.getState().load();
  }, [loaded]);
  const open = new Set(sources.map((s) => s.contentDigest).filter(Boolean));
  const missing = remembered.filter((r) => !open.has(r.contentDigest));
  const hasPicker = typeof window !== 'undefined' && 'showOpenFilePicker' in window;

  const reopen = async (digest: string, name: string) => {
    const file = await useSourceFiles.getState().reopen(digest);
    if (!file) {
      notifyError(
        `${name} cannot be reopened by itself`,
        'Re-pick the file: it is matched by its content digest.',
      );
      return;
    }
    await useDataStore.getState().openFiles([file]);
  };

  const repick = async (digest: string, name: string, file: File) => {
    await useDataStore.getState().openFiles([file]);
    const now = useDataStore.getState().sources.filter((s) => s.name === file.name);
    if (!now.some((s) => s.contentDigest === digest)) {
      useNotices.getState().notify({
        kind: 'warning',
        title: `${file.name} is not the ${name} opened before`,
        detail: `Its content digest differs (${now.at(-1)?.contentDigest ?? 'unknown'} instead of ${digest}): it opened as a new source, and runs bound to the earlier file cannot use it.`,
      });
    }
  };

  return (
    <section className="card" aria-labelledby="remembered-title">
      <h3 id="remembered-title">Files opened before</h3>
      <div className="row">
        <label className="radio">
          <input
            type="checkbox"
            checked={keepCopies}
            onChange={(e) => void useSourceFiles.getState().setKeepCopies(e.target.checked)}
          />
          Keep a copy of opened HDF5 files in this browser (they reopen after a reload without asking; uses
          browser storage)
        </label>
        {hasPicker ? (
          <button type="button" onClick={() => void pickWithHandles()}>
            Open HDF5 files (remembered by the browser)
          </button>
        ) : null}
      </div>
      {missing.length === 0 ? (
        <p className="muted">Every file opened before is open.</p>
      ) : (
        <ul className="data-remembered" aria-label="Files to reopen">
          {missing.map((r) => (
            <li key={r.contentDigest} className="row">
              <span className="grow">
                <strong>{r.name}</strong> {fmtBytes(r.sizeBytes)} · digest <code>{r.contentDigest}</code>
                {r.opfsPath
                  ? ' · copy kept in this browser'
                  : r.handle
                    ? ' · handle kept (asks permission)'
                    : ''}
              </span>
              {r.opfsPath || r.handle ? (
                <button type="button" onClick={() => void reopen(r.contentDigest, r.name)}>
                  Reopen {r.name}
                </button>
              ) : null}
              <label className="data-file-label">
                Re-pick {r.name}
                <input
                  type="file"
                  accept=".h5,.hdf5,.hdf,.he5"
                  onChange={(e) => {
                    const f = e.target.files?.[0];
                    e.target.value = '';
                    if (f) void repick(r.contentDigest, r.name, f);
                  }}
                />
              </label>
              <button type="button" onClick={() => void useSourceFiles.getState().forget(r.contentDigest)}>
                Forget {r.name}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
