// CSV index import/export (research `images.csv` shuffled, `unshuffled_images.csv`) and HDF5 export in the
// research layout.
import { useState } from 'react';
import { useDataStore } from '../../../state/data-store';
import { notifyError, useNotices } from '../../../state/notices-store';
import {
  canPickSaveLocation,
  downloadFinished,
  pickSaveLocation,
  writeToHandle,
} from '../../shared/save-file';
import { download } from './format';

const H5_TYPE = { description: 'HDF5 file', mime: 'application/x-hdf5', ext: '.h5' };

export function ExportPanel() {
  const sources = useDataStore((s) => s.sources);
  const exportCsv = useDataStore((s) => s.exportCsv);
  const importCsv = useDataStore((s) => s.importCsv);
  const exportH5 = useDataStore((s) => s.exportH5);
  const busy = useDataStore((s) => s.busy);
  const [which, setWhich] = useState('');
  const [name, setName] = useState('spatter_export.h5');
  const none = sources.length === 0;
  const fileName = () => (name.endsWith('.h5') ? name : `${name}.h5`);
  const failed = (file: string) => (err: unknown) =>
    notifyError(`${file} could not be written`, err instanceof Error ? err.message : String(err));
  // Where the browser lets the user pick a place, the file is streamed there from the worker's disk copy.
  const saveTo = async () => {
    const file = fileName();
    const handle = await pickSaveLocation(file, H5_TYPE);
    if (!handle) return;
    const out = await exportH5(which ? [which] : [], file);
    await writeToHandle(out, handle);
    useNotices
      .getState()
      .notify({ kind: 'info', title: `${handle.name} saved (${out.size.toLocaleString()} bytes)` });
  };
  return (
    <section className="card" aria-labelledby="data-export-title">
      <h3 id="data-export-title">Index and export</h3>
      <div className="row">
        <button
          type="button"
          disabled={none}
          onClick={() => void exportCsv(true).then((t) => download(t, 'images.csv', 'text/csv'))}
        >
          Export images.csv (shuffled)
        </button>
        <button
          type="button"
          disabled={none}
          onClick={() => void exportCsv(false).then((t) => download(t, 'unshuffled_images.csv', 'text/csv'))}
        >
          Export unshuffled_images.csv
        </button>
        <label>
          Import CSV index (labels)
          <input
            type="file"
            accept=".csv,text/csv"
            onChange={(e) => {
              const f = e.target.files?.[0];
              e.target.value = '';
              if (f) void f.text().then((t) => importCsv(t, f.name));
            }}
          />
        </label>
      </div>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          const file = fileName();
          exportH5(which ? [which] : [], file).then(
            (out) => downloadFinished(out, file, H5_TYPE.mime),
            failed(file),
          );
        }}
      >
        <label>
          Export which
          <select value={which} onChange={(e) => setWhich(e.target.value)}>
            <option value="">all sources</option>
            {sources.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <label className="grow">
          HDF5 file name
          <input value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <button type="submit" disabled={none || !!busy}>
          Export HDF5 (research layout)
        </button>
        {canPickSaveLocation() && (
          <button
            type="button"
            disabled={none || !!busy}
            onClick={() => void saveTo().catch(failed(fileName()))}
          >
            Save HDF5 to…
          </button>
        )}
      </form>
    </section>
  );
}
