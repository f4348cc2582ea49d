// Main-thread handles on the train worker: the studio's one training worker, and fresh ones for benches
// (a tfjs instance holds one active backend, so each backend under test gets its own worker).
import { WorkerBridge } from '../bridge';
import type { TrainApi } from './api';

export function createTrainWorker(name = 'train'): WorkerBridge<TrainApi> {
  return new WorkerBridge<TrainApi>(
    name,
    () => new Worker(new URL('./train.worker.ts', import.meta.url), { type: 'module', name }),
  );
}

export const trainWorker = createTrainWorker();
