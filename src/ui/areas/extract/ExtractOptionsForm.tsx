// The research tool's options, research defaults preset, all editable (applied to the next video started).
import type { ExtractConfig } from '../../../core/config/config';
import { useExtractStore } from '../../../state/extract-store';
import { PIXEL_PATHS, type PixelPath } from '../../../workers/video/frame-pixels';

const fields: { key: keyof ExtractConfig; label: string }[] = [
  { key: 'min_area', label: 'Min area (px²)' },
  { key: 'max_area', label: 'Max area (px²)' },
  { key: 'threshold', label: 'Threshold' },
  { key: 'blur', label: 'Blur kernel' },
  { key: 'dilate_iterations', label: 'Dilations' },
  { key: 'layer_gap', label: 'Layer gap (frames)' },
  { key: 'start_frame', label: 'Start frame' },
  { key: 'left_bound', label: 'Left bound (px)' },
  { key: 'right_bound', label: 'Right bound (px, 0 = width)' },
  { key: 'limit', label: 'Limit (frames, 0 = all)' },
  { key: 'jpeg_quality', label: 'JPEG quality' },
  { key: 'workers', label: 'Workers (0 = one per core)' },
];

export function ExtractOptionsForm() {
  const options = useExtractStore((s) => s.options);
  const pixelPath = useExtractStore((s) => s.pixelPath);
  const setOption = useExtractStore((s) => s.setOption);
  return (
    <fieldset className="extract-options">
      <legend>Options</legend>
      {fields.map((f) => (
        <label key={f.key}>
          {f.label}
          <input
            type="number"
            value={options[f.key] as number}
            onChange={(e) => {
              const v = Number(e.target.value);
              if (Number.isFinite(v)) setOption(f.key, v as never);
            }}
          />
        </label>
      ))}
      <label>
        <input
          type="checkbox"
          checked={options.reject_blue}
          onChange={(e) => setOption('reject_blue', e.target.checked)}
        />
        Reject blue (recoater light)
      </label>
      <label>
        Frame pixels
        <select
          value={pixelPath}
          onChange={(e) => useExtractStore.getState().setPixelPath(e.target.value as PixelPath)}
        >
          {PIXEL_PATHS.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </label>
      <button type="button" onClick={() => useExtractStore.getState().resetOptions()}>
        Research defaults
      </button>
    </fieldset>
  );
}
