// Main-thread handle on the extraction worker.
import { WorkerBridge } from '../bridge';
import type { ExtractApi } from './api';

export const extractWorker = new WorkerBridge<ExtractApi>(
  'extract',
  () => new Worker(new URL('./extract.worker.ts', import.meta.url), { type: 'module', name: 'extract' }),
);
