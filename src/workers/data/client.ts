// Main-thread handle on the data worker.
import { WorkerBridge } from '../bridge';
import type { DataApi } from './api';

export const dataWorker = new WorkerBridge<DataApi>(
  'data',
  () => new Worker(new URL('./data.worker.ts', import.meta.url), { type: 'module', name: 'data' }),
);
