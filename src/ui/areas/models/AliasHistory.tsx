// Every alias move in order (time, alias, version, reason, evaluation), and the answer to "which version was
// production at <time>".
import { useState } from 'react';
import { aliasHistory } from '../../../core/registry/registry';
import { useRegistry } from '../../../state/registry-store';
import { when } from './format';

/** A time typed by the user: ISO (`2026-11-27T12:40:05.120Z`), or local `2026-11-27 12:40:05`. */
export function parseTime(text: string): number | null {
  const t = text.trim();
  if (!t) return null;
  const ms = Date.parse(t.includes('T') || /Z|[+-]\d\d:?\d\d$/.test(t) ? t : t.replace(' ', 'T'));
  return Number.isFinite(ms) ? ms : null;
}

export function AliasHistory() {
  const versions = useRegistry((s) => s.versions);
  const events = useRegistry((s) => s.events);
  const productionAt = useRegistry((s) => s.productionAt);
  const [text, setText] = useState('');
  const t = parseTime(text);
  const nOf = (id: string | null) => versions.find((v) => v.id === id)?.n;
  const answer = t === null ? null : productionAt(t);
  return (
    <section className="card" aria-labelledby="alias-history-title">
      <h3 id="alias-history-title">Alias history</h3>
      <div className="row">
        <label className="grow">
          Production at{' '}
          <input
            aria-label="Production at time"
            placeholder="2026-11-27 12:40:05 (local) or ISO time"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </label>
      </div>
      <p role="status" data-testid="production-at-result">
        {text.trim() === ''
          ? 'Type a date and time to see which version was in production then.'
          : t === null
            ? `"${text}" is not a date and time: write it as 2026-11-27 12:40:05.`
            : answer
              ? `At ${when(t)} production was version ${answer.n} (${answer.card.model}, accuracy ${answer.metrics.accuracy === null ? '—' : (answer.metrics.accuracy * 100).toFixed(2) + '%'}).`
              : `At ${when(t)} no version was in production.`}
      </p>
      {events.length === 0 ? (
        <p className="muted">No alias has moved yet.</p>
      ) : (
        <div className="table-scroll" style={{ maxHeight: '18rem', overflow: 'auto' }}>
          <table className="models-table" aria-label="Alias moves">
            <thead>
              <tr>
                <th>Time</th>
                <th>Alias</th>
                <th>Version</th>
                <th>Reason</th>
              </tr>
            </thead>
            <tbody>
              {aliasHistory(events)
                .reverse()
                .map((e) => (
                  <tr key={e.id} data-at={e.at} data-alias={e.alias} data-version={nOf(e.versionId) ?? ''}>
                    <td>{when(e.at)}</td>
                    <td>
                      <span className={`alias-badge alias-${e.alias}`}>{e.alias}</span>
                    </td>
                    <td>{e.versionId === null ? 'cleared' : `v${nOf(e.versionId) ?? '?'}`}</td>
                    <td className="report-reason" title={e.evaluationId ?? ''}>
                      {e.reason}
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
