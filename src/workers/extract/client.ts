// Main-thread handles on the extraction workers: the first one (probe, inspect, single-worker runs) and up to
// MAX_EXTRACT_WORKERS more started on demand when a video is shared between workers (see parallel.ts).
import { WorkerBridge } from '../bridge';
import type { ExtractApi } from './api';

export const MAX_EXTRACT_WORKERS = 4;

const create = (name: string) =>
  new WorkerBridge<ExtractApi>(
    name,
    () => new Worker(new URL('./extract.worker.ts', import.meta.url), { type: 'module', name }),
  );

export const extractWorker = create('extract');

const pool: WorkerBridge<ExtractApi>[] = [extractWorker];

/** The first `n` extraction workers (created on first use; each starts its Worker on its first call). */
export function extractWorkers(n: number): WorkerBridge<ExtractApi>[] {
  const want = Math.max(1, Math.min(n, MAX_EXTRACT_WORKERS));
  while (pool.length < want) pool.push(create(`extract-${pool.length + 1}`));
  return pool.slice(0, want);
}

/** Every extraction worker created so far (to pause or resume all of them). */
export function startedExtractWorkers(): readonly WorkerBridge<ExtractApi>[] {
  return pool;
}
