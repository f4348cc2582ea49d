// Main-thread handle on the images worker (decoding and training of labelled image sets).
import { WorkerBridge } from '../bridge';
import type { ImagesApi } from './api';

export const imagesWorker = new WorkerBridge<ImagesApi>(
  'images',
  () => new Worker(new URL('./images.worker.ts', import.meta.url), { type: 'module', name: 'images' }),
);
