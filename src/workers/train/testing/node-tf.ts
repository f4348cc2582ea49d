// Node-side tfjs setup for Vitest: the real wasm backend loaded from node_modules (no browser, no fetch).
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

let wasmConfigured = false;

export async function startNodeBackend(name: 'cpu' | 'wasm'): Promise<void> {
  if (name === 'wasm' && !wasmConfigured) {
    const dir = new URL('../../../../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url);
    setWasmPaths(decodeURIComponent(dir.pathname));
    wasmConfigured = true;
  }
  if (tf.getBackend() === name) return;
  const ok = await tf.setBackend(name);
  await tf.ready();
  if (!ok) throw new Error(`tfjs backend ${name} failed to start in Node`);
}

/** The earlier name, still used by the eval worker's tests. */
export const useNodeBackend = startNodeBackend;
