// Extract area: drop videos (queued), set the research options, watch the extraction live, step through frames,
// and take the outputs (crops into the data library, the research CSVs, HDF5 through the data library).
import { useEffect } from 'react';
import { useFileDrop } from '../../shared/use-file-drop';
import { downloadFinished } from '../../shared/save-file';
import { useDataStore } from '../../../state/data-store';
import { useExtractStore, type ExtractJob } from '../../../state/extract-store';
import { downloadFile } from './download';
import { ExtractOptionsForm } from './ExtractOptionsForm';
import { LiveView } from './LiveView';
import './extract.css';

function JobRow({ job, selected }: { job: ExtractJob; selected: boolean }) {
  const s = useExtractStore.getState();
  const base = job.fileName.replace(/\.[^.]+$/, '');
  const active = job.status === 'running' || job.status === 'paused';
  return (
    <li
      className={`extract-job${selected ? ' extract-job-selected' : ''}`}
      aria-label={`Video ${job.fileName}`}
    >
      <button type="button" onClick={() => s.select(job.id)} aria-pressed={selected}>
        {job.fileName}
      </button>
      <span className="extract-status" aria-label={`Status of ${job.fileName}`}>
        {job.status}
      </span>
      {job.info && (
        <span>
          {job.info.codecString} {job.info.width}×{job.info.height}, {job.info.packetCount} frames
        </span>
      )}
      <progress
        aria-label={`Progress of ${job.fileName}`}
        max={job.total || 1}
        value={job.status === 'done' ? job.total || 1 : job.done}
      />
      {job.error && (
        <span role="alert" className="extract-error">
          {job.error}
        </span>
      )}
      <label>
        Label
        <select
          value={job.label ?? ''}
          onChange={(e) => s.setLabel(job.id, e.target.value === '' ? null : Number(e.target.value))}
          disabled={job.status === 'done'}
        >
          <option value="">unlabelled (choose later in Data)</option>
          <option value={0}>0 (low gas flow)</option>
          <option value={1}>1 (high gas flow)</option>
        </select>
      </label>
      {job.status === 'running' && (
        <button type="button" onClick={() => s.pause(job.id)}>
          Pause
        </button>
      )}
      {job.status === 'paused' && (
        <button type="button" onClick={() => s.resume(job.id)}>
          Resume
        </button>
      )}
      {(active || job.status === 'queued') && (
        <button type="button" onClick={() => s.cancel(job.id)}>
          Cancel
        </button>
      )}
      {job.counts.length > 0 && (
        <>
          <button
            type="button"
            onClick={() => downloadFile(s.perFrameCsv(job.id), `${base}_spatter_at_frame.csv`, 'text/csv')}
          >
            Download per-frame CSV
          </button>
          <button
            type="button"
            onClick={() => downloadFile(s.boxesCsv(job.id), `${base}_boxes.csv`, 'text/csv')}
          >
            Download boxes CSV
          </button>
        </>
      )}
      {job.sourceId && (
        <button
          type="button"
          onClick={() =>
            void useDataStore
              .getState()
              .exportH5([job.sourceId!], `${base}.h5`)
              .then((out) => downloadFinished(out, `${base}.h5`, 'application/x-hdf5'))
          }
        >
          Download HDF5
        </button>
      )}
      {!active && (
        <button type="button" onClick={() => s.remove(job.id)} aria-label={`Remove ${job.fileName}`}>
          Remove
        </button>
      )}
    </li>
  );
}

export function ExtractArea() {
  const jobs = useExtractStore((s) => s.jobs);
  const selectedId = useExtractStore((s) => s.selectedId);
  const following = useExtractStore((s) => s.following);
  useEffect(() => {
    void useExtractStore.getState().restore();
  }, []);
  const selected = jobs.find((j) => j.id === selectedId) ?? null;
  const add = (files: FileList | File[] | null) => {
    if (files && files.length) useExtractStore.getState().addFiles([...files]);
  };
  const { over, dropHandlers } = useFileDrop(add);
  return (
    <section aria-labelledby="extract-title" className="extract-area">
      <h2 id="extract-title">Extract</h2>
      <div className={`extract-drop${over ? ' extract-drop-over' : ''}`} {...dropHandlers}>
        <label>
          Videos to extract (MP4/H.264, WebM/VP8/VP9, AV1)
          <input
            type="file"
            accept="video/*,.mp4,.webm,.mkv,.mov"
            multiple
            onChange={(e) => {
              add(e.target.files);
              e.target.value = '';
            }}
          />
        </label>
        <p>or drop them here; they are processed one after another.</p>
      </div>
      <ExtractOptionsForm />
      {jobs.some((j) => j.status === 'queued') &&
      !jobs.some((j) => j.status === 'running' || j.status === 'paused') ? (
        <button type="button" className="primary" onClick={() => useExtractStore.getState().start()}>
          Extract queued videos
        </button>
      ) : null}
      <ul className="extract-jobs" aria-label="Extraction queue">
        {jobs.map((j) => (
          <JobRow key={j.id} job={j} selected={j.id === selectedId} />
        ))}
      </ul>
      {!following && jobs.some((j) => j.status === 'running' || j.status === 'paused') ? (
        <button type="button" onClick={() => useExtractStore.getState().followRunning()}>
          Follow the running job
        </button>
      ) : null}
      {selected && <LiveView job={selected} />}
    </section>
  );
}
