// Header badge: the compute backend in use, with a quick switch.
import { BACKENDS, resolveBackend, type BackendChoice } from '../../core/backends/backends';
import { useSettings } from '../../state/settings-store';

export function BackendBadge() {
  const choice = useSettings((s) => s.backendChoice);
  const setChoice = useSettings((s) => s.setBackendChoice);
  const caps = useSettings((s) => s.capabilities);
  const active = caps ? resolveBackend(caps, choice) : null;
  return (
    <div className="backend-badge">
      <label htmlFor="backend-choice">Compute backend</label>
      <select id="backend-choice" value={choice} onChange={(e) => setChoice(e.target.value as BackendChoice)}>
        <option value="auto">Auto{active && choice === 'auto' ? ` (${active.backend})` : ''}</option>
        {BACKENDS.map((b) => (
          <option key={b} value={b}>
            {b}
          </option>
        ))}
      </select>
      {caps === null ? <span className="muted">detecting…</span> : null}
      {active?.fellBack ? (
        <span className="warn" role="status">
          {choice} unavailable, using {active.backend}
        </span>
      ) : null}
    </div>
  );
}
