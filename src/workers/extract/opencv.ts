// Loads the bundled opencv.js (the 11 MB single-file build with the wasm inlined, shipped with the app, never
// fetched from the internet) once per worker. A static import on purpose: `await import(...)` would resolve to
// a namespace that carries the module's `then` (see opencv-ready.ts). Vitest cannot import this file for the
// same reason (its CJS interop awaits the default export): tests load opencv.js with Node's `require`.
import cvModule from '@techstark/opencv-js';
import { whenReady, type OpenCv } from './opencv-ready';

let loading: Promise<{ cv: OpenCv }> | null = null;

export function loadOpenCv(): Promise<{ cv: OpenCv }> {
  loading ??= whenReady(cvModule);
  return loading;
}
