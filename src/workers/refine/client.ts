// Main-thread handle on the refine worker (UMAP, PCA, descriptors, kNN, clusters).
import { WorkerBridge } from '../bridge';
import type { RefineApi } from './api';

export const refineWorker = new WorkerBridge<RefineApi>(
  'refine',
  () => new Worker(new URL('./refine.worker.ts', import.meta.url), { type: 'module', name: 'refine' }),
);
