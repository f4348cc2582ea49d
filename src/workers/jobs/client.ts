// Main-thread handle on the jobs worker (ONNX evaluation of imported job results runs there).
import { WorkerBridge } from '../bridge';
import type { JobsApi } from './api';

export const jobsWorker = new WorkerBridge<JobsApi>(
  'jobs',
  () => new Worker(new URL('./jobs.worker.ts', import.meta.url), { type: 'module', name: 'jobs' }),
);
