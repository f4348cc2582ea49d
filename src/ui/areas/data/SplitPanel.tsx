// The split in use, shown and editable: recipe (research random 60/20/20 seed 1234, stratified, grouped by
// source), shares, seed and class ratio — written as data.* overrides so the URL reproduces it.
import { useDataStore } from '../../../state/data-store';
import { useSettings } from '../../../state/settings-store';
import { fmtInt } from './format';

const PRESETS: [string, string][] = [
  ['0.6,0.2,0.2', '60/20/20 (research)'],
  ['0.7,0.15,0.15', '70/15/15'],
  ['0.8,0.1,0.1', '80/10/10'],
];

export function SplitPanel() {
  const split = useDataStore((s) => s.split);
  const classNames = useDataStore((s) => s.classNames);
  const setDataSetting = useDataStore((s) => s.setDataSetting);
  const data = useSettings((s) => s.config.data);
  const ratios = data.ratios.join(',');
  const preset = PRESETS.some(([v]) => v === ratios) ? ratios : 'custom';
  const sum = (c: number[]) => c.reduce((a, b) => a + b, 0);
  return (
    <section className="card" aria-labelledby="data-split-title">
      <h3 id="data-split-title">Split</h3>
      <div className="row">
        <label>
          Split recipe
          <select value={data.split} onChange={(e) => setDataSetting('split', e.target.value)}>
            <option value="random">random (research)</option>
            <option value="stratified">stratified by class</option>
            <option value="grouped">grouped by source (file or video)</option>
          </select>
        </label>
        <label>
          Shares
          <select
            value={preset}
            onChange={(e) => e.target.value !== 'custom' && setDataSetting('ratios', e.target.value)}
          >
            {PRESETS.map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
            <option value="custom">custom</option>
          </select>
        </label>
        <label>
          Custom shares (train,val,test)
          <input
            key={ratios}
            defaultValue={ratios}
            onBlur={(e) => e.target.value !== ratios && setDataSetting('ratios', e.target.value)}
          />
        </label>
        <label>
          Seed
          <input
            key={data.seed}
            type="number"
            min={0}
            className="data-num"
            defaultValue={data.seed}
            onBlur={(e) => Number(e.target.value) !== data.seed && setDataSetting('seed', e.target.value)}
          />
        </label>
        <label>
          Class ratio (e.g. 1:1)
          <input
            key={data.class_ratio}
            className="data-num"
            defaultValue={data.class_ratio}
            onBlur={(e) =>
              e.target.value !== data.class_ratio && setDataSetting('class_ratio', e.target.value)
            }
          />
        </label>
      </div>
      {split ? (
        <>
          <p data-testid="split-description">
            In use: <strong>{split.description}</strong>
            {split.dropped ? ` (${fmtInt(split.dropped)} crops left out by the class ratio)` : ''}
          </p>
          <table className="data-table" aria-label="Crops per split and class">
            <thead>
              <tr>
                <th scope="col">Split</th>
                {classNames.map((c) => (
                  <th key={c} scope="col">
                    {c}
                  </th>
                ))}
                <th scope="col">Total</th>
              </tr>
            </thead>
            <tbody>
              {(['train', 'val', 'test'] as const).map((k) => (
                <tr key={k}>
                  <th scope="row">{k === 'val' ? 'validation' : k}</th>
                  {classNames.map((c, i) => (
                    <td key={c}>{fmtInt(split.counts[k][i] ?? 0)}</td>
                  ))}
                  <td>{fmtInt(sum(split.counts[k]))}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {split.warnings.map((w) => (
            <p key={w} className="warn">
              {w}
            </p>
          ))}
        </>
      ) : (
        <p className="muted">Open crops to see the split.</p>
      )}
    </section>
  );
}
