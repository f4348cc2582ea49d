// Main-thread handle on the eval worker (inference and exports run there, never on the page's thread).
import { WorkerBridge } from '../bridge';
import type { EvalApi } from './api';

export const evalWorker = new WorkerBridge<EvalApi>(
  'eval',
  () => new Worker(new URL('./eval.worker.ts', import.meta.url), { type: 'module', name: 'eval' }),
);
