// Classify a build: every crop of one video, dated by frame and layer, through the chosen model. Today the
// input is the research tool's output for a video (its crops HDF5 and its _spatter_at_frame.csv); crops
// extracted in the studio arrive through the store's classifyVideoCrops.
import { useState } from 'react';
import { useEval } from '../../../state/eval-store';

export function BuildPanel() {
  const classify = useEval((s) => s.classifyResearchBuild);
  const busy = useEval((s) => s.busy);
  const hasModel = useEval((s) => s.activeKey !== null);
  const [h5, setH5] = useState<File | null>(null);
  const [csv, setCsv] = useState<File | null>(null);

  return (
    <section aria-labelledby="evaluate-build-title" className="card">
      <h3 id="evaluate-build-title">Classify a build</h3>
      <p className="muted">
        The crops of one video with their per-frame log give a timeline of the predicted gas flow per frame
        and per layer, and a verdict for the whole build.
      </p>
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
