// Runs → Scale out: export a run (or the current settings) as a job for torchrun, Ray or Kubeflow, and import the
// results it wrote (output folder or zip): checked, re-evaluated on the frozen test split, shown with their curves.
import { useEffect, useState, type DragEvent } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { unzipResults } from '../../../core/jobs/results';
import { parseSearchSpace, type StudySpec } from '../../../core/jobs/study';
import { downloadBytes } from '../../../state/eval-store';
import { useJobs, type ImportedModel } from '../../../state/jobs-store';
import { notifyError } from '../../../state/notices-store';
import { useRuns } from '../../../state/runs-store';
import './jobs.css';

const pct = (v: number) => `${(100 * v).toFixed(2)}%`;

async function filesToMap(files: File[]): Promise<Record<string, Uint8Array>> {
  const out: Record<string, Uint8Array> = {};
  for (const f of files) {
    const bytes = new Uint8Array(await f.arrayBuffer());
    if (files.length === 1 && /\.zip$/i.test(f.name)) return unzipResults(bytes, f.name);
    out[f.webkitRelativePath || f.name] = bytes;
  }
  return out;
}

/** Files of dropped folders (walked through the entries API) and dropped files, by relative path. */
async function droppedFiles(e: DragEvent): Promise<File[]> {
  const entries = Array.from(e.dataTransfer.items)
    .map((i) => i.webkitGetAsEntry())
    .filter((x): x is FileSystemEntry => x !== null);
  const out: File[] = [];
  const walk = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((res, rej) => (entry as FileSystemFileEntry).file(res, rej));
      out.push(new File([file], file.name));
      Object.defineProperty(out[out.length - 1], 'webkitRelativePath', { value: prefix + file.name });
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
        if (batch.length === 0) break;
        for (const child of batch) await walk(child, `${prefix}${entry.name}/`);
      }
    }
  };
  for (const entry of entries) await walk(entry, '');
  return out;
}

