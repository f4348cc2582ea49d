// The research's crop statistics for the last generated set, next to the research's own (ANALYSIS of 598,933
// real crops; mean grey ranges from its figure of six real crops).
import { RESEARCH_CROP_STATS, type CropSetStats, type SizeStats } from '../../../core/synth/research-stats';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const num = (x: number, digits = 1) =>
  Number.isFinite(x) ? x.toLocaleString('en', { maximumFractionDigits: digits }) : '–';
const size = (s: SizeStats) =>
  `${num(s.min, 0)}–${num(s.max, 0)}, mean ${num(s.mean)}, median ${num(s.median)}`;

export function CropStatsTable({ stats }: { stats: CropSetStats }) {
  const R = RESEARCH_CROP_STATS;
  const rows: [string, string, string][] = [
    ['Crops', stats.crops.toLocaleString('en'), R.crops.toLocaleString('en')],
    ['Height (px)', size(stats.height), size(R.height)],
    ['Width (px)', size(stats.width), size(R.width)],
    [
      'Area (px²)',
      `${num(stats.area.min, 0)}–${num(stats.area.max, 0)}, mean ${num(stats.area.mean, 0)}`,
      `${num(R.area.min, 0)}–${num(R.area.max, 0)}, mean ${num(R.area.mean, 0)}`,
    ],
    ['Area < 5,000', pct(stats.areaBins[0]), pct(R.areaBins[0])],
    ['Area 5–10K', pct(stats.areaBins[1]), pct(R.areaBins[1])],
    ['Area 10–20K', pct(stats.areaBins[2]), pct(R.areaBins[2])],
    ['Area > 20K', pct(stats.areaBins[3]), pct(R.areaBins[3])],
    [
      'Class balance (low / high flow)',
      `${pct(stats.classBalance[0])} / ${pct(stats.classBalance[1])}`,
      `${pct(R.classBalance[0])} / ${pct(R.classBalance[1])}`,
    ],
    ['All-black crops', pct(stats.black), '1–2%'],
    [
      'Mean grey, low flow',
      stats.meanGrey[0] === null ? '–' : num(stats.meanGrey[0]),
      `${R.meanGreyRange.low[0]}–${R.meanGreyRange.low[1]}`,
    ],
    [
      'Mean grey, high flow',
      stats.meanGrey[1] === null ? '–' : num(stats.meanGrey[1]),
      `${R.meanGreyRange.high[0]}–${R.meanGreyRange.high[1]}`,
    ],
  ];
  return (
    <table className="generate-stats" aria-label="Generated set against the research statistics">
      <thead>
        <tr>
          <th scope="col">Statistic</th>
          <th scope="col">Generated set</th>
          <th scope="col">Research</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([name, got, want]) => (
          <tr key={name}>
            <th scope="row">{name}</th>
            <td>{got}</td>
            <td>{want}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
