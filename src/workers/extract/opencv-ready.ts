// Waiting for an opencv.js module's runtime without ever awaiting the module itself: the emscripten module is
// a "thenable" (it has a `then`), so making it the resolved value of a promise or an async function chains
// forever. It is always handed out wrapped: `{ cv }`. This file does not import opencv.js, so tests can use it.
import type * as OpenCvModule from '@techstark/opencv-js';

export type OpenCv = typeof OpenCvModule;

export function whenReady(module: unknown): Promise<{ cv: OpenCv }> {
  const cv = module as OpenCv & { onRuntimeInitialized?: () => void };
  return new Promise((resolve) => {
    if (typeof (cv as { Mat?: unknown }).Mat === 'function') resolve({ cv });
    else cv.onRuntimeInitialized = () => resolve({ cv });
  });
}
