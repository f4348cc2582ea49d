// TensorFlow.js backends for the compute workers: registers webgpu, webgl, wasm and cpu, points the wasm
// backend at the .wasm files shipped with the build (never fetched from a CDN), and switches between them.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { BackendName } from '../../core/backends/backends';

let wasmPathsSet = false;

function configureWasm(): void {
  if (wasmPathsSet) return;
  // Threads need SharedArrayBuffer, i.e. a cross-origin isolated page; otherwise tfjs picks the SIMD build.
  setWasmPaths(
    {
      'tfjs-backend-wasm.wasm': new URL(wasmPlainUrl, self.location.href).href,
      'tfjs-backend-wasm-simd.wasm': new URL(wasmSimdUrl, self.location.href).href,
      'tfjs-backend-wasm-threaded-simd.wasm': new URL(wasmThreadedUrl, self.location.href).href,
    },
    true,
  );
  wasmPathsSet = true;
}

export class BackendUnavailableError extends Error {
  constructor(
    readonly backend: BackendName,
    detail: string,
  ) {
    super(`The ${backend} backend is not available in this browser: ${detail}`);
    this.name = 'BackendUnavailableError';
  }
}

/** Make `name` the active tfjs backend (initialising it once). Throws BackendUnavailableError if it can't start. */
export async function initTfBackend(name: BackendName): Promise<void> {
  if (name === 'wasm') configureWasm();
  if (tf.getBackend() === name) return;
  let ok = false;
  try {
    ok = await tf.setBackend(name);
    await tf.ready();
  } catch (e) {
    throw new BackendUnavailableError(name, e instanceof Error ? e.message : String(e));
  }
  if (!ok || tf.getBackend() !== name) {
    throw new BackendUnavailableError(name, 'initialisation failed (see the browser console for the reason)');
  }
}

export { tf };