export function ScaleOutPanel() {
  const runs = useRuns((s) => s.runs);
  const { busy, exported, imported, lastError, loaded, load, exportJob, importResults } = useJobs();
  const [origin, setOrigin] = useState('settings');
  const [nproc, setNproc] = useState(2);
  const [over, setOver] = useState(false);
  const [space, setSpace] = useState('');
  const [trials, setTrials] = useState(10);
  const [includeData, setIncludeData] = useState(true);

  useEffect(() => {
    if (!loaded) load().catch((e: unknown) => notifyError('The exported jobs could not be read', String(e)));
  }, [loaded, load]);

  const onExport = async () => {
    const run = runs.find((r) => r.id === origin);
    try {
      let study: StudySpec | null = null;
      if (space.trim()) {
        try {
          study = {
            name: `spatter-search-${Date.now().toString(36)}`,
            direction: 'maximize',
            metric: 'best_val_acc',
            space: parseSearchSpace(space),
            trialsPerWorker: trials,
            journal: null,
          };
        } catch (e) {
          useJobs.setState({ lastError: (e as Error).message });
          return;
        }
      }
      const { fileName, zip } = await exportJob({
        config: run?.config,
        origin: run ? `run ${run.name} (${run.model})` : 'current settings',
        nprocPerNode: nproc,
        study,
        dataMode: includeData ? 'include' : 'reference',
      });
      downloadBytes(fileName, zip, 'application/zip');
    } catch {
      /* shown from the store's lastError */
    }
  };

  const onImport = async (files: File[]) => {
    if (files.length === 0) return;
    try {
      await importResults(await filesToMap(files));
    } catch (e) {
      useJobs.setState({ lastError: (e as Error).message });
    }
  };

  return (
    <section className="jobs-panel" aria-labelledby="jobs-title">
      <h3 id="jobs-title">Scale out</h3>
      <p className="muted">
        Export a run as a job for PyTorch’s <code>torchrun</code> (DDP), a Ray cluster or a Kubeflow TrainJob
        — the Hydra config, the data with its manifest and frozen split, a generated <code>train.py</code> —
        then bring the results back here.
      </p>
      <div className="row jobs-export">
        <label>
          Configuration{' '}
          <select aria-label="Job configuration" value={origin} onChange={(e) => setOrigin(e.target.value)}>
            <option value="settings">Current settings</option>
            {runs.map((r) => (
              <option key={r.id} value={r.id}>
                Run {r.name} ({r.model})
              </option>
            ))}
          </select>
        </label>
        <label>
          Processes per node{' '}
          <input
            type="number"
            min={1}
            max={64}
            aria-label="Processes per node"
            value={nproc}
            onChange={(e) => setNproc(Math.max(1, Math.min(64, Number(e.target.value) || 1)))}
          />
        </label>
        <label title="Unticked: the zip names the opened HDF5 files and you copy them into data/ (large sets); crops from videos or the generator are always included">
          <input
            type="checkbox"
            aria-label="Include the HDF5 files in the zip"
            checked={includeData}
            onChange={(e) => setIncludeData(e.target.checked)}
          />{' '}
          Include the HDF5 files
        </label>
        <label>
          Search (optional){' '}
          <input
            type="text"
            size={48}
            aria-label="Search space"
            placeholder="training.lr=log(1e-4,1e-2) training.batch_size=choice(256,512,1024)"
            value={space}
            onChange={(e) => setSpace(e.target.value)}
          />
        </label>
        {space.trim() ? (
          <label>
            Trials per worker{' '}
            <input
              type="number"
              min={1}
              aria-label="Trials per worker"
              value={trials}
              onChange={(e) => setTrials(Math.max(1, Number(e.target.value) || 1))}
            />
          </label>
        ) : null}
        <button type="button" disabled={busy !== null} onClick={() => void onExport()}>
          Export job (zip)
        </button>
      </div>
      {exported.length > 0 ? (
        <p data-testid="jobs-last-export">
          Exported <strong>{exported[0]!.jobId}</strong>: {exported[0]!.crops} crops, manifest{' '}
          <code title={exported[0]!.manifestDigest}>{exported[0]!.manifestDigest.slice(0, 12)}…</code>
        </p>
      ) : null}

      <div
        className={`dropzone jobs-drop${over ? ' active' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          void droppedFiles(e).then(onImport);
        }}
      >
        <p>Drop a job’s output folder or a zip of it here, or choose:</p>
        <label>
          Results folder{' '}
          <input
            type="file"
            aria-label="Import job results folder"
            {...{ webkitdirectory: '', directory: '' }}
            onChange={(e) => {
              const files = Array.from(e.target.files ?? []);
              e.target.value = '';
              void onImport(files);
            }}
          />
        </label>{' '}
        <label>
          Results zip{' '}
          <input
            type="file"
            accept=".zip,application/zip"
            aria-label="Import job results zip"
            onChange={(e) => {
              const files = Array.from(e.target.files ?? []);
              e.target.value = '';
              void onImport(files);
            }}
          />
        </label>
      </div>
      {busy ? (
        <p role="status" data-testid="jobs-busy">
          {busy}{' '}
          <button type="button" onClick={() => useJobs.getState().cancel()}>
            Cancel
          </button>
        </p>
      ) : null}
      {lastError ? (
        <p role="alert" className="error" data-testid="jobs-error">
          {lastError}
        </p>
      ) : null}
      {imported.map((m) => (
        <ImportedModelCard key={m.id} model={m} />
      ))}
    </section>
  );
}

function ImportedModelCard({ model }: { model: ImportedModel }) {
  const remove = useJobs((s) => s.remove);
  const same =
    model.studioTest.correct === model.reported.correct && model.studioTest.count === model.reported.count;
  return (
    <article className="card jobs-model" aria-label={`Imported model ${model.jobId}`}>
      <h4>
        {model.result.model.name} from job {model.jobId}
      </h4>
      <p data-testid="imported-lineage">
        {model.lineage}; dataset version <code>{model.datasetVersion}</code>;{' '}
        {model.registryVersionId
          ? `registered as ${model.registryVersionId} (candidate)`
          : 'kept as an imported model (candidate)'}
      </p>
      <p
        data-testid="imported-test-accuracy"
        data-correct={model.studioTest.correct}
        data-count={model.studioTest.count}
      >
        Test accuracy in the studio (onnxruntime-web, frozen test split):{' '}
        <strong>{pct(model.studioTest.accuracy)}</strong> ({model.studioTest.correct}/{model.studioTest.count}
        )
      </p>
      <p data-testid="reported-test-accuracy">
        train.py reported: {pct(model.reported.accuracy)} ({model.reported.correct}/{model.reported.count}){' '}
        {same ? '— the same' : '— differs: the studio and the job preprocessed the crops differently'}
      </p>
      <figure>
        <figcaption>Training curves (metrics.jsonl, {model.metrics.length} epochs)</figcaption>
        <ResponsiveContainer width="100%" height={180}>
          <LineChart data={model.metrics}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="epoch" />
            <YAxis domain={[0, 'auto']} tickFormatter={(v: number) => v.toFixed(2)} />
            <Tooltip />
            <Legend />
            <Line dataKey="train_loss" name="train loss" stroke="#c0392b" dot isAnimationActive={false} />
            <Line dataKey="val_acc" name="val accuracy" stroke="#2471a3" dot isAnimationActive={false} />
            <Line dataKey="train_acc" name="train accuracy" stroke="#7d8c2b" dot isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </figure>
      <button type="button" onClick={() => void remove(model.id)}>
        Remove imported model
      </button>
    </article>
  );
}
