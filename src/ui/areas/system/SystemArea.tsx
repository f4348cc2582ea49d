// System area: what the browser offers for compute (with a correctness check per backend), the backend
// choice, and the studio configuration with dotted overrides.
import {
  BACKENDS,
  describeBackend,
  resolveBackend,
  type BackendChoice,
} from '../../../core/backends/backends';
import { useSettings } from '../../../state/settings-store';
import { ConfigPanel } from './ConfigPanel';
import { WorkerCheck } from './WorkerCheck';

export function SystemArea() {
  const caps = useSettings((s) => s.capabilities);
  const detecting = useSettings((s) => s.detecting);
  const detectError = useSettings((s) => s.detectError);
  const detect = useSettings((s) => s.detect);
  const choice = useSettings((s) => s.backendChoice);
  const setChoice = useSettings((s) => s.setBackendChoice);
  const smoke = useSettings((s) => s.smoke);
  const runSmokeTests = useSettings((s) => s.runSmokeTests);
  const active = caps ? resolveBackend(caps, choice) : null;

  return (
    <section aria-labelledby="system-title" className="area">
      <h2 id="system-title">System</h2>
      <div className="grid-2">
        <section aria-labelledby="caps-title" className="card">
          <h3 id="caps-title">Compute in this browser</h3>
          {detectError ? <p role="alert">Detection failed: {detectError}</p> : null}
          {caps === null ? (
            <p>{detecting ? 'Detecting…' : 'Not detected yet.'}</p>
          ) : (
            <table className="kv" aria-label="Detected capabilities">
              <tbody>
                <tr>
                  <th scope="row">WebGPU</th>
                  <td data-testid="cap-webgpu">{describeBackend(caps, 'webgpu')}</td>
                </tr>
                <tr>
                  <th scope="row">WebGL2</th>
                  <td data-testid="cap-webgl">{describeBackend(caps, 'webgl')}</td>
                </tr>
                <tr>
                  <th scope="row">WebAssembly</th>
                  <td data-testid="cap-wasm">{describeBackend(caps, 'wasm')}</td>
                </tr>
                <tr>
                  <th scope="row">Cross-origin isolated</th>
                  <td>{caps.crossOriginIsolated ? 'yes (WASM threads possible)' : 'no'}</td>
                </tr>
                <tr>
                  <th scope="row">CPU cores</th>
                  <td>{caps.hardwareConcurrency}</td>
                </tr>
                <tr>
                  <th scope="row">WebCodecs</th>
                  <td>{caps.webcodecs ? 'yes' : 'no (video extraction needs Chrome, Edge or Safari 17+)'}</td>
                </tr>
              </tbody>
            </table>
          )}
          <button type="button" onClick={() => void detect()} disabled={detecting}>
            Detect again
          </button>
        </section>

        <section aria-labelledby="backend-title" className="card">
          <h3 id="backend-title">Backend for training</h3>
          <fieldset>
            <legend>Use</legend>
            {(['auto', ...BACKENDS] as BackendChoice[]).map((b) => (
              <label key={b} className="radio">
                <input
                  type="radio"
                  name="backend"
                  value={b}
                  checked={choice === b}
                  onChange={() => setChoice(b)}
                />
                {b === 'auto' ? 'Best available' : b}
              </label>
            ))}
          </fieldset>
          {active ? (
            <p data-testid="active-backend">
              Training will use <strong>{active.backend}</strong>
              {active.fellBack ? ` (${choice} is not available here)` : ''}.
            </p>
          ) : null}
          <button type="button" onClick={() => void runSmokeTests()} disabled={caps === null}>
            Check backends
          </button>
          {smoke.length > 0 ? (
            <table className="data" aria-label="Backend check results">
              <thead>
                <tr>
                  <th scope="col">Backend</th>
                  <th scope="col">Result</th>
                  <th scope="col">Max error</th>
                  <th scope="col">Time</th>
                </tr>
              </thead>
              <tbody>
                {smoke.map((r) => (
                  <tr key={r.backend} data-testid={`smoke-${r.backend}`}>
                    <td>{r.backend}</td>
                    <td>{r.ok ? 'correct' : `failed${r.error ? `: ${r.error}` : ''}`}</td>
                    <td>{Number.isFinite(r.maxAbsDiff) ? r.maxAbsDiff.toExponential(1) : '–'}</td>
                    <td>{r.ms.toFixed(0)} ms</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </section>
      </div>
      <ConfigPanel />
      <WorkerCheck />
    </section>
  );
}
