// Main-thread handle on the synth worker.
import { WorkerBridge } from '../bridge';
import type { SynthApi } from './api';

export const synthWorker = new WorkerBridge<SynthApi>(
  'synth',
  () => new Worker(new URL('./synth.worker.ts', import.meta.url), { type: 'module', name: 'synth' }),
);
