// Self-check of the worker layer, for when something long misbehaves: shows what works in this browser.
import { useState } from 'react';
import { checkWorkerLayer, type HealthCheck } from '../../../state/worker-health';

export function WorkerCheck() {
  const [results, setResults] = useState<HealthCheck[] | null>(null);
  const [running, setRunning] = useState(false);
  return (
    <section aria-labelledby="workers-title" className="card">
      <h3 id="workers-title">Workers</h3>
      <p className="muted">
        Heavy work runs in Web Workers. This check runs progress, cancel, transfer, error and crash recovery
        on the compute worker.
      </p>
      <button
        type="button"
        disabled={running}
        onClick={() => {
          setRunning(true);
          void checkWorkerLayer().then((r) => {
            setResults(r);
            setRunning(false);
          });
        }}
      >
        {running ? 'Checking…' : 'Check workers'}
      </button>
      {results ? (
        <table className="data" aria-label="Worker check results">
          <tbody>
            {results.map((r) => (
              <tr key={r.name} data-testid={`worker-check-${r.name.split(' ')[0]}`}>
                <th scope="row">{r.name}</th>
                <td>{r.ok ? 'ok' : 'FAILED'}</td>
                <td>{r.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
