// Connects the features that make models (hyper-parameter search, label refinement) to the model registry:
// their best trial or retrained run becomes a registry version with the `candidate` alias. Kept apart so the
// registry and those features do not import each other.
import { setRegistryHook as setSearchHook } from './hpo-store';
import { setModelRegistrar } from './jobs-store';
import { setRegistryHook as setRefineHook } from './refine-store';
import { useRegistry } from './registry-store';

let connected = false;

export function connectRegistry(): void {
  if (connected) return;
  connected = true;
  setSearchHook(async (c) => {
    const reg = useRegistry.getState();
    const v = await reg.registerRun(c.runId, {
      checkpoint: c.checkpoint.name,
      datasetVersionId: c.datasetVersionId,
      trainedOn: `best trial ${c.trialNumber} of study ${c.studyName}`,
    });
    await reg.setCandidate(
      v.id,
      `best trial ${c.trialNumber} of study ${c.studyName} (value ${c.metrics.value.toFixed(4)})`,
    );
    return `model v${v.n} (candidate)`;
  });
  setRefineHook(async (c) => {
    const reg = useRegistry.getState();
    const v = await reg.registerRun(c.runId, {
      datasetVersionId: c.datasetVersionId,
      trainedOn: `refined dataset version ${c.datasetVersionId} (from ${c.parentVersionId})`,
      ...(c.test
        ? { metrics: { accuracy: c.test.acc, count: c.test.count, evaluationId: c.evaluationId } }
        : {}),
    });
    await reg.setCandidate(
      v.id,
      `retrained on refined dataset version ${c.datasetVersionId}`,
      c.evaluationId,
    );
    return `model v${v.n} registered as candidate`;
  });
  setModelRegistrar(async (m) => {
    const reg = useRegistry.getState();
    const v = await reg.registerExternal({
      ref: `job:${m.source.jobId}`,
      model: m.name,
      trainedOn: `${m.lineage} (dataset version ${m.datasetVersionId})`,
      datasetVersionId: m.datasetVersionId,
      accuracy: m.metrics.testAccuracy,
      count: m.metrics.testCount,
      training: {
        launcher: m.source.launcher,
        processes: m.source.processes,
        manifest: m.source.manifestDigest,
      },
    });
    await reg.setCandidate(v.id, `imported from job ${m.source.jobId}: ${m.lineage}`);
    return { versionId: v.id };
  });
}
