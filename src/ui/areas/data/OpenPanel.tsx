// Opening crop sets: drop HDF5 files, pick them, or give a URL (the demo files under public/demo/).
import { useState } from 'react';
import { useFileDrop } from '../../shared/use-file-drop';
import { useDataStore } from '../../../state/data-store';

export function OpenPanel() {
  const openFiles = useDataStore((s) => s.openFiles);
  const openUrls = useDataStore((s) => s.openUrls);
  const addCropImages = useDataStore((s) => s.addCropImages);
  const openErrors = useDataStore((s) => s.openErrors);
  const busy = useDataStore((s) => s.busy);
  const { over, dropHandlers } = useFileDrop((dropped) => {
    const images = dropped.filter((f) => isCropImage(f));
    void openFiles(dropped.filter((f) => !isCropImage(f)));
    if (images.length) void addCropImages(images);
  });
  const [url, setUrl] = useState('');
  return (
    <section className="card" aria-labelledby="data-open-title">
      <h3 id="data-open-title">Open crop sets</h3>
      <div className={`dropzone${over ? ' active' : ''}`} {...dropHandlers}>
        <p>
          Drop HDF5 files here (.h5: research layout, vlen uint8 or uint8 image stacks) or JPEG/PNG crops, or
        </p>
        <label className="data-file-label">
          Open HDF5 files
          <input
            type="file"
            multiple
            accept=".h5,.hdf5,.hdf,.he5"
            onChange={(e) => {
              const files = [...(e.target.files ?? [])];
              e.target.value = '';
              void openFiles(files);
            }}
          />
        </label>
        <label className="data-file-label">
          Add crop images
          <input
            type="file"
            multiple
            accept="image/jpeg,image/png,.jpg,.jpeg,.png"
            onChange={(e) => {
              const files = [...(e.target.files ?? [])];
              e.target.value = '';
              void addCropImages(files);
            }}
          />
        </label>
      </div>
      <form
        className="row data-url"
        onSubmit={(e) => {
          e.preventDefault();
          const urls = url
            .split(/\s+/)
            .map((u) => u.trim())
            .filter(Boolean);
          if (urls.length) void openUrls(urls);
        }}
      >
        <label className="grow">
          HDF5 file URL
          <input
            type="text"
            inputMode="url"
            spellCheck={false}
            value={url}
            placeholder="demo/left_low_0.h5 (relative to this page) or https://…/file.h5"
            onChange={(e) => setUrl(e.target.value)}
          />
        </label>
        <button type="submit">Open URL</button>
      </form>
      {busy ? (
        <div role="status" aria-label="Data progress" className="data-busy">
          <span>{busy.message}</span>
          <progress
            className="progress"
            max={busy.total ?? undefined}
            value={busy.total ? busy.done : undefined}
          />
        </div>
      ) : null}
      {openErrors.length > 0 ? (
        <ul className="data-errors" aria-label="Files that could not be opened">
          {openErrors.map((e) => (
            <li key={e.file}>
              <strong>{e.file}</strong>: {e.message}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function isCropImage(f: File): boolean {
  return /^image\/(jpeg|png)$/.test(f.type) || /\.(jpe?g|png)$/i.test(f.name);
}
