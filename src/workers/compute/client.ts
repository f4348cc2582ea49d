// Main-thread handle on the compute worker.
import { WorkerBridge } from '../bridge';
import type { ComputeApi } from './api';

export const computeWorker = new WorkerBridge<ComputeApi>(
  'compute',
  () => new Worker(new URL('./compute.worker.ts', import.meta.url), { type: 'module', name: 'compute' }),
);
