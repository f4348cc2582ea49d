// The trials of the study: state, value, parameters, the pruning decision or failure; brushed trials are
// highlighted, a click picks a trial's curve.
import type { SearchSpace } from '../../../core/hpo/space';
import type { Trial } from '../../../core/hpo/study';

const fmt = (v: unknown) =>
  typeof v === 'number'
    ? Math.abs(v) < 1e-2 && v !== 0
      ? v.toExponential(2)
      : String(Number(v.toPrecision(4)))
    : String(v);

interface Props {
  trials: Trial[];
  space: SearchSpace;
  selected: Set<number>;
  brushing: boolean;
  best: number | null;
  picked: number | null;
  onPick(n: number | null): void;
}

export function TrialTable({ trials, space, selected, brushing, best, picked, onPick }: Props) {
  const keys = Object.keys(space);
  return (
    <div className="card search-table-wrap">
      <table className="search-table" aria-label="Trials">
        <thead>
          <tr>
            <th>#</th>
            <th>state</th>
            <th>value</th>
            <th>epochs</th>
            {keys.map((k) => (
              <th key={k}>{k.replace(/^training\./, '')}</th>
            ))}
            <th>note</th>
          </tr>
        </thead>
        <tbody>
          {[...trials]
            .sort((a, b) => a.number - b.number)
            .map((t) => (
              <tr
                key={t.number}
                data-testid={`trial-row-${t.number}`}
                data-state={t.state}
                aria-selected={picked === t.number}
                className={[
                  brushing && selected.has(t.number) ? 'brushed' : '',
                  best === t.number ? 'best' : '',
                  picked === t.number ? 'picked' : '',
                ].join(' ')}
                onClick={() => onPick(picked === t.number ? null : t.number)}
              >
                <td>{t.number}</td>
                <td data-testid="trial-state">{t.state}</td>
                <td>{t.value === null ? '—' : t.value.toFixed(4)}</td>
                <td>{t.intermediate.length}</td>
                {keys.map((k) => (
                  <td key={k}>{t.params[k] === undefined ? '—' : fmt(t.params[k])}</td>
                ))}
                <td className="search-note">{t.note}</td>
              </tr>
            ))}
        </tbody>
      </table>
    </div>
  );
}
