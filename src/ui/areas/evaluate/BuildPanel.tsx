// Classify a build: every crop of one video, dated by frame and layer, through the chosen model. The input
// is a video (extracted here with the Extract area's options, then classified) or the research tool's output
// for a video (its crops HDF5 and its _spatter_at_frame.csv).
import { useState } from 'react';
import { useFileDrop } from '../../shared/use-file-drop';
import { useEval } from '../../../state/eval-store';

const VIDEO_TYPES = /\.(mp4|m4v|mov|webm|mkv)$/i;

export function BuildPanel() {
  const classify = useEval((s) => s.classifyResearchBuild);
  const classifyVideo = useEval((s) => s.classifyVideo);
  const cancel = useEval((s) => s.cancel);
  const busy = useEval((s) => s.busy);
  const hasModel = useEval((s) => s.activeKey !== null);
  const [h5, setH5] = useState<File | null>(null);
  const [csv, setCsv] = useState<File | null>(null);
  const [videoName, setVideoName] = useState<string | null>(null);
  const videoBusy = busy !== null && videoName !== null && busy.what.includes(videoName);

  const startVideo = (file: File | undefined) => {
    if (!file || busy !== null) return;
    setVideoName(file.name);
    void classifyVideo(file).finally(() => setVideoName(null));
  };
  const { dropHandlers } = useFileDrop((files) => {
    const file = files.find((f) => f.type.startsWith('video/') || VIDEO_TYPES.test(f.name));
    if (hasModel) startVideo(file);
  });

  return (
    <section aria-labelledby="evaluate-build-title" className="card">
      <h3 id="evaluate-build-title">Classify a build</h3>
      <p className="muted">
        The crops of one video with their per-frame log give a timeline of the predicted gas flow per frame
        and per layer, and a verdict for the whole build.
      </p>
      <div className="row evaluate-video-drop" {...dropHandlers} aria-describedby="evaluate-video-hint">
        <label>
          Classify a video{' '}
          <input
            type="file"
            accept="video/*,.mp4,.webm,.mkv,.mov"
            aria-label="Classify a video"
            disabled={!hasModel || busy !== null}
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              startVideo(file);
            }}
          />
        </label>
        <span id="evaluate-video-hint" className="muted">
          {hasModel
            ? 'Drop or choose a build video: its spatter crops are extracted with the Extract area’s options, then classified.'
            : 'Choose a model first.'}
        </span>
      </div>
      {videoBusy && busy ? (
        <div className="row" aria-label="Video classification progress" role="group">
          <progress
            aria-label={busy.what}
            max={busy.progress?.total || 1}
            value={busy.progress?.total ? busy.progress.done : undefined}
          />
          <span data-testid="evaluate-video-progress">
            {busy.what}
            {busy.progress?.total ? `: ${busy.progress.done} / ${busy.progress.total}` : '…'}
          </span>
          <button type="button" onClick={cancel}>
            Cancel video classification
          </button>
        </div>
      ) : null}
      <div className="row">
        <label>
          Crops of one video (HDF5){' '}
          <input
            type="file"
            accept=".h5,.hdf5"
            aria-label="Build crops HDF5"
            onChange={(e) => setH5(e.target.files?.[0] ?? null)}
          />
        </label>
        <label>
          Its per-frame log (_spatter_at_frame.csv, optional: without it, no timeline){' '}
          <input
            type="file"
            accept=".csv,text/csv"
            aria-label="Build per-frame CSV"
            onChange={(e) => setCsv(e.target.files?.[0] ?? null)}
          />
        </label>
        <button
          type="button"
          className="primary"
          disabled={!h5 || !hasModel || busy !== null}
          onClick={() => {
            if (h5) void classify(h5, csv);
          }}
        >
          Classify build
        </button>
      </div>
    </section>
  );
}
