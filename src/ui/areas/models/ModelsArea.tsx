// Models area: the model registry (versions, aliases, history, "production at", rollback, lineage) and the
// incremental-learning pipeline that feeds it.
import { useEffect } from 'react';
import { useIncremental } from '../../../state/incremental-store';
import { notifyError } from '../../../state/notices-store';
import { useRegistry } from '../../../state/registry-store';
import { useRuns } from '../../../state/runs-store';
import { AliasHistory } from './AliasHistory';
import { IncrementalPanel } from './IncrementalPanel';
import { IncrementalReport } from './IncrementalReport';
import { LineagePanel } from './LineagePanel';
import { VersionsPanel } from './VersionsPanel';
import './models.css';

export function ModelsArea() {
  const loaded = useRegistry((s) => s.loaded);
  const pipelinesLoaded = useIncremental((s) => s.loaded);
  const runsLoaded = useRuns((s) => s.loaded);
  useEffect(() => {
    const fail = (what: string) => (e: unknown) =>
      notifyError(`${what} could not be read`, e instanceof Error ? e.message : String(e));
    if (!loaded) useRegistry.getState().load().catch(fail('The model registry'));
    if (!pipelinesLoaded) useIncremental.getState().load().catch(fail('The pipelines'));
    if (!runsLoaded) useRuns.getState().load().catch(fail('The run history'));
  }, [loaded, pipelinesLoaded, runsLoaded]);
  return (
    <section aria-labelledby="models-title" className="area">
      <h2 id="models-title">Models</h2>
      <VersionsPanel />
      <div className="grid-2 models-section">
        <AliasHistory />
        <LineagePanel />
      </div>
      <IncrementalPanel />
      <IncrementalReport />
    </section>
  );
}
